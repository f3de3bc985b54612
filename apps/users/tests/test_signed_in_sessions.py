"""Where one is signed in (apps.users.models.SignedInSession): every sign-in names its session
with the browser and system; the settings page lists the live ones, and ends one or all but this
browser's; a password change or reset, closing the profile and support staff end them too. A
browser signed out finds itself on the login page at its next request: these tests use two real
test clients (two cookie jars) against the real session store, never a mock of it."""

import importlib
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.audit.models import AuditEvent
from apps.audit.summaries import summarise
from apps.users import selectors, services
from apps.users.models import SignedInSession
from tests.factories import PASSWORD, AuditorFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")


def browser(user, user_agent, ip="203.0.113.7") -> Client:
    """A browser of its own (its own cookies), signed in through the real login page."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def signed_in(client) -> bool:
    response = client.get(reverse("dashboard:home"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def rows(user) -> list[tuple[str, str]]:
    return list(SignedInSession.objects.filter(user=user).order_by("pk").values_list("browser", "os"))


def key_of(client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com")


def test_each_sign_in_names_its_session_and_a_logout_forgets_it(ada, frozen_now):
    laptop = browser(ada, FIREFOX_LINUX)
    phone = browser(ada, SAFARI_IPHONE)

    assert rows(ada) == [("Firefox", "Linux"), ("Safari", "iOS")]
    laptop_row = SignedInSession.objects.get(session_key=key_of(laptop))
    assert laptop_row.user == ada
    assert abs(laptop_row.signed_in_at - timezone.now()) < timedelta(seconds=5)

    phone.post(reverse("logout"))
    assert rows(ada) == [("Firefox", "Linux")]
    assert signed_in(laptop)


def test_the_settings_page_lists_the_live_sessions_this_browser_first(ada, frozen_now, time_machine):
    laptop = browser(ada, FIREFOX_LINUX)
    time_machine.shift(timedelta(minutes=5))
    phone = browser(ada, SAFARI_IPHONE)
    time_machine.shift(timedelta(minutes=5))
    browser(ada, EDGE_WINDOWS, ip="2001:db8:1:2::7")
    # A session that ended without a logout (idle, the browser closed) is not listed.
    Session.objects.filter(session_key=key_of(phone)).update(expire_date=timezone.now() - timedelta(seconds=1))

    lines, total = selectors.signed_in_sessions(user=ada, current_key=key_of(laptop))

    assert total == 2
    assert [(line.browser, line.os, line.network, line.current) for line in lines] == [
        ("Firefox", "Linux", "203.0.113.0/24", True), ("Edge", "Windows", "2001:db8:1::/48", False)]
    # The network, as the new-device alert names it; the address itself is kept nowhere.
    assert not SignedInSession.objects.filter(network__contains=".7").exists()
    assert not SignedInSession.objects.filter(network__contains="::7").exists()
    edge = lines[1]
    # Its last activity is its last save (the session expires SESSION_COOKIE_AGE after it).
    assert abs(edge.last_active - edge.signed_in_at) < timedelta(seconds=5)

    page = laptop.get(reverse("settings"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Where you are signed in" in html
    assert "Firefox on Linux" in html and "This browser" in html and "active now" in html
    assert "Edge on Windows" in html and "Safari on iOS" not in html
    assert "from the network 203.0.113.0/24" in html and "from the network 2001:db8:1::/48" in html
    assert html.count('action="/settings/sessions/') == 2  # Edge's "Sign out" and "Sign out everywhere else"
    assert f'action="{reverse("session_sign_out", args=[edge.id])}"' in html
    assert "Sign out everywhere else" in html


def test_signing_out_another_browser_ends_its_session_at_once(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    phone = browser(ada, SAFARI_IPHONE)
    phone_row = SignedInSession.objects.get(session_key=key_of(phone))

    response = laptop.post(reverse("session_sign_out", args=[phone_row.pk]), follow=True)

    assert response.redirect_chain[-1][0] == "/settings/#sessions-heading"
    assert "Signed out: Safari on iOS." in response.content.decode()
    assert not Session.objects.filter(session_key=key_of(phone)).exists()
    assert rows(ada) == [("Firefox", "Linux")]
    assert not signed_in(phone)
    assert signed_in(laptop)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSIONS_SIGNED_OUT)
    assert event.actor == ada and event.details == {"sessions": ["Safari on iOS"], "reason": "settings",
                                                    "owner_email": "ada@example.com"}
    assert summarise([event])[event.pk] == "ada@example.com signed out 1 session (Safari on iOS)"


def test_sign_out_everywhere_else_keeps_only_this_browser(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    others = [browser(ada, SAFARI_IPHONE), browser(ada, EDGE_WINDOWS), browser(ada, SAFARI_IPHONE, ip="198.51.100.4")]
    bob = UserFactory()
    bobs = browser(bob, FIREFOX_LINUX)

    response = laptop.post(reverse("sessions_sign_out_others"), follow=True)

    assert "Signed out everywhere else: 3 other sessions ended." in response.content.decode()
    assert [signed_in(other) for other in others] == [False, False, False]
    assert signed_in(laptop) and signed_in(bobs)
    assert rows(ada) == [("Firefox", "Linux")]
    again = laptop.post(reverse("sessions_sign_out_others"), follow=True)
    assert "You were not signed in anywhere else." in again.content.decode()
    assert "Sign out everywhere else" not in again.content.decode()  # no other session: no button


def test_this_browser_is_not_signed_out_by_its_own_line(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    own = SignedInSession.objects.get(session_key=key_of(laptop))

    response = laptop.post(reverse("session_sign_out", args=[own.pk]), follow=True)

    assert "That is this browser: use “Log out” to end it." in response.content.decode()
    assert signed_in(laptop)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SESSIONS_SIGNED_OUT).exists()


def test_another_users_session_answers_404_and_stays(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    bob = UserFactory()
    bobs = browser(bob, SAFARI_IPHONE)
    bobs_row = SignedInSession.objects.get(user=bob)

    assert laptop.post(reverse("session_sign_out", args=[bobs_row.pk])).status_code == 404
    assert laptop.post(reverse("session_sign_out", args=[bobs_row.pk + 1000])).status_code == 404
    assert laptop.get(reverse("session_sign_out", args=[bobs_row.pk])).status_code == 405
    assert signed_in(bobs)
    assert SignedInSession.objects.filter(user=bob).count() == 1


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    phone = browser(ada, SAFARI_IPHONE)
    old_key = key_of(laptop)

    new = "a-new-long-passphrase-9"
    response = laptop.post(reverse("password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})

    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(laptop)
    # Django gave this browser's session a new key; its row follows it.
    assert key_of(laptop) != old_key
    assert list(SignedInSession.objects.filter(user=ada).values_list("session_key", flat=True)) == [key_of(laptop)]
    lines, total = selectors.signed_in_sessions(user=ada, current_key=key_of(laptop))
    assert total == 1 and lines[0].current
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSIONS_SIGNED_OUT)
    assert summarise([event])[event.pk] == ("ada@example.com signed out 1 session (Safari on iOS) with a password "
                                            "change")


def test_a_password_reset_ends_every_session(ada, mailoutbox):
    laptop = browser(ada, FIREFOX_LINUX)
    phone = browser(ada, SAFARI_IPHONE)
    stranger = Client()
    stranger.post(reverse("password_reset"), {"email": ada.email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/reset/" in line).strip()
    path = link[link.index("/reset/"):]
    form = stranger.get(path, follow=True)
    stranger.post(form.redirect_chain[-1][0], {"new_password1": "a-new-long-passphrase-9",
                                               "new_password2": "a-new-long-passphrase-9"})

    assert not signed_in(laptop) and not signed_in(phone)
    assert rows(ada) == []


def test_the_cached_copy_of_a_session_goes_too(ada, settings):
    """With Redis (cached_db), a session is read from the cache first: ending it drops that copy."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    laptop = browser(ada, FIREFOX_LINUX)
    phone = browser(ada, SAFARI_IPHONE)
    assert signed_in(phone)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore
    assert cache.get(store.cache_key_prefix + key_of(phone)) is not None

    laptop.post(reverse("sessions_sign_out_others"))

    assert cache.get(store.cache_key_prefix + key_of(phone)) is None
    assert not signed_in(phone)
    assert signed_in(laptop)


