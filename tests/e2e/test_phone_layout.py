"""Phone-first (issue 16, point 2): at 390x844 no page scrolls sideways, and the money actions
(add an expense, an income, a transfer) are one tap from every page, with the menu folded.

The pages are found the way a person finds them: from the dashboard, following the links on
each page (one page per kind of address: /accounts/12/ and /accounts/13/ are one kind). The
default tier visits the first few; the full tier every kind it can reach."""

import io
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.tiers import by_tier

from .support import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_PAGES = by_tier(8, 300)
SKIP = re.compile(r"^/(admin|static|media)/|logout|\.(csv|pdf|zip|json)$|/export|/unsubscribe/|/service-worker")
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"""
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"


def kind_of(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_no_page_scrolls_sideways_on_a_phone_and_money_actions_are_one_tap_away(open_app):
    call_command("seed_demo", stdout=io.StringIO())
    app = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
    app.login("demo@example.com", "bankdash-demo")
    page = app.page
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    queue, seen, faults, visited = deque(["/"]), {kind_of("/")}, {}, []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        response = app.goto(path, check=False)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        visited.append(path)
        if (overflow := page.evaluate(OVERFLOW_JS)) > 0:
            faults[path] = f"scrolls sideways by {overflow}px"
        if not page.locator("#quickAdd").is_visible():
            faults[path] = "no one-tap New button"
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if kind_of(parts.path) not in seen:
                seen.add(kind_of(parts.path))
                queue.append(target)
    assert len(visited) == min(MAX_PAGES, len(seen)), visited
    assert not faults, f"On a 390 px phone: {faults}"

    app.goto("/budgets/", check=False)
    page.locator("#quickAdd").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Expense", exact=True).click()
    expect(page).to_have_url(re.compile(r"/transactions/expense/new/"))
    app.check()
