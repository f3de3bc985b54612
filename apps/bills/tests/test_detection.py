from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from apps.accounts.models import Account
from apps.bills import services
from apps.bills.detection import Payment, bill_suggestions, detect, payee_key, payee_name
from apps.bills.models import BillSuggestionDismissal
from tests.factories import UserFactory, account, category, expense
from tests.helpers import messages_of

from .conftest import TODAY, make_bill

D = Decimal


def payments(description, amounts, days, account_id=1):
    if isinstance(amounts, str):
        amounts = [amounts] * len(days)
    return [Payment(description, D(a), d, account_id, "Checking", "USD", 7) for a, d in zip(amounts, days, strict=True)]


MONTHLY_DAYS = [date(2025, 9, 14), date(2025, 10, 14), date(2025, 11, 14), date(2025, 12, 14)]
WEEKLY_DAYS = [date(2025, 11, 24), date(2025, 12, 1), date(2025, 12, 8), date(2025, 12, 15)]


# --- the algorithm ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("NETFLIX.COM 8832-11", "netflix com"),
    ("  Café   Olé!! ", "café olé"),
    ("AMZN*Prime_Video", "amzn prime video"),
    ("12345 / 2025", ""),
])
def test_payee_key(text, key):
    assert payee_key(text) == key


def test_payee_name_drops_references():
    assert payee_name("CITY POWER #1234") == "CITY POWER"
    assert payee_name("Netflix.com 8832-11") == "Netflix.com"


def test_a_monthly_bill_is_found():
    [found] = detect(payments("NETFLIX.COM 8832", "15.49", MONTHLY_DAYS), today=TODAY)
    assert (found.payee_key, found.name, found.cadence, found.amount, found.currency) == (
        "netflix com", "NETFLIX.COM", "monthly", D("15.49"), "USD")
    assert (found.next_on, found.payments, found.last_paid_on, found.account_id, found.category_id) == (
        date(2026, 1, 14), 4, date(2025, 12, 14), 1, 7)
    assert parse_qs(found.form_query) == {
        "name": ["NETFLIX.COM"], "amount": ["15.49"], "account": ["1"], "category": ["7"],
        "frequency": ["monthly"], "starts_on": ["2026-01-14"], "day": ["14"]}


def test_a_weekly_bill_is_found_with_amounts_that_vary_a_little():
    [found] = detect(payments("Gym", ["20.00", "21.50", "19.00", "20.50"], WEEKLY_DAYS), today=TODAY)
    assert (found.cadence, found.amount, found.next_on) == ("weekly", D("20.25"), date(2025, 12, 22))


def test_month_ends_and_short_months_are_monthly():
    days = [date(2025, 8, 31), date(2025, 9, 30), date(2025, 10, 31), date(2025, 11, 30)]
    [found] = detect(payments("Rent", "850.00", days), today=TODAY)
    assert (found.cadence, found.next_on) == ("monthly", date(2025, 12, 30))


@pytest.mark.parametrize("group", [
    payments("Coffee", "4.50", [date(2025, 9, 1), date(2025, 9, 20), date(2025, 11, 2), date(2025, 12, 10)]),
    payments("Coffee", "4.50", [date(2025, 12, 1), date(2025, 12, 2), date(2025, 12, 3), date(2025, 12, 4)]),
    payments("Phone", "30.00", MONTHLY_DAYS[2:]),  # twice only
    payments("Power", ["50.00", "80.00", "62.00"], MONTHLY_DAYS[1:]),  # 50 is 19% under the median
    payments("Gym", "20.00", [d - timedelta(days=120) for d in MONTHLY_DAYS]),  # ended months ago
    payments("Gym", "20.00", MONTHLY_DAYS[2:], account_id=1) + payments("Gym", "20.00", MONTHLY_DAYS[:2], account_id=2),
    payments("2025/11", "20.00", MONTHLY_DAYS),  # no payee at all
], ids=["irregular", "daily", "two-payments", "varying-amounts", "stale", "split-over-accounts", "no-payee"])
def test_no_suggestion(group):
    assert detect(group, today=TODAY) == []


