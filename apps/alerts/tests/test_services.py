import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.alerts.models import Alert
from apps.alerts.services import alert_mark_all_read, alert_mark_read, system_alert_broadcast
from apps.users.roles import AUDITOR, SUPPORT
from tests.factories import AlertFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_mark_read_is_owner_scoped():
    mine, theirs = AlertFactory(), AlertFactory()
    assert alert_mark_read(user=theirs.owner, alert_id=mine.pk) is False
    mine.refresh_from_db()
    assert mine.read_at is None
    assert alert_mark_read(user=mine.owner, alert_id=mine.pk) is True
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_read_keeps_the_first_read_time():
    read_at = timezone.now() - timezone.timedelta(days=3)
    alert = AlertFactory(read_at=read_at)
    assert alert_mark_read(user=alert.owner, alert_id=alert.pk) is False
    alert.refresh_from_db()
    assert alert.read_at == read_at


def test_mark_all_read_only_touches_the_users_unread_alerts():
    user = UserFactory()
    AlertFactory.create_batch(3, owner=user)
    AlertFactory(owner=user, read_at=timezone.now())
    other = AlertFactory()
    assert alert_mark_all_read(user=user) == 3
    assert not Alert.objects.filter(owner=user).unread().exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert alert_mark_all_read(user=user) == 0


def test_broadcast_to_all_customers():
    customers = UserFactory.create_batch(3)
    inactive = UserFactory(is_active=False)
    support, auditor = UserFactory(role=SUPPORT), UserFactory(role=AUDITOR)
    assert system_alert_broadcast(message="  Maintenance tonight 22:00–23:00.  ") == 3
    alerts = Alert.objects.all()
    assert {a.owner_id for a in alerts} == {c.pk for c in customers}
    assert {(a.kind, a.message, a.budget_id, a.period_start) for a in alerts} == {
        ("system", "Maintenance tonight 22:00–23:00.", None, None)
    }
    assert not Alert.objects.filter(owner__in=[inactive, support, auditor]).exists()


def test_broadcast_to_one_user():
    one, _ = UserFactory(), UserFactory()
    assert system_alert_broadcast(message="Your card is on its way.", users=[one]) == 1
    assert list(Alert.objects.values_list("owner_id", "kind")) == [(one.pk, "system")]


@pytest.mark.parametrize(("message", "error"), [("   ", "Write the message to send."),
                                                 ("x" * 501, "Keep the message to 500 characters.")])
def test_broadcast_rejects_empty_or_long_messages(message, error):
    UserFactory()
    with pytest.raises(ValidationError) as raised:
        system_alert_broadcast(message=message)
    assert raised.value.message_dict == {"message": [error]}
    assert not Alert.objects.exists()
