"""Test data for the dashboard, written through the ledger services (never by
editing balances) so the monthly totals are the ones production keeps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from apps.budgets.models import Budget
from apps.transactions import services
from apps.transactions.models import Category


def category(name: str, *, user=None) -> Category:
    """A default category by name, or the user's own one (created if needed)."""
    if user is None:
        return Category.objects.get(owner__isnull=True, name=name)
    return Category.objects.get_or_create(owner=user, name=name)[0]


def account(user, name="Checking", *, opening=Decimal("0.00"), currency=None, opened_on=date(2020, 1, 1), **kwargs):
    return services.account_open(user=user, name=name, opening_balance=opening, currency=currency,
                                 opened_on=opened_on, **kwargs)


def expense(user, acc, amount, on: date, cat="food"):
    cat = cat if isinstance(cat, Category) else category(cat)
    return services.post_expense(user=user, account_id=acc.pk, amount=Decimal(amount), category=cat,
                                 occurred_on=on)


def income(user, acc, amount, on: date, cat="salary"):
    cat = cat if isinstance(cat, Category) else category(cat)
    return services.post_income(user=user, account_id=acc.pk, amount=Decimal(amount), category=cat,
                                occurred_on=on)


def transfer(user, source, target, amount, on: date):
    return services.transfer(user=user, from_account_id=source.pk, to_account_id=target.pk,
                             amount=Decimal(amount), occurred_on=on)


def budget(user, cat="food", limit="500.00", *, period=Budget.Period.MONTHLY, start=date(2020, 1, 1),
           warning_percent=80) -> Budget:
    cat = cat if isinstance(cat, Category) else category(cat)
    return Budget.objects.create(owner=user, category=cat, period=period, limit=Decimal(limit), start_date=start,
                                 warning_percent=warning_percent)