def test_only_the_latest_run_counts():
    """A one-off purchase long before, at another price, does not hide the subscription."""
    group = payments("Spotify", ["99.00", "10.99", "10.99", "10.99"], [date(2025, 3, 2)] + MONTHLY_DAYS[1:])
    [found] = detect(group, today=TODAY)
    assert (found.payments, found.amount) == (3, D("10.99"))


def test_set_up_or_dismissed_payees_are_not_suggested():
    group = payments("NETFLIX.COM 8832", "15.49", MONTHLY_DAYS)
    for names in (["Netflix.com"], ["netflix com premium"], ["NETFLIX"]):
        assert detect(group, today=TODAY, names=names) == [], names
    assert detect(group, today=TODAY, names=["Netflix Store"]) != []
    paid = [*group[:-1], Payment(**{**group[-1].__dict__, "pays_bill": True})]
    assert detect(paid, today=TODAY) == []  # linked to a bill of another name
    assert detect(group, today=TODAY, dismissed=[("netflix com", "monthly")]) == []
    assert detect(group, today=TODAY, dismissed=[("netflix com", "weekly")]) != []


def test_suggestions_come_soonest_first_once_per_payee():
    group = (payments("Gym", "20.00", WEEKLY_DAYS) + payments("Rent", "850.00", MONTHLY_DAYS)
             + payments("Rent", "850.00", [d - timedelta(days=2) for d in MONTHLY_DAYS], account_id=2))
    found = detect(group, today=TODAY)
    assert [(s.name, s.account_id) for s in found] == [("Gym", 1), ("Rent", 1)]


# --- the selector ----------------------------------------------------------------------------------

def pay_monthly(acct, description="Netflix.com 8832", amount="15.49", days=MONTHLY_DAYS):
    return [expense(acct, amount, on=day, category="entertainment", description=description) for day in days]


@pytest.mark.django_db
def test_selector_reads_the_customers_expenses(user, checking):
    pay_monthly(checking)
    pay_monthly(account(UserFactory(), "Theirs", opening="500.00"), description="Their gym")
    [found] = bill_suggestions(user=user)
    # Named after the entries' payee ("NETFLIX.COM 8832" is the payee "Netflix").
    assert (found.name, found.account_id, found.account_name, found.category_id) == (
        "Netflix", checking.pk, "Checking", category("entertainment").pk)


@pytest.mark.django_db
def test_selector_skips_set_up_bills_their_payments_and_closed_accounts(user):
    checking = account(user, "Checking", opening="10000.00")
    entries = pay_monthly(checking, description="Landlord Ltd", amount="850.00")
    bill = make_bill(checking, name="Rent", starts_on=TODAY)
    services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, transaction_id=entries[-1].pk)
    assert bill_suggestions(user=user) == []  # one payment of that payee pays a bill: set up already
    pay_monthly(checking)
    make_bill(checking, name="NETFLIX", amount="15.49", cat="entertainment")
    assert bill_suggestions(user=user) == []
    card = account(user, "Card", opening="61.96")  # four payments of 15.49: closed at zero
    pay_monthly(card, description="Gym")
    assert [s.name for s in bill_suggestions(user=user)] == ["Gym"]
    Account.objects.filter(pk=card.pk).update(closed_on=TODAY)
    assert bill_suggestions(user=user) == []


@pytest.mark.django_db
def test_selector_query_count_is_constant(checking, user, django_assert_num_queries):
    pay_monthly(checking)
    services.bill_suggestion_dismiss(user=user, payee_key="Something", cadence="weekly")
    with django_assert_num_queries(2):
        assert len(bill_suggestions(user=user)) == 1
    for n in range(8):
        pay_monthly(checking, description=f"Payee {chr(65 + n)}", amount="1.00")
        make_bill(checking, name=f"Bill {n}", amount="1.00")
    with django_assert_num_queries(2):
        assert len(bill_suggestions(user=user)) == 9


# --- dismissing ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_dismissing_is_stored_once_in_normal_form(user):
    first = services.bill_suggestion_dismiss(user=user, payee_key="Netflix com", cadence="monthly")
    again = services.bill_suggestion_dismiss(user=user, payee_key="netflix com", cadence="monthly")
    assert first == again and first.payee_key == "netflix com"
    assert BillSuggestionDismissal.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "cadence"), [("", "monthly"), ("1234", "monthly"), ("Gym", "yearly")])
