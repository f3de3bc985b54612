import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from apps.transactions import services
from apps.transactions.export_views import statement_url
from apps.transactions.exports import neutralise
from tests.factories import AccountFactory, default_category, expense, income, transfer

D = Decimal
pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+49 30", "'+49 30"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Tesco", "Tesco"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_export_follows_the_list_filters(logged_in, user, frozen_now):
    checking = AccountFactory(owner=user, name="Checking", opening_balance=D("500.00"))
    savings = AccountFactory(owner=user, name="Savings", opening_balance=D("10.00"))
    expense(checking, "12.50", on=date(2025, 3, 10), description="Groceries", payee="Tesco")
    expense(checking, "7.00", on=date(2025, 4, 2), description="Cinema", category=default_category("entertainment"))
    income(savings, "3.00", on=date(2025, 3, 31), description="Interest")
    rows = read_csv(logged_in.get(reverse("transactions:export_csv"), {"account": checking.pk, "month": "2025-03"}))
    assert rows == [{"date": "2025-03-10", "account": "Checking", "kind": "Expense", "payee": "Tesco",
                     "description": "Groceries", "category": "food", "amount": "-12.50", "currency": "USD",
                     "split": ""}]
    rows = read_csv(logged_in.get(reverse("transactions:export_csv"), {"q": "interest"}))
    assert [(r["account"], r["amount"]) for r in rows] == [("Savings", "3.00")]
    everything = read_csv(logged_in.get(reverse("transactions:export_csv")))
    assert len(everything) == 5  # two openings, two expenses, one income: every page, newest first
    assert [r["date"] for r in everything] == sorted((r["date"] for r in everything), reverse=True)


def test_the_parts_of_a_split_entry_share_a_split_value(logged_in, user, frozen_now):
    checking = AccountFactory(owner=user, name="Checking", opening_balance=D("500.00"))
    receipt = expense(checking, "100.00", on=date(2025, 3, 10), description="SuperSave", payee="SuperSave")
    expense(checking, "9.00", on=date(2025, 3, 11), description="Bakery")
    services.entry_split(user=user, transaction_id=receipt.pk,
                         parts=[(D("70.00"), default_category("food")), (D("30.00"), default_category("shopping"))])
    receipt.refresh_from_db()

    rows = read_csv(logged_in.get(reverse("transactions:export_csv"), {"month": "2025-03"}))

    by_amount = {row["amount"]: row for row in rows}
    assert by_amount["-70.00"]["split"] == by_amount["-30.00"]["split"] == str(receipt.split_id)
    assert (by_amount["-70.00"]["category"], by_amount["-30.00"]["category"]) == ("food", "shopping")
    assert by_amount["-9.00"]["split"] == ""
    assert sum(D(row["amount"]) for row in rows if row["split"]) == D("-100.00")


def test_response_is_streamed_with_a_dated_filename(logged_in, user, frozen_now):
    AccountFactory(owner=user, opening_balance=D("5.00"))
    response = logged_in.get(reverse("transactions:export_csv"))
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="transactions-2025-12-15.csv"'


def test_formula_injection_is_neutralised_and_html_is_plain_text(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, name="=Account", opening_balance=D("100.00"))
    expense(account, "1.00", description='=HYPERLINK("http://evil.example","x")', payee="+cmd|' /C calc'!A0")
    expense(account, "2.00", description="@SUM(1+1)", payee="-2+3")
    expense(account, "3.00", description="<script>alert(1)</script>", payee="\tTabbed")
    rows = read_csv(logged_in.get(reverse("transactions:export_csv"), {"kind": "expense"}))
    by_amount = {r["amount"]: r for r in rows}
    assert by_amount["-1.00"]["description"] == '\'=HYPERLINK("http://evil.example","x")'
    assert by_amount["-1.00"]["payee"] == "'+cmd|' /C calc'!A0"
    assert by_amount["-1.00"]["account"] == "'=Account"
    assert by_amount["-2.00"]["description"] == "'@SUM(1+1)"
    assert by_amount["-2.00"]["payee"] == "'-2+3"
    assert by_amount["-3.00"]["description"] == "<script>alert(1)</script>"  # a CSV is text, not HTML
    assert by_amount["-3.00"]["payee"] == "Tabbed"  # the ledger trims the payee
    assert set(by_amount) == {"-1.00", "-2.00", "-3.00"}  # money is a plain signed number


def test_two_currencies_keep_their_own(logged_in, user):
    usd = AccountFactory(owner=user, name="Dollars", currency="USD", opening_balance=D("10.00"))
    eur = AccountFactory(owner=user, name="Café Élan", currency="EUR", opening_balance=D("20.00"))
    expense(eur, "5.25")
    rows = read_csv(logged_in.get(reverse("transactions:export_csv")))
    assert sorted((r["account"], r["amount"], r["currency"]) for r in rows) == [
        ("Café Élan", "-5.25", "EUR"), ("Café Élan", "20.00", "EUR"), ("Dollars", "10.00", "USD")]
    assert usd.pk != eur.pk


def test_invalid_filters_answer_400_not_a_file(logged_in, user, user_factory):
    response = logged_in.get(reverse("transactions:export_csv"), {"month": "2025-13"})
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert "Month" in response.content.decode()
    theirs = AccountFactory(owner=user_factory())
    assert logged_in.get(reverse("transactions:export_csv"), {"account": theirs.pk}).status_code == 404


