"""The health score's rules, one component at a time: every point is explained, the score
is the sum of the components, and unread alerts and reward points are shown but score nothing."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest

from apps.rewards.services import points_adjust
from tests import factories as f
from tests.factories import AlertFactory

from .conftest import get_json

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def at_mid_december(time_machine):
    time_machine.move_to(dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)


def components(body):
    return {c["name"]: (c["points"], c["value"]) for c in body["components"]}


def test_shares_below_the_targets(client, at_mid_december):
    """10% kept (12.5 -> 13 points), 90% spent (5 points), no budget (25), 450.00 against
    600.00 / 3 = 200.00 a month: 2.25 months (18.75 -> 19 points). 62: good."""
    user = f.UserFactory()
    checking = f.account(user, opening="1000.00")
    f.expense(checking, "600.00", on=date(2025, 11, 5))
    f.income(checking, "500.00", on=date(2025, 12, 1))
    f.expense(checking, "450.00", on=date(2025, 12, 2))
    client.force_login(user)
    body = get_json(client, "/insights/health-score")
    assert components(body) == {"savings_rate": (13, D("10.0")), "expense_income_ratio": (5, D("90.0")),
                                "budgets_kept": (25, None), "buffer_months": (19, D("2.3")),
                                "unread_alerts": (0, 0), "reward_points": (0, 0)}
    assert (body["financial_health_score"], body["status"]) == (62, "good")


def test_spending_more_than_earned_scores_nothing_there(client, at_mid_december):
    user = f.UserFactory()
    checking = f.account(user, opening="1000.00")
    f.expense(checking, "300.00", on=date(2025, 10, 5))
    f.income(checking, "500.00", on=date(2025, 12, 1))
    f.expense(checking, "900.00", on=date(2025, 12, 2), category="rent")
    f.budget(user, "rent", "800.00")
    client.force_login(user)
    body = get_json(client, "/insights/health-score")
    # 300.00 balance against 100.00 a month: 3 months, full points.
    assert components(body) == {"savings_rate": (0, D("-80.0")), "expense_income_ratio": (0, D("180.0")),
                                "budgets_kept": (0, D("0.0")), "buffer_months": (25, D("3.0")),
                                "unread_alerts": (0, 0), "reward_points": (0, 0)}
    assert (body["financial_health_score"], body["status"]) == (25, "critical")


def test_status_thresholds(client, at_mid_december):
    """No income, no budget, a balance and no spending before: 0 + 0 + 25 + 25 = 50, warning."""
    user = f.UserFactory()
    f.account(user, opening="100.00")
    client.force_login(user)
    body = get_json(client, "/insights/health-score")
    assert (body["financial_health_score"], body["status"]) == (50, "warning")
    assert "No income in USD" in body["components"][0]["explanation"]


def test_alerts_and_rewards_are_shown_for_information(client, at_mid_december):
    user = f.UserFactory()
    staff = f.SupportFactory()
    AlertFactory(owner=user)
    AlertFactory(owner=user)
    AlertFactory(owner=user, read_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    points_adjust(actor=staff, owner_id=user.pk, points=40, reason="Welcome bonus")
    client.force_login(user)
    body = get_json(client, "/insights/health-score")
    extras = {c["name"]: c for c in body["components"][4:]}
    assert (extras["unread_alerts"]["points"], extras["unread_alerts"]["max_points"],
            extras["unread_alerts"]["value"]) == (0, 0, 2)
    assert (extras["reward_points"]["points"], extras["reward_points"]["value"]) == (0, 40)
    assert "worth no points" in extras["unread_alerts"]["explanation"]
    assert body["financial_health_score"] == sum(c["points"] for c in body["components"])