def test_dismissing_needs_a_payee_and_a_cadence(user, key, cadence):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.bill_suggestion_dismiss(user=user, payee_key=key, cadence=cadence)
    assert not BillSuggestionDismissal.objects.exists()


# --- the bills page --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_page_suggests_and_sets_up_a_bill(logged_in, user, checking):
    pay_monthly(checking)
    html = logged_in.get(reverse("bills:list")).content.decode()
    assert "Suggested bills" in html and "No bills or recurring money yet." in html
    [found] = bill_suggestions(user=user)
    link = f'{reverse("bills:create", args=["bill"])}?{found.form_query}'
    assert link.replace("&", "&amp;") in html
    form = logged_in.get(link).content.decode()
    assert 'value="Netflix"' in form and 'value="15.49"' in form and 'value="2026-01-14"' in form
    assert f'<option value="{checking.pk}" data-currency="USD" selected>' in form
    response = logged_in.post(reverse("bills:create", args=["bill"]), {
        "name": "Netflix", "amount": "15.49", "account": checking.pk, "category": category("entertainment").pk,
        "frequency": "monthly", "starts_on": "2026-01-14", "day": "14", "remind_days": "3"})
    assert response.status_code == 302
    assert "Suggested bills" not in logged_in.get(reverse("bills:list")).content.decode()


@pytest.mark.django_db
def test_page_dismisses_a_suggestion_for_good(logged_in, user, checking, time_machine):
    pay_monthly(checking)
    response = logged_in.post(reverse("bills:dismiss_suggestion"), {"payee_key": "netflix",
                                                                    "cadence": "monthly"})
    assert response.status_code == 302 and response.url == reverse("bills:list")
    assert messages_of(response) == ["Suggestion dismissed: it will not be suggested again."]
    time_machine.move_to("2026-01-15T12:00Z", tick=False)
    expense(checking, "15.49", on=date(2026, 1, 14), category="entertainment", description="Netflix.com 9911")
    assert "Suggested bills" not in logged_in.get(reverse("bills:list")).content.decode()
    assert BillSuggestionDismissal.objects.get().owner == user


@pytest.mark.django_db
def test_page_dismiss_refuses_bad_input_and_needs_post(logged_in):
    response = logged_in.post(reverse("bills:dismiss_suggestion"), {"payee_key": "Gym", "cadence": "hourly"})
    assert messages_of(response) == ["Choose a suggested bill to dismiss."]
    assert logged_in.get(reverse("bills:dismiss_suggestion")).status_code == 405
    assert not BillSuggestionDismissal.objects.exists()


@pytest.mark.django_db
def test_page_query_count_does_not_grow_with_history(client, django_assert_max_num_queries):
    counts = {}
    for size in (1, 6):
        user = UserFactory()
        acct = account(user, opening="1000.00")
        for n in range(size):
            pay_monthly(acct, description=f"Payee {chr(65 + n)}", amount="1.00")
            make_bill(acct, name=f"Bill {n}", amount="1.00")
        client.force_login(user)
        client.get(reverse("bills:list"))  # warm up (session, content types)
        # Session, user, the items, the alert badge, the expenses, the names and dismissals (6);
        # room for two more from middleware.
        with django_assert_max_num_queries(8) as queries:
            html = client.get(reverse("bills:list")).content.decode()
        assert html.count('id="suggestion-') == size
        counts[size] = len(queries)
    assert counts[1] == counts[6]


@pytest.mark.django_db
def test_a_split_payment_is_one_payment_of_its_sum(user, checking):
    """A monthly payment split over two categories is still the bank's one payment each month:
    the suggestion has the sum, not the parts."""
    from apps.transactions import services as ledger

    for entry in pay_monthly(checking, description="Sky Broadband", amount="60.00"):
        ledger.entry_split(user=user, transaction_id=entry.pk, parts=[
            (Decimal("45.00"), entry.category), (Decimal("15.00"), category("utilities"))])
    [found] = bill_suggestions(user=user)
    assert (found.name, found.amount, found.category_id) == ("Sky Broadband", Decimal("60.00"),
                                                             category("entertainment").pk)
