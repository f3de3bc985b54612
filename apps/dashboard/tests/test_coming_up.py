"""The dashboard's "Coming up": the bills, income and transfers of the next seven days on
every open account (credit cards too), soonest first, from the forecasts safe to spend reads
already (no query more)."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Account
from apps.bills import services as bills
from apps.bills.forecast import account_forecasts
from apps.dashboard.selectors import coming_up_of
from tests import factories as f
from tests.clock import NOW

pytestmark = pytest.mark.django_db
D = Decimal
# tests.clock.NOW, where the dashboard's tests run: 15 December 2025, so the window is 15-21 December.


def recurring(acct, *, name, amount, starts_on, kind="bill", cat="utilities", **kwargs):
    if kind != "transfer":
        kwargs["category"] = f.category(cat)
    return bills.recurring_create(user=acct.owner, kind=kind, name=name, amount=D(amount), account_id=acct.pk,
                                  starts_on=starts_on, **kwargs)


def coming_up(html: str) -> list[tuple[str, str, str, str]]:
    """(day, name, kind, amount) of each line of the card."""
    section = re.search(r'<ul class="list-unstyled mb-0" id="coming-up-list".*?</ul>', html, re.S).group(0)
    return re.findall(r'<li [^>]*data-kind="([^"]+)" data-day="([^"]+)">.*?<a href="/bills/\d+/">([^<]+)</a>'
                      r'.*?data-amount="([^"]+)"', section, re.S)


@pytest.fixture
def household(user, time_machine):
    opened = date(2025, 11, 1)
    checking = f.account(user, "Checking", opening="3000.00", opened_on=opened)
    savings = f.account(user, "Savings", opening="0.00", kind=Account.Kind.SAVINGS, opened_on=opened)
    card = f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("1000.00"), opened_on=opened)
    time_machine.move_to(datetime(2025, 12, 10, 12, tzinfo=UTC), tick=False)
    recurring(checking, name="Water", amount="40.00", starts_on=date(2025, 12, 10))  # not paid since: overdue
    time_machine.move_to(NOW, tick=True)
    recurring(checking, name="Monthly savings", amount="200.00", kind="transfer", to_account_id=savings.pk,
              starts_on=date(2025, 12, 16))
    recurring(checking, name="Phone", amount="30.00", starts_on=date(2025, 12, 18))
    recurring(checking, name="Salary", amount="2000.00", kind="income", cat="salary", starts_on=date(2025, 12, 18))
    recurring(card, name="Gym", amount="25.00", starts_on=date(2025, 12, 21), cat="health")
    recurring(checking, name="Rent", amount="850.00", starts_on=date(2025, 12, 22), cat="rent")  # a day too late
    return checking, savings, card


def test_the_next_seven_days_soonest_first_a_transfer_once(logged_in, household):
    html = logged_in.get("/").content.decode()
    assert '<h2 class="h5" id="coming-up-title">Coming up in the next 7 days</h2>' in html
    assert coming_up(html) == [
        ("bill", "2025-12-15", "Water", "-40.00"),  # overdue: counted today, said since when
        ("transfer_out", "2025-12-16", "Monthly savings", "-200.00"),  # once, as it leaves checking
        ("bill", "2025-12-18", "Phone", "-30.00"),  # money out before money in on a day
        ("income", "2025-12-18", "Salary", "2000.00"),
        ("bill", "2025-12-21", "Gym", "-25.00"),  # on the credit card: safe to spend leaves it out, this does not
    ]
    assert "Overdue since Dec 10" in html
    assert re.search(r'data-amount="2000.00">\+2,000.00 USD</span>', html)
    assert re.search(r'data-amount="-200.00"><span aria-hidden="true">⇄ </span><span class="visually-hidden">'
                     r'Transfer: </span>−200.00 USD</span>', html)
    assert 'id="coming-up-more"' not in html and "Rent" not in re.search(
        r'id="coming-up".*?</section>', html, re.S).group(0)


def test_a_transfer_from_an_account_not_listed_shows_where_it_arrives(user, household):
    """(The dashboard lists every open account; the selector is asked about savings alone.)"""
    savings = Account.objects.get(pk=household[1].pk)
    forecasts = account_forecasts(user=user, accounts=[savings], today=date(2025, 12, 15))
    rows = coming_up_of([savings], forecasts).rows
    assert [(r.event.kind, r.event.label, r.event.amount, r.account.name) for r in rows] == [
        ("transfer_in", "Monthly savings", D("200.00"), "Savings")]


def test_more_than_six_are_counted_and_the_calendar_has_them(logged_in, user):
    checking = f.account(user, "Checking", opening="3000.00")
    for n in range(8):
        recurring(checking, name=f"Bill {n}", amount="1.00", starts_on=date(2025, 12, 15 + n % 7))
    html = logged_in.get("/").content.decode()
    assert len(coming_up(html)) == 6
    assert '<a href="/bills/calendar/" id="coming-up-more">2 more in the bills calendar</a>' in html


def test_nothing_scheduled_says_so_and_another_month_has_no_card(logged_in, user):
    f.account(user, "Checking", opening="10.00")
    html = logged_in.get("/").content.decode()
    assert ('<p class="text-body-secondary mb-0" id="coming-up-empty">Nothing is scheduled in the next 7 days.</p>'
            in html)
    assert 'id="coming-up"' not in logged_in.get("/?month=2025-10").content.decode()


def test_no_card_for_a_new_customer(logged_in):
    assert 'id="coming-up"' not in logged_in.get("/").content.decode()


def test_the_card_costs_no_query(client, user_factory):
    """Two customers, one with three times the accounts and items of the other: the same
    number of queries (the forecasts are read once for safe to spend and the card)."""
    counts = []
    for size in (1, 3):
        owner = user_factory()
        for n in range(size):
            acct = f.account(owner, f"Checking {n}", opening="1000.00")
            card = f.account(owner, f"Card {n}", kind=Account.Kind.CREDIT_CARD, credit_limit=D("500.00"))
            recurring(acct, name=f"Phone {n}", amount="30.00", starts_on=date(2025, 12, 18))
            recurring(card, name=f"Gym {n}", amount="20.00", starts_on=date(2025, 12, 19))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        assert len(coming_up(html)) == 2 * size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_german(logged_in, user, household):
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    html = logged_in.get("/").content.decode()
    assert '<h2 class="h5" id="coming-up-title">In den nächsten 7 Tagen</h2>' in html
    assert "Überfällig seit 10.12." in html
