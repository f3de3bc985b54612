"""The account page's "Compare with your bank": the balance here at the end of a day beside the
one the customer reads at their bank, and what a gap may mean."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.transactions.selectors import balance_check
from tests import factories as f
from tests.property.hostile import DATES, NUMBERS, hostile_value
from tests.tiers import by_tier

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def checking(user):
    account = f.account(user, "Checking", opening="1000.00", opened_on=date(2025, 1, 1))
    f.expense(account, "12.50", on=date(2025, 12, 1))
    f.income(account, "100.00", on=date(2025, 12, 3))
    f.expense(account, "40.00", on=date(2025, 12, 10))  # after the day compared: not in its balance
    account.refresh_from_db()
    return account


def compare(client, account, on, balance):
    return client.get(reverse("accounts:detail", args=[account.pk]), {"check-on": on, "check-bank_balance": balance})


def box(response) -> str:
    page = response.content.decode()
    if 'id="balanceCheck"' not in page:
        return ""
    inner = page.split('id="balanceCheck"', 1)[1].split(">", 1)[1].split("</div>", 1)[0].split("<form", 1)[0]
    return " ".join(inner.replace("<strong>", "").replace("</strong>", "").split())


def test_the_balance_at_the_end_of_a_day(checking):
    with CaptureQueriesContext(connection) as queries:
        check = balance_check(account=checking, day=date(2025, 12, 3), bank_balance=D("1087.50"))
    assert len(queries) == 1
    assert (check.ours, check.difference) == (D("1087.50"), D("0.00"))
    assert balance_check(account=checking, day=date(2025, 12, 2), bank_balance=D("0")).ours == D("987.50")
    assert balance_check(account=checking, day=date(2025, 12, 10), bank_balance=D("0")).ours == checking.balance


def test_agreeing_more_and_less(logged_in, checking, frozen_now):
    response = compare(logged_in, checking, "2025-12-03", "1087.50")
    assert response.status_code == 200
    assert box(response) == ("At the end of Dec 3, 2025, “Checking” held 1,087.50 USD here; your bank says "
                             "1,087.50 USD. They agree.")
    assert box(compare(logged_in, checking, "2025-12-03", "1,080.00")).endswith(
        "your bank says 1,080.00 USD. That is 7.50 USD more than the bank’s: an entry here may be one the bank "
        "does not have, or be here twice.")
    assert box(compare(logged_in, checking, "2025-12-02", "-5")).endswith(
        "held 987.50 USD here; your bank says −5.00 USD. That is 992.50 USD more than the bank’s: an entry here may "
        "be one the bank does not have, or be here twice.")
    assert box(compare(logged_in, checking, "2025-12-02", "1000")).endswith(
        "That is 12.50 USD less than the bank’s: an entry may be missing here.")
    # The page without a comparison offers the form with today's date and shows no verdict.
    page = logged_in.get(reverse("accounts:detail", args=[checking.pk]))
    assert box(page) == "" and 'name="check-on" value="2025-12-15"' in page.content.decode()


@pytest.mark.parametrize("on, balance, message", [
    ("2025-12-16", "10", "Choose today or a day before: a bank has no balance for a day to come."),
    ("2024-12-31", "10", "This account was opened on Jan 1, 2025: choose that day or a later one."),
    ("2025-02-30", "10", "Enter a real date, for example 2025-02-28."),
    ("2025-12-03", "ten", "Enter an amount as a number, for example 12.50."),
    ("2025-12-03", "", "Enter the balance at your bank."),
])
def test_what_cannot_be_compared_is_said_and_kept(logged_in, checking, frozen_now, on, balance, message):
    response = compare(logged_in, checking, on, balance)
    page = response.content.decode()
    assert response.status_code == 400 and box(response) == ""
    assert message in page
    assert f'name="check-on" value="{on}"' in page or on == "2025-02-30"
    if balance:
        assert f'value="{balance}"' in page


def test_another_customers_account_is_404(logged_in, frozen_now):
    theirs = f.account(f.UserFactory(), "Theirs", opening="10.00", opened_on=date(2025, 1, 1))
    assert compare(logged_in, theirs, "2025-12-03", "10").status_code == 404


def test_in_german(logged_in, german, checking, frozen_now):
    response = compare(logged_in, checking, "2025-12-03", "1.080,00")
    assert box(response) == ("Am Ende des 03.12.2025 hatte „Checking“ hier 1.087,50 $; Ihre Bank sagt 1.080,00 $. "
                             "Das sind 7,50 $ mehr als bei der Bank: Eine Buchung hier fehlt der Bank vielleicht, "
                             "oder sie steht hier doppelt.")


@settings(max_examples=by_tier(15, 60), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(on=st.one_of(hostile_value(), st.sampled_from(DATES)),
       balance=st.one_of(hostile_value(), st.sampled_from(NUMBERS)))
def test_hostile_values_get_an_answer_never_a_500(logged_in, checking, frozen_now, on, balance):
    response = compare(logged_in, checking, on, balance)
    assert response.status_code in (200, 400)
    assert (box(response) != "") == (response.status_code == 200)


# ---------------------------------------------------------------------------
# Marked as checked: remembered, and watched
# ---------------------------------------------------------------------------

def mark(client, account, on, balance):
    return client.post(reverse("accounts:checked", args=[account.pk]), {"check-on": on, "check-bank_balance": balance})


def test_an_agreeing_balance_is_marked_and_a_later_change_is_said(logged_in, checking, frozen_now):
    page = compare(logged_in, checking, "2025-12-03", "1,087.50").content.decode()
    assert "Mark as checked up to Dec 3, 2025" in page and 'name="check-bank_balance" value="1,087.50"' in page
    response = mark(logged_in, checking, "2025-12-03", "1,087.50")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:detail", args=[checking.pk])
    checking.refresh_from_db()
    assert (checking.checked_on, checking.checked_balance) == (date(2025, 12, 3), D("1087.50"))
    page = logged_in.get(response["Location"]).content.decode()
    assert "“Checking” is marked as agreeing with your bank at the end of Dec 3, 2025." in page
    assert "Last checked: it agreed with your bank at the end of Dec 3, 2025 (1,087.50 USD)." in page
    assert 'id="checkedChanged"' not in page
    # The accounts list says it too, beside the account's status and on a phone under its name.
    listing = logged_in.get(reverse("accounts:list")).content.decode()
    assert '<div class="small text-body-secondary" data-checked>Agreed with your bank on Dec 3, 2025</div>' in listing
    assert " · Agreed with your bank on Dec 3, 2025</div>" in listing
    # An entry after that day changes nothing there; one on or before it is said.
    f.expense(checking, "1.00", on=date(2025, 12, 12))
    assert 'id="checkedChanged"' not in logged_in.get(response["Location"]).content.decode()
    f.expense(checking, "2.50", on=date(2025, 12, 2))
    page = logged_in.get(response["Location"]).content.decode()
    assert ("Entries on or before Dec 3, 2025 have changed since: the balance here at the end of that day is now "
            "1,085.00 USD.") in page
    link = f'href="{reverse("transactions:list")}?account={checking.pk}&amp;date_to=2025-12-03"'
    assert f"{link}>The entries up to Dec 3, 2025</a>" in page
    # The link leads to that account's entries up to that day, the changed one among them.
    listed = logged_in.get(f"{reverse('transactions:list')}?account={checking.pk}&date_to=2025-12-03").content.decode()
    assert "2.50" in listed and "1.00 USD" not in listed.split("<tbody", 1)[1]


def test_a_balance_that_does_not_agree_is_not_marked(logged_in, checking, frozen_now):
    page = compare(logged_in, checking, "2025-12-03", "1000").content.decode()
    assert "Mark as checked" not in page
    response = mark(logged_in, checking, "2025-12-03", "1000")
    assert response["Location"].endswith("?check-on=2025-12-03&check-bank_balance=1000#balance-check-heading")
    page = logged_in.get(response["Location"]).content.decode()
    assert ("At the end of Dec 3, 2025 this account held 1,087.50 USD here, not 1,000.00 USD: only a balance that "
            "agrees with the bank&#x27;s is marked as checked.") in page
    assert 'value="1000"' in page  # what was sent is shown again
    for on, balance in (("2025-12-16", "10"), ("2024-12-31", "10"), ("nonsense", "10"), ("2025-12-03", "ten")):
        mark(logged_in, checking, on, balance)
    checking.refresh_from_db()
    assert (checking.checked_on, checking.checked_balance) == (None, None)


def test_another_customers_account_cannot_be_marked(logged_in, frozen_now):
    theirs = f.account(f.UserFactory(), "Theirs", opening="10.00", opened_on=date(2025, 1, 1))
    assert mark(logged_in, theirs, "2025-12-03", "10").status_code == 404
    assert logged_in.get(reverse("accounts:checked", args=[theirs.pk])).status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.checked_on is None


def test_the_service_refuses_what_does_not_agree(user, checking, frozen_now):
    from django.core.exceptions import ValidationError

    from apps.transactions.services import account_mark_checked

    with pytest.raises(ValidationError) as error:
        account_mark_checked(user=user, account_id=checking.pk, day=date(2025, 12, 3), bank_balance=D("1087.49"))
    assert list(error.value.message_dict) == ["bank_balance"]
    account = account_mark_checked(user=user, account_id=checking.pk, day=date(2025, 12, 3), bank_balance=D("1087.50"))
    assert account.checked_on == date(2025, 12, 3)


def test_marked_in_german(logged_in, german, checking, frozen_now):
    response = mark(logged_in, checking, "2025-12-03", "1.087,50")
    page = logged_in.get(response["Location"]).content.decode()
    assert "„Checking“ ist als übereinstimmend mit Ihrer Bank am Ende des 03.12.2025 markiert." in page
    assert "Zuletzt geprüft: Am Ende des 03.12.2025 stimmte es mit Ihrer Bank überein (1.087,50 $)." in page
