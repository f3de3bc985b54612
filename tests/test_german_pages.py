"""Nothing hard-coded in English (issue 16, point 8): a German customer who has a bit of
everything walks every page reachable from the dashboard (links followed, as a person would)
and none shows an English word of the interface: not in its text, not in the labels a screen
reader reads (aria-label, title, placeholder, alt). The customer's own data (account names,
payees, their own name) is chosen so that it cannot be mistaken for interface text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.factories import customer_with_everything

pytestmark = pytest.mark.django_db

# Words of BankDash's English interface that German never uses (German shares "Budget",
# "Import", "Export", "Filter", "Name", "Status", "Webhook", "Details", "Start").
ENGLISH = re.compile(
    r"\b(the|and|your|you|with|from|this|that|yet|Add|Delete|Edit|Save|Cancel|Next|Previous|Page|Settings|"
    r"Transactions|Accounts|Account|Balance|Spending|Income|Expense|Transfer|Bills|Alerts|Rules|Search|Month|"
    r"Date|Amount|Category|Categories|Total|Back|Close|Show|Hide|New|Yes|Log out|Dashboard|Insights|Rewards|"
    r"Overview|Open|Due|Paid|Week|Today|Notifications|Preferences|Deliveries|"
    # The default categories ("Salary" is also this customer's own description of an income).
    r"Food|Rent|Health|Shopping|Entertainment|Utilities)\b"
)
LABEL_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
SKIP = ("/admin/", "/logout/", "/static/", "/media/", "/__", "/health/")
MAX_PAGES = 80


class _Text(HTMLParser):
    """The words a person (or a screen reader) gets from a page."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "pre", "code"):  # code samples are code
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.parts.extend(attrs[name] for name in LABEL_ATTRIBUTES if attrs.get(name))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "pre", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _german_customer(user):
    user.locale = "de-DE"
    user.default_currency = "EUR"
    # The factory's random name can be an English word of the interface ("Daniel Page" once
    # failed CI): the customer's own data must not be mistaken for interface text.
    user.display_name = "Erika Mustermann"
    user.save(update_fields=["locale", "default_currency", "display_name"])
    customer_with_everything(user)


def test_every_page_a_german_customer_reaches_is_german(client, user, frozen_now):
    _german_customer(user)
    client.force_login(user)
    queue, seen, english = ["/"], set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        text = " ".join(" ".join(parser.parts).split())
        found = sorted({match.group(0) for match in ENGLISH.finditer(text)})
        if found:
            english[path] = [(word, _around(text, word)) for word in found[:6]]
        for href in parser.links:
            link, _ = urldefrag(href)
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            if re.search(r"\.(csv|pdf|zip|json)$", parts.path) or "page=" in parts.query:
                continue
            if link not in seen:
                queue.append(link)
    assert len(seen) >= 20, f"the walk reached only {sorted(seen)}"
    assert not english, "English on German pages:\n" + "\n".join(f"{p}: {w}" for p, w in english.items())


def _around(text: str, word: str) -> str:
    index = re.search(rf"\b{re.escape(word)}\b", text).start()
    return text[max(0, index - 40): index + 40]
