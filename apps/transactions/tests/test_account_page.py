"""The account page's balance history (issue 16.6) and "no account yet" (issue 16.7)."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Account
from apps.transactions.models import Transaction
from apps.transactions.selectors import account_balance_history
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def test_balance_history_equals_hand_computed_month_ends(user, frozen_now):
    checking = f.account(user, "Checking", opening="1000.00", opened_on=date(2025, 1, 1))
    savings = f.account(user, "Savings", opened_on=date(2025, 1, 1))
    f.income(checking, "500.00", on=date(2025, 3, 10))
    f.expense(checking, "200.00", on=date(2025, 6, 5))
    f.transfer(checking, savings, "100.00", on=date(2025, 9, 1))
    f.expense(checking, "50.00", on=date(2025, 12, 2))
    f.expense(checking, "30.00", on=date(2026, 1, 10))  # after this month: not in December's end
    checking.refresh_from_db()
    assert checking.balance == D("1120.00")
    with CaptureQueriesContext(connection) as queries:
        history = account_balance_history(account=checking, today=date(2025, 12, 15))
    assert len(queries) == 2
    expected = [1000, 1000, 1500, 1500, 1500, 1300, 1300, 1300, 1200, 1200, 1200, 1150]
    assert [(p.month, p.balance) for p in history] == [(date(2025, m, 1), D(v)) for m, v in zip(range(1, 13), expected,
                                                                                                strict=True)]
    savings.refresh_from_db()
    assert [p.balance for p in account_balance_history(account=savings, today=date(2025, 12, 15))][7:9] == \
        [D("0.00"), D("100.00")]


def test_balance_history_starts_at_the_opening_month_and_shows_on_the_page(client, user, frozen_now):
    card = f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("500.00"), opened_on=date(2025, 10, 3))
    f.expense(card, "120.00", on=date(2025, 11, 20))
    card.refresh_from_db()
    history = account_balance_history(account=card, today=date(2025, 12, 15))
    assert [(p.month, p.balance) for p in history] == [
        (date(2025, 10, 1), D("0.00")), (date(2025, 11, 1), D("-120.00")), (date(2025, 12, 1), D("-120.00"))]
    client.force_login(user)
    response = client.get(reverse("accounts:detail", args=[card.pk]))
    assert response.context["balance_chart"]["values"] == ["0.00", "-120.00", "-120.00"]
    page = response.content.decode()
    assert 'id="account-balance-data"' in page and 'id="table-balance-history"' in page
    assert "transactions/account_balance.js" in page
    assert "Credit limit" in page
    # The chart writes its figures as the page does (static/js/charts.js), with Chart.js loaded
    # once for every chart of the page, the forecast's too.
    assert {k: response.context["balance_chart"][k] for k in ("locale", "unit")} == {"locale": "en-US", "unit": "USD"}
    assert page.count("chartjs/chart.umd.min.js") == 1 and page.count("js/charts.js") == 1
    assert page.index("js/charts.js") < page.index("js/forecast.js") < page.index("account_balance.js")


@pytest.mark.parametrize("name", ["transactions:income", "transactions:expense", "transactions:transfer"])
def test_money_forms_without_an_open_account_lead_to_opening_one_and_back(client, user, frozen_now, name):
    client.force_login(user)
    form_url = reverse(name)
    response = client.get(form_url)
    create = reverse("accounts:create")
    assert response.status_code == 302 and response["Location"] == f"{create}?next={form_url.replace('/', '%2F')}"
    response = client.post(response["Location"], {"name": "Everyday", "kind": "checking", "currency": "USD",
                                                  "opening_balance": "10.00", "opened_on": "2025-12-01"})
    account = Account.objects.get(owner=user, name="Everyday")
    assert response.status_code == 302 and response["Location"] == f"{form_url}?account={account.pk}"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("name", ["transactions:income", "transactions:expense", "transactions:transfer"])
def test_a_post_without_an_open_account_leads_to_opening_one_and_writes_nothing(client, user, frozen_now, name):
    """A valid post names an open account, so the check waits until the form would be shown
    again (issue 17): a post with the customer's closed account still leads to opening one."""
    closed = f.AccountFactory(owner=user, name="Old")
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 11, 1))
    client.force_login(user)
    form_url = reverse(name)
    data = {"account": closed.pk, "from_account": closed.pk, "to_account": closed.pk, "amount": "5.00",
            "category": f.default_category("salary" if name == "transactions:income" else "food").pk,
            "occurred_on": "2025-12-01", "description": "", "form_token": str(uuid.uuid4())}
    response = client.post(form_url, data)
    create = reverse("accounts:create")
    assert response.status_code == 302 and response["Location"] == f"{create}?next={form_url.replace('/', '%2F')}"
    assert Transaction.objects.filter(account=closed).exclude(kind="opening").count() == 0


def test_next_pointing_elsewhere_is_ignored(client, user, frozen_now):
    client.force_login(user)
    response = client.post(reverse("accounts:create") + "?next=//evil.example/x",
                           {"name": "A", "kind": "checking", "currency": "USD", "opening_balance": "0",
                            "opened_on": "2025-12-01"})
    assert response["Location"] == reverse("accounts:detail", args=[Account.objects.get(owner=user).pk])
