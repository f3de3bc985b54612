"""The registration page preselects the browser's time zone (static/js/register-timezone.js)
when it is one of the offered names, and never overwrites what the customer typed. The page
is rendered by Django and its script run by Debian's Chromium in a browser set to a zone
(Playwright's timezone_id); no live server is needed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.tiers import by_tier

pytestmark = pytest.mark.django_db

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "register-timezone.js"
ZONES = by_tier([("Asia/Tokyo", "Asia/Tokyo")],
                [("Asia/Tokyo", "Asia/Tokyo"), ("America/Los_Angeles", "America/Los_Angeles"),
                 ("Europe/Berlin", "Europe/Berlin")])


def _without_scripts(html: str) -> str:
    # The page's own <script src> tags cannot load from a page set by content; the script
    # under test is added by the browser below.
    import re

    return re.sub(r"<script[^>]*></script>", "", html)


def _zone_field_values(pages: list[str], zone: str) -> list[str]:
    """The time zone field of each page once the script ran, in a browser set to ``zone``."""
    from playwright.sync_api import sync_playwright

    values = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(timezone_id=zone).new_page()
            for html in pages:
                page.set_content(_without_scripts(html))
                page.add_script_tag(content=SCRIPT.read_text())
                values.append(page.input_value("#id_time_zone"))
        finally:
            browser.close()
    return values


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not found at /usr/bin/chromium")
@pytest.mark.parametrize(("browser_zone", "expected"), ZONES)
def test_the_browser_zone_is_preselected_and_a_typed_value_is_kept(client, browser_zone, expected):
    blank = client.get(reverse("register")).content.decode()
    assert 'value="UTC"' in blank  # the site's zone until the script runs
    # A page sent back with an error keeps what was typed.
    refused = client.post(reverse("register"), {"time_zone": "Europe/Paris"}).content.decode()
    assert _zone_field_values([blank, refused], browser_zone) == [expected, "Europe/Paris"]
