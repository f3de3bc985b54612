"""Fixtures and hooks shared by every test module: the test tiers (``full`` marker) and
the hypothesis profiles."""

import os

import pytest
from hypothesis import settings

from tests.tiers import FULL_ENV, FULL_SKIP_REASON, full_tier

# Hypothesis: derandomized by default, so one commit gives one result (the examples come
# from a fixed seed per test). HYPOTHESIS_PROFILE=random draws new examples each run, and
# more of them, for a longer hunt; a failure it finds prints the example to pin with @example.
# The property suites (tests/property/) size their own examples from the loaded profile's
# max_examples (BANKDASH_HYPOTHESIS_EXAMPLES still overrides it).
settings.register_profile("default", derandomize=True, max_examples=50, deadline=None, database=None)
settings.register_profile("random", derandomize=False, max_examples=250, deadline=None, database=None)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "default"
settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_report_header(config):
    tier = f"full ({FULL_ENV}=1)" if full_tier() else f"default (set {FULL_ENV}=1 for the full tier)"
    return [f"BankDash test tier: {tier}", f"hypothesis profile: {HYPOTHESIS_PROFILE}"]


# ``make test`` runs the suites on pytest-xdist workers, each with its own test database. Tests
# that share something costly or outside the test database run on one worker, as a group, in
# their usual order (the other tests go one by one to whichever worker is free):
XDIST_GROUPS = {
    # hardening: one private PostgreSQL cluster and gunicorn per session; it, the scale-out test and
    # the benchmark's smoke run write staticfiles/ (collectstatic). reliability: one committed
    # database for the package, checked at its end. One group: the benchmark's 1-second rounds
    # and the timing tests never run beside the long simulation's 16 threads (a smoke round
    # then answered no request at all).
    "tests/hardening/": "servers",
    "tests/reliability/": "servers",
    # one form discovery per process (tests/property/forms.py remembers what the first one found)
    "tests/property/test_hostile_forms.py": "forms",
    "tests/security/test_ownership_form_fields.py": "forms",
}


def pytest_xdist_make_scheduler(config, log):
    """The groups above. (xdist's own ``--dist loadgroup`` marks a group by renaming the test's
    node id, which pytest 9 no longer reads, so the tests of a group were spread out.)"""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((group for prefix, group in XDIST_GROUPS.items() if nodeid.startswith(prefix)), nodeid)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``full`` run in the full tier only; otherwise they are skipped with the reason."""
    if full_tier():
        return
    skip = pytest.mark.skip(reason=FULL_SKIP_REASON)
    for item in items:
        if item.get_closest_marker("full"):
            item.add_marker(skip)


@pytest.fixture
def frozen_now(time_machine):
    """The clock at tests.clock.NOW (15 December 2025, 12:00 UTC), ticking from there, for
    the duration of the test: "today" is the same whenever the suite runs."""
    from tests.clock import NOW

    time_machine.move_to(NOW, tick=True)
    return NOW


@pytest.fixture
def user_factory(db):
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def user(user_factory):
    """A customer."""
    return user_factory()


@pytest.fixture
def german(user):
    """``user``, reading BankDash in German with German figures (locale de-DE); an app's
    tests may build on it under the same name (logged in, a default currency, a clock)."""
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    return user


@pytest.fixture
def logged_in(client, user):
    """The test client, logged in as ``user``."""
    client.force_login(user)
    return client
