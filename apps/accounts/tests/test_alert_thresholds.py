"""The account's alert thresholds (low balance, large entry): set and cleared on the edit page,
in the account's currency, refused when negative (the form keeps what was typed; the database
refuses it too)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import Account
from tests.factories import AccountFactory, UserFactory
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_the_edit_page_sets_and_clears_both_thresholds_in_the_accounts_currency(logged_in, user):
    account = AccountFactory(owner=user, currency="EUR", name="Everyday")
    url = reverse("accounts:update", args=[account.pk])

    page = logged_in.get(url).content.decode()
    assert "Alert me when the balance goes below" in page
    assert "In EUR. You are told once each time the balance drops below this amount" in page
    assert "In EUR. You are told of each entry of more than this amount, money out or money in" in page

    response = logged_in.post(url, {"name": "Everyday", "low_balance_alert_below": "150",
                                    "large_transaction_alert_above": "1000.50"})
    assert response.status_code == 302
    assert messages_of(response) == ["Account “Everyday” saved."]
    account.refresh_from_db()
    assert (account.low_balance_alert_below, account.large_transaction_alert_above) == (
        Decimal("150.00"), Decimal("1000.50"))
    assert logged_in.get(url).context["form"]["low_balance_alert_below"].value() == "150.00"

    logged_in.post(url, {"name": "Everyday", "low_balance_alert_below": "", "large_transaction_alert_above": ""})
    account.refresh_from_db()
    assert (account.low_balance_alert_below, account.large_transaction_alert_above) == (None, None)


def test_a_negative_or_unreadable_threshold_is_refused_and_what_was_typed_is_kept(logged_in, user):
    account = AccountFactory(owner=user, name="Everyday")
    url = reverse("accounts:update", args=[account.pk])
    response = logged_in.post(url, {"name": "Renamed", "low_balance_alert_below": "-5",
                                    "large_transaction_alert_above": "lots"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["name"].value() == "Renamed"
    assert form["low_balance_alert_below"].value() == "-5"
    assert form["large_transaction_alert_above"].value() == "lots"
    assert set(form.errors) == {"low_balance_alert_below", "large_transaction_alert_above"}
    assert 'value="-5"' in response.content.decode()
    account.refresh_from_db()
    assert (account.name, account.low_balance_alert_below, account.large_transaction_alert_above) == (
        "Everyday", None, None)


def test_another_customers_account_answers_404(logged_in):
    theirs = AccountFactory(owner=UserFactory())
    response = logged_in.post(reverse("accounts:update", args=[theirs.pk]),
                              {"name": "Mine now", "low_balance_alert_below": "1.00"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.low_balance_alert_below is None


def test_the_service_keeps_thresholds_it_is_not_given_and_the_database_refuses_negatives(user):
    account = AccountFactory(owner=user, name="Everyday")
    services.account_update(user=user, account_id=account.pk, name="Everyday",
                            low_balance_alert_below=Decimal("20"), large_transaction_alert_above=Decimal("0"))
    services.account_update(user=user, account_id=account.pk, name="Renamed")  # thresholds not given: kept
    account.refresh_from_db()
    assert (account.low_balance_alert_below, account.large_transaction_alert_above) == (
        Decimal("20.00"), Decimal("0.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(low_balance_alert_below=Decimal("-0.01"))
