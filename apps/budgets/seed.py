"""Demo budgets for seed_demo (called after the ledger seed); running it again changes nothing.

The limits come from the demo customer's actual spending, so that one budget is over its
limit this month and one is past its warning threshold, whatever the ledger seed wrote.
With no spending yet, the budgets get everyday limits (and no alert is due).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction

from apps.core.dates import Window, month_window, user_today
from apps.transactions.models import Category

from .models import Budget
from .selectors import spent_in_windows
from .services import budget_check, budget_create

CENT = Decimal("0.01")
FIXED_COSTS = {"rent", "utilities"}
EVERYDAY_LIMITS = {  # monthly, for categories with no special role in the demo
    "food": Decimal("400.00"), "transport": Decimal("150.00"), "entertainment": Decimal("120.00"),
    "shopping": Decimal("250.00"), "utilities": Decimal("200.00"),
}


def _round(amount: Decimal, rounding) -> Decimal:
    """A round figure (tens) when that keeps the ratio we want, else cents."""
    if amount >= 100:
        return (amount / 10).quantize(Decimal(1), rounding=rounding) * 10
    return amount.quantize(CENT, rounding=rounding)


def _exceeded_limit(spent: Decimal) -> Decimal | None:
    limit = _round(spent * Decimal("0.85"), ROUND_FLOOR)
    return limit if Decimal(0) < limit < spent else None


def _warning_limit(spent: Decimal) -> Decimal | None:
    """A limit that ``spent`` passes the 80 % warning of, without going over."""
    target = spent / Decimal("0.9")  # 90 % used
    for limit in (_round(target, ROUND_CEILING), target.quantize(CENT, ROUND_CEILING)):
        if limit * Decimal("0.8") < spent <= limit:
            return limit
    return None


def _plan(customer, today) -> list[tuple[Category, str, Decimal]]:
    categories = {c.name: c for c in Category.objects.for_user(customer).filter(owner__isnull=True)}
    spendable = [c for name, c in sorted(categories.items()) if name not in ("salary", "other")]
    year = Window(today.replace(month=1, day=1), today.replace(month=12, day=31))
    this_month = month_window(today)
    currency = customer.default_currency
    windows = {c.pk: (c.pk, currency, this_month) for c in spendable}
    windows.update({-c.pk: (c.pk, currency, year) for c in spendable})  # negative key: the year
    spent = spent_in_windows(user=customer, windows=windows)

    # Candidates for the two budgets that must show alerts: monthly first, biggest spending first;
    # the yearly budgets are the fallback when only one category has spending this month.
    # Fixed costs (rent) last: an everyday category makes the more natural demo.
    candidates = sorted((c for c in spendable if spent[c.pk] > 0), key=lambda c: (c.name in FIXED_COSTS, -spent[c.pk]))
    candidates = [(c, Budget.Period.MONTHLY, spent[c.pk]) for c in candidates] + \
                 [(c, Budget.Period.YEARLY, spent[-c.pk]) for c in candidates]
    plan = []
    for make_limit in (_exceeded_limit, _warning_limit):
        for category, period, amount in candidates:
            limit = make_limit(amount)
            if limit and all((category, period) != (p[0], p[1]) for p in plan):
                plan.append((category, period, limit))
                break
    taken = {c.pk for c, period, _ in plan if period == Budget.Period.MONTHLY}
    for name, everyday in EVERYDAY_LIMITS.items():
        category = categories.get(name)
        if category and category.pk not in taken:
            # Comfortably above what is already spent: these show the "on track" colour.
            plan.append((category, Budget.Period.MONTHLY, max(everyday, _round(spent[category.pk] * 2, ROUND_CEILING))))
    return plan


def seed_budgets(customer, stdout) -> None:
    with transaction.atomic():
        kept = Budget.objects.filter(owner=customer, is_active=True).count()
        if kept:
            stdout.write(f"kept {kept} budgets for {customer.email}")
        else:
            today = user_today(customer)
            for category, period, limit in _plan(customer, today):
                start = today.replace(day=1) if period == Budget.Period.MONTHLY else today.replace(month=1, day=1)
                budget = budget_create(user=customer, category=category, period=period, limit=limit, start_date=start)
                stdout.write(f"created {period} budget {category.name}: {budget.limit} {budget.currency}")
        # budget_create already checked each new budget; this catches spending added since.
        for alert in budget_check(user=customer):
            stdout.write(f"created {alert.kind} alert: {alert.message}")
        alerts = customer.alerts.exclude(kind="system").count()
        stdout.write(f"{customer.email} has {alerts} budget alerts")
