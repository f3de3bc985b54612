"""The time zones a customer can choose: the current IANA names, without legacy aliases.

``zoneinfo.available_timezones()`` also lists every backward-compatible link ("US/Pacific",
"Asia/Calcutta", "Etc/GMT+5", "EST5EDT", "Canada/Eastern"): names a customer should not pick,
some of which (the "Etc/GMT+5" family) mean the opposite of what they read. The maintained
list is tzdata's ``zone.tab`` (one canonical zone per region of a country), read from the
tzdata package when it is installed, else from the system's zoneinfo directory; "UTC" is added.
Without either file, a rule keeps Area/City names outside the legacy families.

Stored zones are still read with the looser apps.core.dates.is_time_zone (a customer who
registered with an alias keeps a working "today"); new choices are judged here.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

LEGACY_PREFIXES = ("Etc/", "US/", "SystemV/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix/", "right/")


def _zone_tab_text() -> str | None:
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


@cache
def current_time_zones() -> tuple[str, ...]:
    """Every zone a customer may choose, A-Z, each one this machine can load."""
    available = zoneinfo.available_timezones()
    text = _zone_tab_text()
    if text is not None:
        names = {line.split("\t")[2] for line in text.splitlines() if line and not line.startswith("#")}
    else:
        names = {n for n in available if "/" in n and not n.startswith(LEGACY_PREFIXES)}
    return tuple(sorted((names & available) | {"UTC"}))


def is_current_time_zone(name) -> bool:
    """True for a zone in the list ("Europe/Paris", "UTC"); False for an alias ("US/Pacific"),
    an unknown name ("Mars/Base") or anything that is not a string."""
    return isinstance(name, str) and name in _current_set()


@cache
def _current_set() -> frozenset[str]:
    return frozenset(current_time_zones())
