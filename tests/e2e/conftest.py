"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's
live server (127.0.0.1, the real PostgreSQL, transactional_db).

Every page a test opens through the ``App`` helper is checked: no console error (CSP
violations are console errors), no uncaught exception, no failed request, no error
response for a static file, axe-core finds no serious or critical violation and every
form field has a label. Without /usr/bin/chromium the tests are skipped, with the reason
in the ``-ra`` summary; in CI (the CI environment variable set, e.g. CI=true) a missing
Chromium is a failure instead: the run stops at collection with the reason.

Tiers: ``make test`` runs a representative few, the ones that cover what the others build on:
the checks themselves (test_checks), a new customer's whole journey from registration to an
exceeded budget (test_customer_journey), a logout, the list's keyboard-only quick entry and the
refused decimal comma. Every other browser test is marked ``full`` and runs in the full tier
(.ci/run), among them a second customer who sees nothing of the first's (the default tier proves
ownership on every URL pattern without a browser: tests/security/test_ownership_enumeration.py).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    SCREENSHOTS,
    BrowserProblems,
    axe_violations,
    unlabelled_fields,
)

# The live server listens on 127.0.0.1 rather than pytest-django's default "localhost".
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

E2E_DIR = Path(__file__).resolve().parent
SKIP_REASON = (
    f"e2e: Chromium not found at {CHROMIUM}; browser tests skipped "
    "(install it with `apt-get install chromium`; .ci/run does so when it can)"
)
CI_FAILURE = (
    f"e2e: Chromium not found at {CHROMIUM} and CI is set: in CI the browser tests must run, "
    "not be skipped. Install Debian's Chromium (`apt-get install chromium`) on the runner, "
    "or unset CI to skip them locally."
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.hookimpl(trylast=True)  # after pytest-django sorts the items
def pytest_collection_modifyitems(config, items):
    chromium_missing = not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK))
    browser_tests = []
    for item in items:
        if E2E_DIR not in Path(str(item.path)).parents:
            continue
        browser_tests.append(item)
        item.add_marker(pytest.mark.e2e)
        if chromium_missing:
            if in_ci():
                raise pytest.UsageError(CI_FAILURE)
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
    # Browser tests run last: the fast tests report first, and the browser's event loop
    # (see allow_orm_beside_playwright) exists only once every other test has run.
    if browser_tests:
        chosen = set(browser_tests)
        items[:] = [item for item in items if item not in chosen] + browser_tests


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    """Playwright's sync API keeps an asyncio loop running in this thread; Django would then
    refuse the ORM calls the test code makes itself ("SynchronousOnlyOperation")."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """The rows the migrations create (content types, permissions, roles, default
    categories). ``serialized_rollback`` should restore them after an earlier
    transactional test's flush, but not under pytest-playwright's fixtures (measured:
    the default categories were gone when a browser test ran after the ledger's
    concurrency tests), so re-create them the way ``migrate`` does; all idempotent."""
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


# ---------------------------------------------------------------------------
# pytest-playwright configuration
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(live_server):
    return {"base_url": live_server.url, "locale": "en-US", "timezone_id": "UTC"}


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does) to install axe-core.")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# ---------------------------------------------------------------------------
# The App helper: one browser context (one person's session) with checks built in
# ---------------------------------------------------------------------------

class App:
    def __init__(self, context, axe_source, screenshot_dir):
        self.context = context
        self.problems = BrowserProblems()
        self.page = context.new_page()
        self.problems.attach(self.page)
        self._axe_source = axe_source
        self._screenshot_dir = screenshot_dir
        self._checked: set[tuple[str, int]] = set()

    # -- navigation ---------------------------------------------------------
    def goto(self, path: str, *, check: bool = True):
        response = self.page.goto(path)
        if check:
            self.check()
        return response

    def path(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.page.url).path

    # -- the checks run on every page ---------------------------------------
    def assert_no_problems(self):
        found = self.problems.take()
        assert not found, "The browser reported problems:\n  " + "\n  ".join(found)

    def check(self, *, force: bool = False):
        """Browser problems, labels and axe-core on the page now shown. axe runs once per
        page kind and viewport in a test unless ``force`` (a page in a new state)."""
        self.page.wait_for_load_state("load")
        self.assert_no_problems()
        unlabelled = unlabelled_fields(self.page)
        assert not unlabelled, f"Form fields without a label on {self.page.url}: {unlabelled}"
        key = (re.sub(r"/\d+(?=/|$)", "/<id>", self.path()), self.page.viewport_size["width"])
        if force or key not in self._checked:
            self._checked.add(key)
            violations = axe_violations(self.page, self._axe_source)
            assert not violations, f"axe-core: serious/critical violations on {self.page.url}:\n" + "\n".join(
                f"  [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
            )
            self.assert_no_problems()

    def field(self, label: str):
        """The form control labelled exactly ``label`` (crispy-forms adds "*" to required ones)."""
        return self.page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))

    def select(self, label: str, option_text: str):
        """Choose the option of the ``label`` select whose text contains ``option_text``."""
        field = self.field(label)
        value = field.locator("option", has_text=option_text).first.get_attribute("value")
        field.select_option(value)

    def submit(self, name: str):
        """Click the ``name`` button and wait for the page it leads to, then check that page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()
        self.check()

    def follow(self, name: str | re.Pattern, *, role: str = "link"):
        """Click the ``name`` link (exact accessible name, or a regex) and check the page it opens."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=isinstance(name, str)).first.click()
        self.check()

    def success_message(self):
        return self.page.locator(".messages .alert-success")

    def error_message(self):
        return self.page.locator(".messages .alert-danger")

    def badge_count(self) -> int:
        """The unread-alert badge in the navigation bar (0 when there is none)."""
        badge = self.page.locator("#alert-badge")
        if badge.count() == 0:
            return 0
        return int(badge.text_content().split()[0])

    # -- people -------------------------------------------------------------
    def login(self, email: str, password: str):
        page = self.page
        self.goto("/login/")
        self.field("Email").fill(email)
        self.field("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        self.check()

    def logout(self):
        self.page.get_by_role("button", name="Log out").click()
        self.page.wait_for_url("**/login/")
        self.check()

    # -- what a person sees ---------------------------------------------------
    def screenshot(self, name: str) -> Path:
        path = self._screenshot_dir / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_app(new_context, browser, browser_context_args, axe_source, screenshot_dir):
    """Open a fresh browser session (its own cookies): ``open_app()``, ``open_app(viewport=...)``,
    ``open_app(locale="de-DE")`` (a browser in another language: its Accept-Language)."""
    apps, own_contexts = [], []

    def _open(**context_kwargs) -> App:
        context_kwargs.setdefault("viewport", DESKTOP)
        if "locale" in context_kwargs:  # pytest-playwright's new_context refuses a second locale
            context = browser.new_context(**{**browser_context_args, **context_kwargs})
            own_contexts.append(context)
        else:
            context = new_context(**context_kwargs)
        # Pages here answer in milliseconds: fail in seconds rather than Playwright's 30.
        context.set_default_timeout(10_000)
        app = App(context, axe_source, screenshot_dir)
        apps.append(app)
        return app

    yield _open
    for context in own_contexts:
        context.close()
    # Whatever the browser reported after the test's last check still fails the test.
    leftovers = [problem for app in apps for problem in app.problems.take()]
    if leftovers:
        pytest.fail("The browser reported problems after the last check:\n  " + "\n  ".join(leftovers))


@pytest.fixture
def app(open_app) -> App:
    return open_app()


@pytest.fixture
def publish_screenshot():
    """Copy a saved screenshot into docs/ (only when BANKDASH_PUBLISH_SCREENSHOTS is set,
    so an ordinary test run leaves the committed image alone)."""

    def _publish(path: Path, name: str):
        if os.environ.get("BANKDASH_PUBLISH_SCREENSHOTS"):
            shutil.copyfile(path, Path(__file__).resolve().parents[2] / "docs" / name)

    return _publish


# ---------------------------------------------------------------------------
# Data made directly through the services (faster than the browser where the
# browser is not what a test is about)
# ---------------------------------------------------------------------------

@pytest.fixture
def make_customer():
    """``make_customer(email)`` -> a customer whose password is ``CUSTOMER_PASSWORD``."""
    from tests.factories import UserFactory

    def _make(email: str, **kwargs):
        return UserFactory(email=email, **kwargs)

    return _make


@pytest.fixture
def customer_password():
    from tests.factories import PASSWORD

    return PASSWORD
