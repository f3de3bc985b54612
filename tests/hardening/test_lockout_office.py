"""Point 2 of the hardening issue, over HTTP: one person's typos do not lock out an office.

Everyone here sits behind one address (one X-Forwarded-For IP per test, as behind an
office's NAT), with gunicorn's 4 workers answering:

- five wrong two-factor codes from one staff member, then a colleague behind the same
  address logs in with the right password: it must work;
- those five wrong codes count against the staff member's own account (locked, from any
  address);
- a right code sent straight after a wrong one is judged on its own (it logs in);
- the per-address limit is separate from, and higher than, the per-account one; it exists;
- wrong codes sent all at once, across the workers, still lock the account.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import record_figure

from .conftest import PASSWORD, WRONG_PASSWORD, person, totp_code, wrong_code
from .webclient import LOCKOUT_STATUSES, fresh_ip, login, verify_code

pytestmark = pytest.mark.full

FAILURE_LIMIT = 5  # per account
IP_LIMIT_BOUND = 100  # the per-address limit must show within this many failures
KEYS = {name: secrets.token_hex(20) for name in ("staff", "staff2", "typo", "burst")}


@pytest.fixture(scope="module")
def people(provision):
    return provision([
        person("office-staff@example.com", display_name="Sam Staff", staff=True, totp_key=KEYS["staff"]),
        person("office-staff2@example.com", display_name="Sasha Staff", staff=True, totp_key=KEYS["staff2"]),
        person("office-colleague@example.com", display_name="Cole League"),
        person("office-typo@example.com", display_name="Tia Typo", totp_key=KEYS["typo"]),
        person("office-burst@example.com", display_name="Bo Burst", totp_key=KEYS["burst"]),
        *[person(f"office-member{n}@example.com", display_name=f"Member {n}") for n in range(1, 6)],
        person("office-flood-victim@example.com", display_name="Flo Victim"),
    ])


def signed_in(client) -> bool:
    """The dashboard answers (not a redirect to the login page)."""
    return client.get("/").status == 200


def five_wrong_codes(client, key: str) -> list[int]:
    statuses = []
    for attempt in range(FAILURE_LIMIT):
        result = verify_code(client, wrong_code(key))
        assert result.status < 500, result.describe()
        assert not result.logged_in, f"a wrong code logged in: {result.describe()}"
        statuses.append(result.status)
    return statuses


def test_a_colleagues_wrong_codes_do_not_lock_the_office_out(app_server, people):
    office = fresh_ip()
    staff = app_server.client(ip=office)
    first = login(staff, "office-staff@example.com", PASSWORD)
    assert first.needs_code, f"the staff member's password should lead to the code page: {first.describe()}"
    five_wrong_codes(staff, KEYS["staff"])

    colleague = app_server.client(ip=office)
    result = login(colleague, "office-colleague@example.com", PASSWORD)
    assert result.logged_in and signed_in(colleague), (
        f"after {FAILURE_LIMIT} wrong two-factor codes from a staff member, a colleague behind the same "
        f"address ({office}) cannot log in with the right password: {result.describe()}")


def test_wrong_codes_count_against_the_account_that_made_them(app_server, people):
    staff = app_server.client(ip=fresh_ip())
    assert login(staff, "office-staff2@example.com", PASSWORD).needs_code
    five_wrong_codes(staff, KEYS["staff2"])

    # The same person from elsewhere, right password and right code: the account is locked.
    elsewhere = app_server.client(ip=fresh_ip())
    result = login(elsewhere, "office-staff2@example.com", PASSWORD)
    if result.needs_code:
        result = verify_code(elsewhere, totp_code(KEYS["staff2"]))
    assert not result.logged_in and not signed_in(elsewhere), (
        f"{FAILURE_LIMIT} wrong two-factor codes did not lock the account that made them: {result.describe()}")


def test_a_right_code_right_after_a_wrong_one_is_judged_on_its_own(app_server, people):
    client = app_server.client(ip=fresh_ip())
    assert login(client, "office-typo@example.com", PASSWORD).needs_code
    typo = verify_code(client, wrong_code(KEYS["typo"]))
    assert typo.status < 500 and not typo.logged_in, typo.describe()
    right = verify_code(client, totp_code(KEYS["typo"]))
    assert right.logged_in and signed_in(client), (
        f"the right code, sent straight after one wrong code, was refused: {right.describe()}\n"
        f"{right.response.text[:600]}")


def test_the_per_address_limit_is_higher_than_the_per_account_one(app_server, people):
    office = fresh_ip()
    failures = 0
    for n in (1, 2, 3):  # 3 people x 2 typos: more than one account's limit, from one address
        for attempt in range(2):
            result = login(app_server.client(ip=office), f"office-member{n}@example.com", WRONG_PASSWORD)
            assert result.status < 500 and not result.logged_in, result.describe()
            failures += 1
    assert failures > FAILURE_LIMIT
    for n in (4, 1):  # someone who made no mistake, and someone who made two
        client = app_server.client(ip=office)
        result = login(client, f"office-member{n}@example.com", PASSWORD)
        assert result.logged_in and signed_in(client), (
            f"after {failures} failed logins spread over 3 accounts behind one address, member {n} cannot "
            f"log in with the right password: {result.describe()}")


def test_the_per_address_limit_exists(app_server, people):
    """Failures from one address for many accounts (none over its own limit) end in a lockout
    of that address within IP_LIMIT_BOUND; the victim can still log in from elsewhere."""
    flood_ip = fresh_ip()
    stop = threading.Event()
    counted = []
    lock = threading.Lock()

    def attempt(n: int) -> int | None:
        if stop.is_set():
            return None
        result = login(app_server.client(ip=flood_ip), f"office-flood-{n}@example.com", WRONG_PASSWORD)
        assert result.status < 500, result.describe()
        with lock:
            counted.append(result.status)
            if result.status in LOCKOUT_STATUSES:
                stop.set()
        return result.status

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(attempt, range(IP_LIMIT_BOUND)))
    locked_after = next((i for i, s in enumerate(counted) if s in LOCKOUT_STATUSES), None)
    record_figure("hardening: per-address login lockout after (failed logins, 4 at a time)",
                  "none" if locked_after is None else locked_after + 1)
    assert locked_after is not None, f"{IP_LIMIT_BOUND} failed logins from one address never locked it"
    assert locked_after + 1 > FAILURE_LIMIT, f"the address was locked after only {locked_after + 1} failures"

    victim = app_server.client(ip=flood_ip)
    assert not login(victim, "office-flood-victim@example.com", PASSWORD).logged_in, \
        "the locked-out address can still log in"
    elsewhere = app_server.client(ip=fresh_ip())
    assert login(elsewhere, "office-flood-victim@example.com", PASSWORD).logged_in, \
        "the address's lockout locked the account out everywhere"


def test_wrong_codes_sent_at_once_across_workers_still_lock_the_account(app_server, people):
    """Two-factor steps throttled across processes: twelve wrong codes at once, from four
    sessions that each passed the password (three codes each, under the per-session limit),
    then the right password and the right code are refused."""
    clients = []
    for n in range(4):
        client = app_server.client(ip=fresh_ip())
        result = login(client, "office-burst@example.com", PASSWORD)
        if not result.needs_code:
            break  # the account is already locked by the codes below: fine
        clients.append(client)
    assert clients, "the password step did not lead to the code page"

    def wrong(client) -> int:
        return verify_code(client, wrong_code(KEYS["burst"])).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(wrong, [c for c in clients for _ in range(3)]))
    assert all(s < 500 for s in statuses), statuses

    final = app_server.client(ip=fresh_ip())
    result = login(final, "office-burst@example.com", PASSWORD)
    if result.needs_code:
        result = verify_code(final, totp_code(KEYS["burst"]))
    assert not result.logged_in and not signed_in(final), (
        f"{len(statuses)} wrong codes sent at once across the workers did not lock the account "
        f"(limit {FAILURE_LIMIT}): {statuses}, then {result.describe()}")
