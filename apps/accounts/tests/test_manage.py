"""Accounts people can manage (issue 16.6): the credit limit, reopening, archiving."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import Account
from apps.accounts.selectors import account_list
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def card(user, frozen_now):
    card = f.account(user, "Visa", kind=Account.Kind.CREDIT_CARD, credit_limit=D("1000.00"))
    f.expense(card, "600.00", on=date(2025, 12, 1))
    return card


def test_credit_limit_edit_and_refusal_beyond_the_balance(user, card):
    assert services.account_credit_limit_set(user=user, account_id=card.pk, credit_limit=D("600.00")).credit_limit \
        == D("600.00")
    with pytest.raises(ValidationError, match=r"already −600.00 USD: the limit cannot be lower than 600.00 USD"):
        services.account_credit_limit_set(user=user, account_id=card.pk, credit_limit=D("599.99"))
    assert Account.objects.get(pk=card.pk).credit_limit == D("600.00")
    services.account_credit_limit_set(user=user, account_id=card.pk, credit_limit=D("2500.00"))
    assert Account.objects.get(pk=card.pk).available == D("1900.00")


def test_credit_limit_only_for_credit_cards_and_owners(user, user_factory, card):
    checking = f.account(user, "Checking")
    with pytest.raises(ValidationError, match="Only credit cards"):
        services.account_credit_limit_set(user=user, account_id=checking.pk, credit_limit=D("10.00"))
    with pytest.raises(Account.DoesNotExist):
        services.account_credit_limit_set(user=user_factory(), account_id=card.pk, credit_limit=D("10.00"))


def test_reopen_archive_unarchive(user, frozen_now):
    account = f.account(user, "Old savings")
    services.account_close(user=user, account_id=account.pk)
    with pytest.raises(ValidationError, match="already open"):
        services.account_reopen(user=user, account_id=f.account(user, "Open").pk)
    archived = services.account_archive(user=user, account_id=account.pk)
    assert archived.archived_on == date(2025, 12, 15)
    assert account not in account_list(user=user) and account in account_list(user=user, archived=True)
    services.account_unarchive(user=user, account_id=account.pk)
    assert account in account_list(user=user)
    services.account_archive(user=user, account_id=account.pk)
    reopened = services.account_reopen(user=user, account_id=account.pk)
    assert (reopened.closed_on, reopened.archived_on) == (None, None)
    with pytest.raises(ValidationError, match="Close “Old savings” before archiving"):
        services.account_archive(user=user, account_id=account.pk)


def test_pages(client, user, user_factory, card):
    client.force_login(user)
    url = reverse("accounts:credit_limit", args=[card.pk])
    response = client.post(url, {"credit_limit": "100.00"})
    assert response.status_code == 200
    assert "cannot be lower than 600.00 USD" in response.content.decode()
    assert client.post(url, {"credit_limit": "800.00"}).status_code == 302
    assert Account.objects.get(pk=card.pk).credit_limit == D("800.00")
    closed = f.account(user, "Closed")
    services.account_close(user=user, account_id=closed.pk)
    assert "Archive" in client.get(reverse("accounts:archive", args=[closed.pk])).content.decode()
    client.post(reverse("accounts:archive", args=[closed.pk]))
    page = client.get(reverse("accounts:list")).content.decode()
    assert "Archived accounts (1)" in page and ">Closed</a>" not in page
    assert ">Closed</a>" in client.get(reverse("accounts:list") + "?archived=1").content.decode()
    client.post(reverse("accounts:reopen", args=[closed.pk]))
    assert Account.objects.get(pk=closed.pk).closed_on is None
    # Another customer's account: 404 on every new URL, GET and POST, nothing changes.
    theirs = f.account(user_factory(), "Theirs", kind=Account.Kind.CREDIT_CARD, credit_limit=D("50.00"))
    for name in ("credit_limit", "reopen", "archive", "unarchive"):
        for method in (client.get, client.post):
            assert method(reverse(f"accounts:{name}", args=[theirs.pk])).status_code == 404
    assert Account.objects.get(pk=theirs.pk).credit_limit == D("50.00")
