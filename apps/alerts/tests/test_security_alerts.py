"""Security alerts (apps.alerts.security, from the users app's signals): a changed or reset
password and each two-factor change raise one ``security_change`` alert, delivered like every
alert (here by email, through a real SMTP server and the real worker)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from procrastinate.contrib.django.models import ProcrastinateJob

from apps.alerts.models import Alert, AlertKind
from apps.audit.models import AuditEvent
from apps.notifications.tests.conftest import run_worker, smtp_server  # noqa: F401 (fixtures)
from apps.users import services
from apps.users.tests.test_two_factor import app_code
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "fresh-long-passphrase"
IF_NOT_YOU = "If it was not you, change your password now and contact support."


def security_alerts(user):
    return list(Alert.objects.filter(owner=user, kind=AlertKind.SECURITY_CHANGE).order_by("pk")
                .values_list("message", flat=True))


def run_worker_until_idle():
    """Run the worker until no job is due (an alert may go through a dispatch job, then a delivery job)."""
    for _ in range(5):
        run_worker()
        due = ProcrastinateJob.objects.filter(status="todo", queue_name="notifications").filter(
            Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=timezone.now()))
        if not due.exists():
            return
    raise AssertionError(f"jobs still due after five worker runs: {list(due.values('task_name', 'scheduled_at'))}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_a_password_changed_on_its_page_is_told_and_emailed_and_audited(client, smtp_server):  # noqa: F811
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    [alert] = Alert.objects.filter(owner=user)
    assert (alert.kind, alert.message) == (AlertKind.SECURITY_CHANGE, f"Your password was changed. {IF_NOT_YOU}")
    assert alert.dedupe_key.startswith(f"security:{user.pk}:")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED, actor=user).count() == 1

    run_worker_until_idle()

    [message] = smtp_server.messages
    assert message["To"] == user.email
    assert message["Subject"] == "BankDash: Password or two-factor changed"
    body = message.get_content().replace("\r\n", "\n")
    assert alert.message in body
    # Where a change that was not them is acted on: the browsers signed in, to sign them out.
    assert f"{alert.message}\n\nWhere you are signed in: http://127.0.0.1:8000/settings/#sessions-heading\n" in body


@pytest.mark.django_db
def test_a_password_reset_through_the_emailed_link_is_told(client):
    user = UserFactory()
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    form_url = client.get(path, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.url == reverse("password_reset_complete")
    assert security_alerts(user) == [f"Your password was reset with the link we emailed. {IF_NOT_YOU}"]


@pytest.mark.django_db
def test_each_two_factor_change_is_told_once_and_a_code_at_login_is_not_a_change():
    user = UserFactory()
    device = services.totp_device_get_or_create(user=user)
    services.two_factor_enable(user=user, device=device, code=app_code(device))
    services.recovery_codes_generate(user=user)
    services.two_factor_verify(user=user, code=app_code(device))
    services.two_factor_disable(user=user, code=app_code(device, steps_ahead=1))

    assert security_alerts(user) == [
        f"Two-factor authentication was turned on for your account. {IF_NOT_YOU}",
        f"New two-factor recovery codes were created; the old ones no longer work. {IF_NOT_YOU}",
        f"Two-factor authentication was turned off for your account. {IF_NOT_YOU}",
    ]
    # Each event has its own key: two changes of the same kind are two alerts.
    services.password_set(user=user, password=NEW_PASSWORD, how="change")
    services.password_set(user=user, password=PASSWORD, how="change")
    keys = Alert.objects.filter(owner=user).values_list("dedupe_key", flat=True)
    assert len(set(keys)) == 5