def test_another_users_rows_never_leave(logged_in, user, user_factory):
    AccountFactory(owner=user_factory(), name="Theirs", opening_balance=D("99.00"))
    AccountFactory(owner=user, name="Mine", opening_balance=D("1.00"))
    assert [r["account"] for r in read_csv(logged_in.get(reverse("transactions:export_csv")))] == ["Mine"]


def _export_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        read_csv(client.get(url))
    return len(queries)


def test_constant_number_of_queries_whatever_the_row_count(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=D("1000.00"))
    expense(account, "1.00")
    url = reverse("transactions:export_csv") + f"?account={account.pk}"
    few = _export_queries(logged_in, url)
    account_url = reverse("accounts:export_csv", args=[account.pk])
    few_account = _export_queries(logged_in, account_url)
    for _ in range(30):
        expense(account, "1.00")
    assert _export_queries(logged_in, url) == few
    assert _export_queries(logged_in, account_url) == few_account


def test_account_export_is_its_whole_history(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, name="Checking", opening_balance=D("100.00"))
    other = AccountFactory(owner=user, name="Other", opening_balance=D("1.00"))
    expense(account, "10.00", on=date(2021, 1, 1))
    transfer(account, other, "5.00", on=date(2025, 6, 1))
    response = logged_in.get(reverse("accounts:export_csv", args=[account.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="account-{account.pk}-2025-12-15.csv"'
    rows = read_csv(response)
    assert [(r["kind"], r["amount"]) for r in rows] == [
        ("Transfer out", "-5.00"), ("Expense", "-10.00"), ("Opening balance", "100.00")]


def test_another_users_account_answers_404(logged_in, user_factory, frozen_now):
    theirs = AccountFactory(owner=user_factory(), opening_balance=D("1.00"))
    assert logged_in.get(reverse("accounts:export_csv", args=[theirs.pk])).status_code == 404
    assert logged_in.get(f"/accounts/{theirs.pk}/statement/2025-11.pdf").status_code == 404


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u2212", "-")


def test_statement_figures(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, name="Café Élan", currency="EUR", opening_balance=D("1000.00"))
    expense(account, "100.00", on=date(2025, 10, 31), description="Before")
    income(account, "250.00", on=date(2025, 11, 1), description="Salary")
    expense(account, "40.25", on=date(2025, 11, 15), description="Crème brûlée", payee="Pâtisserie")
    expense(account, "9.75", on=date(2025, 11, 30), description="Bus")
    expense(account, "1.00", on=date(2025, 12, 1), description="After")
    response = logged_in.get(statement_url(account.pk, date(2025, 11, 1)))
    assert response["Content-Disposition"] == f'attachment; filename="statement-{account.pk}-2025-11.pdf"'
    text = pdf_text(response)
    assert "Statement of Café Élan" in text
    assert "November 2025" in text and "EUR" in text
    assert "Opening balance: 900.00 EUR" in text
    assert "Money in: 250.00 EUR" in text
    assert "Money out: 50.00 EUR" in text
    assert "Closing balance: 1,100.00 EUR" in text  # 900 + 250 - 50
    assert "Pâtisserie · Crème brûlée" in text
    running = [line.split()[-1] for line in text.splitlines() if line.startswith("Nov ")]
    assert running == ["1,150.00", "1,109.75", "1,100.00"]
    assert "Before" not in text and "After" not in text


def test_statement_of_an_empty_month(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, opening_balance=D("12.34"))
    text = pdf_text(logged_in.get(statement_url(account.pk, date(2025, 11, 1))))
    assert "Opening balance: 12.34 USD" in text and "Closing balance: 12.34 USD" in text


@pytest.mark.parametrize("month", ["2025-13", "2025-00", "2025-011", "abcd-ef", "0000-01", "2026-01", "2019-12",
                                   "２０２５-11", "2025-11.pdf/x", "99999999999999999999-01"])
def test_bad_or_out_of_range_month_answers_404(logged_in, user, frozen_now, month):
    account = AccountFactory(owner=user, opening_balance=D("1.00"), opened_on=date(2020, 1, 1))
    assert logged_in.get(f"/accounts/{account.pk}/statement/{month}.pdf").status_code == 404


def test_account_page_links_and_month_picker(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, opening_balance=D("1.00"))
    page = logged_in.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert reverse("accounts:export_csv", args=[account.pk]) in page
    assert 'value="2025-11"' in page  # the previous month by default
    response = logged_in.get(reverse("accounts:statement_redirect", args=[account.pk]), {"month": "2025-10"})
    assert response["Location"] == f"/accounts/{account.pk}/statement/2025-10.pdf"
    bad = logged_in.get(reverse("accounts:statement_redirect", args=[account.pk]), {"month": "October"})
    assert bad.status_code == 400


def test_list_export_button_keeps_the_query_string(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=D("10.00"))
    expense(account, "2.40", on=account.opened_on, description="Green tea")
    page = logged_in.get(reverse("transactions:list"), {"q": "tea", "page": "1"}).content.decode()
    assert f'href="{reverse("transactions:export_csv")}?q=tea"' in page


def test_a_list_showing_nothing_offers_no_export(logged_in, user):
    """No transactions yet, or none matching the filters: no button for an empty file."""
    assert 'id="export-csv"' not in logged_in.get(reverse("transactions:list")).content.decode()
    AccountFactory(owner=user, opening_balance=D("10.00"))
    assert 'id="export-csv"' in logged_in.get(reverse("transactions:list")).content.decode()
    nothing = logged_in.get(reverse("transactions:list"), {"q": "no such payee"}).content.decode()
    assert 'id="export-csv"' not in nothing and 'id="list-filters"' in nothing
