import pytest

from apps.bills import services as bill_services
from tests.clock import TODAY
from tests.factories import UserFactory, customer_with_everything


@pytest.fixture
def two_customers(db, frozen_now):
    """Ada (logged in by the tests that want her) and Bob, each holding one object of every kind."""
    ada = UserFactory(email="ada@example.com", display_name="Ada")
    bob = UserFactory(email="bob@example.com", display_name="Bob")
    holdings = customer_with_everything(ada), customer_with_everything(bob)
    for held in holdings:  # an occurrence of each one's bill (skipped: it moves no money)
        bill_services.occurrence_skip(user=held.user, item_id=held["bill"].pk, due_on=TODAY)
    return holdings
