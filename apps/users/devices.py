"""What a sign-in is recognised by (apps.users.models.KnownDevice): the browser's family and
system read from the User-Agent, and the client's IP network.

Coarse on purpose. A browser update changes the User-Agent's version, not its family, and a
home connection's address moves within its provider's block, so neither is "a new device"; the
network is a /24 for IPv4 and a /48 for IPv6 (one site's allocation). A handful of substrings
suffices for the families (no parsing library: the alert only has to say "Firefox on Linux").

The fingerprint is an HMAC (SHA-256) of the user, the family, the system and the network,
keyed with SECRET_KEY: a copy of the table alone does not tell which networks a user comes
from (a plain hash of a /24 would be guessed in minutes). The keys in SECRET_KEY_FALLBACKS are
tried too, so rotating the key does not make every device new.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import pgettext

IPV4_PREFIX = 24
IPV6_PREFIX = 48
# Stored as these English words (like the families' names); shown through ``browser_shown`` and
# ``os_shown`` in the reader's language.
UNKNOWN_BROWSER = "an unknown browser"
UNKNOWN_OS = "an unknown system"
_SALT = "apps.users.devices.fingerprint"

# The first match wins: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux"
# and an iPhone "like Mac OS X".
BROWSERS = (("Edg", "Edge"), ("OPR/", "Opera"), ("Opera", "Opera"), ("SamsungBrowser", "Samsung Internet"),
            ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chromium", "Chromium"),
            ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"))
SYSTEMS = (("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"),
           ("CrOS", "ChromeOS"), ("Macintosh", "macOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def _first(user_agent: str, table) -> str | None:
    return next((name for marker, name in table if marker in user_agent), None)


def browser_and_os(user_agent: str | None) -> tuple[str, str]:
    """("Firefox", "Linux") from a User-Agent header; unknown parts say so."""
    user_agent = user_agent or ""
    return _first(user_agent, BROWSERS) or UNKNOWN_BROWSER, _first(user_agent, SYSTEMS) or UNKNOWN_OS


def browser_shown(name: str, *, alone: bool = True) -> str:
    """A stored browser family as the reader reads it: the families are names ("Firefox"), the
    unknown one is words of the active language. ``alone``: it heads a line ("An unknown
    browser on ..."); else it follows "from" in a sentence (German puts it in another case)."""
    if name != UNKNOWN_BROWSER:
        return name
    if alone:
        return pgettext("a browser heading a line", "An unknown browser")
    return pgettext("a browser after 'from'", "an unknown browser")


def os_shown(name: str) -> str:
    """A stored system as the reader reads it (it always follows "on")."""
    return pgettext("a system after 'on'", "an unknown system") if name == UNKNOWN_OS else name


def network_of(ip: str | None) -> str:
    """The network an address belongs to for recognition: "203.0.113.0/24", "2001:db8:1::/48";
    "" for no address (a sign-in from a shell, an event without a request). An IPv4-mapped IPv6
    address counts as its IPv4 address."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def fingerprints(*, user_id: int, browser: str, os: str, network: str) -> list[str]:
    """The fingerprint under SECRET_KEY, then under each fallback key (the first is the one stored)."""
    value = f"{user_id}|{browser}|{os}|{network}"
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(_SALT, value, secret=key, algorithm="sha256").hexdigest() for key in keys]
