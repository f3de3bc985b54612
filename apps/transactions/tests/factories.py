from datetime import date
from decimal import Decimal

import factory

from apps.transactions import services
from apps.transactions.models import Category
from apps.users.tests.factories import UserFactory


def default_category(name="food") -> Category:
    """One of the default categories every user has (made by a data migration; created here
    too in case a transactional test's flush removed it)."""
    return Category.objects.get_or_create(owner=None, name=name)[0]


class CategoryFactory(factory.django.DjangoModelFactory):
    """A user's own category."""

    class Meta:
        model = Category

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"my category {n}")


DAY = date(2025, 3, 10)


def income(account, amount, *, category="salary", occurred_on=DAY, **kwargs):
    return services.post_income(user=account.owner, account_id=account.pk, amount=Decimal(amount),
                                category=default_category(category), occurred_on=occurred_on, **kwargs)


def expense(account, amount, *, category="food", occurred_on=DAY, **kwargs):
    return services.post_expense(user=account.owner, account_id=account.pk, amount=Decimal(amount),
                                 category=default_category(category), occurred_on=occurred_on, **kwargs)


def transfer(source, target, amount, *, occurred_on=DAY, **kwargs):
    return services.transfer(user=source.owner, from_account_id=source.pk, to_account_id=target.pk,
                             amount=Decimal(amount), occurred_on=occurred_on, **kwargs)
