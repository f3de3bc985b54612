"""A small HTTP client that behaves like one browser tab, for a server on plain http.

Production settings mark the session and CSRF cookies ``Secure``; a browser would not send
them over http, and neither would ``http.cookiejar``. The server stays in production
settings, so this client keeps its own cookie jar that ignores the flag (every cookie goes
back to the one origin it came from). POSTs carry ``Origin`` and ``Referer`` of that origin
and the form's ``csrfmiddlewaretoken``, as a browser submitting the page would.

Behind a proxy (``BEHIND_PROXY=true``) the app takes the client's address from the last
``X-Forwarded-For`` entry: a client made with ``ip=`` sends that header on every request,
so one test can be many visitors, or many people behind one office address.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode, urlsplit

DEFAULT_TIMEOUT = 30.0

_ip_numbers = itertools.count(1)


def fresh_ip() -> str:
    """A client address no other request of this session used. Consecutive ones differ in
    the second octet, so even a limit per /16 or /24 network would not join them."""
    n = next(_ip_numbers)
    return f"10.{n % 256}.{(n // 256) % 256}.{1 + (n // 65536) % 254}"


# ---------------------------------------------------------------------------
# HTML forms
# ---------------------------------------------------------------------------

@dataclass
class Form:
    action: str | None
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # select name -> (value, label)


class _FormParser(HTMLParser):
    """Every <form> of a page with the values a browser would submit unchanged: inputs
    (checkboxes only when checked), the selected option of each select, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_has_value = False
        self._option: tuple[str, bool] | None = None
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action"), method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form.fields.setdefault(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_has_value = name, False
            self._form.options[name] = []
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = (a.get("value"), "selected" in a), []
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, []

    def handle_data(self, data):
        if self._option is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea_text.append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            label = " ".join("".join(self._option_text).split())
            value = label if value is None else value
            self._form.options[self._select].append((value, label))
            if selected or self._select not in self._form.fields:
                self._form.fields[self._select] = value
                self._select_has_value = self._select_has_value or selected
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.setdefault(self._textarea, "".join(self._textarea_text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------

@dataclass
class Response:
    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    elapsed: float

    def header(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), default)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self):
        return json.loads(self.text)

    @property
    def location(self) -> str | None:
        """The redirect target as a path (with its query), or None."""
        value = self.header("Location")
        if value is None:
            return None
        parts = urlsplit(value)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def form(self, containing: str | None = None) -> Form:
        """The page's form that has a field named ``containing`` (else its last form: the
        navigation bar's logout form comes first on a logged-in page)."""
        forms = parse_forms(self.text)
        if containing is not None:
            forms = [f for f in forms if containing in f.fields or containing in f.options]
        if not forms:
            raise AssertionError(f"{self.method} {self.path} -> {self.status}: no form"
                                 f"{f' with a {containing!r} field' if containing else ''}:\n{self.text[:2000]}")
        return forms[-1]

    def describe(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {self.location or ''}".rstrip()


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------

class WebClient:
    """One visitor: a cookie jar, optionally a client address (X-Forwarded-For)."""

    def __init__(self, host: str, port: int, *, ip: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.host, self.port, self.ip, self.timeout = host, port, ip, timeout
        self.origin = f"http://{host}:{port}"
        self.cookies: dict[str, str] = {}

    # -- plumbing ---------------------------------------------------------------
    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
                timeout: float | None = None) -> Response:
        sent = {"Host": f"{self.host}:{self.port}", "User-Agent": "bankdash-hardening/1", "Accept": "text/html"}
        if self.ip is not None:
            sent["X-Forwarded-For"] = self.ip
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Content-Length"] = str(len(body))
        for key, value in (headers or {}).items():
            # A header given as None is left out (e.g. no X-Forwarded-For at all).
            match = next((k for k in sent if k.lower() == key.lower()), key)
            sent.pop(match, None)
            if value is not None:
                sent[key] = value
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        started = time.monotonic()
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for key, value in sent.items():
                conn.putheader(key, value.encode("utf-8") if not value.isascii() else value)
            conn.endheaders(body)
            raw = conn.getresponse()
            data = raw.read()
            response = Response(method, path, raw.status, raw.getheaders(), data, time.monotonic() - started)
        finally:
            conn.close()
        self._store_cookies(response)
        return response

    def _store_cookies(self, response: Response) -> None:
        for key, value in response.headers:
            if key.lower() != "set-cookie":
                continue
            jar = SimpleCookie()
            try:
                jar.load(value)
            except CookieError:
                continue
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0"
                if morsel["expires"]:
                    with contextlib.suppress(TypeError, ValueError):
                        expired = expired or parsedate_to_datetime(morsel["expires"]).timestamp() < time.time()
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value  # the Secure flag is ignored on purpose (see module doc)

    # -- what a browser does ----------------------------------------------------
    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, *, headers: dict | None = None, **kwargs) -> Response:
        sent = {"Origin": self.origin, "Referer": f"{self.origin}{path}"}
        sent.update(headers or {})
        body = urlencode(data, doseq=True).encode()
        return self.request("POST", path, body=body, headers=sent, **kwargs)

    def submit(self, path: str, data: dict, *, containing: str | None = None, page_path: str | None = None,
               **kwargs) -> Response:
        """Open ``page_path`` (default ``path``), fill its form with ``data`` over the values the
        page shows (hidden CSRF and one-time tokens, selected options) and post it to ``path``."""
        page = self.get(page_path or path, **kwargs)
        if page.status != 200:
            return page
        fields = dict(page.form(containing).fields)
        fields.update(data)
        return self.post(path, fields, **kwargs)

    def get_json(self, path: str, **kwargs) -> Response:
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        return self.get(path, headers=headers, **kwargs)


# ---------------------------------------------------------------------------
# Logging in
# ---------------------------------------------------------------------------

LOCKOUT_STATUSES = (403, 429)


@dataclass
class LoginResult:
    status: int
    location: str | None
    response: Response

    @property
    def logged_in(self) -> bool:
        """Redirected on past the login pages (a session is now logged in)."""
        return self.status == 302 and self.location is not None and not self.location.startswith("/login")

    @property
    def needs_code(self) -> bool:
        return self.status == 302 and (self.location or "").startswith("/login/verify")

    @property
    def locked_out(self) -> bool:
        return self.status in LOCKOUT_STATUSES

    def describe(self) -> str:
        return self.response.describe()


def login(client: WebClient, email: str, password: str) -> LoginResult:
    response = client.submit("/login/", {"username": email, "password": password}, containing="username")
    return LoginResult(response.status, response.location, response)


def verify_code(client: WebClient, code: str) -> LoginResult:
    response = client.submit("/login/verify/", {"code": code}, containing="code")
    return LoginResult(response.status, response.location, response)
