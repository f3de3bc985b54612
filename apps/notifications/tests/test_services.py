"""One dispatch job is deferred in the transaction that raises the alerts; the dispatch writes
the deliveries and their jobs, once however often it runs; preferences, quiet hours and the
unsubscribe tokens."""

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.alerts.models import Alert
from apps.alerts.services import alerts_raise, system_alert_broadcast
from apps.notifications.channels import CHANNELS
from apps.notifications.models import Delivery, DeliveryStatus, NotificationPreference, QuietHours
from apps.notifications.services import (
    deliveries_create,
    delivery_deliver,
    preference_unsubscribe,
    preferences_save,
)
from apps.notifications.tokens import unsubscribe_token
from tests.clock import TODAY
from tests.factories import account, budget, expense

from .conftest import dispatch_deferred, jobs

pytestmark = pytest.mark.usefixtures("frozen_now")


class Boom(Exception):
    pass


def test_a_rolled_back_transaction_defers_nothing_and_a_committed_one_defers_one_dispatch(user):
    with pytest.raises(Boom), transaction.atomic():
        alerts_raise([Alert(owner=user, kind=Alert.Kind.SYSTEM, message="Rolled back")])
        assert jobs("notifications.dispatch").count() == 1  # deferred inside the transaction...
        raise Boom
    assert (Alert.objects.count(), jobs("notifications.dispatch").count()) == (0, 0)  # ...and gone with it

    with transaction.atomic():
        [alert] = alerts_raise([Alert(owner=user, kind=Alert.Kind.SYSTEM, message="Committed")])
    # The posting's transaction wrote the alert and one job, nothing per channel.
    [dispatch] = jobs("notifications.dispatch")
    assert dispatch.args == {"alert_ids": [alert.pk]}
    assert (dispatch.status, dispatch.queue_name) == ("todo", "notifications")
    assert (Delivery.objects.count(), jobs().count()) == (0, 0)

    # The dispatch (the worker's job) writes the delivery and its deliver job.
    dispatch_deferred()
    [delivery] = Delivery.objects.all()
    [job] = jobs()
    assert (delivery.alert_id, delivery.channel, delivery.status) == (alert.pk, "email", "pending")
    assert job.args == {"delivery_id": delivery.pk}
    assert (job.status, job.queue_name) == ("todo", "notifications")


def test_a_dispatch_run_again_creates_nothing_new(user, user_factory):
    other = user_factory()
    alerts = alerts_raise([Alert(owner=owner, kind=Alert.Kind.SYSTEM, message="Hello") for owner in (user, other)])
    first = deliveries_create(alert_ids=[a.pk for a in alerts])
    assert sorted(Delivery.objects.values_list("pk", flat=True)) == sorted(first) and len(first) == 2
    assert deliveries_create(alert_ids=[a.pk for a in alerts]) == []
    assert (Delivery.objects.count(), jobs().count()) == (2, 2)
    # An alert deleted before its dispatch ran gets nothing; one already dispatched is skipped.
    [late] = alerts_raise([Alert(owner=user, kind=Alert.Kind.SYSTEM, message="Late")])
    [gone] = alerts_raise([Alert(owner=user, kind=Alert.Kind.SYSTEM, message="Gone")])
    gone_id = gone.pk
    gone.delete()
    new = deliveries_create(alert_ids=[alerts[0].pk, late.pk, gone_id])
    assert list(Delivery.objects.filter(pk__in=new).values_list("alert_id", flat=True)) == [late.pk]
    assert sorted(job.args["delivery_id"] for job in jobs()) == sorted(first + new)


def test_a_rolled_back_posting_leaves_no_alert_delivery_or_job(user):
    checking = account(user, opening="1000.00")
    budget(user, limit="100.00")
    with pytest.raises(Boom), transaction.atomic():
        expense(checking, "150.00", on=TODAY)
        assert Alert.objects.filter(kind=Alert.Kind.BUDGET_EXCEEDED).count() == 1
        raise Boom
    assert (Alert.objects.count(), jobs("notifications.dispatch").count()) == (0, 0)


def test_an_expense_over_a_budget_gives_one_delivery_per_enabled_channel_and_one_job(user):
    checking = account(user, opening="1000.00")
    budget(user, limit="100.00")
    expense(checking, "150.00", on=TODAY)
    [alert] = Alert.objects.filter(owner=user)
    assert alert.kind == Alert.Kind.BUDGET_EXCEEDED
    assert [job.args for job in jobs("notifications.dispatch")] == [{"alert_ids": [alert.pk]}]
    dispatch_deferred()
    assert list(Delivery.objects.values_list("alert_id", "owner_id", "channel")) == [(alert.pk, user.pk, "email")]
    assert jobs().count() == 1
    # Spending more in the same period raises no new alert, so nothing more is sent.
    expense(checking, "10.00", on=TODAY)
    assert jobs("notifications.dispatch").count() == 1
    dispatch_deferred()
    assert (Delivery.objects.count(), jobs().count()) == (1, 1)


