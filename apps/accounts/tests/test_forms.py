from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.forms import AccountCreateForm, last4_from_number
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [
    ("1234", "1234"),
    ("0012 3456 7890", "7890"),
    ("DE89 3704 0044 0532 0130 00", "3000"),
    ("12-34-5678", "5678"),
    ("", ""),
])
def test_only_the_last_four_digits_are_kept(typed, stored):
    assert last4_from_number(typed) == stored


@pytest.mark.parametrize("typed", ["123", "12ab", "1234x", "12 34!"])
def test_account_number_must_end_in_four_digits(typed):
    with pytest.raises(ValidationError):
        last4_from_number(typed)


def form(**data):
    base = {"name": "Checking", "kind": "checking", "currency": "usd", "opened_on": "2025-01-01",
            "account_number": "0012 3456 7890", "opening_balance": "10.00"}
    base.update(data)
    return AccountCreateForm(base, user=UserFactory())


def test_valid_create_form_normalises():
    f = form()
    assert f.is_valid(), f.errors
    assert (f.cleaned_data["currency"], f.cleaned_data["account_number"], f.cleaned_data["credit_limit"]) == (
        "USD", "7890", Decimal("0.00"))


@pytest.mark.parametrize(("data", "field"), [
    ({"credit_limit": "500.00"}, "credit_limit"),  # not a credit card
    ({"opening_balance": "-1.00"}, "opening_balance"),
    ({"opening_balance": "1.001"}, "opening_balance"),
    ({"currency": "US1"}, "currency"),
    ({"account_number": "12"}, "account_number"),
    ({"opened_on": "2025-02-30"}, "opened_on"),
    ({"name": ""}, "name"),
])
def test_create_form_errors(data, field):
    f = form(**data)
    assert not f.is_valid()
    assert field in f.errors


def test_credit_limit_is_fine_on_a_credit_card():
    f = form(kind="credit_card", credit_limit="500.00", opening_balance="")
    assert f.is_valid(), f.errors
    assert (f.cleaned_data["credit_limit"], f.cleaned_data["opening_balance"]) == (Decimal("500.00"), Decimal("0.00"))
