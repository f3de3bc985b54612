"""A customer's figures read that customer's accounts, never every customer's (issue 17).

The dashboard's six months, the Insights page's monthly totals, a filtered list's totals and
the bill suggestions join the accounts for their currency or name. Joined by id alone, a year
of totals made PostgreSQL hash the whole accounts table on every page: a cost that grew with
the number of customers (0.8 ms of a dashboard, 1.7 ms of the Insights page and of the bills
page, with the benchmark's 2,000). Joined as the customer's, they are read by the accounts'
owner index. So does the list searched by an account's name (the customer's accounts by that
name, a subquery on their owner) and the CSV export. Checked on the plans PostgreSQL makes with
another customer holding 4,000 accounts and the statistics up to date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Account
from apps.bills.detection import bill_suggestions
from apps.core.dates import add_months
from apps.insights import selectors as insights
from apps.transactions import selectors
from apps.transactions.models import MonthlyTotal, Transaction
from tests.factories import AccountFactory, UserFactory, category, expense, income

pytestmark = pytest.mark.django_db

CATEGORIES = ("food", "rent", "transport", "utilities", "shopping")


@pytest.fixture
def crowded(frozen_now):
    """A customer with two accounts and a year of entries, beside another customer's 4,000
    accounts; the planner's statistics up to date."""
    # Another customer's 4,000 accounts, each with an entry and its monthly total, as the
    # benchmark's 2,000 customers have (the planner's statistics count the accounts met there).
    other = UserFactory()
    theirs = Account.objects.bulk_create([Account(owner=other, name=f"Other {number}", currency="USD",
                                                  opened_on=date(2020, 1, 1)) for number in range(4000)])
    food = category("food")
    Transaction.objects.bulk_create([Transaction(owner=other, account=account, kind="expense", amount=Decimal("1.00"),
                                                 category=food, occurred_on=date(2025, 6, 1), payee="Shop")
                                     for account in theirs])
    MonthlyTotal.objects.bulk_create([MonthlyTotal(owner=other, account=account, category=food,
                                                   month=date(2025, 6, 1), kind="expense", total=Decimal("1.00"),
                                                   count=1) for account in theirs])
    user = UserFactory()
    accounts = [AccountFactory(owner=user, name=name, opening_balance=Decimal("5000.00")) for name in ("Main", "Spare")]
    for back in range(12):
        day = add_months(date(2025, 12, 10), -back)
        income(accounts[0], "100.00", on=day)
        for account in accounts:
            for name in CATEGORIES:
                expense(account, "1.25", on=day, category=name, payee=f"Shop {name}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_account; ANALYZE transactions_monthlytotal; ANALYZE transactions_transaction")
    return user


def _scans_of_accounts(queries) -> list[str]:
    """The captured statements that read the accounts table and whose plan scans all of it."""
    scans = []
    for sql in [q["sql"] for q in queries.captured_queries if "accounts_account" in q["sql"]]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        if "Seq Scan on accounts_account" in plan:
            scans.append(f"{sql[:120]}...\n{plan}")
    return scans


def test_a_customers_figures_read_only_their_accounts_whatever_the_number_of_customers(crowded):
    user = crowded
    with CaptureQueriesContext(connection) as queries:
        flows = selectors.income_vs_spending(user=user, month=date(2025, 12, 1), months=12)
        totals = insights._page_totals(user=user, first=date(2025, 1, 1))
        listed = selectors.list_totals(selectors.transaction_list(user=user).filter(payee__startswith="Shop"),
                                       default_currency="USD")
        bill_suggestions(user=user, today=date(2025, 12, 15))
    # The figures themselves, unchanged by the join.
    assert [(m.income, m.spending) for m in flows["USD"]] == [(Decimal("100.00"), Decimal("12.50"))] * 12
    assert sum(row["amount"] for row in totals if row["kind"] == "expense") == Decimal("150.00")
    assert [(t.currency, t.count, t.money_out) for t in listed] == [("USD", 120, Decimal("150.00"))]

    assert len([q for q in queries.captured_queries if "accounts_account" in q["sql"]]) == 4
    assert _scans_of_accounts(queries) == []


def test_searching_the_list_by_an_account_name_reads_only_the_customers_accounts(crowded, client):
    client.force_login(crowded)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("transactions:list"), {"q": "spare"})
    # "Spare": its opening balance and its 60 expenses (none of the other customer's "Other ..." accounts).
    assert response.context["page_obj"].paginator.count == 61
    assert {row.entry.account.name for row in response.context["rows"]} == {"Spare"}
    assert _scans_of_accounts(queries) == []


def test_the_csv_export_reads_only_the_customers_accounts(crowded, client):
    client.force_login(crowded)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("transactions:export_csv"))
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 2 + 12 + 120  # the header, two openings, a year of income and expenses
    assert {line.split(",")[1] for line in lines[1:]} == {"Main", "Spare"}
    assert _scans_of_accounts(queries) == []
