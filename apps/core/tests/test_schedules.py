"""The schedules engine against dateutil.rrule over thousands of random schedules, and at
the edges that matter: month ends, 29 February, the end of a schedule."""

from datetime import date

import pytest
from dateutil.rrule import MONTHLY as RR_MONTHLY
from dateutil.rrule import WEEKLY as RR_WEEKLY
from dateutil.rrule import YEARLY as RR_YEARLY
from dateutil.rrule import rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.schedules import FREQUENCIES, Schedule
from tests.tiers import by_tier

WINDOW_END = date(2035, 12, 31)


def rrule_dates(schedule: Schedule) -> list[date]:
    """The same schedule said in RFC 5545 terms. A clamped day N is BYMONTHDAY=(N, -1) with
    BYSETPOS=1: the smaller of the N-th and the last day of each month."""
    # RFC 5545 takes COUNT or UNTIL: with both, count here and cut at the end date below.
    if schedule.count is not None:
        common = {"dtstart": schedule.anchor, "count": schedule.count}
    else:
        common = {"dtstart": schedule.anchor, "until": min(schedule.until or WINDOW_END, WINDOW_END)}

    def clamped(day, **kw):
        return rrule(bymonthday=(day, -1), bysetpos=1, **kw, **common)

    f = schedule.frequency
    if f == "weekly":
        rule = rrule(RR_WEEKLY, **common)
    elif f == "biweekly":
        rule = rrule(RR_WEEKLY, interval=2, **common)
    elif f in ("monthly", "quarterly"):
        rule = clamped(schedule.day or schedule.anchor.day, freq=RR_MONTHLY, interval=1 if f == "monthly" else 3)
    elif f == "yearly":
        rule = clamped(schedule.day or schedule.anchor.day, freq=RR_YEARLY, bymonth=schedule.anchor.month)
    else:  # twice a month: each month, both days clamped, in order
        days = sorted({schedule.day or schedule.anchor.day, schedule.second_day})
        found = []
        month = schedule.anchor.replace(day=1)
        for first in rrule(RR_MONTHLY, dtstart=month, until=WINDOW_END):
            for day in days:
                [one] = list(rrule(RR_MONTHLY, dtstart=first, count=1, bymonthday=(day, -1), bysetpos=1))
                one = one.date()
                if one >= schedule.anchor and (not found or one != found[-1]):
                    found.append(one)
        found = [d for d in found if schedule.until is None or d <= schedule.until]
        return found[:schedule.count] if schedule.count else found
    end = min(schedule.until or WINDOW_END, WINDOW_END)
    return [d.date() for d in rule if d.date() <= end]


def ours(schedule: Schedule) -> list[date]:
    return schedule.between(date(1, 1, 1), WINDOW_END)


@settings(max_examples=by_tier(300, 3000))  # thousands in the full tier (.ci/run)
@given(
    frequency=st.sampled_from(sorted(FREQUENCIES)),
    anchor=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    day=st.one_of(st.none(), st.integers(1, 31)),
    second_day=st.integers(1, 31),
    until=st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2036, 1, 1))),
    count=st.one_of(st.none(), st.integers(1, 40)),
)
def test_the_engine_agrees_with_rrule(frequency, anchor, day, second_day, until, count):
    if frequency in ("weekly", "biweekly"):
        day = None
    schedule = Schedule(frequency=frequency, anchor=anchor, day=day,
                        second_day=second_day if frequency == "semimonthly" else None, until=until, count=count)
    assert ours(schedule) == rrule_dates(schedule)


@pytest.mark.parametrize(("schedule", "expected"), [
    (Schedule("monthly", date(2025, 1, 31)),
     [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]),
    (Schedule("monthly", date(2024, 1, 31)),
     [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]),
    (Schedule("yearly", date(2024, 2, 29)),
     [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28)]),
    (Schedule("semimonthly", date(2025, 1, 1), day=1, second_day=15),
     [date(2025, 1, 1), date(2025, 1, 15), date(2025, 2, 1), date(2025, 2, 15)]),
    (Schedule("semimonthly", date(2025, 2, 1), day=15, second_day=31),
     [date(2025, 2, 15), date(2025, 2, 28), date(2025, 3, 15), date(2025, 3, 31)]),
    (Schedule("biweekly", date(2025, 12, 26)),
     [date(2025, 12, 26), date(2026, 1, 9), date(2026, 1, 23), date(2026, 2, 6)]),
    (Schedule("quarterly", date(2025, 11, 30)),
     [date(2025, 11, 30), date(2026, 2, 28), date(2026, 5, 30), date(2026, 8, 30)]),
])
def test_month_ends_and_leap_years(schedule, expected):
    assert list(schedule)[:4] == expected


def test_an_end_date_or_a_count_ends_it():
    assert list(Schedule("monthly", date(2025, 1, 15), until=date(2025, 3, 14))) == [date(2025, 1, 15),
                                                                                     date(2025, 2, 15)]
    assert len(list(Schedule("weekly", date(2025, 1, 1), count=3))) == 3
    assert Schedule("monthly", date(2025, 1, 10)).next_on_or_after(date(2025, 3, 11)) == date(2025, 4, 10)
    assert Schedule("monthly", date(9999, 11, 30)).between(date(9999, 1, 1), date(9999, 12, 31)) == \
        [date(9999, 11, 30), date(9999, 12, 30)]


@pytest.mark.parametrize("bad", [{"frequency": "daily"}, {"day": 32}, {"frequency": "semimonthly"}, {"count": 0}])
def test_a_schedule_that_cannot_be_is_refused(bad):
    with pytest.raises(ValueError):
        Schedule(**{"frequency": "monthly", "anchor": date(2025, 1, 1), **bad})
