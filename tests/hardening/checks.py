"""What the hardening tests look for in a response."""

from __future__ import annotations

import json

from .webclient import Response, retry_after_seconds

# Django's own pages: the technical ones DEBUG shows, and the bare ones with no template.
TECHNICAL_MARKERS = (
    "Using the URLconf defined in",
    "You’re seeing this error because you have",
    "You're seeing this error because you have",
    "DEBUG = True",
    "Traceback (most recent call last)",
    "Django Version:",
    "<h1>Not Found</h1>",
    "<h1>Bad Request (400)</h1>",
    "<h1>403 Forbidden</h1>",
    "<h1>Forbidden <span>(403)</span></h1>",
    "<h1>Server Error (500)</h1>",
)


def assert_branded_page(response: Response, status: int) -> None:
    """The status, an HTML page in BankDash's layout with a link back home, and none of
    Django's technical or bare pages."""
    where = response.describe()
    assert response.status == status, f"{where}: expected {status}\n{response.text[:800]}"
    assert response.content_type == "text/html", f"{where}: Content-Type {response.header('Content-Type')!r}"
    text = response.text
    shown = [m for m in TECHNICAL_MARKERS if m in text]
    assert not shown, f"{where}: Django's own error page ({shown}), not BankDash's:\n{text[:800]}"
    assert "BankDash" in text and 'class="navbar-brand"' in text, \
        f"{where}: not in BankDash's layout (no brand in a navigation bar):\n{text[:800]}"
    assert 'href="/"' in text, f"{where}: no link back home (href=\"/\"):\n{text[:800]}"


def assert_json_error(response: Response, status: int) -> dict:
    where = response.describe()
    assert response.status == status, f"{where}: expected {status}\n{response.text[:500]}"
    assert response.content_type == "application/json", \
        f"{where}: Content-Type {response.header('Content-Type')!r}, not JSON:\n{response.text[:300]}"
    try:
        body = response.json()
    except json.JSONDecodeError as error:
        raise AssertionError(f"{where}: body is not JSON ({error}): {response.text[:300]}") from None
    assert isinstance(body, dict) and body.get("error"), f"{where}: no 'error' in {body!r}"
    return body


def assert_retry_after(response: Response) -> float:
    seconds = retry_after_seconds(response.header("Retry-After"))
    assert seconds is not None and seconds > 0, \
        f"{response.describe()}: Retry-After is {response.header('Retry-After')!r}, not a positive delay"
    return seconds


def cache_control_tokens(response: Response) -> set[str]:
    value = ",".join(v for k, v in response.headers if k.lower() == "cache-control")
    return {token.strip().split("=")[0].lower() for token in value.split(",") if token.strip()}
