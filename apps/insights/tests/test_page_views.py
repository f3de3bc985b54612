"""The Insights page as a web page: login, empty states, hostile ``?month=`` values, whose
money it shows, and a number of queries that does not grow with the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.dates import MAX_YEAR, MIN_YEAR
from tests import factories as f

from .page_helpers import figure_links, list_total

pytestmark = pytest.mark.django_db

URL = "/insights/"


def test_logged_out_goes_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
    assert "next=/insights/" in response["Location"]


def test_new_customer_sees_how_to_start(client, now, user_factory):
    user = user_factory(time_zone="UTC")
    client.force_login(user)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="empty-state"' in html
    assert 'href="/transactions/expense/new/"' in html
    assert "Open an account" in html
    assert figure_links(html) == []


def test_account_without_entries_invites_a_transaction(client, now, user_factory):
    user = user_factory(time_zone="UTC", default_currency="USD")
    f.account(user, "Checking", opening="250.00")
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert 'id="no-entries"' in html and 'id="empty-state"' not in html
    # Net worth still shows, and the balance links to the account's entries (the opening).
    assert 'data-amount="250.00"' in html
    links = figure_links(html)
    assert [(link.figure, link.total) for link in links] == [(Decimal("250.00"), "net")]
    assert list_total(client, links[0]) == Decimal("250.00")


@pytest.mark.parametrize("raw", [
    "2025-13", "2025-00", "2025-1", "25-12", "abcd", "2025-12-01", "-1", "0", "2025/12", "' OR 1=1 --",
    "<script>alert(1)</script>", "２０２５-１２", "2025-12\x00", "9" * 5000, f"{MAX_YEAR + 1}-01",
    f"{MIN_YEAR - 1}-12", "0000-01", "%", "2025-١٢",
])
def test_hostile_month_answers_400_with_a_page(client, now, user_factory, raw):
    client.force_login(user_factory(time_zone="UTC"))
    response = client.get(URL, {"month": raw})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="bad-month"' in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("raw", [f"{MIN_YEAR}-01", f"{MAX_YEAR}-12", "2025-12", " 2025-12 "])
def test_edge_months_answer(client, now, user_factory, raw):
    user = user_factory(time_zone="UTC")
    account = f.account(user, "Checking", opening="10.00")
    f.expense(account, "1.00", on=date(2025, 12, 1))
    client.force_login(user)
    assert client.get(URL, {"month": raw}).status_code == 200


def test_another_customers_money_never_shows(client, now, user_factory):
    me = user_factory(time_zone="UTC", default_currency="USD")
    mine = f.account(me, "Mine", opening="10.00")
    f.expense(mine, "1.25", on=date(2025, 12, 2), category="food", description="Bakery")
    them = user_factory(time_zone="UTC", default_currency="USD")
    theirs = f.account(them, "Theirs", opening="5000.00", currency="GBP")
    f.expense(theirs, "4321.99", on=date(2025, 12, 2), category="food", description="Secret Shop")
    f.income(theirs, "8765.43", on=date(2025, 12, 1))
    client.force_login(me)
    html = client.get(URL).content.decode()
    for text in ("4,321.99", "4321.99", "8765.43", "8,765.43", "Secret Shop", "GBP", "Theirs"):
        assert text not in html
    for link in figure_links(html):
        assert link.currency == "USD"
        assert list_total(client, link) == link.figure


def _customer(entries: int):
    user = f.UserFactory(time_zone="UTC", default_currency="USD")
    checking = f.account(user, "Checking", opening="100000.00")
    savings = f.account(user, "Savings")
    euros = f.account(user, "Euros", opening="1000.00", currency="EUR")
    f.income(checking, "5000.00", on=date(2025, 12, 1))
    f.transfer(checking, savings, "10.00", on=date(2025, 12, 1))
    f.expense(euros, "3.00", on=date(2025, 11, 3), description="Café")
    for i in range(entries):
        f.expense(checking, f"{1 + i}.25", on=date(2025, 1 + i % 12, 1 + i % 27),
                  category=["food", "rent", "transport"][i % 3], description=f"Merchant {i % 9} #{i}")
    f.budget(user, "food", "100.00")
    f.budget(user, "rent", "900.00", currency="EUR")
    return user


# session, user, accounts, monthly totals, openings, merchants (1 cached; 3 when a month's groups are
# computed and stored), budgets (2), their categories, health score (4)
MAX_QUERIES = 16  # with the page cache's read of the data version (apps.core.pagecache)
CACHED = 3  # the same page again: the session, the user, the data version, and the kept page


def test_queries_do_not_grow_with_the_history(client, now, django_assert_max_num_queries):
    counts = []
    for entries in (10, 200):
        client.force_login(_customer(entries))
        with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        with django_assert_max_num_queries(CACHED), CaptureQueriesContext(connection) as again:
            assert client.get(URL).status_code == 200
        counts.append((len(captured), len(again)))
    assert counts[0] == counts[1]


def test_only_two_months_of_ledger_rows_are_read(client, now):
    """The merchants read the month's and the previous month's expenses; openings and
    corrections are read from the first month shown (through the no-category index); every
    other figure comes from the monthly totals."""
    client.force_login(_customer(3))
    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    ledger = [q["sql"] for q in captured.captured_queries
              if 'FROM "transactions_transaction"' in q["sql"] and "GROUP BY" in q["sql"]]
    assert len(ledger) == 2
    merchants = next(sql for sql in ledger if "payee" in sql)
    assert "'2025-11-01'" in merchants and "'2025-12-31'" in merchants
    others = next(sql for sql in ledger if "payee" not in sql)
    assert '"category_id" IS NULL' in others and "'2025-01-01'" in others
