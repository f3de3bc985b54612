"""What a person sees: the main pages with the demo customer's data, on a desktop and on
a phone, saved under test-artifacts/screenshots/ (`make screenshots` also publishes the
desktop dashboard to docs/dashboard.png for the README).

Full tier only (BANKDASH_FULL_TESTS=1, as .ci/run and `make screenshots` set; the default tier's
browser tests are a representative few, see conftest.py): every kind of page a customer reaches
from the dashboard (links followed) at every size, in the light and the dark theme (axe-core checks each)."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .support import DESKTOP, PHONE, kind_of, reachable_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAIN_PAGES = [("dashboard", "/"), ("transactions", "/transactions/"), ("budgets", "/budgets/"), ("alerts", "/alerts/"),
              ("insights", "/insights/"), ("import", "/import/"), ("rules", "/rules/")]
# Every kind of page a customer reaches from the dashboard (found by following links, as
# tests/e2e/test_phone_layout.py does), the main ones first.
MAX_PAGES = 300
VIEWPORTS = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}
# The theme follows the device's setting until the customer chooses (static/js/theme.js): the
# browser's colour scheme picks it. Both themes at both sizes.
LOOKS = [(viewport, theme) for theme in ("light", "dark") for viewport in VIEWPORTS]

# Layout faults a screenshot would show: content wider than the screen (cut off or a
# sideways scroll), and money that is not right-aligned.
LAYOUT_JS = """
() => {
  const faults = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1)
    faults.push(`page is ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
  // A figure in a table column lines up on the right; one standing alone after its label
  // (a definition list written .text-start on purpose) may start on the left.
  for (const el of document.querySelectorAll('td.money, th.money, dd.money:not(.text-start)')) {
    if (!el.offsetParent) continue;
    const align = getComputedStyle(el).textAlign;
    if (align !== 'right' && align !== 'end') faults.push(`money not right-aligned: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll('main *')) {
    // Inside a box that scrolls sideways on its own (a wide table, a code sample) is not out of the screen.
    if (!el.offsetParent || el.closest('.table-responsive, pre')) continue;
    if (getComputedStyle(el).overflowX !== 'visible') continue;
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1))
      faults.push(`sticks out of the screen: ${el.outerHTML.slice(0, 120)}`);
  }
  return faults.slice(0, 10);
}
"""


def wait_for_charts(page):
    """Chart.js animates for a second: wait until both charts exist and have finished."""
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length >= 2")
    page.wait_for_function(
        "() => Object.values(window.Chart.instances).every(c => !(c._animationsDisabled === false && c.animating))"
    )
    page.wait_for_timeout(1100)


def _pages(open_app) -> list[tuple[str, str]]:
    app = open_app(viewport=DESKTOP)
    app.login("demo@example.com", "bankdash-demo")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(app.page.url))
    found = reachable_pages(app.page, origin, limit=MAX_PAGES)
    main = {path for _, path in MAIN_PAGES}
    others = [(re.sub(r"[^a-z0-9]+", "-", kind_of(path).lower()).strip("-") or "home", path)
              for path in found if path not in main]
    assert len(others) >= 20, found
    return MAIN_PAGES + others


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
@pytest.mark.timeout(1200)  # the full tier: every page x 4 looks, axe-core on each (4 minutes on a busy machine)
def test_screenshots_of_the_main_pages(open_app, screenshot_dir, publish_screenshot):
    call_command("seed_demo", stdout=io.StringIO())
    pages = _pages(open_app)
    faults = {}
    for viewport_name, theme in LOOKS:
        # Reduced motion: the charts are drawn at once (no animation frame caught half-way on a busy machine).
        app = open_app(**VIEWPORTS[viewport_name], color_scheme=theme, reduced_motion="reduce")
        app.login("demo@example.com", "bankdash-demo")
        assert app.page.evaluate("document.documentElement.dataset.bsTheme") == theme
        for name, path in pages:
            # Screenshot first, then the checks: a faulty page is exactly the one to look at.
            app.goto(path, check=False)
            page = app.page
            if name == "dashboard":
                expect(page.locator("#chart-categories")).to_be_visible()
                wait_for_charts(page)
            shot = app.screenshot(f"{name}-{viewport_name}" + ("-dark" if theme == "dark" else ""))
            assert shot.stat().st_size > 10_000
            if name == "dashboard" and viewport_name == "desktop" and theme == "light":
                publish_screenshot(shot, "dashboard.png")
            if layout := page.evaluate(LAYOUT_JS):
                faults[shot.name] = layout
            app.check()
    assert not faults, f"Layout faults (see {screenshot_dir}): {faults}"
