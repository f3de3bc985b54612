"""Load a large ledger for one user quickly, in SQL.

Going through the ledger services would take hours for a million rows, so this
writes the rows with one ``INSERT ... SELECT generate_series`` and then rebuilds
what the services keep in step, from the rows themselves:
the accounts' balances (credits - debits) and the monthly and daily totals (one
``INSERT ... SELECT ... GROUP BY`` each). Used by ``bench/run.py`` and by the
dashboard's EXPLAIN test. Never point it at data you care about.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from apps.accounts.models import Account
from apps.core.db import is_superuser
from apps.transactions.models import Category, DailyTotal, MonthlyTotal, Transaction

SPENDING_CATEGORIES = ("food", "rent", "transport", "utilities", "health", "shopping", "entertainment", "other")


@transaction.atomic
def bulk_load(*, user, accounts: list[Account], rows: int, last_day: date, days: int = 730) -> None:
    """Add ``rows`` entries for ``user`` spread over ``accounts`` and the ``days`` days
    ending with ``last_day``: one income (salary) per ten rows, the rest expenses in the
    default spending categories. Balances and monthly and daily totals are then rebuilt for
    those accounts, so the ledger invariants hold as if every row had been posted."""
    if rows <= 0:
        return
    categories = dict(Category.objects.filter(owner__isnull=True).values_list("name", "id"))
    spending_ids = [categories[name] for name in SPENDING_CATEGORIES]
    account_ids = [a.pk for a in accounts]
    tx = Transaction._meta.db_table
    monthly = MonthlyTotal._meta.db_table
    daily = DailyTotal._meta.db_table
    account_table = Account._meta.db_table
    with connection.cursor() as cursor:
        # The rows go in with triggers off where this role may do so (a superuser: ours): the
        # data version's deferred trigger would otherwise run once per row at commit, which
        # was most of the time of loading 2,000 customers. The balances' UPDATE below raises
        # the owner's version once, as a posting would.
        replica = is_superuser(connection)
        if replica:
            cursor.execute("SET LOCAL session_replication_role = replica")
        # Each block of ten consecutive rows goes to one account and holds one salary
        # (2,500..4,999) and nine expenses (1.00..200.99), so no balance goes negative.
        cursor.execute(
            f"""
            INSERT INTO {tx} (owner_id, account_id, kind, amount, category_id, description, occurred_on, created_at)
            SELECT %(owner)s,
                   (%(accounts)s::bigint[])[(1 + (g / 10) %% %(n_accounts)s)::int],
                   CASE WHEN g %% 10 = 0 THEN 'income' ELSE 'expense' END,
                   CASE WHEN g %% 10 = 0 THEN 2500 + (g * 7919) %% 2500
                        ELSE 1 + ((g * 7919) %% 20000) / 100.0 END,
                   CASE WHEN g %% 10 = 0 THEN %(salary)s
                        ELSE (%(spending)s::bigint[])[(1 + (g * 31) %% %(n_spending)s)::int] END,
                   'bench',
                   %(last_day)s::date - ((g * 37) %% %(days)s)::int,
                   now()
            FROM generate_series(1::bigint, %(rows)s::bigint) AS g
            """,  # noqa: S608 (table names are ours; values are parameters)
            {"owner": user.pk, "accounts": account_ids, "n_accounts": len(account_ids), "salary": categories["salary"],
             "spending": spending_ids, "n_spending": len(spending_ids), "last_day": last_day, "days": days,
             "rows": rows},
        )
        if replica:
            cursor.execute("SET LOCAL session_replication_role = origin")
        credit = [str(k) for k in Transaction.CREDIT_KINDS]
        cursor.execute(
            f"""
            UPDATE {account_table} a SET balance = s.balance
            FROM (SELECT account_id,
                         SUM(CASE WHEN kind = ANY(%(credit)s) THEN amount ELSE -amount END) AS balance
                  FROM {tx} WHERE account_id = ANY(%(accounts)s) GROUP BY account_id) s
            WHERE a.id = s.account_id
            """,  # noqa: S608
            {"credit": credit, "accounts": account_ids},
        )
        cursor.execute(
            f"""
            INSERT INTO {monthly} (owner_id, account_id, category_id, month, kind, total, count)
            SELECT owner_id, account_id, category_id, date_trunc('month', occurred_on)::date, kind,
                   SUM(amount), COUNT(*)
            FROM {tx}
            WHERE account_id = ANY(%(accounts)s) AND kind IN ('income', 'expense')
            GROUP BY owner_id, account_id, category_id, date_trunc('month', occurred_on)::date, kind
            ON CONFLICT (account_id, category_id, month, kind)
            DO UPDATE SET total = EXCLUDED.total, count = EXCLUDED.count
            """,  # noqa: S608
            {"accounts": account_ids},
        )
        cursor.execute(
            f"""
            INSERT INTO {daily} (owner_id, account_id, category_id, day, kind, total, count)
            SELECT owner_id, account_id, category_id, occurred_on, kind, SUM(amount), COUNT(*)
            FROM {tx}
            WHERE account_id = ANY(%(accounts)s) AND kind IN ('income', 'expense')
            GROUP BY owner_id, account_id, category_id, occurred_on, kind
            ON CONFLICT (account_id, category_id, day, kind)
            DO UPDATE SET total = EXCLUDED.total, count = EXCLUDED.count
            """,  # noqa: S608
            {"accounts": account_ids},
        )
