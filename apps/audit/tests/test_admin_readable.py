"""Issue 16, point 9: the staff admin reads as sentences and money: every amount with its sign
and currency, the audit trail one line per event (who, what, amount, account) instead of JSON
with ids, and the category filter saying whose category each is."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.audit.summaries import summarise
from apps.transactions.models import Category
from tests.factories import AuditorFactory, SupportFactory, UserFactory, account, category, expense, income

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return UserFactory(email="ada@example.com")


@pytest.fixture
def staff(client):
    user = AuditorFactory()
    client.force_login(user)
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_money_movement_reads_as_who_what_amount_and_account(client, staff, customer):
    checking = account(customer, "Everyday checking", opening="500.00", currency="EUR")
    expense(checking, "12.50", on=date(2026, 11, 3), category="food")
    listing = text(client.get(reverse("admin:audit_auditevent_changelist") + "?action=money_movement"))
    assert ("ada@example.com added expense −12.50 EUR in “Everyday checking”, dated 2026-11-03" in listing)
    assert "ada@example.com added opening balance +500.00 EUR in “Everyday checking”" in listing
    assert "transaction_id" not in listing  # no raw JSON in the list


def test_other_events_read_as_sentences(customer):
    events = [
        AuditEvent.objects.create(action="login", actor=customer, actor_email=customer.email, ip_address="203.0.113.9"),
        AuditEvent.objects.create(action="login_failed", actor_email="eve@example.com", details={"factor": "password"}),
        AuditEvent.objects.create(action="points_adjustment", actor_email="staff@example.com",
                                  details={"points": -40, "owner_email": customer.email, "reason": "duplicate"}),
        AuditEvent.objects.create(action="import_posted", actor_email=customer.email,
                                  details={"file_name": "nov.csv", "posted": 1200, "duplicates": 3, "errors": 1}),
    ]
    assert list(summarise(events).values()) == [
        "ada@example.com logged in from 203.0.113.9",
        "Failed login as eve@example.com (wrong password)",
        "staff@example.com removed 40 points from ada@example.com: duplicate",
        "ada@example.com imported nov.csv: 1,200 entries posted, 3 duplicates, 1 unreadable rows",
    ]


def test_a_deleted_entry_still_reads_with_its_amount(customer):
    event = AuditEvent.objects.create(action="money_movement", actor_email=customer.email, details={
        "owner_email": customer.email,
        "changes": [{"transaction_id": 999999, "action": "deleted", "kind": "income", "amount": "80.00",
                     "occurred_on": "2026-10-01"}]})
    assert summarise([event])[event.pk] == ("ada@example.com deleted income +80.00 (entry #999999, since deleted), "
                                            "dated 2026-10-01")


def test_the_trail_page_costs_the_same_queries_for_5_and_25_movements(client, staff, customer):
    checking = account(customer, "Checking", opening="10000.00")
    url = reverse("admin:audit_auditevent_changelist") + "?action=money_movement"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(4):
        expense(checking, "1.00")
    few = queries()
    for _ in range(20):
        expense(checking, "1.00")
    assert queries() == few


def test_ledger_lists_show_sign_and_currency(client, customer, django_user_model):
    client.force_login(SupportFactory())
    checking = account(customer, "Checking", opening="1234.50", currency="GBP")
    expense(checking, "20.00")
    income(checking, "1000.00")
    entries = text(client.get(reverse("admin:transactions_transaction_changelist")))
    assert "−20.00 GBP" in entries and "+1,000.00 GBP" in entries and "+1,234.50 GBP" in entries
    accounts = text(client.get(reverse("admin:accounts_account_changelist")))
    assert "2,214.50 GBP" in accounts
    client.force_login(django_user_model.objects.create_superuser("root@example.com", "x-long-secret"))
    totals = text(client.get(reverse("admin:transactions_monthlytotal_changelist")))
    assert "−20.00 GBP" in totals and "+1,000.00 GBP" in totals


def test_the_category_filter_says_whose_category(client, staff, customer):
    Category.objects.get_or_create(owner=None, name="Groceries")
    category("Pet food", user=customer)
    checking = account(customer, "Checking", opening="50.00")
    expense(checking, "5.00", category="Pet food")
    url = reverse("admin:transactions_transaction_changelist")
    everyone = text(client.get(url))
    assert "Groceries (default)" in everyone
    assert "Pet food (ada@example.com)" not in everyone  # not every customer's categories at once
    theirs = text(client.get(url + f"?owner__id__exact={customer.pk}"))
    assert "Pet food (ada@example.com)" in theirs
    pet = Category.objects.get(owner=customer, name="Pet food")
    filtered = text(client.get(url + f"?owner__id__exact={customer.pk}&category__id__exact={pet.pk}"))
    assert "−5.00" in filtered and "+50.00" not in filtered
    categories = text(client.get(reverse("admin:transactions_category_changelist")))
    assert "Default (every customer)" in categories and "ada@example.com" in categories
