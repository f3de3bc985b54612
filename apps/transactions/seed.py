"""Demo ledger for the demo customer (called by `seed_demo`): three accounts and six
months, ending this month, of salary, rent, groceries, transport, utilities and leisure,
with a monthly transfer to savings (toward a goal) and a credit card payment. Every entry goes through
the services; amounts are Decimal from a seeded random generator, so runs are repeatable."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from functools import partial

from django.db import transaction

from apps.accounts import services as account_services
from apps.accounts.models import Account
from apps.core.dates import month_end, shift_month, user_today

from . import services
from .models import Category, Transaction

CENT = Decimal("0.01")
MONTHS = 6


def _amount(rng: random.Random, low: str, high: str) -> Decimal:
    """A random amount between two Decimal strings, in whole cents (never a float)."""
    cents = rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))
    return (Decimal(cents) / 100).quantize(CENT)


def _months_ending(today: date, count: int) -> list[date]:
    return [shift_month(today, -n) for n in reversed(range(count))]


def _day(first: date, day: int) -> date:
    return first.replace(day=min(day, month_end(first).day))


def _pay_card(*, user, occurred_on, checking, card):
    """Pay off what the card owes at that point, from checking."""
    owed = -Account.objects.get(pk=card.pk).balance
    if owed > 0:
        services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=card.pk, amount=owed,
                          occurred_on=occurred_on, description="Credit card payment")


@transaction.atomic
def seed_ledger(customer, stdout) -> None:
    if Account.objects.filter(owner=customer).exists():
        stdout.write(f"kept the ledger of {customer.email} (it already has accounts)")
        return
    rng = random.Random(20250101)
    today = user_today(customer)
    months = _months_ending(today, MONTHS)
    cat = {c.name: c for c in Category.objects.filter(owner__isnull=True)}
    currency = customer.default_currency
    checking = services.account_open(
        user=customer, name="Everyday checking", kind=Account.Kind.CHECKING, currency=currency,
        institution="First Demo Bank", number_last4="4821", opened_on=months[0],
        opening_balance=Decimal("2500.00"),
    )
    savings = services.account_open(
        user=customer, name="Rainy-day savings", kind=Account.Kind.SAVINGS, currency=currency,
        institution="First Demo Bank", number_last4="7390", opened_on=months[0],
    )
    card = services.account_open(
        user=customer, name="Demo Visa", kind=Account.Kind.CREDIT_CARD, currency=currency,
        institution="Demo Card Services", number_last4="1156", opened_on=months[0],
        credit_limit=Decimal("3000.00"),
    )

    # (date, order, action): sorted so each day's entries post in a realistic order.
    events = []

    def add(when, action, **kwargs):
        events.append((when, len(events), partial(action, user=customer, occurred_on=when, **kwargs)))

    def expense(when, account, category, amount, description):
        add(when, services.expense_post, account_id=account.pk, amount=amount, category=cat[category],
            description=description)

    for first in months:
        add(_day(first, 1), services.income_post, account_id=checking.pk, amount=Decimal("4200.00"),
            category=cat["salary"], description="Salary, Acme Corp")
        expense(_day(first, 2), checking, "rent", Decimal("1450.00"), "Rent, Elm Street flat")
        add(_day(first, 3), services.transfer_create, from_account_id=checking.pk, to_account_id=savings.pk,
            amount=Decimal("400.00"), description="Monthly savings")
        for day in (5, 12, 19, 26):
            expense(_day(first, day), checking, "food", _amount(rng, "45.00", "140.00"),
                    rng.choice(["FreshMart groceries", "Green Grocer", "SuperSave market"]))
        for _ in range(5):
            expense(_day(first, rng.randint(1, 28)), checking, "transport", _amount(rng, "2.50", "45.00"),
                    rng.choice(["Metro card top-up", "Fuel", "Taxi", "Bike repair"]))
        expense(_day(first, 15), checking, "utilities", _amount(rng, "60.00", "110.00"), "Electricity")
        expense(_day(first, 16), checking, "utilities", Decimal("45.00"), "Internet")
        expense(_day(first, 7), card, "entertainment", Decimal("12.99"), "Streaming subscription")
        expense(_day(first, rng.randint(8, 27)), card, "entertainment", _amount(rng, "18.00", "85.00"),
                rng.choice(["Cinema", "Concert tickets", "Bowling"]))
        for _ in range(2):
            expense(_day(first, rng.randint(1, 27)), card, "shopping", _amount(rng, "20.00", "180.00"),
                    rng.choice(["Bookshop", "Clothes", "Home goods", "Electronics"]))
        expense(_day(first, rng.randint(1, 27)), card, "health", _amount(rng, "8.00", "60.00"), "Pharmacy")
        expense(_day(first, rng.randint(1, 27)), card, "food", _amount(rng, "25.00", "90.00"), "Restaurant")
        add(_day(first, 28), _pay_card, checking=checking, card=card)

    posted = 0
    for when, _, action in sorted(events, key=lambda e: (e[0], e[1])):
        if when > today:  # nothing in the future
            continue
        action()
        posted += 1
    # The latest supermarket receipt was groceries and a few things for the home: split in two.
    receipt = (Transaction.objects.filter(account=checking, category=cat["food"], description="SuperSave market")
               .order_by("-occurred_on", "-pk").first())
    if receipt is not None and receipt.amount > Decimal("20.00"):
        services.entry_split(user=customer, transaction_id=receipt.pk, parts=[
            (receipt.amount - Decimal("18.50"), cat["food"]), (Decimal("18.50"), cat["shopping"])])
    # The savings are for something: a goal a year out (so safe to spend leaves them aside).
    account_services.account_goal_set(user=customer, account_id=savings.pk, amount=Decimal("5000.00"),
                                      on=shift_month(today, 12))
    stdout.write(f"created 3 accounts and {posted} ledger entries for {customer.email}")
