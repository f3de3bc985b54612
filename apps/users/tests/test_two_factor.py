"""Two-factor authentication (django-otp TOTP + recovery codes).

Codes are real: computed from the device's key like an authenticator app would."""

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import AuditEvent
from apps.users import selectors, services, two_factor
from tests.factories import PASSWORD, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db


def app_code(device, steps_ahead=0) -> str:
    """What the phone shows now (or ``steps_ahead`` periods later: the server accepts
    one step of drift and never the same step twice)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device) -> str:
    return f"{(int(app_code(device)) + 500000) % 1000000:06d}"


@pytest.fixture
def enrolled():
    """A customer with a confirmed app and ten recovery codes."""
    user = UserFactory(email="two@example.com")
    device = services.totp_device_get_or_create(user=user)
    codes = services.two_factor_enable(user=user, device=device, code=app_code(device))
    return user, device, codes


def password_step(client, email="two@example.com", REMOTE_ADDR="127.0.0.1", **extra):  # noqa: N803
    return client.post(reverse("login"), {"username": email, "password": PASSWORD, **extra}, REMOTE_ADDR=REMOTE_ADDR)


# --- set-up --------------------------------------------------------------------

def test_setup_page_shows_a_qr_code_and_the_key_and_keeps_them(client):
    user = UserFactory()
    client.force_login(user)
    first = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in first and "<path" in first
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', first).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
    second = client.get(reverse("two_factor")).content.decode()
    assert secret in second  # a reload does not invalidate a QR code already scanned
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 1
    assert not selectors.two_factor_enabled(user=user)


def test_a_wrong_code_does_not_turn_it_on(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor"), {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert not selectors.two_factor_enabled(user=user)
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_confirming_with_the_apps_code_turns_it_on_and_shows_ten_recovery_codes_once(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor"), {"code": app_code(device)})
    assert response.status_code == 200
    html = response.content.decode()
    shown = re.findall(r'<li class="col">([a-z2-7]{8})</li>', html)
    assert len(shown) == 10 and len(set(shown)) == 10
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session counts as verified
    # Shown once: the status page only counts them.
    status = client.get(reverse("two_factor")).content.decode()
    assert "<strong>10</strong> unused recovery codes" in status
    assert shown[0] not in status
    assert AuditEvent.objects.filter(action="two_factor", actor=user, details__change="enabled").exists()


# --- logging in --------------------------------------------------------------------

def test_the_password_alone_does_not_log_in(client, enrolled):
    response = password_step(client)
    assert response.status_code == 302
    assert response.url == reverse("login_verify")
    assert SESSION_KEY not in client.session
    assert client.get("/transactions/").status_code == 302  # still anonymous


def test_the_apps_code_completes_the_login_and_keeps_next(client, enrolled):
    user, device, _ = enrolled
    password_step(client, next="/transactions/")
    page = client.get(reverse("login_verify"))
    assert page.status_code == 200
    assert "Enter your authentication code" in page.content.decode()
    response = client.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response.url == "/transactions/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_wrong_code_is_a_clear_error(client, enrolled):
    _, device, _ = enrolled
    password_step(client)
    response = client.post(reverse("login_verify"), {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not valid." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="login_failed", actor_email="two@example.com",
                                     details__factor="two-factor code").count() == 1


def test_a_used_code_cannot_be_replayed(client, enrolled):
    _, device, _ = enrolled
    code = app_code(device, steps_ahead=1)
    password_step(client)
    client.post(reverse("login_verify"), {"code": code})
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("login_verify"), {"code": code})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_wrong_codes_count_towards_the_lockout(client, enrolled):
    _, device, _ = enrolled
    password_step(client)
    for _ in range(4):
        assert client.post(reverse("login_verify"), {"code": wrong_code(device)}).status_code == 200
    response = client.post(reverse("login_verify"), {"code": wrong_code(device)})
    assert response.status_code == 429  # django-axes: 5 failures for this account
    assert "two@example.com" in response.content.decode()
    assert two_factor.PENDING_KEY not in client.session
    assert password_step(client).status_code == 429
    assert AccessAttempt.objects.get().username == "two@example.com"


def test_a_right_code_right_after_a_wrong_one_is_accepted(client, enrolled):
    """Each code is judged on its own (django-otp's throttle, which refused it, is off)."""
    user, device, codes = enrolled
    password_step(client)
    assert client.post(reverse("login_verify"), {"code": wrong_code(device)}).status_code == 200
    assert client.post(reverse("login_verify"), {"code": wrong_code(device)}).status_code == 200
    response = client.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_recovery_code_right_after_a_wrong_one_is_accepted(client, enrolled):
    user, _, codes = enrolled
    password_step(client)
    client.post(reverse("login_verify"), {"code": "zzzzzzzz"})
    assert client.post(reverse("login_verify"), {"code": codes[1]}).status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_one_staff_members_wrong_codes_do_not_lock_out_the_office(client, staff_must_verify):
    """Five wrong codes from a staff member lock their account, not the office's address: a
    colleague behind the same IP logs in with the right password, and the audit trail holds
    no failed login for the colleague."""
    office = "203.0.113.40"
    staff = SupportFactory(email="sam@example.com")
    device = services.totp_device_get_or_create(user=staff)
    services.two_factor_enable(user=staff, device=device, code=app_code(device))
    password_step(client, email="sam@example.com", REMOTE_ADDR=office)
    for _ in range(4):
        client.post(reverse("login_verify"), {"code": wrong_code(device)}, REMOTE_ADDR=office)
    response = client.post(reverse("login_verify"), {"code": wrong_code(device)}, REMOTE_ADDR=office)
    assert response.status_code == 429

    newbie = UserFactory(email="newbie@example.com")
    colleague = client.__class__()
    response = password_step(colleague, email="newbie@example.com", REMOTE_ADDR=office)
    assert response.status_code == 302
    assert colleague.session[SESSION_KEY] == str(newbie.pk)
    assert not AuditEvent.objects.filter(action="login_failed", actor_email="newbie@example.com").exists()
    assert AuditEvent.objects.filter(action="login_failed", actor_email="sam@example.com",
                                     details__factor="two-factor code").count() == 5
    # The staff member's own account stays locked, from any address.
    assert password_step(client.__class__(), email="sam@example.com", REMOTE_ADDR="198.51.100.9").status_code == 429


def test_a_recovery_code_works_once(client, enrolled):
    user, _, codes = enrolled
    password_step(client)
    response = client.post(reverse("login_verify"), {"code": codes[0].upper()}, follow=True)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert "You used a recovery code; 9 left." in response.content.decode()
    client.post(reverse("logout"))
    password_step(client)
    client.post(reverse("login_verify"), {"code": codes[0]})
    assert SESSION_KEY not in client.session


def test_the_pending_login_expires(client, enrolled):
    _, device, _ = enrolled
    password_step(client)
    session = client.session
    session[two_factor.PENDING_KEY]["started"] -= two_factor.PENDING_LOGIN_SECONDS + 1
    session.save()
    response = client.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_the_code_page_without_a_password_step_sends_to_login(client):
    response = client.get(reverse("login_verify"))
    assert response.status_code == 302
    assert response.url == reverse("login")


# --- managing it -----------------------------------------------------------------------

def verified_client(client, user, device):
    password_step(client, email=user.email)
    client.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    return client


def test_new_recovery_codes_replace_the_old_ones(client, enrolled):
    user, device, old = enrolled
    verified_client(client, user, device)
    response = client.post(reverse("two_factor_recovery_codes"))
    new = re.findall(r'<li class="col">([a-z2-7]{8})</li>', response.content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == set(new)
    assert not tokens & set(old)


def test_codes_to_turn_it_off_are_limited_per_user_in_the_shared_store(client, enrolled, settings):
    user, device, codes = enrolled
    settings.TWO_FACTOR_RATE_LIMIT = (4, timedelta(minutes=15))  # one was the set-up's (``enrolled``)
    verified_client(client, user, device)
    for _ in range(3):
        response = client.post(reverse("two_factor_disable"), {"code": wrong_code(device)})
        assert "That code is not valid." in response.content.decode()
    response = client.post(reverse("two_factor_disable"), {"code": codes[0]})
    assert "Too many codes tried. Please wait 15 minutes" in response.content.decode()
    assert selectors.two_factor_enabled(user=user)
    # The counter is a row every worker process reads, not one process's memory.
    with connection.cursor() as cursor:
        cursor.execute("SELECT hits FROM users_throttle_counter WHERE key LIKE 'throttle:two-factor-code:%%'")
        assert cursor.fetchone() == (5,)


def test_turning_it_off_needs_a_current_code(client, enrolled):
    user, device, codes = enrolled
    verified_client(client, user, device)
    response = client.post(reverse("two_factor_disable"), {"code": wrong_code(device)})
    assert "That code is not valid." in response.content.decode()
    assert selectors.two_factor_enabled(user=user)
    response = client.post(reverse("two_factor_disable"), {"code": codes[3]})
    assert response.status_code == 302
    assert not selectors.two_factor_enabled(user=user)
    assert not StaticToken.objects.filter(device__user=user).exists()
    client.post(reverse("logout"))
    assert password_step(client).url == reverse("dashboard:home")  # the password is enough again


def test_an_unverified_session_must_pass_the_code_before_changing_anything(client, enrolled):
    user, _, _ = enrolled
    client.force_login(user)  # logged in without the second factor
    response = client.get(reverse("two_factor"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login_verify") + "?next=")
    response = client.post(reverse("two_factor_recovery_codes"))
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_customers_do_not_need_it(client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:home")).status_code == 200


# --- staff and the admin ------------------------------------------------------------------

@pytest.fixture
def staff_must_verify(settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True


def test_staff_without_a_device_are_sent_to_set_one_up(client, staff_must_verify):
    staff = SupportFactory()
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/two-factor/?next=/admin/"
    assert "Staff must set up two-factor authentication" in response.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    response = client.post("/account/two-factor/?next=/admin/", {"code": app_code(device), "next": "/admin/"})
    assert 'href="/admin/"' in response.content.decode()  # "continue" after the recovery codes
    assert client.get("/admin/").status_code == 200


def test_staff_with_a_device_but_an_unverified_session_pass_the_code_first(client, staff_must_verify):
    staff = SupportFactory()
    device = services.totp_device_get_or_create(user=staff)
    services.two_factor_enable(user=staff, device=device, code=app_code(device))
    client.force_login(staff)
    response = client.get("/admin/users/user/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/verify/?next=/admin/users/user/"
    response = client.post("/login/verify/?next=/admin/users/user/", {"code": app_code(device, steps_ahead=1)})
    assert response.url == "/admin/users/user/"
    assert client.get("/admin/users/user/").status_code == 200


def test_staff_log_in_with_password_and_code_straight_into_the_admin(client, staff_must_verify):
    staff = SupportFactory(email="sam@example.com")
    device = services.totp_device_get_or_create(user=staff)
    services.two_factor_enable(user=staff, device=device, code=app_code(device))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    password_step(client, email="sam@example.com", next="/admin/")
    response = client.post(reverse("login_verify"), {"code": app_code(device, steps_ahead=1)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_it_off_while_it_is_required(client, staff_must_verify):
    staff = SupportFactory()
    device = services.totp_device_get_or_create(user=staff)
    services.two_factor_enable(user=staff, device=device, code=app_code(device))
    verified_client(client, staff, device)
    assert "Turn off two-factor" not in client.get(reverse("two_factor")).content.decode()
    response = client.post(reverse("two_factor_disable"), {"code": app_code(device, steps_ahead=1)}, follow=True)
    assert "Staff accounts must keep two-factor authentication on." in response.content.decode()
    assert selectors.two_factor_enabled(user=staff)


def test_the_admins_own_password_page_is_the_sites(client):
    client.force_login(SupportFactory())
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response.url == reverse("password_change")
