"""The Insights page (``GET /insights/``): its figures against values computed by hand from the
fixture below, and every linked figure against the transactions list it links to.

The clock stands at 15 December 2025 (tests.clock.NOW), so the page shows January to
December 2025. The customer (default currency USD) has:

  Checking USD   opened long ago with 3000.00
  Savings  USD   opened long ago, empty; gets a 700.00 transfer in December
  Card     USD   a credit card (limit 1000.00): one 200.00 expense in December
  Euros    EUR   opened 5 October 2025 with 500.00

  November  USD: salary 2800.00; rent 1200.00 (Landlord); food 300.00 (Market)
            EUR: food 50.00 (Market)
  December  USD: salary 3000.00; rent 1200.00 (Landlord); food 45.50 + 4.50 (Starbucks),
                 80.00 (no payee); transport 20.00 (Uber); entertainment 15.00 edited to 25.00
                 (Cinema); shopping 500.00 deleted; shopping 200.00 on the card (Amazon);
                 a 700.00 transfer Checking -> Savings (neither income nor spending)
            EUR: food 40.00 (Café Paris), other 30.00 (Shop)
  Budgets (USD, monthly): food 100.00, rent 1500.00

A second customer's money in the same months must never show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.models import Account
from apps.insights import selectors
from apps.transactions import services
from tests import factories as f

from .page_helpers import figure_links, list_total

pytestmark = pytest.mark.django_db

D = Decimal
DEC, NOV = date(2025, 12, 1), date(2025, 11, 1)


@dataclass
class Household:
    user: object
    checking: Account
    savings: Account
    card: Account
    euros: Account
    other: object


@pytest.fixture
def household(now, user_factory) -> Household:
    user = user_factory(time_zone="UTC", default_currency="USD")
    checking = f.account(user, "Checking", opening="3000.00")
    savings = f.account(user, "Savings", kind=Account.Kind.SAVINGS)
    card = f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("1000.00"))
    euros = f.account(user, "Euros", opening="500.00", currency="EUR", opened_on=date(2025, 10, 5))

    f.income(checking, "2800.00", on=date(2025, 11, 1), description="ACME payroll")
    f.expense(checking, "1200.00", on=date(2025, 11, 2), category="rent", description="Landlord")
    f.expense(checking, "300.00", on=date(2025, 11, 15), category="food", description="Market")
    f.expense(euros, "50.00", on=date(2025, 11, 16), category="food", description="Market")

    f.income(checking, "3000.00", on=date(2025, 12, 1), description="ACME payroll")
    f.expense(checking, "1200.00", on=date(2025, 12, 2), category="rent", description="Landlord")
    f.expense(checking, "45.50", on=date(2025, 12, 3), category="food", description="STARBUCKS #1234")
    f.expense(checking, "4.50", on=date(2025, 12, 4), category="food", description="Starbucks 5678")
    f.expense(checking, "80.00", on=date(2025, 12, 5), category="food", description="")
    f.expense(checking, "20.00", on=date(2025, 12, 7), category="transport", description="Uber  *Trip")
    cinema = f.expense(checking, "15.00", on=date(2025, 12, 8), category="entertainment", description="Cinema")
    services.transaction_edit(user=user, transaction_id=cinema.pk, amount=D("25.00"),
                              occurred_on=date(2025, 12, 8), description="Cinema")
    tv = f.expense(checking, "500.00", on=date(2025, 12, 9), category="shopping", description="Big TV")
    services.transaction_delete(user=user, transaction_id=tv.pk)
    f.expense(card, "200.00", on=date(2025, 12, 6), category="shopping", description="Amazon.com*AB12")
    f.transfer(checking, savings, "700.00", on=date(2025, 12, 11))
    f.expense(euros, "40.00", on=date(2025, 12, 3), category="food", description="Café Paris 75")
    f.expense(euros, "30.00", on=date(2025, 12, 4), category="other", description="Shop")
    f.budget(user, "food", "100.00")
    f.budget(user, "rent", "1500.00")

    other = user_factory(time_zone="UTC", default_currency="USD")
    theirs = f.account(other, "Their checking", opening="90000.00")
    f.income(theirs, "7777.00", on=date(2025, 12, 1))
    f.expense(theirs, "999.99", on=date(2025, 12, 3), category="food", description="Starbucks")
    f.expense(theirs, "333.33", on=date(2025, 11, 3), category="rent", description="Landlord")
    return Household(user=user, checking=checking, savings=savings, card=card, euros=euros, other=other)


@pytest.fixture
def page(household):
    return selectors.insights_page(user=household.user, month=DEC)


def section(page, currency):
    return next(s for s in page.sections if s.currency == currency)


def test_currencies_default_first(page):
    assert [s.currency for s in page.sections] == ["USD", "EUR"]
    assert page.months[0] == date(2025, 1, 1) and page.months[-1] == DEC


def test_cash_flow(page):
    usd = section(page, "USD")
    by_month = {m.month: m for m in usd.cash_flow}
    dec, nov = by_month[DEC], by_month[NOV]
    assert (dec.income.amount, dec.spending.amount, dec.net) == (D("3000.00"), D("1575.00"), D("1425.00"))
    assert dec.savings_rate == D("47.5")
    assert (nov.income.amount, nov.spending.amount, nov.net, nov.savings_rate) == (
        D("2800.00"), D("1500.00"), D("1300.00"), D("46.4"))
    assert all(m.income.amount == m.spending.amount == 0 and m.savings_rate is None
               for m in usd.cash_flow if m.month < NOV)
    eur = {m.month: m for m in section(page, "EUR").cash_flow}
    assert (eur[DEC].income.amount, eur[DEC].spending.amount, eur[DEC].savings_rate) == (D("0.00"), D("70.00"), None)


def test_spending_by_category_over_twelve_months(page):
    usd = section(page, "USD")
    assert [c.name for c in usd.categories] == ["Rent", "Food", "Shopping", "Entertainment", "Transport"]
    assert [c.total for c in usd.categories] == [D("2400.00"), D("430.00"), D("200.00"), D("25.00"), D("20.00")]
    food = next(c for c in usd.categories if c.name == "Food")
    assert [fig.amount for fig in food.months][-2:] == [D("300.00"), D("130.00")]
    assert all(len(c.months) == 12 for c in usd.categories)
    eur = section(page, "EUR")
    assert [(c.name, c.total) for c in eur.categories] == [("Food", D("90.00")), ("Other", D("30.00"))]


def test_month_over_month(page):
    usd = section(page, "USD")
    assert [(c.name, c.before.amount, c.now.amount, c.change) for c in usd.changes] == [
        ("Shopping", D("0.00"), D("200.00"), D("200.00")),
        ("Food", D("300.00"), D("130.00"), D("-170.00")),
        ("Entertainment", D("0.00"), D("25.00"), D("25.00")),
        ("Transport", D("0.00"), D("20.00"), D("20.00")),
        ("Rent", D("1200.00"), D("1200.00"), D("0.00")),
    ]
    assert usd.movers == "Shopping +200.00, Food -170.00, Entertainment +25.00"
    assert section(page, "EUR").movers == "Other +30.00, Food -10.00"


def test_top_merchants_with_trend(page):
    usd = section(page, "USD")
    assert [(m.name, m.has_payee, m.now, m.before, m.trend) for m in usd.merchants] == [
        ("Landlord", True, D("1200.00"), D("1200.00"), "no_change"),
        ("Amazon", True, D("200.00"), D("0.00"), "increase"),
        ("Food", False, D("80.00"), D("0.00"), "increase"),
        ("Starbucks", True, D("50.00"), D("0.00"), "increase"),
        ("Cinema", True, D("25.00"), D("0.00"), "increase"),
    ]
    no_payee = usd.merchants[2]
    assert no_payee.now_figure is None and no_payee.category_spending.amount == D("130.00")
    eur = section(page, "EUR")
    assert [(m.name, m.now, m.before) for m in eur.merchants] == [("Café Paris", D("40.00"), D("0.00")),
                                                                  ("Shop", D("30.00"), D("0.00"))]


def test_burn_rate_and_budgets(page):
    usd = section(page, "USD")
    assert (usd.burn.total, usd.burn.days_elapsed, usd.burn.daily, usd.burn.projected) == (
        D("1575.00"), 15, D("105.00"), D("3255.00"))
    budgets = {b.status.category: b for b in usd.budgets}
    food, rent = budgets["food"], budgets["rent"]
    # Projected: spent so far plus what usually came after the 15th. November's food (300.00) and
    # rent (1,200.00) were all spent by the 15th: nothing more is expected (the pace said 268.67
    # and 2,480.00, "heading over by 980.00" for a rent paid on the 2nd).
    assert (food.status.spent, food.days_elapsed, food.days_in_period, food.usual_rest, food.projected) == (
        D("130.00"), 15, 31, D("0.00"), D("130.00"))
    assert food.status.exceeded
    assert (rent.status.spent, rent.projected, rent.projected_over) == (D("1200.00"), D("1200.00"), D("0.00"))
    assert rent.spent.amount == D("1200.00")
    assert section(page, "EUR").budgets == []
    assert section(page, "EUR").burn.projected == D("144.77")  # 70.00 / 15 = 4.67 a day, * 31


def test_a_budgets_projection_adds_what_usually_comes_after_this_day_of_the_period(now, user_factory):
    """On 15 December: rent goes out on the 2nd every month; food is spent all month (September
    100.00 by the 15th and 200.00 after, October 150.00 and 150.00, none in November); a new
    habit (entertainment) has no history."""
    user = user_factory(time_zone="UTC", default_currency="USD")
    checking = f.account(user, "Checking", opening="10000.00")
    for month in (9, 10, 11, 12):
        f.expense(checking, "1200.00", on=date(2025, month, 2), category="rent")
    for day, amount in ((date(2025, 9, 5), "100.00"), (date(2025, 9, 25), "200.00"), (date(2025, 10, 10), "150.00"),
                        (date(2025, 10, 20), "150.00"), (date(2025, 12, 3), "120.00")):
        f.expense(checking, amount, on=day, category="food")
    f.expense(checking, "30.00", on=date(2025, 12, 5), category="entertainment")
    for category, limit in (("rent", "1500.00"), ("food", "250.00"), ("entertainment", "50.00")):
        f.budget(user, category, limit)
    budgets = {b.status.category: b for b in section(selectors.insights_page(user=user, month=DEC), "USD").budgets}
    rent, food, fun = budgets["rent"], budgets["food"], budgets["entertainment"]
    assert (rent.usual_rest, rent.projected, rent.projected_over) == (D("0.00"), D("1200.00"), D("0.00"))
    # After the 15th: 200.00 in September, 150.00 in October (November had none: not counted).
    assert (food.usual_rest, food.projected, food.projected_over) == (D("175.00"), D("295.00"), D("45.00"))
    assert (fun.usual_rest, fun.projected, fun.projected_over) == (None, D("62.00"), D("12.00"))  # 30.00 x 31 / 15


def test_net_worth_works_back_from_todays_balances(page, household):
    household.card.refresh_from_db()
    assert household.card.balance == D("-200.00")  # a credit card's debt counts against the total
    usd = {n.month: n.total for n in section(page, "USD").net_worth}
    assert usd[date(2025, 1, 1)] == usd[date(2025, 10, 1)] == D("3000.00")
    assert usd[NOV] == D("4300.00")
    assert usd[DEC] == D("5725.00")  # 5225.00 checking + 700.00 savings - 200.00 card
    eur = {n.month: n.total for n in section(page, "EUR").net_worth}
    assert eur[date(2025, 9, 1)] == D("0.00")  # not opened yet
    assert (eur[date(2025, 10, 1)], eur[NOV], eur[DEC]) == (D("500.00"), D("450.00"), D("380.00"))
    balances = {a.name: a.balance.amount for a in section(page, "USD").accounts}
    assert balances == {"Card": D("-200.00"), "Checking": D("5225.00"), "Savings": D("700.00")}


def test_net_worth_of_an_earlier_month_counts_later_months(household):
    page = selectors.insights_page(user=household.user, month=NOV)
    usd = {n.month: n.total for n in section(page, "USD").net_worth}
    assert usd[NOV] == D("4300.00") and usd[date(2024, 12, 1)] == D("3000.00")


def test_money_flows(page):
    usd = section(page, "USD")
    flows = [(usd.node_labels[fl.source], usd.node_labels[fl.target], fl.amount, fl.figure is not None)
             for fl in usd.flows]
    assert flows == [
        ("Salary (income)", "Money in", D("3000.00"), True),
        ("Money in", "Rent", D("1200.00"), True),
        ("Money in", "Shopping", D("200.00"), True),
        ("Money in", "Food", D("130.00"), True),
        ("Money in", "Entertainment", D("25.00"), True),
        ("Money in", "Transport", D("20.00"), True),
        ("Money in", "Not spent", D("1425.00"), False),
    ]
    eur = section(page, "EUR")
    assert [(eur.node_labels[fl.source], eur.node_labels[fl.target], fl.amount) for fl in eur.flows] == [
        ("From balances", "Money in", D("70.00")), ("Money in", "Food", D("40.00")),
        ("Money in", "Other", D("30.00"))]


def test_the_page_shows_the_figures(client, household):
    client.force_login(household.user)
    response = client.get("/insights/?month=2025-12")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("In USD", "In EUR", "Shopping +200.00, Food -170.00, Entertainment +25.00", "Over budget",
                 'data-projected="3255.00"', 'data-amount="5725.00"', 'data-amount="380.00"',
                 "How the score is worked out", 'id="insights-data"', "Food, no payee"):
        assert text in html, text
    assert html.index("In USD") < html.index("In EUR")
    # Someone else's money never shows.
    for theirs in ("7,777.00", "7777.00", "999.99", "333.33", "90000", "90,000"):
        assert theirs not in html


def test_every_link_adds_up_to_its_figure(client, household):
    client.force_login(household.user)
    html = client.get("/insights/?month=2025-12").content.decode()
    links = figure_links(html)
    assert len(links) > 40
    assert {link.currency for link in links} == {"USD", "EUR"}
    assert {link.total for link in links} == {"in", "out", "net"}
    for link in links:
        assert list_total(client, link) == link.figure, link


def test_links_of_an_earlier_month_add_up(client, household):
    client.force_login(household.user)
    links = figure_links(client.get("/insights/?month=2025-11").content.decode())
    assert any("month=2025-11" in link.href and "merchant=Landlord" in link.href for link in links)
    for link in links:
        assert list_total(client, link) == link.figure, link


def test_payees_differing_only_in_case_are_one_merchant(client, household):
    f.expense(household.checking, "5.00", on=date(2025, 12, 12), category="food", payee="STARBUCKS")
    page = selectors.insights_page(user=household.user, month=DEC)
    starbucks = [m for m in section(page, "USD").merchants if m.name.lower() == "starbucks"]
    assert len(starbucks) == 1 and starbucks[0].now == D("55.00")
    client.force_login(household.user)
    for link in figure_links(client.get("/insights/").content.decode()):
        if "merchant=" in link.href:
            assert list_total(client, link) == link.figure, link


def test_staff_corrections_count_in_the_net_worth_of_their_month(client, household):
    """Corrections are neither income nor spending (no monthly total) but move balances: they
    count at their month's end and not before."""
    staff = f.SupportFactory()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    services.adjustment_post(staff_user=staff, account_id=household.checking.pk, amount=D("-50.00"), reason="Fee")
    services.adjustment_post(staff_user=staff, account_id=household.euros.pk, amount=D("10.00"), reason="Refund")
    page = selectors.insights_page(user=household.user, month=DEC)
    usd = {n.month: n.total for n in section(page, "USD").net_worth}
    eur = {n.month: n.total for n in section(page, "EUR").net_worth}
    assert (usd[NOV], usd[DEC]) == (D("4300.00"), D("5675.00"))
    assert (eur[NOV], eur[DEC]) == (D("450.00"), D("390.00"))
    assert section(page, "USD").this_month.spending.amount == D("1575.00")  # not spending
    client.force_login(household.user)
    for link in figure_links(client.get("/insights/").content.decode()):
        if link.total == "net":
            assert list_total(client, link) == link.figure, link


def test_a_new_customers_budget_is_not_projected_from_a_few_days(now, user_factory):
    """No earlier period and two days gone: the pace said the rent paid on the 2nd would reach
    18,600.00 ("heading over"); under a week it projects what was spent."""
    user = user_factory(time_zone="UTC", default_currency="USD")
    checking = f.account(user, "Checking", opening="5000.00", opened_on=date(2025, 12, 1))
    f.expense(checking, "1200.00", on=date(2025, 12, 2), category="rent")
    f.budget(user, "rent", "1500.00")
    page = selectors.insights_page(user=user, month=DEC, today=date(2025, 12, 3))
    [rent] = section(page, "USD").budgets
    assert (rent.usual_rest, rent.days_elapsed, rent.projected, rent.projected_over) == (
        None, 3, D("1200.00"), D("0.00"))
