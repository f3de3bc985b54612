"""The dashboard's figures are rendered by Jinja2 (apps.dashboard.body): what a customer typed is
escaped there too, also where it is filled into a translated text that holds markup."""

from datetime import date
from decimal import Decimal

import pytest

from apps.bills import services as bills
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = '<b onmouseover="x()">&amp;</b>'
ESCAPED = "&lt;b onmouseover=&#34;x()&#34;&gt;&amp;amp;&lt;/b&gt;"


def test_names_the_customer_typed_are_escaped_in_every_part(logged_in, user, now):
    account = f.account(user, f"Acct {HOSTILE}", opening="500.00")
    category = f.category(f"cat {HOSTILE}", user=user)
    f.budget(user, category, "10.00")
    f.expense(account, "50.00", on=date(2025, 12, 10), category=category, payee=f"Payee {HOSTILE}")
    bills.recurring_create(user=user, kind="income", name=f"Pay {HOSTILE}", amount=Decimal("900.00"),
                           account_id=account.pk, starts_on=date(2025, 12, 20), category=f.category("salary"))

    html = logged_in.get("/").content.decode()

    assert HOSTILE not in html
    assert 'onmouseover="x()"' not in html
    # The account (cards, safe to spend, the accounts' table, the latest entries), the payee, the
    # category (budget and table) and the income's name in "until {label} on {day}".
    assert html.count(f"Acct {ESCAPED}") >= 3
    assert f"Payee {ESCAPED}" in html
    assert html.count(ESCAPED) >= 7
    assert f"until Pay {ESCAPED} on <time" in html
    # The markup of the translated texts stays markup.
    assert '<span class="badge text-bg-danger">Over budget</span>' in html
    assert '<span id="total-accounts">1</span> account' in html
