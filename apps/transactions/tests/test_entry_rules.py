"""Manual entry with "Let my rules choose": the ledger asks the rules through the
"entry_rules" extension (apps/transactions/extensions.py), never by importing them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.transactions.models import Transaction
from tests.factories import AccountFactory, default_category

D = Decimal
pytestmark = pytest.mark.django_db

HOOKS = {
    "entry_rules": "apps.rules.engine.entry_rules",
    "entry_rules_enabled": "apps.rules.selectors.applies_on_manual_entry_for",
}


@pytest.fixture
def rules_on(settings, user):
    from apps.rules import services

    settings.LEDGER_EXTENSIONS = {**getattr(settings, "LEDGER_EXTENSIONS", {}), **HOOKS}
    services.rule_preferences_set(user=user, apply_on_manual_entry=True)
    services.rule_create(user=user, name="Coffee shops", pattern="coffee", set_category=default_category("food"),
                         set_payee="Coffee House", kind="expense")
    return user


def post(client, account, **overrides):
    data = {"account": account.pk, "amount": "4.50", "category": "", "occurred_on": "2025-03-10", "payee": "",
            "description": "COFFEE HOUSE 12", "form_token": "6f1c1a52-6a5e-4a64-9a3c-2f7c1d1e8e01"}
    data.update(overrides)
    return client.post(reverse("transactions:expense"), data)


def test_form_offers_let_my_rules_choose(logged_in, rules_on):
    AccountFactory(owner=rules_on)  # without an open account the form sends the customer to open one
    assert "Let my rules choose" in logged_in.get(reverse("transactions:expense")).content.decode()


def test_rule_chooses_category_and_payee(logged_in, rules_on, frozen_now):
    account = AccountFactory(owner=rules_on, opening_balance=D("100.00"))
    response = post(logged_in, account)
    assert response.status_code == 302
    entry = Transaction.objects.get(owner=rules_on, kind="expense")
    assert (entry.category, entry.payee, entry.amount) == (default_category("food"), "Coffee House", D("4.50"))
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("chosen by your rule “Coffee shops”" in m for m in messages)


def test_typed_payee_and_chosen_category_win(logged_in, rules_on, frozen_now):
    account = AccountFactory(owner=rules_on, opening_balance=D("100.00"))
    post(logged_in, account, payee="My café", category=default_category("health").pk)
    entry = Transaction.objects.get(owner=rules_on, kind="expense")
    assert (entry.category, entry.payee) == (default_category("health"), "My café")


def test_no_rule_matched_keeps_what_was_typed(logged_in, rules_on, frozen_now):
    account = AccountFactory(owner=rules_on, opening_balance=D("100.00"))
    response = post(logged_in, account, description="Bakery <b>42</b>")
    assert response.status_code == 200
    body = response.content.decode()
    assert "No rule matched: choose a category" in body
    assert "Bakery &lt;b&gt;42&lt;/b&gt;" in body  # kept, escaped
    assert not Transaction.objects.filter(owner=rules_on, kind="expense").exists()


def test_preference_off_means_category_required(logged_in, rules_on, frozen_now):
    from apps.rules import services

    services.rule_preferences_set(user=rules_on, apply_on_manual_entry=False)
    account = AccountFactory(owner=rules_on, opening_balance=D("100.00"))
    page = logged_in.get(reverse("transactions:expense")).content.decode()
    assert "Let my rules choose" not in page
    response = post(logged_in, account)
    assert response.status_code == 200
    assert not Transaction.objects.filter(owner=rules_on, kind="expense").exists()


def test_without_the_hook_the_category_is_required(logged_in, user, settings, frozen_now):
    settings.LEDGER_EXTENSIONS = {k: v for k, v in getattr(settings, "LEDGER_EXTENSIONS", {}).items()
                                  if k not in HOOKS}
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    response = post(logged_in, account)
    assert response.status_code == 200
    assert "Let my rules choose" not in response.content.decode()
    assert not Transaction.objects.filter(owner=user, kind="expense").exists()


def test_a_rule_that_sets_only_the_payee_asks_for_a_category(logged_in, rules_on, frozen_now):
    from apps.rules import services

    services.rule_create(user=rules_on, name="Bakery", pattern="bakery", set_payee="Bakery")
    account = AccountFactory(owner=rules_on, opening_balance=D("100.00"))
    response = post(logged_in, account, description="BAKERY 7")
    assert "Your rule “Bakery” sets only the payee: choose a category." in response.content.decode()
    assert not Transaction.objects.filter(owner=rules_on, kind="expense").exists()