def test_the_daily_clean_up_forgets_the_rows_of_ended_sessions(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    idle = browser(ada, SAFARI_IPHONE)
    gone = browser(ada, EDGE_WINDOWS)
    Session.objects.filter(session_key=key_of(idle)).update(expire_date=timezone.now() - timedelta(minutes=1))
    Session.objects.filter(session_key=key_of(gone)).delete()

    assert services.signed_in_sessions_purge() == 2

    assert rows(ada) == [("Firefox", "Linux")]
    assert signed_in(laptop)


def test_closing_the_profile_ends_every_session(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    phone = browser(ada, SAFARI_IPHONE)

    response = laptop.post(reverse("profile:close"), {"confirmation": ada.email})

    assert response.status_code == 302
    assert not signed_in(phone) and not signed_in(laptop)
    assert not SignedInSession.objects.filter(user=ada).exists()


def test_support_staff_sign_a_customer_out_everywhere_from_the_admin(ada):
    phone = browser(ada, SAFARI_IPHONE)
    laptop = browser(ada, FIREFOX_LINUX)
    support = SupportFactory(email="help@bank.example")
    desk = Client()
    desk.force_login(support)

    response = desk.post(reverse("admin:users_user_changelist"),
                         {"action": "sign_out_everywhere", "_selected_action": [ada.pk]}, follow=True)

    assert "Signed out 2 sessions: ada@example.com." in response.content.decode()
    assert not signed_in(phone) and not signed_in(laptop)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSIONS_SIGNED_OUT)
    assert event.actor == support
    assert summarise([event])[event.pk] == ("help@bank.example signed out 2 sessions of ada@example.com "
                                            "(Safari on iOS, Firefox on Linux) from the admin")
    # The desk's own session is not the customer's: it stays.
    assert desk.get(reverse("admin:users_user_changelist")).status_code == 200


def test_an_auditor_cannot_sign_anyone_out(ada):
    phone = browser(ada, SAFARI_IPHONE)
    auditor = AuditorFactory()
    desk = Client()
    desk.force_login(auditor)

    desk.post(reverse("admin:users_user_changelist"), {"action": "sign_out_everywhere", "_selected_action": [ada.pk]})

    assert signed_in(phone)


def test_the_sessions_open_before_the_list_are_named_by_the_migration(ada):
    """Migration 0008 reads the user of every live session from its data, so "Sign out
    everywhere else" reaches the sessions opened before the list existed."""
    phone = browser(ada, SAFARI_IPHONE)
    SignedInSession.objects.all().delete()
    anonymous = Client()
    anonymous.get(reverse("login"))  # a session without a user (its CSRF-only visit) is not named
    migration = importlib.import_module("apps.users.migrations.0008_signed_in_session")
    from django.apps import apps

    migration.name_open_sessions(apps, None)

    [row] = SignedInSession.objects.all()
    assert (row.user, row.session_key, row.browser, row.os, row.signed_in_at) == (
        ada, key_of(phone), "an unknown browser", "an unknown system", None)
    laptop = browser(ada, FIREFOX_LINUX)
    html = laptop.get(reverse("settings")).content.decode()
    assert "Signed in before this list was kept" in html
    assert html.count("from the network") == 1  # the laptop's: the phone's network was not kept
    laptop.post(reverse("sessions_sign_out_others"))
    assert not signed_in(phone)


def test_the_settings_page_reads_the_sessions_in_one_statement(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    for _ in range(3):
        browser(ada, SAFARI_IPHONE)
    laptop.get(reverse("settings"))
    with CaptureQueriesContext(connection) as few:
        laptop.get(reverse("settings"))
    for _ in range(10):
        browser(ada, EDGE_WINDOWS)

    with CaptureQueriesContext(connection) as many:
        page = laptop.get(reverse("settings"))

    assert len(many) == len(few), [q["sql"] for q in many]
    assert sum("users_signedinsession" in q["sql"] for q in many) == 1
    assert page.content.decode().count("Edge on Windows") == 10 * 2  # the line and its button's hidden name


def test_the_list_shows_at_most_thirty_and_says_how_many_more(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    for _ in range(32):
        browser(ada, SAFARI_IPHONE)

    lines, total = selectors.signed_in_sessions(user=ada, current_key=key_of(laptop))

    assert (len(lines), total) == (30, 33)
    assert lines[0].current
    html = laptop.get(reverse("settings")).content.decode()
    assert "and 3 more sessions" in html


def test_the_list_is_in_german(ada):
    ada.locale = "de-DE"
    ada.save(update_fields=["locale"])
    laptop = browser(ada, FIREFOX_LINUX)
    browser(ada, SAFARI_IPHONE)
    script = browser(ada, "", ip="198.51.100.9")  # no User-Agent: an unknown browser, from a new network

    html = laptop.get(reverse("settings")).content.decode()

    assert "Hier sind Sie angemeldet" in html
    assert "Firefox unter Linux" in html and "Dieser Browser" in html
    assert "aus dem Netzwerk 203.0.113.0/24" in html and "aus dem Netzwerk 198.51.100.0/24" in html
    assert "Ein unbekannter Browser unter einem unbekannten System" in html
    assert "Überall sonst abmelden" in html
    # The alert of that sign-in says it in German too, in the case its sentence needs.
    alert = Alert.objects.filter(owner=ada, kind=AlertKind.NEW_SIGN_IN).latest("pk")  # Safari's came first
    assert alert.message.startswith("Neue Anmeldung bei Ihrem Konto mit einem unbekannten Browser unter einem "
                                    "unbekannten System, aus dem Netzwerk 198.51.100.0/24")
    script_row = SignedInSession.objects.get(session_key=key_of(script))
    response = laptop.post(reverse("session_sign_out", args=[script_row.pk]), follow=True)
    assert "Abgemeldet: Ein unbekannter Browser unter einem unbekannten System." in response.content.decode()
    response = laptop.post(reverse("sessions_sign_out_others"), follow=True)
    assert "Überall sonst abgemeldet: 1 andere Sitzung beendet." in response.content.decode()


def test_an_unknown_browser_reads_as_words_in_english(ada):
    laptop = browser(ada, FIREFOX_LINUX)
    browser(ada, "", ip="198.51.100.9")

    html = laptop.get(reverse("settings")).content.decode()

    assert "An unknown browser on an unknown system" in html
    assert Alert.objects.get(owner=ada, kind=AlertKind.NEW_SIGN_IN).message.startswith(
        "New sign-in to your account from an unknown browser on an unknown system, from the network "
        "198.51.100.0/24")


def test_a_login_through_the_test_clients_force_login_is_named_too(client, ada):
    client.force_login(ada)
    assert client.session[SESSION_KEY] == str(ada.pk)
    assert SignedInSession.objects.filter(user=ada, session_key=client.session.session_key).exists()
