import pytest
from django.test import Client

from tests.factories import customer_with_everything

from .forms import PASSWORD


@pytest.fixture
def fuzz_world(db):
    """A customer (password known, one object of every kind), another customer, and
    clients: a visitor and the logged-in customer. Requests may raise nothing: a view's
    exception becomes the 500 the tests look for."""
    from apps.users.tests.factories import UserFactory

    customer = UserFactory(email="fuzz-customer@example.com")
    customer.set_password(PASSWORD)
    customer.save(update_fields=["password"])
    other = UserFactory(email="fuzz-other@example.com")
    holdings = customer_with_everything(customer)
    customer_with_everything(other)
    visitor, logged_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
    logged_in.force_login(customer)
    return {"customer": customer, "other": other, "holdings": holdings, "visitor": visitor, "client": logged_in}
