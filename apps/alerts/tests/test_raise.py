"""alerts_raise: the one way alerts are created, and the signal it sends with the rows it inserted."""

import pytest
from django.db import IntegrityError

from apps.alerts.models import Alert
from apps.alerts.services import alerts_raise
from apps.alerts.signals import alerts_raised
from tests.factories import budget


@pytest.fixture
def raised():
    batches = []

    def listener(sender, *, alerts, **kwargs):
        batches.append([a.message for a in alerts])

    alerts_raised.connect(listener, dispatch_uid="test_raise")
    yield batches
    alerts_raised.disconnect(dispatch_uid="test_raise")


def test_it_inserts_and_signals_the_new_alerts(user, raised):
    made = alerts_raise([Alert(owner=user, kind=Alert.Kind.SYSTEM, message=m) for m in ("one", "two")])
    assert [a.pk is not None for a in made] == [True, True]
    assert raised == [["one", "two"]]
    assert alerts_raise([]) == [] and len(raised) == 1


def test_with_ignore_conflicts_only_the_rows_inserted_are_returned_and_signalled(user, raised):
    first = Alert(owner=user, kind=Alert.Kind.FORECAST_LOW, message="first", dedupe_key="forecast:1:2026-01-01:1")
    alerts_raise([first], ignore_conflicts=True)
    again = Alert(owner=user, kind=Alert.Kind.FORECAST_LOW, message="again", dedupe_key="forecast:1:2026-01-01:1")
    other = Alert(owner=user, kind=Alert.Kind.FORECAST_LOW, message="other", dedupe_key="forecast:1:2026-01-02:1")
    made = alerts_raise([again, other], ignore_conflicts=True)
    assert [a.message for a in made] == ["other"]
    assert made[0].pk and made[0].created_at
    assert raised == [["first"], ["other"]]
    assert alerts_raise([again], ignore_conflicts=True) == [] and len(raised) == 2
    assert Alert.objects.count() == 2


def test_budget_alerts_conflict_on_their_period(user, raised):
    food = budget(user)
    alert = {"owner": user, "kind": Alert.Kind.BUDGET_EXCEEDED, "budget": food, "period_start": food.start_date}
    alerts_raise([Alert(message="once", **alert)], ignore_conflicts=True)
    assert alerts_raise([Alert(message="twice", **alert)], ignore_conflicts=True) == []
    with pytest.raises(IntegrityError):
        alerts_raise([Alert(message="twice", **alert)])
    assert raised == [["once"]]
