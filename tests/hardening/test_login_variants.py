"""Point 1 of the hardening issue, over HTTP: one failure counter per account, whatever the
spelling of its address.

For every look-alike spelling of an address (dotless ı, long ſ, Kelvin sign, fullwidth
letters, combining marks, upper case, padding ...), from a fresh client address each time:

1. does the spelling reach the account? (log in with it and the right password, on an
   account of its own);
2. if it does, its failures must be the real address's: five wrong passwords with the
   spelling lock the real address out (the right password no longer opens it), and five
   with the real address lock the spelling out. A spelling that reaches the account with
   a fresh set of guesses is the bug; a spelling refused outright is fine.

Also: registering a look-alike of a taken address never gives a second way into the first
account, nor breaks its login; and password reset mails per address stay within the limit
whatever the spelling (the throttle uses the same normal form).
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.conftest import add_to_figure, record_figure

from .conftest import PASSWORD, WRONG_PASSWORD, person
from .webclient import fresh_ip, login

pytestmark = pytest.mark.full

FAILURE_LIMIT = 5  # per account (AXES_FAILURE_LIMIT)
RESET_LIMIT = 5  # password reset requests per address per window (PASSWORD_RESET_RATE_LIMIT)
DOMAIN = "example.com"

MATH_BOLD = {"s": "\U0001d42c", "i": "\U0001d422", "k": "\U0001d424"}
FULLWIDTH = {c: chr(ord(c) - ord("a") + 0xFF41) for c in "sik"}


@dataclass(frozen=True)
class Variant:
    name: str
    spell: object  # address -> look-alike spelling

    def __call__(self, address: str) -> str:
        return self.spell(address)


def _local(address: str, change) -> str:
    local, domain = address.split("@")
    return f"{change(local)}@{domain}"


# Every address of this file is "sisik<nn><role>@example.com": the letters s, i, k appear only
# in its first five characters, so the spellings below change only those.
VARIANTS = [
    Variant("upper case", str.upper),
    Variant("mixed case", lambda a: _local(a, lambda s: "SiSiK" + s[5:])),
    Variant("upper-case domain", lambda a: a.split("@")[0] + "@" + DOMAIN.upper()),
    Variant("surrounding spaces", lambda a: f"  {a}  "),
    Variant("no-break spaces around", lambda a: f"\u00a0{a}\u00a0"),
    Variant("dotless ı (U+0131)", lambda a: _local(a, lambda s: s.replace("i", "\u0131"))),
    Variant("long s ſ (U+017F)", lambda a: _local(a, lambda s: s.replace("s", "\u017f"))),
    Variant("long s and dotless ı", lambda a: _local(a, lambda s: s.replace("s", "\u017f").replace("i", "\u0131"))),
    Variant("Kelvin sign K (U+212A)", lambda a: _local(a, lambda s: s.replace("k", "\u212a"))),
    Variant("capital İ with dot (U+0130)", lambda a: _local(a, lambda s: s.replace("i", "\u0130"))),
    Variant("i + combining dot above (U+0307)", lambda a: _local(a, lambda s: s.replace("i", "i\u0307", 1))),
    Variant("ı + combining dot above", lambda a: _local(a, lambda s: s.replace("i", "\u0131\u0307"))),
    Variant("s + combining acute (U+0301)", lambda a: _local(a, lambda s: s.replace("s", "s\u0301", 1))),
    Variant("fullwidth letters", lambda a: _local(a, lambda s: "".join(FULLWIDTH.get(c, c) for c in s[:5]) + s[5:])),
    Variant("fullwidth @ (U+FF20)", lambda a: a.replace("@", "\uff20")),
    Variant("mathematical bold letters", lambda a: _local(a, lambda s: "".join(MATH_BOLD.get(c, c) for c in s[:5])
                                                                         + s[5:])),
    Variant("Cyrillic ѕ and і (U+0455, U+0456)", lambda a: _local(a, lambda s: s.replace("s", "\u0455")
                                                                        .replace("i", "\u0456"))),
    Variant("zero-width space (U+200B)", lambda a: _local(a, lambda s: s[:2] + "\u200b" + s[2:])),
    Variant("soft hyphen (U+00AD)", lambda a: _local(a, lambda s: s[:2] + "\u00ad" + s[2:])),
    Variant("trailing dot after the domain", lambda a: a + "."),
]
VARIANT_IDS = [re.sub(r"[^a-z0-9]+", "-", v.name.lower()).strip("-") for v in VARIANTS]
NON_ASCII_VARIANTS = [v for v in VARIANTS if any(ord(c) > 127 for c in v("sisik00a@example.com").strip())
                      and not v.name.startswith("no-break")]


def address(index: int, role: str) -> str:
    return f"sisik{index:02d}{role}@{DOMAIN}"


@pytest.fixture(scope="module")
def people(provision):
    """Per spelling: account a (its failures), b (does the spelling reach it?), c (the real
    address's failures), r (a look-alike registered next to it), m (password reset mails)."""
    people = [person(address(i, role), display_name=f"Variant {i:02d}{role} Owner")
              for i in range(len(VARIANTS)) for role in "abcrm"]
    return provision(people)


def fresh_login(server, email: str, password: str):
    result = login(server.client(ip=fresh_ip()), email, password)
    assert result.status < 500, f"{email!r}: {result.describe()}\n{result.response.text[:500]}"
    return result


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_a_look_alike_spelling_shares_the_accounts_failure_counter(app_server, people, variant):
    index = VARIANTS.index(variant)
    add_to_figure("hardening: login variants tried", 1)
    probe = fresh_login(app_server, variant(address(index, "b")), PASSWORD)
    if not probe.logged_in:
        add_to_figure("hardening: login variants refused outright", 1)
        return
    add_to_figure("hardening: login variants reaching the account", 1)

    real, spelled = address(index, "a"), variant(address(index, "a"))
    for attempt in range(FAILURE_LIMIT):
        result = fresh_login(app_server, spelled, WRONG_PASSWORD)
        assert not result.logged_in, f"a wrong password logged {spelled!r} in: {result.describe()}"
    after = fresh_login(app_server, real, PASSWORD)
    assert not after.logged_in, (
        f"{variant.name}: {FAILURE_LIMIT} wrong passwords for {spelled!r} reach the account {real!r} but did "
        f"not use up its failure counter: the right password still opens it ({after.describe()}); the "
        f"spelling gets a fresh set of {FAILURE_LIMIT} guesses")
    again = fresh_login(app_server, spelled, PASSWORD)
    assert not again.logged_in, f"{variant.name}: the locked account opens with the spelling {spelled!r}"

    # And the other way round: the real address's failures lock the spelling out.
    real, spelled = address(index, "c"), variant(address(index, "c"))
    for attempt in range(FAILURE_LIMIT):
        assert not fresh_login(app_server, real, WRONG_PASSWORD).logged_in
    other_way = fresh_login(app_server, spelled, PASSWORD)
    assert not other_way.logged_in, (
        f"{variant.name}: after {FAILURE_LIMIT} wrong passwords for {real!r}, the spelling {spelled!r} still "
        f"opens the account ({other_way.describe()})")
    add_to_figure("hardening: login variants proven to share the account's counter", 1)


def dashboard_owner(client) -> str | None:
    """The display name the signed-in dashboard greets (None when not signed in)."""
    page = client.get("/")
    if page.status != 200:
        return None
    match = re.search(r"Variant \d\d[a-z] Owner|Look-alike \d\d", page.text)
    return match.group(0) if match else ""


@pytest.mark.parametrize("variant", NON_ASCII_VARIANTS,
                         ids=[VARIANT_IDS[VARIANTS.index(v)] for v in NON_ASCII_VARIANTS])
def test_registering_a_look_alike_never_opens_or_breaks_the_first_account(app_server, people, variant):
    index = VARIANTS.index(variant)
    real = address(index, "r")
    spelled = variant(real)
    new_password = "Look-Alike-Horse-Battery-99"
    registrant = app_server.client(ip=fresh_ip())
    response = registrant.submit("/register/", {
        "email": spelled, "display_name": f"Look-alike {index:02d}", "password1": new_password,
        "password2": new_password,
    }, containing="password1")
    assert response.status < 500, f"registering {spelled!r}: {response.describe()}\n{response.text[:500]}"
    add_to_figure("hardening: look-alike registrations tried", 1)

    owner = app_server.client(ip=fresh_ip())
    assert login(owner, real, PASSWORD).logged_in, f"after {spelled!r} registered, {real!r} cannot log in"
    assert dashboard_owner(owner) == f"Variant {index:02d}r Owner"

    newcomer = app_server.client(ip=fresh_ip())
    result = login(newcomer, spelled, new_password)
    assert result.status < 500, f"{spelled!r}: {result.describe()}\n{result.response.text[:500]}"
    if result.logged_in:
        assert dashboard_owner(newcomer) != f"Variant {index:02d}r Owner", \
            f"{spelled!r} with a new password opened the account of {real!r}"
    intruder = app_server.client(ip=fresh_ip())
    assert not login(intruder, spelled, WRONG_PASSWORD).logged_in


def mails_to(server, recipient: str) -> int:
    return len(re.findall(rf"^To: {re.escape(recipient)}\s*$", server.log_text(), flags=re.MULTILINE))


def test_password_reset_mails_per_address_stay_within_the_limit_whatever_the_spelling(app_server, people):
    """Twelve reset requests for one account, spelled every way that reaches nobody else, from
    twelve addresses at once across the workers: at most RESET_LIMIT mails reach the account
    (the throttle counts the address's normal form, not each spelling)."""
    real = address(0, "m")
    spellings = [v(real) for v in VARIANTS if not v.name.startswith("trailing")]
    requests = [spellings[n % len(spellings)] for n in range(2 * len(spellings))]

    def reset(email: str) -> int:
        return app_server.client(ip=fresh_ip()).submit("/password_reset/", {"email": email},
                                                       containing="email").status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(reset, requests))
    assert all(s < 500 for s in statuses), statuses
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and mails_to(app_server, real) < RESET_LIMIT:
        time.sleep(0.2)
    time.sleep(0.5)  # late writers
    sent = mails_to(app_server, real)
    record_figure("hardening: password reset mails to one account from "
                  f"{len(requests)} requests in {len(spellings)} spellings", sent)
    assert 1 <= sent <= RESET_LIMIT, (
        f"{sent} reset mails reached {real} from {len(requests)} requests spelled {len(spellings)} ways "
        f"(limit {RESET_LIMIT} per address): statuses {statuses}")
