"""The preview's finer points: rules, ambiguous dates, pages of a big file, cancel, one audit event."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.imports.models import ImportBatch, ImportRow
from apps.rules import services as rule_services
from apps.transactions.models import Transaction
from tests.factories import AccountFactory, CategoryFactory, default_category

pytestmark = pytest.mark.django_db
D = Decimal
START = reverse("imports:start")


def upload(client, name, data, **fields):
    return client.post(START, {"file": SimpleUploadedFile(name, data), "date_format": "auto", **fields})


@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=D("1000.00"))


def test_rule_sets_category_and_payee_unless_the_customer_changed_it(logged_in, user, checking, read_file,
                                                                     frozen_now):
    fun = CategoryFactory(owner=user, name="fun")
    streaming = default_category("entertainment")
    # The customer's own rules, as saved on the rules page: the first that matches wins.
    rule_services.rule_create(user=user, name="Big spends", pattern="nothing like this", set_category=streaming)
    rule_services.rule_create(user=user, name="Streaming", field="description", pattern="netflix",
                              set_category=fun, set_payee="Netflix")
    rule_services.rule_create(user=user, name="Later rule", pattern="netflix", set_category=streaming)
    response = upload(logged_in, "money.qif", read_file("statement.qif"), account=checking.pk)
    batch = ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    rows = list(ImportRow.objects.filter(batch=batch).order_by("position"))
    assert (rows[0].category, rows[0].payee, rows[0].rule_name) == (fun, "Netflix", "Streaming")
    page = logged_in.get(response["Location"]).content.decode()
    assert "Rule: Streaming" in page
    # The customer's choice wins over the rule.
    url = reverse("imports:detail", args=[batch.pk])
    logged_in.post(url, {"action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows],
                         f"category_{rows[0].pk}": streaming.pk})
    entry = Transaction.objects.get(account=checking, amount=D("15.99"))
    assert (entry.category, entry.payee) == (streaming, "Netflix")
    # One ledger_changed for the whole batch: one money-movement event, plus the import's own.
    assert AuditEvent.objects.filter(action="money_movement", details__changes__0__transaction_id=entry.pk).count() \
        == 1
    assert AuditEvent.objects.filter(action="import_posted").count() == 1


def test_ambiguous_dates_ask_for_the_format(logged_in, checking, frozen_now):
    data = b"Date,Amount,Memo\n01/02/2025,-1.00,a\n03/04/2025,-2.00,b\n"
    response = upload(logged_in, "dates.csv", data, account=checking.pk)
    assert response["Location"].endswith("/columns/")
    response = logged_in.post(response["Location"], {"date": "0", "amount": "1", "description": "2",
                                                     "date_format": "auto", "decimal": "auto",
                                                     "statement_account": checking.pk})
    assert response.status_code == 400
    assert "more than one way" in response.content.decode()
    batch = ImportBatch.objects.get()
    logged_in.post(reverse("imports:columns", args=[batch.pk]), {
        "date": "0", "amount": "1", "description": "2", "date_format": "%d/%m/%Y", "decimal": "auto",
        "statement_account": checking.pk})
    assert [r.occurred_on.isoformat() for r in ImportRow.objects.filter(batch=batch).order_by("position")] == [
        "2025-02-01", "2025-04-03"]


def test_mapping_needs_a_date_and_an_amount(logged_in, checking):
    response = upload(logged_in, "x.csv", b"a,b\n1,2\n", account=checking.pk)
    response = logged_in.post(response["Location"], {"description": "0", "date_format": "auto", "decimal": "auto",
                                                     "statement_account": checking.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the column with the date." in page
    assert "Choose the column with the amount, or the debit and credit columns." in page


def test_pages_of_a_big_file_keep_their_ticks(logged_in, checking, frozen_now):
    lines = ["date,amount,description"] + [f"2025-10-{1 + i % 28:02d},-1.{i % 100:02d},item {i}" for i in range(120)]
    response = upload(logged_in, "big.csv", ("\n".join(lines) + "\n").encode(), account=checking.pk)
    logged_in.post(response["Location"], {"date": "0", "amount": "1", "description": "2", "date_format": "auto",
                                          "decimal": "auto", "statement_account": checking.pk})
    batch = ImportBatch.objects.get()
    url = reverse("imports:detail", args=[batch.pk])
    page = logged_in.get(url + "?page=3").content.decode()
    assert "Page 3 of 3" in page and "item 119" in page and "item 0<" not in page
    rows = list(ImportRow.objects.filter(batch=batch).order_by("position"))
    second = rows[50:100]
    response = logged_in.post(url, {"action": "save", "page": "2", "goto": "3", "row": [r.pk for r in second],
                                    "keep": [r.pk for r in second[1:]]})
    assert response["Location"].endswith("?page=3")
    logged_in.post(url, {"action": "confirm", "row": [], "keep": []})
    batch.refresh_from_db()
    assert (batch.status, batch.posted_count) == ("posted", 119)
    assert not Transaction.objects.filter(description="item 50").exists()


def test_cancel_writes_nothing(logged_in, checking, read_file, frozen_now):
    response = upload(logged_in, "money.qif", read_file("statement.qif"), account=checking.pk)
    batch = ImportBatch.objects.get()
    response = logged_in.post(response["Location"], {"action": "cancel"})
    batch.refresh_from_db()
    assert batch.status == "cancelled" and not batch.rows.exists() and batch.content is None
    assert Transaction.objects.filter(account=checking).count() == 1
    assert logged_in.post(reverse("imports:detail", args=[batch.pk]), {"action": "confirm"}).status_code == 302
    assert Transaction.objects.filter(account=checking).count() == 1


def test_qif_with_ambiguous_dates_asks_on_the_upload_form(logged_in, checking):
    data = b"!Type:Bank\nD01/02/2025\nT-1.00\nPA\n^\nD03/04/2025\nT-2.00\nPB\n^\n"
    response = upload(logged_in, "a.qif", data, account=checking.pk)
    assert response.status_code == 400
    assert "choose the date format" in response.content.decode()
    response = upload(logged_in, "a.qif", data, account=checking.pk, date_format="%d/%m/%Y")
    assert response.status_code == 302


def test_rows_that_reached_the_ledger_since_the_preview_are_not_posted_twice(logged_in, checking, read_file,
                                                                            frozen_now):
    first = upload(logged_in, "a.qif", read_file("statement.qif"), account=checking.pk)
    # The same rows in another file (a different hash), previewed before the first is confirmed.
    second = upload(logged_in, "b.qif", read_file("statement.qif") + b"\n", account=checking.pk)
    logged_in.post(first["Location"], {"action": "confirm", "row": [], "keep": []})
    assert Transaction.objects.filter(account=checking).count() == 4
    response = logged_in.post(second["Location"], {"action": "confirm", "row": [], "keep": []})
    page = logged_in.get(response["Location"]).content.decode()
    assert "Nothing was imported: lines 2, 8, 13 reached your transactions since the preview" in page
    batch = ImportBatch.objects.get(file_name="b.qif")
    assert {(r.outcome, r.selected) for r in batch.rows.all()} == {("duplicate", False)}
    assert Transaction.objects.filter(account=checking).count() == 4


def test_a_newest_first_statement_runs_its_balance_from_the_end(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, name="Empty", opening_balance=D("0.00"))
    # Newest first: the salary (oldest) pays for the rent (newest).
    data = b"Date,Description,Amount\n2025-10-20,Rent,-800.00\n2025-10-10,Coffee,-5.00\n2025-10-01,Salary,1000.00\n"
    response = upload(logged_in, "newest.csv", data, account=account.pk)
    logged_in.post(response["Location"], {"date": "0", "description": "1", "amount": "2", "date_format": "auto",
                                          "decimal": "auto", "statement_account": account.pk})
    batch = ImportBatch.objects.get()
    assert {r.outcome for r in batch.rows.all()} == {"new"}
    logged_in.post(reverse("imports:detail", args=[batch.pk]), {"action": "confirm", "row": [], "keep": []})
    batch.refresh_from_db()
    assert batch.status == "posted"
    assert list(Transaction.objects.filter(account=account).exclude(kind="opening").order_by("pk")
                .values_list("description", flat=True)) == ["Salary", "Coffee", "Rent"]
