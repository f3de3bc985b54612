"""The customer's security activity (/settings/activity/, apps.audit.selectors): their sign-ins,
the failed attempts on their address by anyone, and changes to how they sign in, from the real
audit trail that the real login page and services write."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.selectors import ACTIVITY_PER_PAGE, security_activity, security_events
from apps.audit.services import audit_record
from apps.users.signals import two_factor_changed
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/settings/activity/"


def browser(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def sign_in(client: Client, email: str, password: str = PASSWORD) -> int:
    return client.post(reverse("login"), {"username": email, "password": password}).status_code


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com")


def texts(html: str) -> list[str]:
    html = re.sub(r"<time[^>]*>.*?</time>", "", html)
    items = re.findall(r'<li class="list-group-item[^"]*">(.*?)</li>', html.split('id="security-activity"')[1],
                       flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_the_page_lists_sign_ins_attempts_and_changes_newest_first(ada, time_machine):
    time_machine.move_to(timezone.now() + timedelta(minutes=1))
    laptop = browser("203.0.113.7")
    assert sign_in(laptop, "ada@example.com") == 302
    time_machine.shift(timedelta(minutes=5))
    stranger = browser("198.51.100.9")
    # Typed in another case: the login and the trail take the address's normal form.
    assert sign_in(stranger, "ADA@Example.com", "guess-one") == 200
    time_machine.shift(timedelta(minutes=1))
    assert sign_in(stranger, "ada@example.com", "guess-two") == 200
    time_machine.shift(timedelta(minutes=5))
    response = laptop.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Another-Horse-93",
                                                         "new_password2": "Another-Horse-93"})
    assert response.status_code == 302
    # Someone else's sign-in and attempts are not Ada's.
    bob = UserFactory(email="bob@example.com")
    assert sign_in(browser("192.0.2.1"), bob.email, "wrong") == 200
    assert sign_in(browser("192.0.2.1"), bob.email) == 302

    response = laptop.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html) == [
        "Password changed · from the network 203.0.113.0/24",
        "Attempt Failed sign-in: wrong password · from the network 198.51.100.0/24",
        "Attempt Failed sign-in: wrong password · from the network 198.51.100.0/24",
        "Signed in · from the network 203.0.113.0/24",
    ]
    assert html.count("list-group-item-warning") == 2
    assert "192.0.2" not in html and "203.0.113.7" not in html  # networks, never an address


def test_the_lines_say_what_changed(ada):
    two_factor_changed.send(sender=None, user=ada, request=None, action="enabled")
    two_factor_changed.send(sender=None, user=ada, request=None, action="verified",
                                          device="StaticDevice")
    audit_record(action=AuditEvent.Action.EMAIL_CHANGED, actor=ada, obj=ada,
                 details={"old_email": "old@example.com", "new_email": "ada@example.com"})
    audit_record(action=AuditEvent.Action.SESSIONS_SIGNED_OUT, actor=UserFactory(), obj=ada,
                 details={"sessions": ["Firefox on Linux", "Safari on iOS"], "reason": "admin"})
    audit_record(action=AuditEvent.Action.LOCKED_OUT, actor_email="ada@example.com")
    audit_record(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED, actor_email="ada@example.com")
    # Not security activity: a money movement, a settings change, someone else's attempt.
    audit_record(action=AuditEvent.Action.PROFILE_CHANGED, actor=ada, obj=ada, details={"changes": ["locale"]})
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_email="adam@example.com")

    page = security_activity(user=ada, page=None)

    assert [(line.what, line.attempt) for line in page.object_list] == [
        ("Password reset link requested", True),
        ("Sign-in refused after too many failed attempts", True),
        ("2 sessions signed out by support", False),
        ("Email address changed to ada@example.com", False),
        ("Signed in with a recovery code", False),
        ("Two-factor authentication turned on", False),
    ]
    assert all(line.network == "" for line in page.object_list)  # no request: no address


def test_attempts_before_the_customer_registered_are_not_theirs(ada):
    old = audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_email="ada@example.com")
    AuditEvent.objects.create(action=AuditEvent.Action.LOGIN_FAILED, actor_email="ada@example.com",
                              created_at=ada.date_joined - timedelta(days=1))

    assert list(security_events(user=ada)) == [old]


def test_pages_of_twenty_five_and_a_page_that_cannot_be_read(ada):
    client = Client()
    client.force_login(ada)  # one "Signed in"
    for _ in range(ACTIVITY_PER_PAGE + 4):
        audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_email=ada.email)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(texts(first.content.decode())) == 25
    assert texts(second.content.decode())[-1] == "Signed in"
    assert len(texts(second.content.decode())) == 5
    assert "Page 2 of 2" in second.content.decode()
    assert texts(client.get(URL, {"page": "x"}).content.decode()) == texts(first.content.decode())
    assert texts(client.get(URL, {"page": 99}).content.decode()) == texts(second.content.decode())


def test_the_page_reads_in_the_same_queries_however_long_the_history(ada):
    client = Client()
    client.force_login(ada)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(20):
        audit_record(action=AuditEvent.Action.LOGIN, actor=ada, obj=ada)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(many) == len(few)
    assert sum("audit_auditevent" in q["sql"] for q in many) == 2  # the count and the page


def test_the_attempts_are_found_through_their_index(ada):
    """Among many attempts on other addresses (a trail the size where it matters), each half of
    the page's statement is read through its own index, not a scan of every attempt."""
    AuditEvent.objects.bulk_create([AuditEvent(action=AuditEvent.Action.LOGIN_FAILED, actor_email=f"x{i}@example.com")
                                    for i in range(3000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    sql, params = security_events(user=ada).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "audit_tried_email_idx" in plan and "audit_object_idx" in plan, plan


def test_signed_out_visitors_go_to_the_login_page():
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_settings_page_links_to_it(ada, client):
    client.force_login(ada)
    html = client.get(reverse("settings")).content.decode()
    assert f'href="{URL}" id="security-activity-link"' in html


def test_the_page_is_in_german(ada):
    ada.locale = "de-DE"
    ada.save(update_fields=["locale"])
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, ada.email) == 302
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_email=ada.email, details={"factor": "two-factor code"})

    html = client.get(URL).content.decode()

    assert "<h1 class=\"h3\">Sicherheitsaktivität</h1>" in html
    assert texts(html) == ["Versuch Anmeldung fehlgeschlagen: falscher Zwei-Faktor-Code",
                           "Angemeldet · aus dem Netzwerk 203.0.113.0/24"]


def test_the_data_export_holds_the_security_activity_as_the_page_lists_it(ada, time_machine):
    """apps.profile's export cannot import the audit trail: its file comes through
    apps.users.signals.data_export_files, written as the profile writes its own files."""
    import csv
    import io
    import zipfile

    time_machine.move_to(timezone.now() + timedelta(minutes=1))
    laptop = browser("203.0.113.7")
    assert sign_in(laptop, "ada@example.com") == 302
    time_machine.shift(timedelta(minutes=5))
    assert sign_in(browser("198.51.100.9"), "ADA@example.com", "=HYPERLINK(guess)") == 200
    assert sign_in(browser("192.0.2.1"), "bob@example.com", "wrong") == 200  # not Ada's
    time_machine.shift(timedelta(minutes=5))

    response = laptop.post(reverse("profile:export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.DictReader(io.StringIO(archive.read("security_activity.csv").decode())))
    assert [(r["event"], r["what"], r["network"], r["tried_on_your_address"]) for r in rows] == [
        ("login_failed", "Failed sign-in: wrong password", "198.51.100.0/24", "true"),
        ("login", "Signed in", "203.0.113.0/24", "false"),
    ]
    assert [r["at"] for r in rows] == [e.created_at.isoformat() for e in security_events(user=ada)
                                       if e.action != AuditEvent.Action.DATA_EXPORTED]
    raw = archive.read("security_activity.csv").decode()
    assert "203.0.113.7" not in raw and "198.51.100.9" not in raw and "192.0.2" not in raw  # networks only
    # The export itself is the newest line of the page now, not of the file it is written into.
    assert security_events(user=ada).first().action == AuditEvent.Action.DATA_EXPORTED
