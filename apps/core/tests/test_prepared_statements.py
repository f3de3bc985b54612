"""Prepared statements (issue 17): parameters are bound on the server, so a statement run five
times on one connection is prepared and planned once, except those reading the ledger
(bankdash/dbcursor.py). ``DATABASE_PREPARED_STATEMENTS=false`` returns to Django's client-side
binding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from apps.dashboard.selectors import account_summary, latest_transactions
from apps.users.tests.test_settings import production_env, run
from tests.factories import AccountFactory, UserFactory, default_category

SHOW_OPTIONS = ("import django; django.setup(); from django.db import connection; "
                "o = connection.settings_dict['OPTIONS']; "
                "print(o.get('server_side_binding'), o.get('prepare_threshold'), "
                "type(connection.cursor().cursor).__name__)")


def expense(user, account, amount, day, description="Bakery"):
    from apps.transactions import services

    services.expense_post(user=user, account_id=account.pk, amount=amount, category=default_category("food"),
                          occurred_on=day, description=description)


def test_production_binds_on_the_server_and_prepares_unless_told_not_to():
    on = run(["-c", SHOW_OPTIONS], production_env())
    assert on.returncode == 0, on.stderr
    assert on.stdout.split() == ["True", "5", "PreparingCursor"]
    off = run(["-c", SHOW_OPTIONS], production_env(DATABASE_PREPARED_STATEMENTS="false"))
    assert off.returncode == 0, off.stderr
    assert off.stdout.split() == ["None", "None", "Cursor"]


@pytest.mark.django_db
def test_a_repeated_read_is_prepared_once_and_answers_each_customer_with_their_own_figures():
    """Seven customers' account summaries on one connection: from the sixth on, PostgreSQL runs
    the one prepared statement (with $1 for the owner), and every customer still gets exactly
    their own accounts and total."""
    customers = []
    for number in range(7):
        user = UserFactory()
        AccountFactory(owner=user, name=f"Main {number}", opening_balance=Decimal(f"{number}10.25"))
        AccountFactory(owner=user, name=f"Spare {number}", opening_balance=Decimal("1.00"))
        customers.append(user)

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                           ['%AS "balance_on" FROM "accounts_account"%'])
            return [row[0] for row in cursor.fetchall()]

    assert prepared() == []
    for number, user in enumerate(customers):
        summary = account_summary(user=user)
        assert [a.name for a in summary.accounts] == [f"Main {number}", f"Spare {number}"]
        assert summary.by_currency == {"USD": Decimal(f"{number}10.25") + Decimal("1.00")}
    statements = prepared()
    assert len(statements) == 1
    assert '"owner_id" = $1' in statements[0]


@pytest.mark.django_db
def test_statements_reading_the_ledger_are_never_prepared_but_the_marked_bounded_read():
    """A generic plan made for no customer in particular suits neither a million entries nor
    five hundred: the ledger's statements (here the postings' INSERT, run seven times) are
    planned for the customer each time, while the accounts' statement beside them is prepared.
    The one exception says so: the dashboard's newest six entries, an index scan with a LIMIT
    whoever the customer (``BOUNDED_LEDGER_READ``), prepared and still each customer's own."""
    from django.test.utils import CaptureQueriesContext

    from bankdash.dbcursor import BOUNDED_LEDGER_READ

    customers = []
    for number in range(7):
        user = UserFactory()
        account = AccountFactory(owner=user, name=f"Main {number}", opening_balance=Decimal("100.00"))
        expense(user, account, Decimal(f"{number + 1}.50"), account.opened_on, description=f"Bakery {number}")
        customers.append(user)
    for number, user in enumerate(customers):
        with CaptureQueriesContext(connection) as queries:
            latest = latest_transactions(user=user)
            shown = [(t.description, t.amount, t.account.name, t.account.currency, str(t.category.label) if t.category
                      else None, t.owner_id) for t in latest]
        assert len(queries) == 1  # the account and the category come with the entries
        assert shown == [(f"Bakery {number}", Decimal(f"{number + 1}.50"), f"Main {number}", "USD", "Food", user.pk),
                         ("Opening balance", Decimal("100.00"), f"Main {number}", "USD", None, user.pk)]
        account_summary(user=user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('AS "balance_on" FROM "accounts_account"' in s for s in statements)
    ledger = [s for s in statements if "transactions_transaction" in s]
    assert len(ledger) == 1
    assert ledger[0].startswith(BOUNDED_LEDGER_READ) and '."owner_id" = $1' in ledger[0]


def test_the_ledger_table_the_cursor_knows_is_the_models():
    from apps.transactions.models import Transaction
    from bankdash.dbcursor import LEDGER_TABLE

    assert Transaction._meta.db_table == LEDGER_TABLE


@pytest.mark.django_db
def test_plain_sql_naming_the_ledger_without_quotes_is_not_prepared_either():
    """The overview of a past month subtracts the entries dated after it, in plain SQL that names
    the ledger's table bare: it too is planned for each customer."""
    from datetime import date

    from apps.dashboard.selectors import dashboard_overview

    customers = []
    for number in range(7):
        user = UserFactory()
        account = AccountFactory(owner=user, opening_balance=Decimal("100.00"), opened_on=date(2026, 1, 1))
        expense(user, account, Decimal(f"{number + 1}.00"), date(2026, 11, 20))
        customers.append(user)
    for number, user in enumerate(customers):
        overview = dashboard_overview(user=user, month=date(2026, 10, 1), today=date(2026, 11, 29))
        # At the end of October: before the November expense.
        assert overview.accounts.by_currency == {"USD": Decimal("100.00")}
        now = dashboard_overview(user=user, month=date(2026, 11, 1), today=date(2026, 11, 29))
        assert now.accounts.by_currency == {"USD": Decimal("100.00") - Decimal(f"{number + 1}.00")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("SELECT 'account'" in s for s in statements)  # this month's overview: prepared
    assert not [s for s in statements if "transactions_transaction" in s]


@pytest.mark.django_db(transaction=True)
def test_the_data_version_every_kept_page_reads_is_one_prepared_statement():
    """apps.core.versions.read, which every answer from the page cache runs, takes the customer
    as a parameter (it had the number written into the statement: planned on every request).
    Outside a transaction, as a request reads it."""
    from apps.core import versions

    customers = [UserFactory() for _ in range(7)]
    before = [versions.read(user.pk) for user in customers]
    AccountFactory(owner=customers[3])
    after = [versions.read(user.pk) for user in customers]
    # Each customer's own version: only the one whose data changed has a new one.
    assert [a.mine > b.mine for a, b in zip(after, before, strict=True)] == [False] * 3 + [True] + [False] * 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%FROM core_dataversion%"])
        statements = [row[0] for row in cursor.fetchall()]
    assert len(statements) == 1
    assert "scope IN ($2, 0)" in statements[0]
