"""The two test tiers.

``make test`` runs the default tier: every suite (lint, unit, integration, property,
a short load simulation, the browser journeys) in a few minutes. ``BANKDASH_FULL_TESTS=1``
(what ``.ci/run`` sets) turns on the full tier: the long simulation (10 seeds x 10,000
operations), every page at every size in the browser screenshots, and every test marked
``@pytest.mark.full`` (skipped, with this reason, in the default tier).
"""

from __future__ import annotations

import os

FULL_ENV = "BANKDASH_FULL_TESTS"
FULL_SKIP_REASON = f"full tier only: set {FULL_ENV}=1 to run it (.ci/run does)"


def full_tier() -> bool:
    """True when the environment asks for the full tier (BANKDASH_FULL_TESTS=1)."""
    return os.environ.get(FULL_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def by_tier(default, full):
    """``full`` in the full tier, ``default`` otherwise (e.g. a suite's size)."""
    return full if full_tier() else default
