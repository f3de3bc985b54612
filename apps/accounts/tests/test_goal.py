"""An account's savings goal: how much and by when (apps.accounts.services.account_goal_set),
and where the customer stands on the account's page (apps.transactions.selectors.goal_outlook)
and in the accounts list."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import Account
from apps.transactions.selectors import goal_outlook
from tests.factories import UserFactory, account, expense, income, transfer
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 3, 15)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def savings(user):
    return account(user, "Savings", opening="1000.00", kind=Account.Kind.SAVINGS, opened_on=date(2025, 1, 1))


def goal_url(acc) -> str:
    return reverse("accounts:goal", kwargs={"pk": acc.pk})


def test_setting_changing_and_removing_a_goal(user, savings, frozen):
    acc = services.account_goal_set(user=user, account_id=savings.pk, amount=D("5000"), on=date(2026, 12, 31))
    assert (acc.goal_amount, acc.goal_on) == (D("5000.00"), date(2026, 12, 31))
    acc = services.account_goal_set(user=user, account_id=savings.pk, amount=D("6000.00"))
    assert (acc.goal_amount, acc.goal_on) == (D("6000.00"), None)
    services.account_goal_set(user=user, account_id=savings.pk, amount=None)
    savings.refresh_from_db()
    assert (savings.goal_amount, savings.goal_on) == (None, None)


@pytest.mark.parametrize(("amount", "on", "field", "message"), [
    (D("0"), None, "goal_amount", "greater than zero"),
    (D("100"), TODAY, "goal_on", "Choose a day after today"),
    (D("100"), date(2026, 1, 1), "goal_on", "Choose a day after today"),
    (D("100"), date(9999, 1, 1), "goal_on", "Choose a date between the years"),
])
def test_a_goal_that_cannot_be_is_refused(user, savings, frozen, amount, on, field, message):
    with pytest.raises(ValidationError) as error:
        services.account_goal_set(user=user, account_id=savings.pk, amount=amount, on=on)
    assert message in " ".join(error.value.message_dict[field])
    savings.refresh_from_db()
    assert savings.goal_amount is None


def test_no_goal_on_a_credit_card_or_a_closed_account_and_the_database_agrees(user, frozen):
    card = account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("500.00"))
    with pytest.raises(ValidationError, match="A credit card has no savings goal"):
        services.account_goal_set(user=user, account_id=card.pk, amount=D("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=card.pk).update(goal_amount=D("100"))
    empty = account(user, "Old", opened_on=date(2025, 1, 1))
    from apps.accounts.services import account_close
    account_close(user=user, account_id=empty.pk)
    with pytest.raises(ValidationError, match="is closed"):
        services.account_goal_set(user=user, account_id=empty.pk, amount=D("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=empty.pk).update(goal_on=date(2027, 1, 1))  # a day without an amount
    with pytest.raises(Account.DoesNotExist):
        services.account_goal_set(user=UserFactory(), account_id=empty.pk, amount=D("100"))


def test_the_outlook_with_a_day_and_a_pace_that_keeps_up(user, savings, frozen):
    checking = account(user, "Checking", opening="10000.00", opened_on=date(2025, 1, 1))
    for day in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        transfer(checking, savings, "500.00", on=day)
    transfer(checking, savings, "800.00", on=date(2025, 11, 1))  # before the last three months: not the pace
    expense(savings, "100.00", on=date(2026, 3, 10))
    income(savings, "50.00", on=date(2026, 4, 1))  # after today: not the pace
    services.account_goal_set(user=user, account_id=savings.pk, amount=D("10000.00"), on=date(2026, 12, 31))
    savings.refresh_from_db()
    outlook = goal_outlook(account=savings, today=TODAY)
    # Balance 1,000 + 800 + 1,500 − 100 + 50 = 3,250: 32%.
    assert (outlook.saved, outlook.remaining, outlook.percent) == (D("3250.00"), D("6750.00"), 32)
    # Mar 15 to Dec 31: nine months; 6,750 / 9 = 750.00 a month.
    assert (outlook.months_left, outlook.monthly_needed) == (9, D("750.00"))
    # 1,400 net in 91 days: 468.27 in an average month (30.4375 days), reaching 6,750 in 15 months.
    assert outlook.pace == D("468.27")
    assert outlook.reached_around == date(2027, 6, 1)
    assert outlook.on_track is False


def test_the_outlook_without_a_day_reached_and_without_history(user, frozen):
    young = account(user, "New pot", opening="200.00", kind=Account.Kind.SAVINGS, opened_on=date(2026, 3, 1))
    services.account_goal_set(user=user, account_id=young.pk, amount=D("300.00"))
    young.refresh_from_db()
    outlook = goal_outlook(account=young, today=TODAY)
    assert (outlook.pace, outlook.reached_around, outlook.on_track, outlook.months_left) == (None, None, None, None)
    services.account_goal_set(user=user, account_id=young.pk, amount=D("150.00"))
    young.refresh_from_db()
    reached = goal_outlook(account=young, today=TODAY)
    assert (reached.reached, reached.percent, reached.remaining, reached.on_track) == (True, 100, D("0.00"), True)
    assert goal_outlook(account=account(user, "Plain"), today=TODAY) is None


def test_the_goal_page_sets_it_shows_errors_and_removes_it(logged_in, user, savings, frozen):
    response = logged_in.get(goal_url(savings))
    assert response.status_code == 200 and "holds 1,000.00 USD now" in response.content.decode()
    response = logged_in.post(goal_url(savings), {"goal_amount": "abc", "goal_on": "2026-01-01"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="abc"' in page
    response = logged_in.post(goal_url(savings), {"goal_amount": "5000", "goal_on": "2026-01-01"})
    assert "Choose a day after today, or leave it empty." in response.content.decode()
    response = logged_in.post(goal_url(savings), {"goal_amount": "5,000.00", "goal_on": "2026-12-31"})
    assert response.status_code == 302
    assert messages_of(response) == ["Savings goal of “Savings” set to 5,000.00 USD."]
    detail = logged_in.get(reverse("accounts:detail", kwargs={"pk": savings.pk})).content.decode()
    assert "<strong>1,000.00 USD</strong> of 5,000.00 USD (20%)" in detail
    assert "4,000.00 USD to go by Dec 31, 2026: 444.45 USD a month for 9 months." in detail
    assert 'id="set-goal"' not in detail
    listing = logged_in.get(reverse("accounts:list")).content.decode()
    assert "20% of the 5,000.00 USD goal" in listing
    response = logged_in.post(goal_url(savings), {"remove": "1"})
    assert messages_of(response) == ["The savings goal of “Savings” is removed."]
    savings.refresh_from_db()
    assert savings.goal_amount is None
    assert "% of the" not in logged_in.get(reverse("accounts:list")).content.decode()


def test_another_customers_account_and_credit_cards_have_no_goal_page(logged_in, user, frozen):
    theirs = account(UserFactory(), "Theirs", opening="10.00")
    assert logged_in.get(goal_url(theirs)).status_code == 404
    assert logged_in.post(goal_url(theirs), {"goal_amount": "100"}).status_code == 404
    card = account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("500.00"))
    assert logged_in.get(goal_url(card)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.goal_amount is None


def test_a_german_customer_reads_the_goal_in_german(client, frozen):
    german = UserFactory(email="erika@example.com", time_zone="Europe/Berlin", default_currency="EUR",
                         locale="de-DE")
    client.force_login(german)
    pot = account(german, "Urlaub", opening="1200.00", kind=Account.Kind.SAVINGS, currency="EUR",
                  opened_on=date(2025, 1, 1))
    checking = account(german, "Giro", opening="5000.00", currency="EUR", opened_on=date(2025, 1, 1))
    for day in (date(2026, 1, 2), date(2026, 2, 2), date(2026, 3, 2)):
        transfer(checking, pot, "300.00", on=day)
    response = client.post(goal_url(pot), {"goal_amount": "3.000,00", "goal_on": "2026-09-30"})
    assert messages_of(response) == ["Sparziel von „Urlaub“ auf 3.000,00 € gesetzt."]
    page = client.get(reverse("accounts:detail", kwargs={"pk": pot.pk})).content.decode()
    assert "<strong>2.100,00 €</strong> von 3.000,00 € (70 %)" in page
    assert "Noch 900,00 € bis 30.09.2026: 150,00 € im Monat, 6 Monate lang." in page
    # 900 in 91 days: 301.03 in an average month; 900 to go is three months: June.
    assert ("Auf Kurs: In den letzten drei Monaten kamen 301,03 € im Monat hinzu; damit ist es etwa im Juni 2026 "
            "erreicht.") in page
    assert "70 % des Ziels von 3.000,00 €" in client.get(reverse("accounts:list")).content.decode()


def test_a_goal_costs_the_account_page_one_query_and_the_list_none(logged_in, user, savings, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    detail, listing = reverse("accounts:detail", kwargs={"pk": savings.pk}), reverse("accounts:list")

    def count(url):
        logged_in.get(url)  # warm: the session's and the page cache's first reads
        with CaptureQueriesContext(connection) as queries:
            assert logged_in.get(url, {"n": "1"} if url == listing else {}).status_code == 200
        return len(queries)

    before = count(detail), count(listing)
    services.account_goal_set(user=user, account_id=savings.pk, amount=D("5000.00"), on=date(2026, 12, 31))
    assert (count(detail), count(listing)) == (before[0] + 1, before[1])


def test_the_dashboard_shows_each_goal_with_its_account(logged_in, user, savings, frozen):
    services.account_goal_set(user=user, account_id=savings.pk, amount=D("4000.00"))
    page = logged_in.get(reverse("dashboard:home")).content.decode()
    assert page.count("data-goal") == 1
    assert "25% of the 4,000.00 USD goal" in page
    assert 'aria-label="Savings goal of Savings"' in page


def test_a_closed_accounts_goal_is_kept_but_not_shown(logged_in, user, frozen):
    pot = account(user, "Pot", opening="0.00", kind=Account.Kind.SAVINGS, opened_on=date(2025, 1, 1))
    services.account_goal_set(user=user, account_id=pot.pk, amount=D("500.00"))
    services.account_close(user=user, account_id=pot.pk)
    assert 'id="goal"' not in logged_in.get(reverse("accounts:detail", kwargs={"pk": pot.pk})).content.decode()
    assert "data-goal" not in logged_in.get(reverse("accounts:list")).content.decode()
    services.account_reopen(user=user, account_id=pot.pk)
    assert 'id="goal"' in logged_in.get(reverse("accounts:detail", kwargs={"pk": pot.pk})).content.decode()
