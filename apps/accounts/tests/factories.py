from datetime import date
from decimal import Decimal

import factory

from apps.accounts.models import Account
from apps.users.tests.factories import UserFactory


class AccountFactory(factory.django.DjangoModelFactory):
    """An account opened the only way accounts are opened: through the ledger service, so
    its opening balance is its first entry and balance == ledger holds from the start."""

    class Meta:
        model = Account

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Account {n}")
    kind = Account.Kind.CHECKING
    currency = "USD"
    institution = "Test Bank"
    number_last4 = "1234"
    credit_limit = Decimal("0.00")
    opened_on = date(2025, 1, 1)
    opening_balance = Decimal("0.00")

    @classmethod
    def _create(cls, model_class, *args, owner, **kwargs):
        from apps.transactions.services import account_open

        return account_open(user=owner, **kwargs)


class CreditCardFactory(AccountFactory):
    kind = Account.Kind.CREDIT_CARD
    credit_limit = Decimal("1000.00")
