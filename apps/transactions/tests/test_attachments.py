"""Receipts and invoices kept with an entry (services.attachments, attachment_views): what a
file is comes from its bytes; another customer's entry or file is 404; a file goes with its
entry, in the database."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from apps.transactions import services
from apps.transactions.models import ATTACHMENT_MAX_BYTES, Attachment, Transaction
from apps.transactions.selectors import receipt_counts
from tests.factories import UserFactory, account, default_category, expense, transfer
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db
D = Decimal
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def entry(user):
    checking = account(user, opening="500.00", opened_on=date(2025, 1, 1))
    return expense(checking, "42.00", on=date(2025, 3, 10), description="Hardware store")


def upload(client, entry, name, data, content_type="application/octet-stream"):
    return client.post(reverse("transactions:attachment_upload", kwargs={"pk": entry.pk}),
                       {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def edit_page(client, entry) -> str:
    return client.get(reverse("transactions:update", kwargs={"pk": entry.pk})).content.decode()


def test_a_receipt_is_kept_listed_and_downloaded(logged_in, entry):
    response = upload(logged_in, entry, "../../etc/receipt 03.pdf", PDF, "text/plain")
    assert response.status_code == 302
    assert response["Location"] == reverse("transactions:update", kwargs={"pk": entry.pk}) + "#receipts"
    assert messages_of(response) == ["“receipt 03.pdf” is kept with this entry."]
    kept = Attachment.objects.get()
    # The type is read from the bytes, not from the browser's word or the name; no folders in the name.
    assert (kept.name, kept.content_type, kept.size, kept.transaction_id) == ("receipt 03.pdf", "application/pdf",
                                                                              len(PDF), entry.pk)
    upload(logged_in, entry, "photo.jpg", png(), "image/jpeg")  # a PNG named .jpg is kept as a PNG
    assert Attachment.objects.order_by("pk").last().content_type == "image/png"
    page = edit_page(logged_in, entry)
    assert "receipt 03.pdf" in page and "PDF ·" in page and "PNG ·" in page
    with CaptureQueriesContext(connection) as queries:
        response = logged_in.get(reverse("transactions:attachment", kwargs={"pk": kept.pk}))
    assert response.status_code == 200 and len(queries) == 3  # session, user, the file
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt 03.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("invoice.pdf", b"MZ\x90\x00 this is a program", "this file is none of those"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "this file is none of those"),
    ("notes.txt", b"just some text", "this file is none of those"),
    ("empty.pdf", b"", "The file is empty."),
])
def test_what_is_not_a_receipt_is_refused_and_nothing_is_kept(logged_in, entry, name, data, message):
    response = upload(logged_in, entry, name, data)
    assert response.status_code == 302
    assert message in " ".join(messages_of(response))
    assert not Attachment.objects.exists()


def test_a_file_too_large_stops_at_the_limit_and_six_files_are_one_too_many(logged_in, entry):
    response = upload(logged_in, entry, "huge.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES)
    assert messages_of(response) == ["This file is larger than 5 MB."]
    assert not Attachment.objects.exists()
    for n in range(5):
        upload(logged_in, entry, f"r{n}.pdf", PDF)
    response = upload(logged_in, entry, "r5.pdf", PDF)
    assert messages_of(response)[-1] == "An entry keeps at most 5 files: delete one first."
    assert Attachment.objects.count() == 5
    assert 'name="file"' not in edit_page(logged_in, entry)  # no form once full


def test_another_customers_entry_and_files_answer_404(client, logged_in, entry):
    services.attachment_add(user=entry.owner, transaction_id=entry.pk, name="mine.pdf", data=PDF)
    kept = Attachment.objects.get()
    stranger = UserFactory()
    client.force_login(stranger)
    assert upload(client, entry, "theirs.pdf", PDF).status_code == 404
    assert client.get(reverse("transactions:attachment", kwargs={"pk": kept.pk})).status_code == 404
    assert client.get(reverse("transactions:attachment_delete", kwargs={"pk": kept.pk})).status_code == 404
    assert client.post(reverse("transactions:attachment_delete", kwargs={"pk": kept.pk})).status_code == 404
    assert list(Attachment.objects.values_list("name", flat=True)) == ["mine.pdf"]


def test_deleting_a_file_asks_first(logged_in, entry):
    services.attachment_add(user=entry.owner, transaction_id=entry.pk, name="old.pdf", data=PDF)
    kept = Attachment.objects.get()
    url = reverse("transactions:attachment_delete", kwargs={"pk": kept.pk})
    page = logged_in.get(url).content.decode()
    assert "Delete “old.pdf”?" in page and "The entry stays" in page
    response = logged_in.post(url)
    assert messages_of(response) == ["“old.pdf” deleted."]
    assert not Attachment.objects.exists()
    assert Transaction.objects.filter(pk=entry.pk).exists()


def test_a_transfer_and_a_split_entry_keep_their_files_on_their_first_row(logged_in, user, entry):
    checking = entry.account
    savings = account(user, "Savings", opened_on=date(2025, 1, 1))
    out_leg = transfer(checking, savings, "10.00", on=date(2025, 3, 11))
    in_leg = Transaction.objects.get(transfer_id=out_leg.transfer_id, kind="transfer_in")
    upload(logged_in, in_leg, "transfer.pdf", PDF)
    assert Attachment.objects.get(name="transfer.pdf").transaction_id == min(out_leg.pk, in_leg.pk)
    assert "transfer.pdf" in edit_page(logged_in, out_leg) and "transfer.pdf" in edit_page(logged_in, in_leg)

    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("30.00"), entry.category), (D("12.00"), default_category("household"))])
    upload(logged_in, parts[1], "till.png", png())
    assert Attachment.objects.get(name="till.png").transaction_id == entry.pk
    services.entry_split(user=user, transaction_id=parts[1].pk, parts=[(D("42.00"), entry.category)])  # joined
    assert "till.png" in edit_page(logged_in, entry)


def test_a_file_goes_with_its_entry_in_the_database(logged_in, user, entry):
    services.attachment_add(user=user, transaction_id=entry.pk, name="a.pdf", data=PDF)
    delete_page = logged_in.get(reverse("transactions:delete", kwargs={"pk": entry.pk})).content.decode()
    assert "The file kept with it is deleted too." in delete_page
    services.transaction_delete(user=user, transaction_id=entry.pk)
    assert not Attachment.objects.exists()
    other = expense(entry.account, "5.00", on=date(2025, 3, 12))
    services.attachment_add(user=user, transaction_id=other.pk, name="b.pdf", data=PDF)
    services.entries_delete(user=user, transaction_ids=[other.pk])  # the bulk action and an import's undo
    assert not Attachment.objects.exists()
    with connection.cursor() as cursor:  # the rule is the database's own
        cursor.execute("SELECT confdeltype FROM pg_constraint WHERE conname = 'transactions_attachment_transaction_fk'")
        assert cursor.fetchone() == ("c",)


def test_no_file_and_a_name_with_quotes_and_accents(logged_in, user, entry):
    response = logged_in.post(reverse("transactions:attachment_upload", kwargs={"pk": entry.pk}), {})
    assert messages_of(response) == ["Choose a file to keep."]
    assert logged_in.get(reverse("transactions:attachment_upload", kwargs={"pk": entry.pk})).status_code == 405
    kept = services.attachment_add(user=user, transaction_id=entry.pk, name='C:\\Scans\\Quittung "März"\r\n.pdf',
                                   data=PDF)
    assert kept.name == 'Quittung "März".pdf'  # no folders, no control characters
    response = logged_in.get(reverse("transactions:attachment", kwargs={"pk": kept.pk}))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Quittung%20%22M%C3%A4rz%22.pdf"


def test_the_list_marks_each_entry_with_receipts_and_links_to_them(logged_in, user, entry):
    """A paperclip on the list (and an account's page) for every line whose entry keeps files:
    a transfer's lines and a split entry's parts each, the count said to screen readers; one
    query for the whole page."""
    checking = entry.account
    savings = account(user, "Savings", opened_on=date(2025, 1, 1))
    plain = expense(checking, "5.00", on=date(2025, 3, 9), description="Nothing kept")
    out_leg = transfer(checking, savings, "10.00", on=date(2025, 3, 11))
    in_leg = Transaction.objects.get(transfer_id=out_leg.transfer_id, kind="transfer_in")
    upload(logged_in, in_leg, "transfer.pdf", PDF)
    upload(logged_in, entry, "till.pdf", PDF)
    upload(logged_in, entry, "till.png", png())
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("30.00"), entry.category), (D("12.00"), default_category("household"))])
    expense(account(UserFactory(), opened_on=date(2025, 1, 1), opening="50.00"), "1.00", on=date(2025, 3, 9))

    def marks(path):
        html = logged_in.get(path).content.decode()
        return dict(re.findall(r'href="/transactions/(\d+)/edit/#receipts"[^>]*data-receipts="(\d+)"', html))

    # One line per transfer on the list; the two parts of the split entry are two lines.
    assert marks(reverse("transactions:list")) == {
        str(parts[0].pk): "2", str(parts[1].pk): "2", str(out_leg.pk): "1"}
    # An account's page shows its own leg of the transfer.
    assert marks(reverse("accounts:detail", kwargs={"pk": savings.pk})) == {str(in_leg.pk): "1"}
    html = logged_in.get(reverse("transactions:list")).content.decode()
    assert '<span class="visually-hidden">Receipts kept: 2</span>' in html

    rows = list(Transaction.objects.filter(owner=user).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        counts = receipt_counts(rows)
    assert len(queries) == 1
    assert counts == {parts[0].pk: 2, parts[1].pk: 2, out_leg.pk: 1, in_leg.pk: 1}
    assert plain.pk not in counts
    assert receipt_counts([]) == {}


def test_the_list_filters_entries_with_and_without_receipts(logged_in, user, entry):
    """"With receipts" lists the lines the paperclip marks (a transfer's line and a split
    entry's parts by the files of their first row); "without" the others; the totals, the
    count and the CSV export follow; a value the list does not offer is an error on the form."""
    checking = entry.account
    savings = account(user, "Savings", opened_on=date(2025, 1, 1))
    plain = expense(checking, "5.00", on=date(2025, 3, 9), description="Nothing kept")
    out_leg = transfer(checking, savings, "10.00", on=date(2025, 3, 11))
    in_leg = Transaction.objects.get(transfer_id=out_leg.transfer_id, kind="transfer_in")
    upload(logged_in, in_leg, "transfer.pdf", PDF)  # kept on the first row, the outgoing leg
    upload(logged_in, entry, "till.pdf", PDF)
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("30.00"), entry.category), (D("12.00"), default_category("household"))])
    # Another customer's files say nothing of this customer's entries.
    stranger = UserFactory()
    theirs = expense(account(stranger, opened_on=date(2025, 1, 1), opening="50.00"), "1.00", on=date(2025, 3, 9))
    services.attachment_add(user=stranger, transaction_id=theirs.pk, name="x.pdf", data=PDF)

    def listed(query):
        html = logged_in.get(reverse("transactions:list") + query).content.decode()
        return {int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', html)}, html

    with_receipts, html = listed("?receipts=with")
    assert with_receipts == {parts[0].pk, parts[1].pk, out_leg.pk}
    assert "3 transactions" in html
    assert '<option value="with" selected>With receipts</option>' in html
    without, html = listed("?receipts=without")
    openings = set(Transaction.objects.filter(owner=user, kind="opening").values_list("pk", flat=True))
    assert without == {plain.pk} | openings
    assert theirs.pk not in without
    # On one account a transfer's incoming leg is its own line, and has the files too.
    assert listed(f"?receipts=with&account={savings.pk}")[0] == {in_leg.pk}
    # With the kind: the expenses still without a receipt.
    assert listed("?receipts=without&kind=expense")[0] == {plain.pk}
    # Every line of the list is in exactly one of the two, as the paperclip marks it.
    everything = listed("")[0]
    assert with_receipts | without == everything and not with_receipts & without
    rows = list(Transaction.objects.filter(pk__in=everything))
    assert set(receipt_counts(rows)) & everything == with_receipts

    response = logged_in.get(reverse("transactions:export_csv") + "?receipts=with")
    body = b"".join(response.streaming_content).decode()
    # The export writes both legs of a transfer.
    assert sorted((row["date"], row["kind"], row["amount"]) for row in csv.DictReader(io.StringIO(body))) == [
        ("2025-03-10", "Expense", "-12.00"), ("2025-03-10", "Expense", "-30.00"),
        ("2025-03-11", "Transfer in", "10.00"), ("2025-03-11", "Transfer out", "-10.00")]

    response = logged_in.get(reverse("transactions:list") + "?receipts=maybe")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice. maybe is not one of the available choices." in html
    assert 'aria-invalid="true"' in html
