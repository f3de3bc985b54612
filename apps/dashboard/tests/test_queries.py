"""Speed by design: the dashboard's queries do not grow with the user's history.

No timings here (they are flaky); bench/run.py measures throughput. These tests
pin down what makes it fast: a constant number of queries, and plans that never
scan the transactions table."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Account
from apps.transactions.models import Category, Transaction
from apps.transactions.selectors import balance_mismatches, monthly_total_mismatches
from bankdash.dbcursor import BOUNDED_LEDGER_READ
from bench.bulkload import bulk_load
from tests import factories as f
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db

# session, user, the data version (apps.core.pagecache: the page is kept under it), accounts,
# month by category, six months, the budgets' spending, latest six, and one statement of unread
# alerts, reward points, whether there are recurring items, the first-run checklist (three
# EXISTS and the dismissal) and the active budgets
PAGE_QUERIES = 9
# This month's page also shows "safe to spend" (apps.bills.forecast): the recurring items and
# their occurrences, two queries however many bills, none when the counts statement found no
# active item (these customers have none: their pages run PAGE_QUERIES). Another month's page
# does not: it is about today.
CURRENT_PAGE_QUERIES = PAGE_QUERIES + 2
# session, user, the data version, one statement (accounts, month's spending, unread alerts,
# ledger version, active budgets), the budgets' spending.
OVERVIEW_QUERIES = 5
# A past month reads the same queries: its balances come from the same
# statement (the entries after its last day are a subquery there).
URLS = [("/", CURRENT_PAGE_QUERIES), ("/dashboard/overview", OVERVIEW_QUERIES),
        ("/?month=2025-10", PAGE_QUERIES), ("/dashboard/overview?month=2025-10", OVERVIEW_QUERIES)]


def customer(user_factory, *, transactions: int, budgets: int):
    user = user_factory()
    checking = f.account(user, "Checking", opening=Decimal("100000.00"))
    savings = f.account(user, "Savings", kind=Account.Kind.SAVINGS)
    categories = [f.category(f"cat-{i}", user=user) for i in range(max(budgets, 1))]
    start = date(2025, 12, 14)
    for i in range(transactions):
        on = start - timedelta(days=(i * 7) % 200)  # spread over the six months shown
        if i % 10 == 9:
            f.transfer(checking, savings, "5.00", on=on)
        else:
            f.expense(checking, f"{1 + i % 50}.{i % 100:02d}", on=on, category=categories[i % len(categories)])
    for i in range(budgets):
        f.budget(user, categories[i], "100.00")
    return user


def count_queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url", "limit"), URLS)
def test_query_count_does_not_grow_with_transactions(client, user_factory, now, django_assert_max_num_queries,
                                                     url, limit):
    small = customer(user_factory, transactions=1, budgets=1)
    large = customer(user_factory, transactions=60, budgets=1)
    assert Transaction.objects.filter(owner=large).count() > 60  # transfers are two rows

    client.force_login(large)
    with django_assert_max_num_queries(limit):
        client.get(url)
    assert count_queries(client, small, url) == count_queries(client, large, url)


@pytest.mark.parametrize(("url", "limit"), URLS)
def test_query_count_does_not_grow_with_budgets(client, user_factory, now, django_assert_max_num_queries,
                                                url, limit):
    one = customer(user_factory, transactions=40, budgets=1)
    thirty = customer(user_factory, transactions=40, budgets=30)

    client.force_login(thirty)
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.content.count(b"budget_id" if "overview" in url else b"data-budget-id") == 30
    assert count_queries(client, one, url) == count_queries(client, thirty, url)


def test_query_count_does_not_grow_with_accounts_or_alerts(client, user_factory, now):
    from apps.alerts.models import Alert

    few = customer(user_factory, transactions=5, budgets=1)
    many = customer(user_factory, transactions=5, budgets=1)
    for i in range(15):
        f.account(many, f"Extra {i}", opening=Decimal("1.00"), currency="EUR" if i % 2 else "USD")
        Alert.objects.create(owner=many, kind=Alert.Kind.SYSTEM, message=f"Note {i}")
    for url, _ in URLS:
        assert count_queries(client, few, url) == count_queries(client, many, url)


def _plans(queries) -> list[tuple[str, str]]:
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"].removeprefix(BOUNDED_LEDGER_READ)
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_no_query_scans_the_transactions_table(client, user_factory, now):
    """With a realistic table (this customer's 30,000 entries among 60,000) and fresh
    statistics, the planner reads transactions only through indexes: the latest
    six through (owner, -occurred_on, -id) with a LIMIT, budgets through
    (owner, category, occurred_on) for their period. Everything else reads the
    accounts and the monthly totals."""
    user = user_factory()
    accounts = [f.account(user, name, opening=Decimal("5000.00")) for name in ("Checking", "Joint")]
    f.budget(user, "food", "300.00")
    f.budget(user, "rent", "1500.00")
    bulk_load(user=user, accounts=accounts, rows=30_000, last_day=date(2025, 12, 14), days=1500)
    for i in range(3):
        neighbour = user_factory()
        bulk_load(user=neighbour, accounts=[f.account(neighbour, "Theirs", opening=Decimal("5000.00"))],
                  rows=10_000, last_day=date(2025, 12, 14), days=1500)
    # The bulk loader leaves a ledger the reconciliation finds consistent.
    assert balance_mismatches() == [] and monthly_total_mismatches() == []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE transactions_transaction")
        cursor.execute("ANALYZE transactions_monthlytotal")
        cursor.execute("ANALYZE accounts_account")
    client.force_login(user)

    for url in ("/dashboard/overview", "/", "/?month=2024-02"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        plans = _plans(captured.captured_queries)
        reading_transactions = [(sql, plan) for sql, plan in plans if "transactions_transaction" in sql]
        for sql, plan in plans:
            assert "Seq Scan on transactions_transaction" not in plan, f"{url}: {sql}\n{plan}"
        # The one read of whole rows is the newest six, a LIMIT over the owner/date index.
        latest = [(sql, plan) for sql, plan in reading_transactions if "LIMIT 6" in sql]
        if url != "/dashboard/overview":
            [(sql, plan)] = latest
            assert "tx_owner_date_kind_idx" in plan, plan
            assert plan.lstrip().startswith("Limit"), plan
        # Anything else that touches the table is bounded by an index condition on its owner.
        for sql, plan in reading_transactions:
            if (sql, plan) not in latest:
                assert "Index" in plan and "owner_id" in plan, f"{url}: {sql}\n{plan}"

    # The ledger reads marked as bounded are prepared (bankdash/dbcursor.py), so after five runs
    # PostgreSQL may run a generic plan, made for no customer: it is the same index scan.
    from apps.dashboard import selectors

    for name, sql, params in [
        ("latest", selectors._LATEST_SQL[False], [user.pk]),
        ("latest until", selectors._LATEST_SQL[True], [user.pk, date(2024, 2, 29)]),
        ("counts", selectors._COUNTS_SQL, [user.pk] * 7 + [list(selectors.TRANSFER_KINDS), user.pk, user.pk, user.pk]),
    ]:
        plan = _generic_plan(sql, params)
        assert "Seq Scan on transactions_transaction" not in plan, f"{name}:\n{plan}"
        if name.startswith("latest"):
            assert plan.lstrip().startswith("Limit") and "tx_owner_date_kind_idx" in plan, f"{name}:\n{plan}"
        else:
            assert "tx_owner_cat_date_idx" in plan, f"{name}:\n{plan}"


def _generic_plan(sql: str, params: list) -> str:
    """The plan PostgreSQL keeps for ``sql`` prepared, made without looking at the values."""
    numbered = sql
    for number in range(1, len(params) + 1):
        numbered = numbered.replace("%s", f"${number}", 1)
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            cursor.execute(f"PREPARE generic_plan AS {numbered}")
            literals = ", ".join(connection.ops.compose_sql("%s", [value]) for value in params)
            cursor.execute(f"EXPLAIN EXECUTE generic_plan({literals})")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE generic_plan")
            cursor.execute("RESET plan_cache_mode")


# Posting an expense through the form, with the lines the confirmation adds (apps.dashboard.
# previews), for a customer with a budget on the category and no recurring items (issue 17:
# every round trip of a posting waits its turn for the interpreter under read load):
# session, user, whether the rules may choose the category, the form's account and category;
# BEGIN, the one-time token (ON CONFLICT DO NOTHING, no savepoint), the category check, the
# account lock, its balance, the entry, the monthly and daily totals (one statement), the
# token's entry, the ledger version, the budget check (budgets, their spending), the merchant
# months, the audit event (the low-balance watch reads the locked account), COMMIT; after it
# the forecast check (one EXISTS: no recurring item), then the notes: budgets, their spending,
# the recurring items (the account is the one the posting locked).
POSTING_QUERIES = 23


def test_posting_an_expense_is_a_fixed_number_of_statements(client, user_factory, now,
                                                            django_capture_on_commit_callbacks):
    user = customer(user_factory, transactions=5, budgets=1)
    checking = Account.objects.get(owner=user, name="Checking")
    category = Category.objects.get(owner=user, name="cat-0")
    client.force_login(user)
    client.get("/")  # the session as a visit leaves it
    data = {"account": checking.pk, "amount": "10.00", "category": category.pk, "occurred_on": now.date().isoformat(),
            "description": "Groceries", "payee": "", "form_token": str(uuid.uuid4())}
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transactions:expense"), data)
    assert response.status_code == 302
    assert len(captured) == POSTING_QUERIES, "\n".join(q["sql"][:120] for q in captured)
    # 13.01 of the budget's 100.00 (3.01 before) and plenty left: no warning to add.
    assert messages_of(response) == ["Expense of 10.00 USD recorded on “Checking”."]
