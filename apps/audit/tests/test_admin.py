"""The audit trail in the admin: read-only for staff; superusers post corrections there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.transactions.models import Category, Transaction
from tests.factories import AccountFactory, AuditorFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def event():
    return AuditEvent.objects.create(action=Action.LOGIN_FAILED, actor_email="probe@example.com",
                                     ip_address="203.0.113.5")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root@example.com", "x-long-secret", display_name="Root")


@pytest.mark.parametrize("factory", [AuditorFactory, SupportFactory], ids=["auditor", "support"])
def test_staff_can_view_but_never_write(client, event, factory):
    client.force_login(factory())
    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    assert "probe@example.com" in listing.content.decode()
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(reverse("admin:audit_auditevent_change", args=[event.pk]),
                       {"actor_email": "x@example.com"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).actor_email == "probe@example.com"


def test_not_even_a_superuser_can_write(client, event, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in detail


def test_customer_cannot_see_the_trail(client, event):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:audit_auditevent_changelist"), follow=True).status_code == 403


def test_bulk_deletion_in_the_admin_is_recorded_per_object(client, superuser):
    owner = UserFactory()
    first = Category.objects.create(owner=owner, name="one")
    second = Category.objects.create(owner=owner, name="two")
    client.force_login(superuser)
    response = client.post(reverse("admin:transactions_category_changelist"), {
        "action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes",
    })
    assert response.status_code == 302
    assert not Category.objects.filter(pk__in=[first.pk, second.pk]).exists()
    deleted = AuditEvent.objects.filter(action=Action.ADMIN_CHANGE, details__operation="deletion")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    assert {e.actor for e in deleted} == {superuser}


# --- corrections -------------------------------------------------------------

def correction_url():
    return reverse("admin:audit_correction")


def test_superuser_posts_a_correction_with_a_reason(client, superuser):
    account = AccountFactory(opening_balance=Decimal("100.00"))
    client.force_login(superuser)
    page = client.get(correction_url(), {"account": account.pk})
    assert page.status_code == 200
    assert f'value="{account.pk}"' in page.content.decode()
    response = client.post(correction_url(), {"account": account.pk, "amount": "-10.15",
                                              "reason": "Duplicate card fee refunded twice"}, follow=True)
    assert response.status_code == 200
    assert "Correction of -10.15 USD posted" in response.content.decode()
    account.refresh_from_db()
    assert account.balance == Decimal("89.85")
    row = Transaction.objects.get(account=account, kind=Transaction.Kind.ADJUSTMENT_OUT)
    assert (row.amount, row.description) == (Decimal("10.15"), "Duplicate card fee refunded twice")
    event = AuditEvent.objects.get(action=Action.CORRECTION)
    assert event.actor == superuser
    assert event.details["reason"] == "Duplicate card fee refunded twice"
    assert event.details["owner_id"] == account.owner_id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "5.00", "reason": ""}, "This field is required."),
        ({"amount": "5.00", "reason": "short"}, "at least 10 characters"),
        ({"amount": "0", "reason": "A reason long enough"}, "A correction of zero changes nothing."),
        ({"amount": "-500.00", "reason": "A reason long enough"}, "Not enough money"),
        ({"amount": "1.234", "reason": "A reason long enough"}, "decimal places"),
    ],
)
def test_bad_corrections_are_refused_and_write_nothing(client, superuser, data, message):
    account = AccountFactory(opening_balance=Decimal("100.00"))
    client.force_login(superuser)
    before = (Transaction.objects.count(), AuditEvent.objects.filter(action=Action.CORRECTION).count())
    response = client.post(correction_url(), {"account": account.pk, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    account.refresh_from_db()
    assert account.balance == Decimal("100.00")
    assert (Transaction.objects.count(), AuditEvent.objects.filter(action=Action.CORRECTION).count()) == before


def test_unknown_account(client, superuser):
    client.force_login(superuser)
    response = client.post(correction_url(), {"account": 999999, "amount": "1.00", "reason": "A reason long enough"})
    assert "There is no account with this ID." in response.content.decode()


@pytest.mark.parametrize("factory", [SupportFactory, AuditorFactory], ids=["support", "auditor"])
def test_other_staff_cannot_post_corrections(client, factory):
    account = AccountFactory(opening_balance=Decimal("100.00"))
    client.force_login(factory())
    assert client.get(correction_url()).status_code == 403
    response = client.post(correction_url(), {"account": account.pk, "amount": "50.00",
                                              "reason": "Trying to move money"})
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.balance == Decimal("100.00")


def test_the_correction_link_shows_only_to_those_who_may(client, superuser):
    client.force_login(superuser)
    assert "Post a ledger correction" in client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    client.force_login(AuditorFactory())
    assert "Post a ledger correction" not in client.get(
        reverse("admin:audit_auditevent_changelist")).content.decode()


def test_balances_are_read_only_in_the_admin_even_for_a_superuser(client, superuser):
    account = AccountFactory(opening_balance=Decimal("100.00"), name="Main")
    client.force_login(superuser)
    url = reverse("admin:accounts_account_change", args=[account.pk])
    page = client.get(url).content.decode()
    assert 'name="balance"' not in page  # shown, not editable
    client.post(url, {"name": "Main renamed", "institution": "", "number_last4": "", "balance": "999999.00"})
    account.refresh_from_db()
    assert account.name == "Main renamed"
    assert account.balance == Decimal("100.00")
