"""An entry typed by hand before the bank's statement arrives: the same account and amount a
day or three from the bank's row, in the customer's own words. The preview unticks such a row
and names the entry; the customer may tick it again."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import Account
from apps.imports.models import ImportBatch, ImportRow
from apps.transactions.models import Transaction
from tests.factories import AccountFactory, expense

pytestmark = pytest.mark.django_db
D = Decimal
START = reverse("imports:start")


@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=D("1000.00"))


def preview(client, account, text: str, name="bank.csv") -> list[ImportRow]:
    response = client.post(START, {"file": SimpleUploadedFile(name, text.encode()), "date_format": "auto",
                                   "account": account.pk})
    if response["Location"].endswith("/columns/"):
        header = text.splitlines()[0].split(",")
        roles = {"date": "Date", "amount": "Amount", "description": "Memo", "external_id": "Id"}
        response = client.post(response["Location"], {
            **{role: str(header.index(name)) for role, name in roles.items() if name in header},
            "date_format": "auto", "decimal": "auto", "statement_account": account.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get(file_name=name)
    return list(ImportRow.objects.filter(batch=batch).order_by("position"))


def outcomes(rows):
    return [(r.description, r.outcome, r.selected, r.reason) for r in rows]


def test_a_hand_typed_entry_two_days_before_the_banks_row(logged_in, checking, frozen_now):
    expense(checking, "4.50", on=date(2025, 12, 1), description="Coffee with Sam")
    rows = preview(logged_in, checking, "Date,Amount,Memo\n2025-12-03,-4.50,STARBUCKS 123\n"
                                        "2025-12-03,-4.50,STARBUCKS 124\n2025-12-05,-4.50,STARBUCKS 456\n"
                                        "2025-12-03,-9.00,OTHER\n")
    assert outcomes(rows) == [
        ("STARBUCKS 123", "duplicate", False,
         "maybe already in your transactions: “Coffee with Sam” on Dec 1, 2025, the same amount"),
        # The entry is taken by one row only; the next is new (a second coffee) ...
        ("STARBUCKS 124", "new", True, ""),
        # ... and four days away is another payment.
        ("STARBUCKS 456", "new", True, ""),
        ("OTHER", "new", True, ""),
    ]
    # The customer knows better: ticked again, it is posted.
    url = reverse("imports:detail", args=[rows[0].batch_id])
    page = logged_in.get(url).content.decode()
    assert "maybe already in your transactions: “Coffee with Sam” on Dec 1, 2025, the same amount" in page
    logged_in.post(url, {"action": "confirm", "row": [r.pk for r in rows], "keep": [rows[0].pk, rows[2].pk]})
    assert sorted(Transaction.objects.filter(account=checking, kind="expense").values_list("description", flat=True)
                  ) == ["Coffee with Sam", "STARBUCKS 123", "STARBUCKS 456"]
    assert Account.objects.get(pk=checking.pk).balance == D("986.50")  # 1000 - 4.50 x 3


def test_one_entry_answers_one_row_in_the_files_order(logged_in, checking, frozen_now):
    expense(checking, "20.00", on=date(2025, 12, 2), description="Books")
    rows = preview(logged_in, checking, "Date,Amount,Memo\n2025-12-04,-20.00,SHOP A\n2025-12-03,-20.00,SHOP B\n")
    # The first row takes the entry (rows are read in the file's order), the second is new.
    assert [(r.description, r.outcome) for r in rows] == [("SHOP A", "duplicate"), ("SHOP B", "new")]
    other = AccountFactory(owner=checking.owner, name="Other", opening_balance=D("50.00"))
    expense(other, "7.00", on=date(2025, 12, 2), description="Lunch")
    rows = preview(logged_in, checking, "Date,Amount,Memo\n2025-12-02,-7.00,LUNCH\n2025-12-02,7.00,REFUND\n",
                   name="other.csv")
    # Another account's entry, and money in against money out, are not the same entry.
    assert [(r.description, r.outcome) for r in rows] == [("LUNCH", "new"), ("REFUND", "new")]


def test_an_entry_the_bank_gave_its_own_id_is_not_matched_by_amount(logged_in, checking, frozen_now):
    rows = preview(logged_in, checking, "Id,Date,Amount,Memo\nA1,2025-12-01,-3.20,BAKERY\n", name="first.csv")
    logged_in.post(reverse("imports:detail", args=[rows[0].batch_id]), {
        "action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows]})
    rows = preview(logged_in, checking, "Id,Date,Amount,Memo\nA2,2025-12-02,-3.20,BAKERY\nA1,2025-12-01,-3.20,BAKERY\n",
                   name="second.csv")
    assert [(r.external_id, r.outcome, r.selectable) for r in rows] == [("A2", "new", True),
                                                                       ("A1", "duplicate", False)]


def test_in_german(client, german, checking, frozen_now):
    client.force_login(german)
    expense(checking, "4.50", on=date(2025, 12, 1), description="")
    rows = preview(client, checking, "Date,Amount,Memo\n2025-12-02,\"-4,50\",BÄCKER\n")
    assert rows[0].reason == "vielleicht schon in Ihren Umsätzen: „(ohne Beschreibung)“ am 01.12.2025, derselbe Betrag"


def test_a_split_entry_is_one_line_of_the_statement(logged_in, checking, frozen_now):
    """Split after an import (or typed and split by hand), its parts are one line of the bank's:
    the same statement again finds it, exactly or near, by the parts' sum."""
    from apps.transactions import services
    from tests.factories import default_category

    entry = expense(checking, "100.00", on=date(2025, 12, 3), description="LIDL 1234")
    services.entry_split(user=checking.owner, transaction_id=entry.pk, parts=[
        (D("80.00"), entry.category), (D("20.00"), default_category("household"))])
    typed = expense(checking, "30.00", on=date(2025, 12, 1), description="Chemist")
    services.entry_split(user=checking.owner, transaction_id=typed.pk, parts=[
        (D("25.00"), typed.category), (D("5.00"), default_category("household"))])
    rows = preview(logged_in, checking, "Date,Amount,Memo\n2025-12-03,-100.00,LIDL 1234\n"
                                        "2025-12-02,-30.00,ROSSMANN\n2025-12-03,-80.00,OTHER\n")
    assert outcomes(rows) == [
        ("LIDL 1234", "duplicate", False, "already in your transactions (same account, date, amount and description)"),
        ("ROSSMANN", "duplicate", False,
         "maybe already in your transactions: “Chemist” on Dec 1, 2025, the same amount"),
        # One part's amount is not the bank's line.
        ("OTHER", "new", True, ""),
    ]
