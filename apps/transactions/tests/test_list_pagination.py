"""The transactions list's capped count (apps.transactions.pagination): a fixed number of
queries and no count of the whole history, the right rows on a deep page, and navigation
past the cap."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.transactions import pagination
from apps.transactions.services import BatchEntry, entries_post
from tests.factories import AccountFactory, default_category

pytestmark = pytest.mark.django_db

PAGE_SIZE = 25
FIRST_DAY = date(2020, 1, 1)


def post_entries(user, account, n: int, *, per_day: int = 1) -> None:
    """``n`` incomes of 1.00 .. n.00, ``per_day`` a day from FIRST_DAY, in one batch (one atomic
    posting: the ledger services keep balances and totals). Newest first, entry n comes first."""
    salary = default_category("salary")
    entries_post(user=user, entries=[
        BatchEntry(account_id=account.pk, kind="income", amount=Decimal(i + 1), category_id=salary.pk,
                   occurred_on=FIRST_DAY + timedelta(days=i // per_day), description=f"entry {i + 1}")
        for i in range(n)])


def descriptions(response) -> list[str]:
    return [entry.description for entry in response.context["page_obj"]]


def test_page_200_shows_the_right_rows_with_the_same_queries_as_page_1(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=Decimal("0.00"))
    post_entries(user, account, 5_010, per_day=4)  # 201 pages (no opening entry for 0.00)
    url = reverse("transactions:list")
    with CaptureQueriesContext(connection) as first:
        page1 = logged_in.get(url)
    with CaptureQueriesContext(connection) as deep:
        page200 = logged_in.get(url, {"page": 200})
    assert len(deep) == len(first)
    # Newest first: page 200 holds rows 4,976..5,000 of the list, i.e. entries 35 down to 11.
    assert descriptions(page1)[:2] == ["entry 5010", "entry 5009"]
    assert descriptions(page200) == [f"entry {n}" for n in range(35, 10, -1)]
    html = page200.content.decode()
    assert "5010 transactions" in html
    assert "Page 200 of 201" in html
    assert "+35.00 USD" in html
    # The rows' links (apps.core.links.pk_url) are what {% url %} gives.
    entry = page200.context["page_obj"][0]
    for name in ("transactions:update", "transactions:delete"):
        assert f'href="{reverse(name, args=[entry.pk])}"' in html
    assert f'href="{reverse("accounts:detail", args=[account.pk])}">' in html
    # The count reads at most cap + 1 rows; no query counts the whole list.
    counts = [sql for sql in (q["sql"] for q in deep.captured_queries)
              if '"transactions_transaction"' in sql and "COUNT(" in sql
              and '"transactions_attachment"' not in sql]  # the page's receipts are counted per row
    assert len(counts) == 1 and f"LIMIT {pagination.COUNT_CAP + 1}" in counts[0]


def test_a_list_longer_than_the_cap_says_more_than_and_pages_on_with_next(logged_in, user, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 40)
    account = AccountFactory(owner=user, opening_balance=Decimal("0.00"))
    post_entries(user, account, 80)  # pages of 25, 25, 25, 5
    url = reverse("transactions:list")
    page1 = logged_in.get(url)
    html = page1.content.decode()
    assert "More than 40 transactions" in html
    assert "Page 1</span>" in html and "Page 1 of" not in html
    page3 = logged_in.get(url, {"page": 3})  # past the cap (rows 51-75): still served
    assert descriptions(page3) == [f"entry {n}" for n in range(30, 5, -1)]
    assert page3.context["page_obj"].has_next()
    page4 = logged_in.get(url, {"page": 4})
    assert descriptions(page4) == ["entry 5", "entry 4", "entry 3", "entry 2", "entry 1"]
    assert not page4.context["page_obj"].has_next()
    assert 'href="?page=3">Previous' in page4.content.decode()
    # A page past the end falls back to the last page the count reached, as before.
    assert descriptions(logged_in.get(url, {"page": 9})) == descriptions(logged_in.get(url, {"page": 2}))


def test_a_filtered_list_keeps_its_filters_count_and_totals(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=Decimal("0.00"))
    post_entries(user, account, 60)
    response = logged_in.get(reverse("transactions:list"), {"month": "2020-02", "page": 2})
    assert response.context["page_obj"].paginator.count == 29
    assert descriptions(response) == [f"entry {n}" for n in range(35, 31, -1)]
    (usd,) = response.context["totals"]
    assert (usd.count, usd.money_in) == (29, sum(Decimal(n) for n in range(32, 61)))  # 1-29 February 2020
    assert 'href="?month=2020-02&amp;page=1">Previous' in response.content.decode()


def test_the_lists_selects_read_their_choices_without_server_side_cursors(logged_in, user):
    """The quick entry's and the filters' selects are ordinary queries: Django's own choice
    iterator would DECLARE a cursor, FETCH and CLOSE it for each select (issue 17)."""
    account = AccountFactory(owner=user, name="Everyday", opening_balance=Decimal("10.00"))
    url = reverse("transactions:list")
    with CaptureQueriesContext(connection) as captured:
        response = logged_in.get(url)
    assert response.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "DECLARE" in q["sql"]]
    html = response.content.decode()
    # The quick entry and the filters still offer the account (as the only choice of each).
    assert (f'<option value="{account.pk}" data-currency="USD" selected>Everyday •••• 1234 (10.00 USD)</option>'
            in html)  # quick entry
    assert f'<option value="{account.pk}">Everyday •••• 1234</option>' in html  # the filters


def test_a_page_is_read_in_the_lists_order_with_its_accounts_and_categories_loaded(logged_in, user):
    """The page's rows (apps.transactions.selectors.entries_by_ids, around the one compiled
    statement of the list's ids): in the list's order whatever it is sorted by, the same rows
    the ORM's select_related read gives, and each row's account and category loaded with them,
    so drawing the rows asks nothing more (issue 17)."""
    from apps.transactions.selectors import entries_by_ids, transaction_list
    from tests.factories import expense, income

    checking = AccountFactory(owner=user, name="Checking", opening_balance=Decimal("100.00"))
    savings = AccountFactory(owner=user, name="Savings", opening_balance=Decimal("0.00"))
    for day, amount, payee in [(3, "7.50", "Zed"), (5, "2.25", "alpha"), (5, "9.00", "Mid")]:
        expense(checking, amount, on=FIRST_DAY + timedelta(days=day), payee=payee)
    income(savings, "40.00", on=FIRST_DAY + timedelta(days=4), description="pay")
    url = reverse("transactions:list")
    for sort in ["-date", "date", "amount", "-amount", "payee", "-category"]:
        response = logged_in.get(url, {"sort": sort})
        shown = [row.entry for row in response.context["rows"]]
        orm = list(response.context["filterset"].qs.exclude(kind="transfer_in"))
        assert [e.pk for e in shown] == [e.pk for e in orm], sort
        assert [(e.amount, e.account.name, e.category and e.category.label) for e in shown] == [
            (e.amount, e.account.name, e.category and e.category.label) for e in orm], sort
    # Two rows of a page, past its first: LIMIT and OFFSET around the ids, the order kept.
    ids_sql, params = transaction_list(user=user).values("pk").query.sql_with_params()
    with CaptureQueriesContext(connection) as captured:
        entries = entries_by_ids(f"{ids_sql} LIMIT 2 OFFSET 1", params)
        seen = [(e.payee, e.account.name, e.account.currency, e.account.closed_on, e.category.label, e.signed_amount)
                for e in entries]
    assert len(captured) == 1
    assert seen == [("alpha", "Checking", "USD", None, "Food", Decimal("-2.25")),
                    ("Pay", "Savings", "USD", None, "Salary", Decimal("40.00"))]
    # An entry without a category (the opening balance, the oldest) has none, not an empty one.
    oldest = entries_by_ids(f"{ids_sql} LIMIT 1 OFFSET 4", params)
    assert [(e.kind, e.category) for e in oldest] == [("opening", None)]