def test_a_kind_turned_off_by_email_gets_no_delivery(user, user_factory):
    other = user_factory()
    NotificationPreference.objects.create(owner=user, kind=Alert.Kind.SYSTEM, channel="email", enabled=False)
    system_alert_broadcast(message="Maintenance tonight", users=[user, other])
    dispatch_deferred()
    assert list(Delivery.objects.values_list("owner_id", flat=True)) == [other.pk]
    assert jobs().count() == 1


def test_inactive_owners_get_no_delivery(user):
    user.is_active = False
    user.save()
    system_alert_broadcast(message="Hello", users=[user])
    assert dispatch_deferred() == []
    assert Delivery.objects.count() == 0


def _one_delivery(user) -> Delivery:
    system_alert_broadcast(message="Maintenance tonight", users=[user])
    dispatch_deferred()
    return Delivery.objects.get(owner=user)


def test_in_quiet_hours_the_delivery_is_held_and_deferred_to_their_local_end(user, smtp_server):
    user.time_zone = "Europe/Berlin"
    user.save()
    QuietHours.objects.create(owner=user, start=time(22, 0), end=time(7, 0))
    delivery = _one_delivery(user)
    # 23:30 in Berlin on the night the clocks go back.
    assert delivery_deliver(delivery_id=delivery.pk, now=datetime(2025, 10, 25, 21, 30, tzinfo=UTC)) == "held"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.HELD
    assert delivery.held_until == datetime(2025, 10, 26, 6, 0, tzinfo=UTC)  # 07:00 CET
    first, again = jobs()
    assert again.args == {"delivery_id": delivery.pk}
    assert again.scheduled_at == datetime(2025, 10, 26, 6, 0, tzinfo=UTC)
    assert smtp_server.messages == []
    # At 07:00 local the held job sends it.
    assert delivery_deliver(delivery_id=delivery.pk, now=datetime(2025, 10, 26, 6, 0, tzinfo=UTC)) == "sent"
    assert len(smtp_server.messages) == 1


def test_delivering_twice_sends_once(user, smtp_server):
    delivery = _one_delivery(user)
    assert delivery_deliver(delivery_id=delivery.pk) == "sent"
    assert delivery_deliver(delivery_id=delivery.pk) == "already sent"
    assert len(smtp_server.messages) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None


def test_preferences_save_writes_every_pair_and_the_quiet_hours(user):
    preferences_save(user=user, enabled={("budget_exceeded", "email")}, quiet_start=time(22), quiet_end=time(7))
    prefs = {(p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(owner=user)}
    assert prefs[("budget_exceeded", "email")] is True
    assert prefs[("budget_warning", "email")] is False
    assert len(prefs) == len(Alert.Kind.values) * len(CHANNELS)
    assert (user.quiet_hours.start, user.quiet_hours.end) == (time(22), time(7))
    preferences_save(user=user, enabled=set(), quiet_start=None, quiet_end=None)
    assert not QuietHours.objects.filter(owner=user).exists()
    assert not NotificationPreference.objects.filter(owner=user, enabled=True).exists()


@pytest.mark.parametrize("start, end, field", [(time(22), None, "quiet_end"), (None, time(7), "quiet_start"),
                                               (time(7), time(7), "quiet_end")])
def test_half_or_empty_quiet_hours_are_refused(user, start, end, field):
    with pytest.raises(ValidationError) as error:
        preferences_save(user=user, enabled=set(), quiet_start=start, quiet_end=end)
    assert field in error.value.message_dict
    assert not NotificationPreference.objects.exists()


def test_an_unknown_kind_or_channel_is_refused(user):
    with pytest.raises(ValidationError):
        preferences_save(user=user, enabled={("nope", "email")}, quiet_start=None, quiet_end=None)
    with pytest.raises(ValidationError):
        preferences_save(user=user, enabled={("system", "pigeon")}, quiet_start=None, quiet_end=None)


def test_an_unsubscribe_token_turns_off_one_kind_on_one_channel(user):
    token = unsubscribe_token(user_id=user.pk, kind="budget_warning", channel="email")
    assert preference_unsubscribe(token=token) == (user, "budget_warning", "email")
    assert list(NotificationPreference.objects.values_list("owner_id", "kind", "channel", "enabled")) == [
        (user.pk, "budget_warning", "email", False)]


@pytest.mark.parametrize("token", ["", "garbage", "1:abc:def"])
def test_a_forged_unsubscribe_token_is_refused(user, token):
    with pytest.raises(ValidationError):
        preference_unsubscribe(token=token)
    assert not NotificationPreference.objects.exists()


def test_a_tampered_token_for_another_user_is_refused(user, user_factory):
    other = user_factory()
    token = unsubscribe_token(user_id=user.pk, kind="system", channel="email")
    payload, signature = token.split(":", 1)
    forged = unsubscribe_token(user_id=other.pk, kind="system", channel="email").split(":", 1)[0] + ":" + signature
    with pytest.raises(ValidationError):
        preference_unsubscribe(token=forged)
    assert not NotificationPreference.objects.exists()
