"""The one "now" of the test suites that depend on the date.

Tests that ask for "today" (budgets' current period, the dashboard's current month, the
demo seed's months, ``customer_with_everything``) run with the clock moved here by
time-machine (the ``frozen_now`` fixture in the root conftest.py, or the suites' own
conftest), so a run across midnight or a month end gives the same result. Mid-December
2025 at noon UTC is the same date from UTC-12 to UTC+11 (Kiritimati, UTC+14, is already
on the 16th) and far from a month end.

The browser tests (tests/e2e) do not move the clock: time-machine would move it for the
live server thread and the Playwright driver too (session cookies would expire in the
browser's real time); they use dates the pages and services accept whatever the date.
"""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
