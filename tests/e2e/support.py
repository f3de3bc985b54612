"""Helpers for the browser tests: what the browser reported, the accessibility check,
and keyboard-only navigation. The fixtures in conftest.py wire them to each page."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, Request, Response

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Resources a page loads; a 4xx/5xx on any of them is a broken page.
SUB_RESOURCES = {"stylesheet", "script", "image", "font", "media", "fetch", "xhr"}


@dataclass
class BrowserProblems:
    """Everything the browser complained about on a page: console errors (CSP violations
    land here too), uncaught exceptions, failed requests and error responses."""

    problems: list[str] = field(default_factory=list)
    # Statuses a test expects on a document right now (e.g. 404 for another user's account).
    allowed_statuses: set[int] = field(default_factory=set)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        # The browser logs every error response of the document as a console error; an
        # expected one (see allow_status) is not a problem, an unexpected one is reported
        # by _on_response already.
        if text.startswith("Failed to load resource: the server responded with a status of"):
            status = re.search(r"status of (\d{3})", text)
            if status and int(status.group(1)) in self.allowed_statuses:
                return
        self.problems.append(f"console error: {text} ({message.location.get('url', '')})")

    def _on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A click that navigates away aborts what the old page was still fetching (the document,
        # or a script's fetch still in flight, such as the expense form's preview on a busy
        # machine): not a fault. A server that fails answers an error status or resets the
        # connection (ERR_CONNECTION_*, ERR_EMPTY_RESPONSE), which are still reported.
        if "ERR_ABORTED" in failure and request.resource_type in ("document", "fetch", "xhr"):
            return
        # The same for the tab's icon, which the browser fetches on its own after the page (seen
        # on a slow machine: the next page.goto aborted it); a missing icon answers 404 instead.
        if "ERR_ABORTED" in failure and urlsplit(request.url).path.endswith("/favicon.svg"):
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        request = response.request
        path = urlsplit(response.url).path
        is_static = path.startswith("/static/") or request.resource_type in SUB_RESOURCES
        if not is_static and response.status in self.allowed_statuses:
            return
        self.problems.append(f"HTTP {response.status}: {request.method} {response.url} ({request.resource_type})")

    @contextlib.contextmanager
    def allow_status(self, *statuses: int):
        """Within the block, documents answering one of ``statuses`` are expected."""
        self.allowed_statuses.update(statuses)
        try:
            yield
        finally:
            self.allowed_statuses.difference_update(statuses)

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found


# Run inside the page: every visible form control must have an accessible label.
UNLABELLED_FIELDS_JS = """
() => {
  // A label's text, counting images' alt text and aria-labels inside it (an icon label).
  const text = node => (node.textContent || '') + Array.from(node.querySelectorAll('img[alt], [aria-label]'))
    .map(n => n.getAttribute('alt') || n.getAttribute('aria-label')).join(' ');
  return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes((el.type || '').toLowerCase()))
  .filter(el => {
    const labelled = (el.labels && Array.from(el.labels).some(l => text(l).trim()))
      || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => {
           const ref = id && document.getElementById(id); return ref && ref.textContent.trim(); })
      || (el.getAttribute('title') || '').trim();
    return !labelled;
  })
  .map(el => el.outerHTML.slice(0, 160));
}
"""

AXE_RUN_JS = """
async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}
"""


def axe_violations(page: Page, axe_source: str) -> list[dict]:
    """axe-core's serious and critical violations on the current page.

    The script is evaluated through the DevTools protocol rather than added as a
    <script> tag: a page with a strict Content-Security-Policy would (rightly) refuse an
    inline script, and the test would then report the CSP error instead of the page's.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(AXE_RUN_JS)


def unlabelled_fields(page: Page) -> list[str]:
    return page.evaluate(UNLABELLED_FIELDS_JS)


def focused_description(page: Page) -> str:
    """What has the keyboard focus: tag, accessible text and name attribute, for matching."""
    return page.evaluate(
        """() => { const el = document.activeElement; if (!el) return '';
             const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
             return [el.tagName, el.getAttribute('name') || '', el.getAttribute('aria-label') || '',
                     label, (el.innerText || el.value || '').slice(0, 80)].join(' | ').replace(/\\s+/g, ' '); }"""
    )


def tab_to(page: Page, pattern: str, *, limit: int = 60, backwards: bool = False) -> str:
    """Press Tab (or Shift+Tab) until the focused element matches ``pattern`` (a regex on
    ``focused_description``), as a keyboard user would; fail if it is never reached."""
    regex = re.compile(pattern, re.IGNORECASE)
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused_description(page)
        if regex.search(now):
            return now
        seen.append(now)
    raise AssertionError(f"Tab never reached /{pattern}/; focus went through: {seen}")


# ---------------------------------------------------------------------------
# The pages a customer reaches, found as a person finds them
# ---------------------------------------------------------------------------

SKIP_LINKS = re.compile(r"^/(admin|static|media)/|logout|\.(csv|pdf|zip|json)$|/export|/unsubscribe/|/service-worker")
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"""


def kind_of(path: str) -> str:
    """One page per kind of address: /accounts/12/ and /accounts/13/ are one kind."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def reachable_pages(page: Page, origin: str, *, limit: int, start: str = "/") -> list[str]:
    """Every kind of page reachable from ``start`` by following links (breadth first), at most
    ``limit``: the first address of each kind, in the order a person would come to them."""
    from collections import deque
    from urllib.parse import urlsplit

    queue, seen, found = deque([start]), {kind_of(start)}, []
    while queue and len(found) < limit:
        path = queue.popleft()
        response = page.goto(path)
        if response is None or response.status >= 400:
            continue
        found.append(path)
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin or SKIP_LINKS.search(parts.path):
                continue
            if kind_of(parts.path) not in seen:
                seen.add(kind_of(parts.path))
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found
