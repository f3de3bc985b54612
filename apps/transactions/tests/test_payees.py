"""The payee: one field of the ledger entry, normalised from the description unless given."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.transactions import services
from apps.transactions.models import Transaction
from apps.transactions.payees import clean_payee, normalise_payee
from tests.factories import AccountFactory, default_category, expense, income, transfer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "payee"), [
    ("AMZN Mktp US*2K4", "Amazon"),
    ("Amazon.com", "Amazon"),
    ("AMAZON MARKETPLACE", "Amazon"),
    ("STARBUCKS #1234", "Starbucks"),
    ("Starbucks 5678", "Starbucks"),
    ("SQ *BLUE BOTTLE COFFEE", "Blue Bottle Coffee"),
    ("PAYPAL *NETFLIX.COM", "Netflix"),
    ("POS 1234 LIDL", "Lidl"),
    ("TESCO STORES 3297", "Tesco Stores"),
    ("eBay purchase", "eBay purchase"),
    ("Coffee with Ann", "Coffee with Ann"),
    ("12345", ""),
    ("", ""),
    ("   ", ""),
])
def test_normalise_payee(text, payee):
    assert normalise_payee(text) == payee


def test_a_given_payee_wins_over_the_description():
    assert clean_payee("  Corner   shop ", description="AMZN Mktp") == "Corner shop"
    assert clean_payee("", description="AMZN Mktp") == "Amazon"
    assert clean_payee(None, description="") == ""
    assert len(clean_payee("x" * 300)) == 100


@pytest.fixture
def account(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=Decimal("500.00"))


def test_posting_fills_the_payee_from_the_description_or_keeps_the_given_one(user, account):
    assert expense(account, "10.00", description="AMZN Mktp US*2K4").payee == "Amazon"
    assert income(account, "10.00", description="ACME PAYROLL 0042").payee == "Acme Payroll"
    assert expense(account, "1.00", description="Lunch", payee="Joe's Diner").payee == "Joe's Diner"
    legs = Transaction.objects.filter(transfer_id=transfer(account, AccountFactory(owner=user), "5.00").transfer_id)
    assert {leg.payee for leg in legs} == {""}


def test_edit_follows_the_description_unless_the_customer_chose_a_payee(user, account):
    derived = expense(account, "10.00", description="Starbucks #1")
    chosen = expense(account, "10.00", description="Card 1234", payee="Bakery")
    common = {"user": user, "amount": Decimal("10.00"), "occurred_on": derived.occurred_on}
    assert services.transaction_edit(transaction_id=derived.pk, description="Amazon.com", **common).payee == "Amazon"
    assert services.transaction_edit(transaction_id=chosen.pk, description="Other", **common).payee == "Bakery"
    assert services.transaction_edit(transaction_id=chosen.pk, description="Other", payee="Baker's",
                                     **common).payee == "Baker's"
    # Emptied by the customer: it follows the description again.
    assert services.transaction_edit(transaction_id=chosen.pk, description="TESCO 12", payee="",
                                     **common).payee == "Tesco"


def test_the_forms_set_and_change_the_payee(logged_in, user, account):
    data = {"account": account.pk, "amount": "12.50", "category": default_category("food").pk,
            "occurred_on": "2025-03-10", "description": "card 4411", "payee": "Fishmonger",
            "form_token": str(uuid.uuid4())}
    logged_in.post(reverse("transactions:expense"), data)
    entry = Transaction.objects.get(owner=user, kind="expense")
    assert entry.payee == "Fishmonger"
    response = logged_in.get(reverse("transactions:update", args=[entry.pk]))
    assert 'value="Fishmonger"' in response.content.decode()
    logged_in.post(reverse("transactions:update", args=[entry.pk]), {
        "account": account.pk, "amount": "12.50", "category": default_category("food").pk,
        "occurred_on": "2025-03-10", "description": "card 4411", "payee": "The Fish Shop"})
    entry.refresh_from_db()
    assert entry.payee == "The Fish Shop"


def test_the_list_filters_by_payee_and_adds_up_what_it_shows(logged_in, user, account):
    expense(account, "10.00", description="AMZN Mktp US*2K4")
    expense(account, "5.55", description="Amazon.com")
    expense(account, "7.00", description="Starbucks")
    income(account, "3.00", description="Amazon refund", payee="Amazon")
    response = logged_in.get(reverse("transactions:list"), {"merchant": "amazon"})
    assert response.context["page_obj"].paginator.count == 3
    (usd,) = response.context["totals"]
    assert (usd.currency, usd.count, usd.money_in, usd.money_out, usd.net) == (
        "USD", 3, Decimal("3.00"), Decimal("15.55"), Decimal("-12.55"))
    page = response.content.decode()
    assert "15.55" in page and 'data-total="out"' in page
    # The search box finds words in the payee too.
    assert logged_in.get(reverse("transactions:list"), {"q": "starb"}).context["page_obj"].paginator.count == 1
    # Unfiltered, the list does not add up the whole history.
    assert logged_in.get(reverse("transactions:list")).context["totals"] == []


def test_payee_is_escaped(logged_in, user, account):
    expense(account, "1.00", description="x", payee="<script>alert(1)</script>")
    page = logged_in.get(reverse("transactions:list")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
