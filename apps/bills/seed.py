"""Demo bills for seed_demo (called after the ledger and budget seeds); running it again
changes nothing.

The demo customer's recurring money, picking up where the ledger seed's history stops (each
item starts on its first day after today, so nothing is counted twice): the salary on the
1st, rent on the 2nd with autopay, 400.00 to savings on the 3rd, electricity (an estimated
bill, paid by hand) on the 15th, internet on the 16th, a streaming subscription on the card,
and a yearly car insurance next month. Checking gets a 500.00 buffer, and a one-off savings
top-up (what six months of history left above that buffer), sized from the forecast, makes the
balance dip to just above the buffer once, in the month after the next salary: the account
page's chart then shows its lowest point near the buffer line, and later months end higher.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction

from apps.accounts.models import Account
from apps.core.dates import month_end, shift_month, user_today
from apps.transactions.models import Category

from .forecast import account_forecast
from .forecast_alerts import forecast_alerts_check
from .models import RecurringItem, RecurringKind
from .services import recurring_create

Kind = RecurringKind
BUFFER = Decimal("500.00")
# How far above the buffer the dip stops: near it, not below (no alert at seeding time).
MARGIN = Decimal("40.00")
MIN_HOLIDAY_TRANSFER = Decimal("50.00")


def _day(first: date, day: int) -> date:
    return first.replace(day=min(day, month_end(first).day))


def first_after(today: date, day: int) -> date:
    """The first date on day ``day`` of a month after today (the ledger seed posted up to today)."""
    this_month = _day(today.replace(day=1), day)
    return this_month if this_month > today else _day(shift_month(today, 1), day)


def _dip_before_second_income(customer, checking: Account) -> Decimal | None:
    """The lowest projected balance between the next income and the one after."""
    forecast = account_forecast(user=customer, account_id=checking.pk, days=90)
    incomes = [p.day for p in forecast.lookahead if any(e.is_money_in for e in p.events)]
    if len(incomes) < 2:
        return None
    return min(p.balance for p in forecast.lookahead if incomes[0] <= p.day < incomes[1])


@transaction.atomic
def seed_bills(customer, stdout) -> None:
    if RecurringItem.objects.filter(owner=customer).exists():
        stdout.write(f"kept the bills of {customer.email}")
        return
    accounts = Account.objects.filter(owner=customer, closed_on__isnull=True).order_by("pk")
    checking = accounts.filter(kind=Account.Kind.CHECKING).first()
    savings = accounts.filter(kind=Account.Kind.SAVINGS).first()
    card = accounts.filter(kind=Account.Kind.CREDIT_CARD).first()
    if checking is None:
        stdout.write(f"no bills for {customer.email}: no checking account")
        return
    today = user_today(customer)
    cat = {c.name: c for c in Category.objects.filter(owner__isnull=True)}
    created = []

    def add(kind, name, amount, account, day, **kwargs):
        if kind != Kind.TRANSFER:
            kwargs.setdefault("category", cat[kwargs.pop("cat")])
        starts_on = kwargs.pop("starts_on", None) or first_after(today, day)
        created.append(recurring_create(user=customer, kind=kind, name=name, amount=Decimal(amount),
                                        account_id=account.pk, starts_on=starts_on, **kwargs))

    add(Kind.INCOME, "Salary, Acme Corp", "4200.00", checking, 1, cat="salary")
    add(Kind.BILL, "Rent, Elm Street flat", "1450.00", checking, 2, cat="rent", autopay=True)
    if savings is not None:
        add(Kind.TRANSFER, "Monthly savings", "400.00", checking, 3, to_account_id=savings.pk)
    add(Kind.BILL, "Electricity", "85.00", checking, 15, cat="utilities", amount_min=Decimal("60.00"),
        amount_max=Decimal("110.00"))
    add(Kind.BILL, "Internet", "45.00", checking, 16, cat="utilities", autopay=True)
    if card is not None:
        add(Kind.BILL, "Streaming subscription", "12.99", card, 7, cat="entertainment", autopay=True)
    next_month = shift_month(today, 1)
    add(Kind.BILL, "Car insurance", "780.00", checking, 20, cat="other", frequency="yearly",
        starts_on=_day(next_month, 20), remind_days=7)

    # The dip: move what is above "buffer + margin" at the low point to savings, once.
    low = _dip_before_second_income(customer, checking)
    buffer = BUFFER if low is not None and low - BUFFER - MARGIN >= MIN_HOLIDAY_TRANSFER else Decimal("0.00")
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=buffer)
    if savings is not None and low is not None:
        amount = ((low - buffer - MARGIN) / 10).to_integral_value(rounding=ROUND_FLOOR) * 10
        if amount >= MIN_HOLIDAY_TRANSFER:
            add(Kind.TRANSFER, "Savings top-up", f"{amount}", checking, 25, to_account_id=savings.pk, count=1,
                starts_on=_day(next_month, 25))
    alerts = forecast_alerts_check(user=customer, today=today)
    stdout.write(f"created {len(created)} bills, income and transfers for {customer.email} "
                 f"(buffer {buffer} on {checking.name}; {len(alerts)} forecast alerts)")
