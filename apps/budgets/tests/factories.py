from datetime import date
from decimal import Decimal

import factory

from apps.budgets.models import Budget
from apps.transactions import services as ledger
from apps.transactions.models import Category
from apps.users.tests.factories import UserFactory


def category(name="food", owner=None) -> Category:
    """A default category (every user has them) or, with ``owner``, the user's own."""
    if owner is None:
        return Category.objects.get(owner=None, name=name)
    return Category.objects.get_or_create(owner=owner, name=name)[0]


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    owner = factory.SubFactory(UserFactory)
    category = factory.LazyFunction(category)
    period = Budget.Period.MONTHLY
    limit = Decimal("100.00")
    # Far in the past on the 1st: the monthly windows are calendar months.
    start_date = date(2020, 1, 1)
    warning_percent = 80


def account(user, balance=Decimal("10000.00"), name="Checking"):
    return ledger.account_open(user=user, name=name, opening_balance=balance, opened_on=date(2020, 1, 1))


def expense(user, acct, amount, on, name="food"):
    """An expense through the ledger service (so the budget check runs), in the user's category ``name``."""
    return ledger.post_expense(user=user, account_id=acct.pk, amount=Decimal(amount),
                               category=Category.objects.for_user(user).get(name=name), occurred_on=on)
