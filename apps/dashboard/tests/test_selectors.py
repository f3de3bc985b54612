import datetime as dt
from datetime import date
from decimal import Decimal

import pytest

from apps.dashboard import selectors
from apps.transactions.models import Transaction
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_account_summary_totals_are_the_sums_of_what_was_posted(scenario):
    summary = selectors.account_summary(user=scenario.user)

    assert [a.name for a in summary.accounts] == ["Card", "Checking", "Savings"]
    for account in summary.accounts:
        assert account.balance == scenario.balance(account.name)
    expected = sum((scenario.balance(n) for n in ("Checking", "Savings", "Card")), Decimal(0))
    assert summary.by_currency == {"USD": expected}
    assert summary.total_balance == expected
    assert summary.total_accounts == 3
    assert not summary.is_multi_currency


def test_account_summary_keeps_currencies_apart_default_first(db, user_factory):
    user = user_factory(default_currency="EUR")
    f.account(user, "Dollars", opening=Decimal("10.01"), currency="USD")
    f.account(user, "Euros", opening=Decimal("20.20"), currency="EUR")
    f.account(user, "More euros", opening=Decimal("0.05"), currency="EUR")
    f.account(user, "Pounds", opening=Decimal("3.00"), currency="GBP")

    summary = selectors.account_summary(user=user)

    assert list(summary.by_currency.items()) == [
        ("EUR", Decimal("20.25")), ("GBP", Decimal("3.00")), ("USD", Decimal("10.01"))]
    assert summary.total_balance == Decimal("20.25")
    assert summary.total_currency == "EUR"
    assert summary.is_multi_currency


def test_single_foreign_currency_is_its_own_total(db, user_factory):
    user = user_factory(default_currency="USD")
    f.account(user, "Euros", opening=Decimal("20.20"), currency="EUR")
    summary = selectors.account_summary(user=user)
    assert (summary.total_balance, summary.total_currency, summary.is_multi_currency) == (Decimal("20.20"), "EUR",
                                                                                         False)


def test_closed_accounts_are_left_out(db, user_factory):
    user = user_factory()
    f.account(user, "Open", opening=Decimal("5.00"))
    closed = f.account(user, "Closed")
    type(closed).objects.filter(pk=closed.pk).update(closed_on=date(2025, 1, 1))
    assert [a.name for a in selectors.account_summary(user=user).accounts] == ["Open"]


def test_income_vs_spending_six_months_oldest_first_with_empty_months(scenario):
    history = selectors.income_vs_spending(user=scenario.user, month=date(2025, 12, 1))

    assert list(history) == ["USD"]  # one currency: one history
    flows = history["USD"]
    assert [fl.label for fl in flows] == ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]
    for fl in flows:
        assert fl.income == scenario.earned(fl.month)
        assert fl.spending == scenario.spent(fl.month)  # transfers excluded
    # Months before any entry are zeros, not missing.
    early = selectors.income_vs_spending(user=scenario.user, month=date(2025, 8, 1))["USD"]
    assert [(fl.label, fl.income) for fl in early[:4]] == [
        ("2025-03", 0), ("2025-04", 0), ("2025-05", 0), ("2025-06", 0)]


def test_latest_transactions_are_the_newest_six_of_this_user(scenario):
    latest = selectors.latest_transactions(user=scenario.user)
    expected = list(Transaction.objects.filter(owner=scenario.user).order_by("-occurred_on", "-id")[:6])
    assert latest == expected
    assert latest[0].occurred_on == date(2025, 12, 31)
    assert all(t.owner_id == scenario.user.pk for t in latest)


def test_the_counts_statement_reads_unread_alerts_points_and_the_checklist(scenario):
    from apps.rewards.models import PointsEntry, PointsKind

    assert selectors.dashboard_page(user=scenario.user, month=date(2025, 12, 1)).alerts_count == 2
    staff = f.UserFactory(is_staff=True)
    PointsEntry.objects.create(owner=scenario.user, points=120, kind=PointsKind.STAFF_GRANT, reason="welcome",
                               actor=staff)
    PointsEntry.objects.create(owner=scenario.user, points=-20, kind=PointsKind.STAFF_REMOVAL, reason="fix",
                               actor=staff)
    page = selectors.dashboard_page(user=scenario.user, month=date(2025, 12, 1))
    assert (page.alerts_count, page.reward_points) == (2, 100)
    # Accounts, entries and budgets: every first step is done, so no checklist.
    assert page.checklist is None
    newcomer = f.UserFactory()
    f.account(newcomer, "Main", opening="10.00")
    assert selectors.dashboard_page(user=newcomer).checklist == selectors.FirstRunChecklist(
        has_account=True, has_entry=False, has_budget=False)


def test_dashboard_page_compares_with_previous_month(scenario):
    page = selectors.dashboard_page(user=scenario.user, month=date(2025, 12, 1))
    assert page.this_month.spending == scenario.spent(date(2025, 12, 1))
    assert page.previous_month.spending == scenario.spent(date(2025, 11, 1))
    assert page.spending_change == scenario.spent(date(2025, 12, 1)) - scenario.spent(date(2025, 11, 1))
    assert page.spending.by_category == {
        "rent": Decimal("1200.00"), "shopping": Decimal("120.00"), "food": Decimal("52.25") + Decimal("88.80"),
        "transport": Decimal("62.35"), "health": Decimal("45.05"), "entertainment": Decimal("19.99"),
    }
    assert list(page.spending.by_category) == ["rent", "food", "shopping", "transport", "health", "entertainment"]


@pytest.mark.parametrize(
    ("time_zone", "moment", "month"),
    [
        # 30 Nov 12:00 UTC is already 1 December 01:00 in Auckland (UTC+13).
        ("Pacific/Auckland", dt.datetime(2025, 11, 30, 12, 0, tzinfo=dt.UTC), date(2025, 12, 1)),
        ("UTC", dt.datetime(2025, 11, 30, 12, 0, tzinfo=dt.UTC), date(2025, 11, 1)),
        # 1 Dec 05:00 UTC is still 30 November 21:00 in Los Angeles (UTC-8).
        ("America/Los_Angeles", dt.datetime(2025, 12, 1, 5, 0, tzinfo=dt.UTC), date(2025, 11, 1)),
        ("UTC", dt.datetime(2025, 12, 1, 5, 0, tzinfo=dt.UTC), date(2025, 12, 1)),
    ],
)
def test_current_month_is_the_users_not_the_servers(db, user_factory, time_machine, time_zone, moment, month):
    user = user_factory(time_zone=time_zone)
    time_machine.move_to(moment, tick=False)
    assert selectors.dashboard_overview(user=user).month == month
    assert selectors.dashboard_page(user=user).is_current_month
