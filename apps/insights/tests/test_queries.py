"""The endpoints' queries do not grow with the month's entries: the same count for 1 and
for 30 expenses (session, user, then each selector's fixed number)."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db

# session + user, then: two months of spending | one of totals | the merchant cache, and when it
# lacks the month its expenses grouped and the cache written (+ category names when an expense has
# no payee) | totals, budgets (2), balances, unread alerts, reward points | the month's spending.
# Each with the page cache's read of the data version (apps.core.pagecache).
QUERIES = {"/insights/spending": 5, "/insights/cash-flow": 4, "/insights/top-merchants": 7,
           "/insights/health-score": 9, "/insights/burn-rate": 4}


def customer(client, expenses: int):
    user = f.UserFactory()
    checking = f.account(user, opening="100000.00")
    savings = f.account(user, "Savings")
    f.income(checking, "5000.00", on=date(2025, 12, 1))
    f.transfer(checking, savings, "10.00", on=date(2025, 12, 1))
    for i in range(expenses):
        f.expense(checking, f"{1 + i}.25", on=date(2025, 12, 1 + i % 14), category=["food", "rent"][i % 2],
                  description=f"Merchant {i % 7} #{i}")
    f.budget(user, "food", "100.00")
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", sorted(QUERIES))
def test_query_count_does_not_grow_with_the_month(client, time_machine, django_assert_max_num_queries, url):
    time_machine.move_to(dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)
    counts = []
    for expenses in (1, 30):
        customer(client, expenses)
        with django_assert_max_num_queries(QUERIES[url]), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_top_merchants_reads_only_the_months_rows(client, time_machine, settings):
    """The one read of ledger rows (filling the merchant cache) is bounded to the month's days
    (the owner's date index); the next request reads the cache alone."""
    time_machine.move_to(dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)
    settings.PAGE_CACHE = False  # the merchants' own cache, not the whole answer's
    customer(client, 3)
    with CaptureQueriesContext(connection) as captured:
        client.get("/insights/top-merchants")
    sql = next(q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"] and "payee" in q["sql"])
    assert "occurred_on\" >= '2025-12-01'" in sql and "occurred_on\" <= '2025-12-31'" in sql
    assert "\"owner_id\" = " in sql
    with CaptureQueriesContext(connection) as again:
        client.get("/insights/top-merchants")
    assert len(again) == 3  # session, user, the cache
