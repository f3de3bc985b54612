"""The import pages end to end, against the real PostgreSQL: upload, mapping, preview, confirm,
undo, with the messy files in files/."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import Account
from apps.audit.models import AuditEvent
from apps.imports.models import ImportBatch, ImportedEntry, ImportRow, MappingProfile
from apps.transactions.models import Transaction
from apps.transactions.signals import ledger_changed
from tests.factories import AccountFactory, CategoryFactory, UserFactory, expense

pytestmark = pytest.mark.django_db
D = Decimal
START = reverse("imports:start")


def upload(client, name, data, **fields):
    return client.post(START, {"file": SimpleUploadedFile(name, data), "date_format": "auto", **fields})


def balance(account) -> Decimal:
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def rows_of(batch):
    return list(ImportRow.objects.filter(batch=batch).order_by("position"))


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1 if "columns" not in
                                                                                    response["Location"] else -2]))


def confirm(client, batch, **extra):
    rows = rows_of(batch)
    data = {"action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows if r.selected], **extra}
    return client.post(reverse("imports:detail", args=[batch.pk]), data)


@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Checking", number_last4="5678", opening_balance=D("1000.00"))


@pytest.fixture
def savings(user):
    return AccountFactory(owner=user, name="Savings", number_last4="9012", opening_balance=D("100.00"))


def test_csv_mapping_saved_and_offered_again_then_preview_and_confirm(logged_in, user, checking, read_file,
                                                                      frozen_now):
    response = upload(logged_in, "bank.csv", read_file("bom_semicolon.csv"), account=checking.pk)
    batch = batch_of(response)
    assert batch.status == "mapping" and response["Location"].endswith("/columns/")
    page = logged_in.get(response["Location"])
    assert "Gehalt Oktober" in page.content.decode()
    response = logged_in.post(response["Location"], {
        "date": "0", "description": "1", "amount": "2", "payee": "3", "date_format": "auto", "decimal": "auto",
        "statement_account": checking.pk, "profile_name": "My Bank"})
    assert response.status_code == 302
    profile = MappingProfile.objects.get(owner=user)
    assert profile.name == "My Bank" and profile.mapping == {"date": 0, "description": 1, "amount": 2, "payee": 3}
    rows = rows_of(batch)
    assert [(r.line, r.outcome, r.reason) for r in rows] == [
        (2, "new", ""), (3, "new", ""), (4, "new", ""), (5, "error", "31.09.2025 is not a date"),
        (6, "error", "abc is not an amount")]
    assert rows[1].payee == "Hausverwaltung Müller" and rows[1].category.name == "other"
    page = logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "31.09.2025 is not a date" in page and "abc is not an amount" in page
    response = confirm(logged_in, batch)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.posted_count) == ("posted", 3)
    assert balance(checking) == D("1000.00") + D("2500.00") - D("1234.56") - D("4.50")
    # The same header again: the saved mapping is used without asking, and the same file posts nothing new.
    response = upload(logged_in, "bank-again.csv", read_file("bom_semicolon.csv"), account=checking.pk)
    again = batch_of(response)
    assert again.status == "previewed" and again.mapping["profile"] == "My Bank"
    assert [r.outcome for r in rows_of(again)] == ["duplicate", "duplicate", "duplicate", "error", "error"]
    response = confirm(logged_in, again)
    assert "already imported" in logged_in.get(response["Location"]).content.decode()
    assert Transaction.objects.filter(account=checking).count() == 4
    assert balance(checking) == D("2260.94")


def test_quoted_file_html_payload_duplicate_inside_and_escaping(logged_in, checking, read_file, frozen_now):
    batch = batch_of(upload(logged_in, "quoted.csv", read_file("quoted.csv"), account=checking.pk))
    assert batch.status == "mapping"
    logged_in.post(reverse("imports:columns", args=[batch.pk]), {
        "date": "0", "description": "1", "payee": "2", "amount": "3", "external_id": "4", "date_format": "auto",
        "decimal": "auto", "statement_account": checking.pk})
    rows = rows_of(batch)
    assert [(r.line, r.outcome) for r in rows] == [
        (3, "new"), (4, "new"), (5, "new"), (8, "new"), (9, "error"), (10, "new"), (11, "duplicate")]
    assert rows[4].reason == "this line has 6 fields but the header has 5"
    assert rows[6].reason == "same account, date, amount and description as line 10"
    page = logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    confirm(logged_in, batch)
    entry = Transaction.objects.get(account=checking, description__startswith="<script>")
    assert entry.amount == D("2.00")
    listing = logged_in.get(reverse("transactions:list")).content.decode()
    assert "<script>alert('x')" not in listing


def test_original_format_multi_account_overdraft_rolls_back_the_whole_file(logged_in, user, checking, savings,
                                                                          read_file, frozen_now):
    data = read_file("original_multi.csv").decode().format(checking=checking.pk, savings=savings.pk).encode()
    batch = batch_of(upload(logged_in, "multi.csv", data))
    assert batch.status == "previewed"  # the original columns need no mapping
    rows = rows_of(batch)
    # Savings: 100 - 50 = 50, then - 80 would go to -30.
    assert [(r.account_id, r.outcome) for r in rows] == [
        (checking.pk, "new"), (savings.pk, "new"), (checking.pk, "new"), (savings.pk, "overdraw")]
    assert rows[3].reason == "the balance of Savings would go to −30.00 USD"
    before = Transaction.objects.count()
    response = confirm(logged_in, batch)
    page = logged_in.get(response["Location"]).content.decode()
    assert "Nothing was imported. Line 5: not enough money in “Savings”" in page
    assert Transaction.objects.count() == before
    assert (balance(checking), balance(savings)) == (D("1000.00"), D("100.00"))
    batch.refresh_from_db()
    assert batch.status == "previewed"
    # Untick the overdrawing row: the rest posts.
    response = logged_in.post(reverse("imports:detail", args=[batch.pk]), {
        "action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows[:3]]})
    assert (balance(checking), balance(savings)) == (D("1800.00"), D("50.00"))
    assert Transaction.objects.get(account=savings, kind="expense").category.name == "food"


def test_a_category_of_the_other_kind_is_said_on_its_row(logged_in, checking, frozen_now):
    data = ("account_id,amount,transaction_type,category,description,transaction_date\n"
            f"{checking.pk},10.00,income,food,Refund?,2025-10-01\n"
            f"{checking.pk},2.00,expense,salary,Odd,2025-10-01\n"
            f"{checking.pk},3.00,expense,food,Lunch,2025-10-01\n").encode()
    rows = rows_of(batch_of(upload(logged_in, "kinds.csv", data)))
    assert [(r.outcome, r.reason, r.selected) for r in rows] == [
        ("error", "“food” is a category for expense, and this row is income", False),
        ("error", "“salary” is a category for income, and this row is expense", False),
        ("new", "", True),
    ]


def test_unknown_category_and_another_customers_account_read_the_same(logged_in, checking, read_file, frozen_now):
    stranger = AccountFactory(owner=UserFactory(), name="Stranger", opening_balance=D("500.00"))
    data = ("account_id,amount,transaction_type,category,description,transaction_date\n"
            f"{stranger.pk},1.00,expense,food,Theirs,2025-10-01\n"
            "999999,1.00,expense,food,Nobody's,2025-10-01\n"
            f"{checking.pk},1.00,expense,nonsense,Mine,2025-10-01\n").encode()
    batch = batch_of(upload(logged_in, "probe.csv", data))
    reasons = [r.reason for r in rows_of(batch)]
    assert reasons == [f"no account named “{stranger.pk}”", "no account named “999999”", "no category named “nonsense”"]
    assert "Stranger" not in logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()


def test_ofx_repeated_fitid_check_and_reimport(logged_in, user, checking, read_file, frozen_now):
    # No account chosen: the statement's account number ends in 5678, like Checking's.
    batch = batch_of(upload(logged_in, "statement.ofx", read_file("statement_102.ofx")))
    assert batch.account == checking
    rows = rows_of(batch)
    assert [r.outcome for r in rows] == ["new", "new", "new", "duplicate"]
    assert rows[3].reason == "the bank's id 20251006-1 is also on line 3"
    assert rows[1].description == "Check 1042" and rows[1].amount == D("-250.00")
    # A duplicate by the bank's id cannot be ticked back in.
    confirm(logged_in, batch, keep=[r.pk for r in rows])
    batch.refresh_from_db()
    assert batch.posted_count == 3
    assert set(ImportedEntry.objects.filter(batch=batch).values_list("external_id", flat=True)) == {
        "20251001-1", "20251005-1", "20251006-1"}
    assert Transaction.objects.get(account=checking, amount=D("12.34")).payee == "Starbucks"
    # The same statement under another name: every row is already imported.
    again = batch_of(upload(logged_in, "renamed.qfx", read_file("statement_102.ofx") + b"\n"))
    assert {r.outcome for r in rows_of(again)} == {"duplicate"}
    assert all(r.reason.startswith("already imported") for r in rows_of(again))


def test_ofx2_credit_card(logged_in, user, read_file, frozen_now):
    from tests.factories import CreditCardFactory

    card = CreditCardFactory(owner=user, name="Card", number_last4="9876")
    batch = batch_of(upload(logged_in, "card.ofx", read_file("statement_v2.ofx"), account=card.pk))
    assert [r.outcome for r in rows_of(batch)] == ["new", "new"]
    confirm(logged_in, batch)
    assert balance(card) == D("-25.00")
    assert Transaction.objects.get(account=card, kind="expense").payee == "Amazon"


def test_qif_with_categories(logged_in, checking, read_file, frozen_now):
    batch = batch_of(upload(logged_in, "money.qif", read_file("statement.qif"), account=checking.pk))
    rows = rows_of(batch)
    assert [(r.outcome, r.category.name) for r in rows] == [
        ("new", "entertainment"), ("new", "salary"), ("new", "utilities")]
    confirm(logged_in, batch)
    assert balance(checking) == D("1000.00") - D("15.99") + D("2000.00") - D("80.00")


def test_camt_needs_an_account_in_its_currency(logged_in, user, checking, read_file, frozen_now):
    response = upload(logged_in, "camt.xml", read_file("camt053.xml"), account=checking.pk)
    assert response.status_code == 400
    assert "This statement is in EUR; “Checking” is in USD." in response.content.decode()
    euro = AccountFactory(owner=user, name="Konto", currency="EUR", number_last4="3000")
    batch = batch_of(upload(logged_in, "camt.xml", read_file("camt053.xml")))
    assert batch.account == euro
    confirm(logged_in, batch)
    assert balance(euro) == D("1110.10")


@pytest.mark.parametrize("name", ["xxe_camt.xml", "xxe.ofx"])
def test_external_entity_refused_on_the_page(logged_in, checking, read_file, name):
    response = upload(logged_in, name, read_file(name), account=checking.pk)
    assert response.status_code == 400
    assert "declares XML entities or a document type" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_25_mb_file_is_refused_before_it_is_read(logged_in, checking):
    data = b"date,amount\n" + b"2025-01-01,1.00\n" * (25 * 1024 * 1024 // 16)
    response = upload(logged_in, "huge.csv", data, account=checking.pk)
    assert response.status_code == 400
    assert "This file is larger than 20 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\xff", b"<Document/>", b"OFXHEADER:100\n\n<OFX><BROKEN",
                                  b"!Type:Bank\nDnot a date\nTabc\n^\n", b"only one column\nfoo\n",
                                  "date;amount\n2025-01-01;1,00\n".encode("utf-16")])
def test_any_garbage_gives_a_message_never_a_500(logged_in, checking, data):
    response = upload(logged_in, "x.dat", data, account=checking.pk)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert logged_in.get(response["Location"]).status_code == 200


def test_transfer_pairs_posted_as_one_transfer_and_one_ledger_changed(logged_in, user, checking, savings,
                                                                       read_file, frozen_now):
    data = read_file("debit_credit.csv")
    batch = batch_of(upload(logged_in, "both.tsv", data))
    logged_in.post(reverse("imports:columns", args=[batch.pk]), {
        "date": "0", "description": "1", "debit": "2", "credit": "3", "account": "4", "date_format": "auto",
        "decimal": "auto"})
    rows = rows_of(batch)
    assert [(r.line, r.outcome) for r in rows] == [
        (2, "new"), (3, "new"), (4, "transfer"), (5, "transfer"), (6, "error")]
    assert rows[2].reason == "transfer to Savings (line 5)"
    assert rows[4].reason == "no account named “Savings Extra”"
    sent = []
    ledger_changed.connect(lambda sender, **kw: sent.append(kw), dispatch_uid="imports-test", weak=False)
    try:
        confirm(logged_in, batch)
    finally:
        ledger_changed.disconnect(dispatch_uid="imports-test")
    assert len(sent) == 1 and len(sent[0]["changes"]) == 4
    legs = Transaction.objects.filter(kind__in=["transfer_in", "transfer_out"], owner=user)
    assert len(legs) == 2 and len({leg.transfer_id for leg in legs}) == 1
    assert (balance(checking), balance(savings)) == (D("1388.00"), D("200.00"))


def test_untick_and_change_category_then_undo(logged_in, user, checking, read_file, frozen_now):
    fun = CategoryFactory(owner=user, name="fun")
    batch = batch_of(upload(logged_in, "money.qif", read_file("statement.qif"), account=checking.pk))
    rows = rows_of(batch)
    url = reverse("imports:detail", args=[batch.pk])
    response = logged_in.post(url, {"action": "save", "row": [r.pk for r in rows], "keep": [rows[0].pk, rows[1].pk],
                                    f"category_{rows[0].pk}": fun.pk})
    assert response.status_code == 302
    rows = rows_of(batch)
    assert [r.selected for r in rows] == [True, True, False]
    assert rows[0].category == fun and rows[0].category_changed
    logged_in.post(url, {"action": "confirm", "row": [r.pk for r in rows], "keep": [rows[0].pk, rows[1].pk]})
    assert Transaction.objects.get(account=checking, amount=D("15.99")).category == fun
    assert balance(checking) == D("2984.01")
    assert AuditEvent.objects.filter(action="import_posted", object_id=str(batch.pk)).count() == 1
    # A receipt kept with one of the entries since: the undo page says it goes too.
    from apps.transactions.models import Attachment
    from apps.transactions.services import attachment_add
    attachment_add(user=user, transaction_id=Transaction.objects.get(account=checking, amount=D("15.99")).pk,
                   name="bill.pdf", data=b"%PDF-1.4\n%%EOF\n")
    # Undo: the confirmation page, then everything the batch posted goes in one step.
    page = logged_in.get(reverse("imports:undo", args=[batch.pk])).content.decode()
    assert "Undo the import" in page and "The receipt you kept with one of them is deleted too." in page
    logged_in.post(reverse("imports:undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "undone" and balance(checking) == D("1000.00")
    assert not Attachment.objects.exists()
    event = AuditEvent.objects.get(action="import_undone")
    assert event.details["removed_entries"] == 2 and event.actor == user
    # Undone: the same file may be imported again.
    again = batch_of(upload(logged_in, "money.qif", read_file("statement.qif"), account=checking.pk))
    assert {r.outcome for r in rows_of(again)} == {"new"}


def test_undo_refused_when_it_would_overdraw(logged_in, checking, read_file, frozen_now):
    batch = batch_of(upload(logged_in, "money.qif", read_file("statement.qif"), account=checking.pk))
    confirm(logged_in, batch)
    expense(checking, "2500.00", on=date(2025, 11, 1))
    response = logged_in.post(reverse("imports:undo", args=[batch.pk]))
    page = logged_in.get(response["Location"]).content.decode()
    assert "This import cannot be undone: Not enough money in “Checking”" in page
    batch.refresh_from_db()
    assert batch.status == "posted"


def test_another_customers_batch_is_404(logged_in, checking, read_file, frozen_now):
    other = UserFactory()
    theirs = ImportBatch.objects.create(owner=other, file_name="x.csv", sha256="0" * 64, format="csv",
                                        status="previewed")
    for name in ("imports:detail", "imports:columns", "imports:undo"):
        assert logged_in.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert logged_in.post(reverse("imports:detail", args=[theirs.pk]), {"action": "confirm"}).status_code == 404
    profile = MappingProfile.objects.create(owner=other, name="theirs", header_signature="x")
    assert logged_in.post(reverse("imports:profile_delete", args=[profile.pk])).status_code == 404
    response = upload(logged_in, "money.qif", read_file("statement.qif"), profile=profile.pk, account=checking.pk)
    assert response.status_code == 400 and MappingProfile.objects.filter(pk=profile.pk).exists()


def test_start_page_lists_imports(logged_in, checking, read_file, frozen_now):
    batch = batch_of(upload(logged_in, "<img src=x onerror=alert(1)>.qif", read_file("statement.qif"),
                            account=checking.pk))
    confirm(logged_in, batch)
    page = logged_in.get(START).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.qif" in page and "<img src=x" not in page
    assert reverse("imports:undo", args=[batch.pk]) in page


def test_unknown_account_reference_mapped_by_the_customer_and_remembered(logged_in, user, checking, savings,
                                                                        read_file, frozen_now):
    data = read_file("debit_credit.csv")
    batch = batch_of(upload(logged_in, "both.tsv", data))
    logged_in.post(reverse("imports:columns", args=[batch.pk]), {
        "date": "0", "description": "1", "debit": "2", "credit": "3", "account": "4", "date_format": "auto",
        "decimal": "auto", "profile_name": "Two accounts"})
    page = logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "“Savings Extra” is" in page
    stranger = AccountFactory(owner=UserFactory(), name="Theirs")
    response = logged_in.post(reverse("imports:accounts", args=[batch.pk]),
                              {"ref": ["Savings Extra"], "ref_account": [stranger.pk]})
    assert "Choose one of your accounts." in logged_in.get(response["Location"]).content.decode()
    logged_in.post(reverse("imports:accounts", args=[batch.pk]),
                   {"ref": ["Savings Extra"], "ref_account": [savings.pk]})
    rows = rows_of(batch)
    assert (rows[4].outcome, rows[4].account) == ("new", savings)
    assert MappingProfile.objects.get(owner=user).mapping["account_map"] == {"savings extra": savings.pk}
    # The next file with these columns: the saved mapping knows "Savings Extra".
    again = batch_of(upload(logged_in, "both-again.tsv", data.replace(b"Unknown account", b"Other")))
    assert rows_of(again)[4].account == savings


@pytest.mark.full
def test_10000_rows_preview_and_confirm(logged_in, checking, savings, frozen_now):
    """The whole path at the issue's size, through the pages. How long it takes is measured in
    bench/imports.py (bench/RESULTS.md), not asserted here: a timed assertion fails on a busy
    machine, not on slow code."""
    lines = ["account_id,amount,transaction_type,category,description,transaction_date"]
    for i in range(10_000):
        account = (checking, savings)[(i // 10) % 2].pk
        kind, amount = ("income", "500.00") if i % 10 == 0 else ("expense", f"{1 + i % 40}.{i % 100:02d}")
        category = "salary" if kind == "income" else "food"
        lines.append(f"{account},{amount},{kind},{category},Row {i},2025-{1 + i % 11:02d}-{1 + i % 28:02d}")
    batch = batch_of(upload(logged_in, "big.csv", ("\n".join(lines) + "\n").encode()))
    assert logged_in.get(reverse("imports:detail", args=[batch.pk])).status_code == 200
    logged_in.post(reverse("imports:detail", args=[batch.pk]), {"action": "confirm", "row": [], "keep": []})
    batch.refresh_from_db()
    assert (batch.status, batch.posted_count) == ("posted", 10_000), batch.last_error
