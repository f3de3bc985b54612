"""Close my profile: refused while money remains (the accounts listed); otherwise the open
accounts closed, personal data removed, the ledger kept, the audit trail told, the session
ended, and no way back in."""

from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from apps.accounts.models import Account
from apps.audit.models import AuditEvent
from apps.notifications.models import DigestPreference, NotificationPreference, PushSubscription, Webhook
from apps.profile import services
from apps.transactions.models import Attachment, Transaction
from apps.transactions.services import attachment_add
from apps.users.models import KnownDevice, User
from apps.users.services import known_device_record
from tests.clock import TODAY
from tests.factories import PASSWORD, UserFactory, account, expense, transfer

pytestmark = pytest.mark.django_db


def test_refused_while_money_remains_listing_the_accounts(client, two_customers):
    ada, _ = two_customers
    client.force_login(ada.user)
    page = client.get(reverse("profile:close"))
    assert page.status_code == 200
    listed = page.content.decode().split('id="accounts-with-money"')[1].split("</ul>")[0]
    assert "Checking" in listed and "2,819.75 USD" in listed and "Savings" in listed
    assert "Old account" not in listed and "Card" not in listed  # closed, or at zero
    response = client.post(reverse("profile:close"), {"confirmation": "ada@example.com"})
    assert response.status_code == 400
    assert "cannot be closed while money remains" in response.content.decode()
    user = User.objects.get(pk=ada.user.pk)
    assert (user.is_active, user.email, user.display_name) == (True, "ada@example.com", "Ada")
    assert Account.objects.get(pk=ada["checking"].pk).closed_on is None
    assert client.session.get(SESSION_KEY) == str(ada.user.pk)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROFILE_CLOSED).exists()


def test_money_owed_on_a_card_also_stops_it(db, frozen_now):
    user = UserFactory()
    card = account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=Decimal("300.00"))
    expense(card, "12.50")
    with pytest.raises(services.MoneyRemains) as refused:
        services.profile_close(user=user, confirmation=PASSWORD)
    assert [a.name for a in refused.value.accounts] == ["Card"]
    assert "−12.50 USD" in refused.value.messages[0]


@pytest.fixture
def emptied(db, frozen_now):
    """A customer whose accounts are all at zero, with a history and every kind of personal setting."""
    user = UserFactory(email="zoe@example.com", display_name="Zoë", time_zone="Europe/Paris")
    checking = account(user, "Checking", opening="100.00")
    savings = account(user, "Savings", kind=Account.Kind.SAVINGS)
    transfer(checking, savings, "40.00")
    expense(checking, "60.00")
    expense(savings, "40.00")
    old = account(user, "Old")
    Account.objects.filter(pk=old.pk).update(closed_on=TODAY)
    known_device_record(user=user, user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                        ip="203.0.113.7")
    Webhook.objects.create(owner=user, url="https://192.0.2.10/hook", secret="s" * 64)
    PushSubscription.objects.create(owner=user, endpoint="https://push.example.com/send/zoe", p256dh="B" * 87,
                                    auth="A" * 22)
    NotificationPreference.objects.create(owner=user, kind="budget", channel="email", enabled=False)
    DigestPreference.objects.create(owner=user, frequency="weekly")
    attachment_add(user=user, transaction_id=Transaction.objects.filter(owner=user, kind="expense").first().pk,
                   name="till.pdf", data=b"%PDF-1.4\n%%EOF\n")
    return user


def test_closed_at_zero(client, emptied):
    user = emptied
    entries = set(Transaction.objects.filter(owner=user).values_list("pk", flat=True))
    assert len(entries) == 5  # the opening deposit, two transfer legs, two expenses
    client.force_login(user)
    assert b"accounts-with-money" not in client.get(reverse("profile:close")).content
    response = client.post(reverse("profile:close"), {"confirmation": PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("profile:closed"), 302)]
    assert b"Your BankDash profile is closed and you are logged out" in response.content
    assert SESSION_KEY not in client.session

    closed = User.objects.get(pk=user.pk)
    assert closed.display_name == "Closed profile"
    assert closed.email == f"closed-{user.pk}@invalid"
    assert not closed.has_usable_password() and not closed.is_active
    assert closed.time_zone == "Europe/Paris"
    assert set(Account.objects.filter(owner=user).values_list("name", "closed_on")) == {
        ("Checking", TODAY), ("Savings", TODAY), ("Old", TODAY)}
    # The ledger stays, owned by the anonymous profile; the personal settings are gone.
    assert set(Transaction.objects.filter(owner=user).values_list("pk", flat=True)) == entries
    for model, owner in ((KnownDevice, "user"), (Webhook, "owner"), (PushSubscription, "owner"),
                         (NotificationPreference, "owner"), (DigestPreference, "owner"), (Attachment, "owner")):
        assert not model.objects.filter(**{owner: user}).exists(), model
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROFILE_CLOSED)
    assert (event.actor_id, event.actor_email) == (user.pk, "zoe@example.com")
    assert event.details == {"closed_accounts": ["Checking", "Savings"]}

    # No way back in: neither the old address nor the placeholder logs in.
    assert not client.login(username="zoe@example.com", password=PASSWORD)
    assert not client.login(username=closed.email, password=PASSWORD)
    login = client.post(reverse("login"), {"username": "zoe@example.com", "password": PASSWORD})
    assert login.status_code == 200 and SESSION_KEY not in client.session
    assert client.get(reverse("settings")).status_code == 302


def test_a_wrong_confirmation_is_refused(client, emptied):
    client.force_login(emptied)
    response = client.post(reverse("profile:close"), {"confirmation": "not it"})
    assert response.status_code == 400
    assert "Type your email address or your password" in response.content.decode()
    assert User.objects.get(pk=emptied.pk).is_active
    # The address, typed in any case, confirms too.
    assert services.profile_close(user=emptied, confirmation=" ZOE@example.com ") == ["Checking", "Savings"]


def test_another_session_of_the_closed_profile_ends(client, emptied):
    from django.test import Client

    other = Client()
    other.force_login(emptied)
    client.force_login(emptied)
    client.post(reverse("profile:close"), {"confirmation": PASSWORD})
    assert other.get(reverse("dashboard:home")).status_code == 302
