"""Brute-force protection with django-axes (apps.users.lockout): 5 failures lock the account
(from any IP, under any spelling of its address), 50 lock the IP (on any accounts)."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.users.models import User
from tests.factories import PASSWORD, AuditorFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db
LIMIT = 5
IP_LIMIT = 50


def attempt(client, email, password="wrong-password", ip="192.0.2.10"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_settings_match_the_policy(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.LOCKOUT_IP_FAILURE_LIMIT == IP_LIMIT
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_HANDLER == "apps.users.lockout.LockoutHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[-1] == "django.contrib.auth.backends.ModelBackend"


def test_four_failures_still_allow_the_right_password(client):
    user = UserFactory(email="dana@example.com")
    for _ in range(LIMIT - 1):
        assert attempt(client, "dana@example.com").status_code == 200
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_fifth_failure_locks_the_account_with_a_clear_page(client):
    UserFactory(email="dana@example.com")
    for _ in range(LIMIT - 1):
        attempt(client, "dana@example.com")
    response = attempt(client, "dana@example.com")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Login temporarily locked" in html
    assert "There were 5 failed login attempts" in html
    assert "logging in to this account is paused" in html
    assert "for 15 minutes" in html
    assert "dana@example.com" in html
    # Even the right password is refused now, and no session is created.
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_account_is_locked_from_every_ip_and_in_any_letter_case(client):
    UserFactory(email="dana@example.com")
    for n in range(LIMIT):
        attempt(client, "Dana@Example.com" if n % 2 else "dana@example.com", ip=f"192.0.2.{n + 1}")
    assert attempt(client, "DANA@example.com", PASSWORD, ip="203.0.113.99").status_code == 429


# --- one counter per account, whatever the spelling ---------------------------------------
# The account is kisi@example.com. A spelling either IS that address once normalised (NFKC,
# stripped, lower-cased: it shares the account's counter) or is another address (it never
# reaches the account). Either way nobody gets a fresh set of guesses at the account.

ACCOUNT_EMAIL = "kisi@example.com"
SAME_ACCOUNT = {
    "upper case": "KISI@EXAMPLE.COM",
    "long s (U+017F)": "ki\u017fi@example.com",
    "Kelvin sign (U+212A)": "\u212aisi@example.com",
    "fullwidth letters": "\uff4b\uff49\uff53\uff49@example.com",
    "fullwidth at sign": "kisi\uff20example.com",
    "surrounding spaces": "  kisi@example.com ",
    "no-break spaces": "\u00a0kisi@example.com\u00a0",
}
OTHER_ADDRESS = {
    "dotless i (U+0131)": "k\u0131si@example.com",
    "dotted capital I (U+0130)": "K\u0130S\u0130@example.com",
    "combining dot above": "ki\u0307si@example.com",
    "combining acute": "k\u0301isi@example.com",
    "Cyrillic i (U+0456)": "k\u0456si@example.com",
    "zero-width space": "ki\u200bsi@example.com",
    "soft hyphen": "ki\u00adsi@example.com",
    "trailing dot": "kisi@example.com.",
}
VARIANTS = {**SAME_ACCOUNT, **OTHER_ADDRESS}


@pytest.fixture
def kisi():
    return UserFactory(email=ACCOUNT_EMAIL)


def account_failures():
    return sum(AccessAttempt.objects.filter(username=ACCOUNT_EMAIL).values_list("failures_since_start", flat=True))


@pytest.mark.parametrize("spelling", list(VARIANTS.values()), ids=list(VARIANTS))
def test_no_spelling_gets_a_fresh_set_of_guesses_at_a_locked_account(client, kisi, spelling):
    for _ in range(LIMIT):
        attempt(client, ACCOUNT_EMAIL)
    response = attempt(client, spelling, PASSWORD, ip="198.51.100.7")
    assert response.status_code in (200, 429)
    assert not logged_in(client)
    assert account_failures() == LIMIT


@pytest.mark.parametrize("spelling", list(SAME_ACCOUNT.values()), ids=list(SAME_ACCOUNT))
def test_a_spelling_of_the_same_address_counts_against_the_account(client, kisi, spelling):
    for _ in range(LIMIT - 1):
        attempt(client, ACCOUNT_EMAIL)
    response = attempt(client, spelling, ip="198.51.100.7")
    assert response.status_code == 429  # the fifth failure on this account
    assert account_failures() == LIMIT
    assert AccessAttempt.objects.exclude(username=ACCOUNT_EMAIL).count() == 0


@pytest.mark.parametrize("spelling", list(SAME_ACCOUNT.values()), ids=list(SAME_ACCOUNT))
def test_a_spelling_of_the_same_address_logs_in_with_the_right_password(client, kisi, spelling):
    response = attempt(client, spelling, PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(kisi.pk)


@pytest.mark.parametrize("spelling", list(OTHER_ADDRESS.values()), ids=list(OTHER_ADDRESS))
def test_a_look_alike_address_never_reaches_the_account(client, kisi, spelling):
    response = attempt(client, spelling, PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)
    assert "Please enter a correct email address and password" in response.content.decode() \
        or "Enter a valid email address" in response.content.decode()
    assert account_failures() == 0  # and its guesses are not the account's


@pytest.mark.parametrize("spelling", list(OTHER_ADDRESS.values()), ids=list(OTHER_ADDRESS))
def test_a_look_alike_address_cannot_be_registered(client, kisi, spelling):
    response = client.post(reverse("register"), {
        "email": spelling, "display_name": "Look Alike", "time_zone": "UTC", "default_currency": "USD",
        "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert list(User.objects.values_list("email", flat=True)) == [ACCOUNT_EMAIL]


@pytest.mark.parametrize("spelling", list(VARIANTS.values()), ids=list(VARIANTS))
def test_the_login_looks_up_the_normal_form_exactly(kisi, spelling):
    normal = User.objects.normalize_email(spelling)
    assert User.objects.filter(email=normal).exists() == (spelling in SAME_ACCOUNT.values())


# --- the IP's own, higher limit --------------------------------------------------------------

def test_the_ip_is_locked_for_every_account_after_its_own_higher_limit(client):
    other = UserFactory(email="other@example.com")
    for n in range(IP_LIMIT - 1):
        attempt(client, f"guess{n}@example.com", ip="192.0.2.66")
    response = attempt(client, "other@example.com", PASSWORD, ip="192.0.2.66")
    assert response.status_code == 302  # 49 failures from the address: not locked yet
    client.post(reverse("logout"))
    response = attempt(client, "guess-last@example.com", ip="192.0.2.66")
    assert response.status_code == 429
    html = response.content.decode()
    assert "There were 50 failed login attempts from your network address" in html
    assert "guess-last@example.com" not in html  # an address's lock names no account
    assert attempt(client, "other@example.com", PASSWORD, ip="192.0.2.66").status_code == 429
    # ...while the same account from another address still works.
    response = attempt(client, "other@example.com", PASSWORD, ip="192.0.2.67")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other.pk)


def test_one_persons_typos_do_not_lock_the_address_for_the_others(client):
    UserFactory(email="typo@example.com")
    colleague = UserFactory(email="colleague@example.com")
    for _ in range(LIMIT):
        attempt(client, "typo@example.com", ip="192.0.2.80")
    assert attempt(client, "typo@example.com", PASSWORD, ip="192.0.2.80").status_code == 429
    response = attempt(client, "colleague@example.com", PASSWORD, ip="192.0.2.80")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)
    assert not AuditEvent.objects.filter(action="login_failed", actor_email="colleague@example.com").exists()


def test_a_refusal_by_a_lock_is_not_recorded_as_a_wrong_password(client):
    UserFactory(email="dana@example.com")
    for _ in range(LIMIT):
        attempt(client, "dana@example.com")
    attempt(client, "dana@example.com", PASSWORD)
    assert AuditEvent.objects.filter(action="login_failed", actor_email="dana@example.com").count() == LIMIT
    assert AuditEvent.objects.filter(action="locked_out", actor_email="dana@example.com").count() == 2


def test_the_lock_lifts_after_the_cool_off(client):
    user = UserFactory(email="dana@example.com")
    for _ in range(LIMIT):
        attempt(client, "dana@example.com")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


# --- operators unlock -----------------------------------------------------------------------

def lock_dana_from_two_addresses(client):
    user = UserFactory(email="dana@example.com")
    for n in range(LIMIT):
        attempt(client, "dana@example.com", ip=f"192.0.2.{n % 2 + 1}")
    assert attempt(client, "dana@example.com", PASSWORD).status_code == 429
    return user


def staff_client(client, factory=SupportFactory):
    staff = client.__class__()
    staff.force_login(factory())
    return staff


def test_support_deletes_attempts_from_the_admin(client):
    user = UserFactory(email="dana@example.com")
    for _ in range(LIMIT):
        attempt(client, "dana@example.com")
    staff = staff_client(client)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "dana@example.com" in listing.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = staff.post(reverse("admin:axes_accessattempt_changelist"),
                          {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_support_unlocks_an_account_from_the_admin_with_one_of_its_rows(client):
    user = lock_dana_from_two_addresses(client)
    UserFactory(email="bystander@example.com")
    attempt(client, "bystander@example.com", ip="192.0.2.1")
    one_row = AccessAttempt.objects.filter(username="dana@example.com").first()
    response = staff_client(client).post(reverse("admin:axes_accessattempt_changelist"),
                                         {"action": "unlock_accounts", "_selected_action": [one_row.pk]}, follow=True)
    assert "Unlocked dana@example.com" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="dana@example.com").exists()
    assert AccessAttempt.objects.filter(username="bystander@example.com").exists()
    assert attempt(client, "dana@example.com", PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert AuditEvent.objects.filter(action="admin_change", details__operation="deletion").exists()


def test_support_unlocks_an_address_from_the_admin(client):
    for n in range(IP_LIMIT):
        attempt(client, f"guess{n}@example.com", ip="192.0.2.66")
    UserFactory(email="other@example.com")
    assert attempt(client, "other@example.com", PASSWORD, ip="192.0.2.66").status_code == 429
    row = AccessAttempt.objects.filter(ip_address="192.0.2.66").first()
    staff_client(client).post(reverse("admin:axes_accessattempt_changelist"),
                              {"action": "unlock_addresses", "_selected_action": [row.pk]})
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.66").exists()
    assert attempt(client, "other@example.com", PASSWORD, ip="192.0.2.66").status_code == 302


def test_an_auditor_cannot_unlock(client):
    lock_dana_from_two_addresses(client)
    row = AccessAttempt.objects.first()
    response = staff_client(client, AuditorFactory).post(
        reverse("admin:axes_accessattempt_changelist"), {"action": "unlock_accounts", "_selected_action": [row.pk]})
    assert response.status_code in (200, 302, 403)  # the action is not offered to them
    assert AccessAttempt.objects.filter(username="dana@example.com").count() == 2


def test_the_unlock_command_takes_any_spelling_of_the_email(client):
    user = lock_dana_from_two_addresses(client)
    out = io.StringIO()
    call_command("login_unlock", "--email", " DANA@Example.com", stdout=out)
    assert "Unlocked account  DANA@Example.com: 2 attempt record(s) removed." in out.getvalue()
    assert attempt(client, "dana@example.com", PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_unlock_command_unlocks_an_address(client):
    for n in range(IP_LIMIT):
        attempt(client, f"guess{n}@example.com", ip="2001:db8::7")
    call_command("login_unlock", "--ip", "2001:DB8:0::7", stdout=io.StringIO())
    assert not AccessAttempt.objects.exists()
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("login_unlock", "--ip", "unknown", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Name an email address or an IP address"):
        call_command("login_unlock", stdout=io.StringIO())


# --- behind a proxy ------------------------------------------------------------------------------

def test_behind_a_proxy_the_forwarded_client_address_is_used(client, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="dana@example.com")
    for n in range(LIMIT):
        # The proxy (REMOTE_ADDR 10.0.0.1) appends the real client; the left entries are spoofable.
        client.post(reverse("login"), {"username": f"x{n}@example.com", "password": "bad"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.50")
    assert AccessAttempt.objects.filter(ip_address="192.0.2.50").count() == LIMIT
    # Another client behind the same proxy is not locked out.
    response = client.post(reverse("login"), {"username": "dana@example.com", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.51")
    assert response.status_code == 302


FORWARDED = {
    "IPv4 with a port": ("5.6.7.8, 1.2.3.4:5678", "1.2.3.4"),
    "IPv6 in brackets with a port": ("5.6.7.8, [2001:db8::1]:443", "2001:db8::1"),
    "IPv6 in brackets": ("[2001:DB8::2]", "2001:db8::2"),
    "bare IPv6": ("2001:db8::3", "2001:db8::3"),
    "IPv6 with a zone": ("fe80::1%eth0", "fe80::1"),
    "unknown": ("5.6.7.8, unknown", "10.0.0.1"),
    "an obfuscated name": ("_hidden", "10.0.0.1"),
    "garbage": ("1.2.3.4.5, <script>", "10.0.0.1"),
    "empty entries": (" , ", "10.0.0.1"),
}


@pytest.mark.parametrize(("header", "counted_as"), list(FORWARDED.values()), ids=list(FORWARDED))
def test_a_forwarded_header_with_a_port_or_unknown_does_not_break_login(client, settings, header, counted_as):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="dana@example.com")
    client.raise_request_exception = False
    response = client.post(reverse("login"), {"username": "dana@example.com", "password": "bad"},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=header)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == counted_as
    assert AuditEvent.objects.get(action="login_failed").ip_address == counted_as
    response = client.post(reverse("login"), {"username": "dana@example.com", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=header)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_client_login_still_works_in_tests(client):
    user = UserFactory(email="helper@example.com")
    assert client.login(username="helper@example.com", password=PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)
