"""The benchmark's ceiling of the transactions list (bench/urls.py, issue 17) reads what the list
shows: the same count, and the same 25 rows in the same order, for the same customer. Read
against that ceiling, a page's ratio says how much of its time its forms and templates take;
the ceiling is only worth that if its statements are the list's. Likewise the dashboard's data
without its page reads the dashboard's figures."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from tests.factories import AccountFactory, AlertFactory, UserFactory, budget, expense, income, transfer

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_list_ceiling_reads_the_lists_count_and_rows(client, frozen_now):
    user = UserFactory()
    main = AccountFactory(owner=user, name="Main", opening_balance=Decimal("9000.00"))
    spare = AccountFactory(owner=user, name="Spare", opening_balance=Decimal("100.00"))
    for number in range(30):
        expense(main, f"{number + 1}.10", on=date(2025, 11, 1) + timedelta(days=number % 9), payee=f"Shop {number}")
    income(spare, "50.00", on=date(2025, 11, 5), payee="Employer")
    transfer(main, spare, "20.00", on=date(2025, 11, 7))  # one line on the list: its incoming leg is not counted
    AlertFactory(owner=user)
    other = UserFactory()  # another customer's entries are neither counted nor shown
    expense(AccountFactory(owner=other, opening_balance=Decimal("100.00")), "5.00", payee="Not mine")
    client.force_login(user)

    listed = client.get("/transactions/")
    ceiling = client.get("/bench/list-ceiling")

    assert listed.status_code == ceiling.status_code == 200
    html = ceiling.content.decode()
    assert "<p>34 transactions, 2 accounts," in html  # 2 openings, 30 expenses, the income, the transfer
    assert "1 alerts</p>" in html
    ceiling_amounts = re.findall(r"<td>(\d+\.\d\d) USD</td>", html)
    assert len(ceiling_amounts) == 25
    listed_ids = [row.entry.pk for row in listed.context["rows"]]
    assert len(listed_ids) == 25
    assert ceiling_amounts == [f"{row.entry.amount}" for row in listed.context["rows"]]
    assert "Not mine" not in html


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_dashboards_data_without_its_page_has_the_dashboards_figures(client, frozen_now):
    user = UserFactory()
    main = AccountFactory(owner=user, name="Main", opening_balance=Decimal("900.00"))
    budget(user, "food", "50.00")
    expense(main, "62.30", on=frozen_now.date(), payee="Corner Market")
    client.force_login(user)

    overview = json.loads(client.get("/dashboard/overview").content, parse_float=Decimal)
    html = client.get("/bench/dashboard-data").content.decode()

    assert overview["accounts"] == {"total_accounts": 1, "total_balance": Decimal("837.70")}
    assert "<p>1 accounts, 837.70 USD, 1 alerts, 0 points, spent 62.30</p>" in html
    assert "<li>food: 62.30 of 50.00</li>" in html
    assert f"<li>{frozen_now.date().isoformat()} Corner Market 62.30</li>" in html
