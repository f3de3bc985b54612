"""Point 4 of the hardening issue, over HTTP: throttles that hold across processes.

gunicorn runs 4 workers; requests are sent several at a time so they spread over them. A
counter kept in one process's memory would let each worker grant its own allowance; the
counts below must be the configured limit, exactly, whichever worker answered.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import record_figure

from .conftest import WORKERS, person
from .webclient import fresh_ip

pytestmark = pytest.mark.full

RESET_LIMIT = 5  # per address and per client address, per 15 minutes
BURST = 12
REGISTRATION_BOUND = 40  # registrations from one address before a 429 must have shown
REGISTRATION_PASSWORD = "Throttle-Horse-Battery-58"


@pytest.fixture(scope="module")
def people(provision):
    return provision([person("throttle-reset@example.com"), person("throttle-taken@example.com")])


def password_reset(server, email: str, ip: str):
    return server.client(ip=ip).submit("/password_reset/", {"email": email}, containing="email")


def tally(statuses: list[int]) -> dict[int, int]:
    return {s: statuses.count(s) for s in sorted(set(statuses))}


def mails_to(server, recipient: str) -> int:
    return len(re.findall(rf"^To: {re.escape(recipient)}\s*$", server.log_text(), flags=re.MULTILINE))


def test_password_reset_per_address_holds_across_workers(app_server, people):
    email = "throttle-reset@example.com"
    spellings = [email, email.upper(), f"  {email} "]  # one address, however it is typed
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda n: password_reset(app_server, spellings[n % 3], fresh_ip()), range(BURST)))
    statuses = [r.status for r in responses]
    later = password_reset(app_server, email, fresh_ip()).status
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and mails_to(app_server, email) < statuses.count(302):
        time.sleep(0.2)
    record_figure(f"hardening: password reset, one address, {BURST} requests at once over {WORKERS} workers",
                  f"{statuses.count(302)} accepted, {statuses.count(429)} refused (429); "
                  f"{mails_to(app_server, email)} mails")
    assert statuses.count(302) == RESET_LIMIT and statuses.count(429) == BURST - RESET_LIMIT, (
        f"{BURST} reset requests for one address from {BURST} client addresses across {WORKERS} workers: "
        f"{tally(statuses)}; the limit is {RESET_LIMIT} per address")
    assert later == 429, f"the request after the burst answered {later}"
    assert mails_to(app_server, email) == RESET_LIMIT


def test_password_reset_per_client_address_holds_across_workers(app_server, people):
    ip = fresh_ip()
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda n: password_reset(app_server, f"throttle-ip-{n}@example.com", ip),
                                  range(BURST)))
    statuses = [r.status for r in responses]
    record_figure(f"hardening: password reset, one client address, {BURST} requests at once over {WORKERS} workers",
                  f"{statuses.count(302)} accepted, {statuses.count(429)} refused (429)")
    assert statuses.count(302) == RESET_LIMIT and statuses.count(429) == BURST - RESET_LIMIT, (
        f"{BURST} reset requests from one client address across {WORKERS} workers: {tally(statuses)}; "
        f"the limit is {RESET_LIMIT} per client address")


def register(server, email: str, ip: str):
    return server.client(ip=ip).submit("/register/", {
        "email": email, "display_name": "Tess Throttle", "password1": REGISTRATION_PASSWORD,
        "password2": REGISTRATION_PASSWORD,
    }, containing="password1")


def registrations_until_refused(server, label: str) -> tuple[int, list[int]]:
    """Register new addresses from one client address, 4 at a time, until 429s answer (at
    most REGISTRATION_BOUND): how many were accepted, and every status."""
    ip, statuses = fresh_ip(), []
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for batch in range(0, REGISTRATION_BOUND, WORKERS):
            emails = [f"throttle-{label}-{n}@example.com" for n in range(batch, batch + WORKERS)]
            statuses += [r.status for r in pool.map(lambda e: register(server, e, ip), emails)]
            if 429 in statuses[-WORKERS:]:
                break
    assert all(s < 500 for s in statuses), statuses
    if 429 in statuses:
        later = register(server, f"throttle-{label}-later@example.com", ip).status
        assert later == 429, f"a registration after the first 429 answered {later}"
    return sum(1 for s in statuses if s != 429), statuses


def test_registration_is_throttled_per_client_address_across_workers(app_server, people):
    first, first_statuses = registrations_until_refused(app_server, "one")
    second, second_statuses = registrations_until_refused(app_server, "two")
    record_figure(f"hardening: registrations accepted per client address before 429 ({WORKERS} workers)",
                  f"{first} and {second}")
    assert 429 in first_statuses, f"{REGISTRATION_BOUND} registrations from one address, none refused"
    assert first == second, (
        f"two client addresses got different allowances ({first} and {second}): the counter is not shared "
        f"by the workers; statuses {tally(first_statuses)} and {tally(second_statuses)}")
    assert len({s for s in first_statuses if s != 429}) == 1, f"accepted registrations answered {first_statuses}"


def normalised(text: str, email: str) -> str:
    text = text.replace(email, "EMAIL")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)
    return re.sub(r"\s+", " ", text)


def test_registration_answers_the_same_for_a_taken_and_a_free_address(app_server, people):
    answers = {}
    for label, email in (("taken", "throttle-taken@example.com"), ("free", "throttle-free@example.com")):
        client = app_server.client(ip=fresh_ip())
        response = client.submit("/register/", {
            "email": email, "display_name": "Same Person", "password1": REGISTRATION_PASSWORD,
            "password2": REGISTRATION_PASSWORD,
        }, containing="password1")
        assert response.status < 500, response.describe()
        page = client.get(response.location) if response.status in (301, 302, 303) else response
        answers[label] = (response.status, response.location, page.status, normalised(page.text, email))
    taken, free = answers["taken"], answers["free"]
    assert taken[:3] == free[:3], f"registration tells a taken address from a free one: {taken[:3]} vs {free[:3]}"
    assert taken[3] == free[3], "the pages after registering a taken and a free address differ"
