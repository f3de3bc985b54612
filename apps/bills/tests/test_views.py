import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.bills import services
from apps.bills.models import Occurrence, RecurringItem
from tests.factories import UserFactory, account, category, expense
from tests.helpers import messages_of

from .conftest import TODAY, make_bill

pytestmark = pytest.mark.django_db
D = Decimal


def bill_data(acct, **overrides):
    data = {"name": "Rent", "amount": "850.00", "amount_min": "", "amount_max": "", "account": acct.pk,
            "category": category("rent").pk, "frequency": "monthly", "starts_on": "2025-12-31", "day": "",
            "second_day": "", "until": "", "count": "", "remind_days": "3"}
    return {**data, **overrides}


def row_of(html, item):
    return re.search(rf'id="item-{item.pk}".*?</tr>', html, re.S).group(0)


# --- list ------------------------------------------------------------------------------------

def test_login_required(client):
    response = client.get(reverse("bills:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_empty_state(logged_in):
    html = logged_in.get(reverse("bills:list")).content.decode()
    assert "No bills or recurring money yet." in html
    assert reverse("bills:create", args=["bill"]) in html


def test_list_shows_the_current_occurrence_of_each_item(logged_in, user, checking, savings, time_machine):
    rent = make_bill(checking, starts_on=date(2025, 12, 16))
    phone = make_bill(checking, name="Phone", amount="30.00")
    salary = make_bill(checking, name="Salary", kind="income", cat="salary", amount="3000.00",
                       starts_on=date(2025, 12, 31))
    saving = make_bill(checking, name="Savings", kind="transfer", to_account_id=savings.pk, amount="1000.00",
                       starts_on=date(2025, 12, 20))
    make_bill(account(UserFactory(), "Theirs"), name="Their secret bill")
    html = logged_in.get(reverse("bills:list")).content.decode()
    assert "Their secret bill" not in html
    assert "style=" not in html.split("<main", 1)[1]  # the Content-Security-Policy forbids inline styles
    assert "Dec 15, 2025" in row_of(html, phone) and "Due today" in row_of(html, phone)
    assert "Mark paid" in row_of(html, phone) and "paid by hand" in row_of(html, phone)
    assert "Dec 16, 2025" in row_of(html, rent) and "Upcoming" in row_of(html, rent)
    assert "3,000.00 USD" in row_of(html, salary) and "Mark paid" not in row_of(html, salary)
    assert "Checking → Savings" in row_of(html, saving)
    assert html.index("Phone") < html.index(f'id="item-{rent.pk}"') < html.index("Savings")  # soonest first

    time_machine.move_to("2025-12-21T12:00Z", tick=False)
    services.recurring_post_due()  # the transfer of 20 Dec
    html = logged_in.get(reverse("bills:list")).content.decode()
    assert "Overdue" in row_of(html, phone) and "Overdue" in row_of(html, rent)
    assert "Jan 20, 2026" in row_of(html, saving) and "Upcoming" in row_of(html, saving)


def test_a_failed_autopay_shows_failed_with_mark_paid(logged_in, user, checking):
    rent = make_bill(checking, amount="5000.00", autopay=True)
    services.recurring_post_due()
    html = logged_in.get(reverse("bills:list")).content.decode()
    assert "Failed" in row_of(html, rent) and "Mark paid" in row_of(html, rent)
    page = logged_in.get(reverse("bills:pay", args=[rent.pk, "2025-12-15"])).content.decode()
    assert "The automatic payment failed: not enough money in “Checking”" in page


def test_list_page_query_count_does_not_grow_with_items(client, django_assert_max_num_queries):
    counts = {}
    for size in (1, 25):
        user = UserFactory()
        acct = account(user, opening="10.00")
        for i in range(size):
            item = make_bill(acct, name=f"Bill {i}", amount="1.00", frequency="weekly")
            services.occurrence_skip(user=user, item_id=item.pk, due_on=date(2025, 12, 22))
        client.force_login(user)
        client.get(reverse("bills:list"))  # warm up (session, content types)
        # Session, user, the items (one query), the alert badge; room for two more from middleware.
        with django_assert_max_num_queries(6) as queries:
            response = client.get(reverse("bills:list"))
        assert response.content.decode().count('id="item-') == size
        counts[size] = len(queries)
    assert counts[1] == counts[25]


# --- create and edit ---------------------------------------------------------------------------

def test_create_a_bill(logged_in, user, checking):
    response = logged_in.post(reverse("bills:create", args=["bill"]), bill_data(checking, autopay="on"))
    assert response.status_code == 302 and response.url == reverse("bills:list")
    item = RecurringItem.objects.get(owner=user)
    assert (item.name, item.amount, item.next_due_on, item.autopay, item.day) == (
        "Rent", D("850.00"), date(2025, 12, 31), True, 31)
    assert messages_of(response) == ["“Rent” added: first payment on Dec 31, 2025."]


def test_create_a_transfer_and_an_income(logged_in, user, checking, savings):
    data = bill_data(checking, name="Savings", to_account=savings.pk)
    del data["category"]
    assert logged_in.post(reverse("bills:create", args=["transfer"]), data).status_code == 302
    assert logged_in.post(reverse("bills:create", args=["income"]),
                          bill_data(checking, name="Salary", category=category("salary").pk)).status_code == 302
    assert sorted(RecurringItem.objects.filter(owner=user).values_list("kind", "autopay")) == [
        ("income", True), ("transfer", True)]


def test_create_with_bad_input_keeps_what_was_typed(logged_in, user, checking):
    response = logged_in.post(reverse("bills:create", args=["bill"]), bill_data(
        checking, name="City Power", amount="12,50", starts_on="2025-12-01"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "12,50: use 12.50." in html
    assert 'value="12,50"' in html and 'value="City Power"' in html and 'value="2025-12-01"' in html
    response = logged_in.post(reverse("bills:create", args=["bill"]), bill_data(checking, starts_on="2025-12-01"))
    assert "Choose today (Dec 15, 2025) or a later date" in response.content.decode()
    assert messages_of(response) == ["Please correct the errors below."]
    assert not RecurringItem.objects.filter(owner=user).exists()


def test_create_with_an_estimate_out_of_range_says_so(logged_in, checking):
    response = logged_in.post(reverse("bills:create", args=["bill"]),
                              bill_data(checking, amount="100.00", amount_min="110.00", amount_max="150.00"))
    assert "The expected amount is between the lowest (110.00) and the highest (150.00)." in \
        response.content.decode()


def test_an_unknown_kind_or_another_customers_account_is_404(logged_in, user, checking):
    assert logged_in.get(reverse("bills:create", args=["loan"])).status_code == 404
    theirs = account(UserFactory(), "Theirs")
    assert logged_in.post(reverse("bills:create", args=["bill"]), bill_data(theirs)).status_code == 404


def test_edit_shows_the_next_date_and_saves_from_there(logged_in, user, checking):
    rent = make_bill(checking, starts_on=date(2025, 12, 31), count=12)
    html = logged_in.get(reverse("bills:edit", args=[rent.pk])).content.decode()
    assert 'value="2025-12-31"' in html and "Next payment on" in html and 'value="12"' in html
    response = logged_in.post(reverse("bills:edit", args=[rent.pk]),
                              bill_data(checking, amount="900.00", count="12"))
    assert response.status_code == 302
    rent.refresh_from_db()
    assert rent.amount == D("900.00")


# --- actions -----------------------------------------------------------------------------------

def test_another_customers_item_answers_404(logged_in):
    theirs = make_bill(account(UserFactory(), "Theirs"))
    for name in ("detail", "edit", "delete"):
        assert logged_in.get(reverse(f"bills:{name}", args=[theirs.pk])).status_code == 404
    for name in ("pause", "resume", "skip", "delete"):
        assert logged_in.post(reverse(f"bills:{name}", args=[theirs.pk]), {"due_on": "2025-12-15"}).status_code == 404
    assert logged_in.get(reverse("bills:pay", args=[theirs.pk, "2025-12-15"])).status_code == 404
    pay = reverse("bills:pay", args=[theirs.pk, "2025-12-15"])
    assert logged_in.post(pay, {"amount": "1.00", "paid_on": "2025-12-15"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and not theirs.is_paused and not theirs.occurrences.exists()


def test_pause_resume_and_skip(logged_in, user, checking):
    rent = make_bill(checking)
    response = logged_in.post(reverse("bills:pause", args=[rent.pk]))
    assert response.status_code == 302 and "paused" in messages_of(response)[0]
    assert "Paused" in row_of(logged_in.get(reverse("bills:list")).content.decode(), rent)
    logged_in.post(reverse("bills:resume", args=[rent.pk]))
    response = logged_in.post(reverse("bills:skip", args=[rent.pk]), {"due_on": "2025-12-15"})
    assert messages_of(response)[-1] == "The payment of “Rent” due on Dec 15, 2025 is skipped."
    assert "Jan 15, 2026" in row_of(logged_in.get(reverse("bills:list")).content.decode(), rent)
    response = logged_in.post(reverse("bills:skip", args=[rent.pk]), {"due_on": "2025-12-15"})
    assert "already skipped" in messages_of(response)[0]
    response = logged_in.post(reverse("bills:skip", args=[rent.pk]), {"due_on": "soon"})
    assert response.status_code == 302 and messages_of(response)[-1] == "Choose the payment to skip."
    assert logged_in.get(reverse("bills:pause", args=[rent.pk])).status_code == 405


def test_mark_paid_suggests_matching_expenses_and_links_one(logged_in, user, checking):
    rent = make_bill(checking, amount="100.00")
    entry = expense(checking, "100.00", on=date(2025, 12, 14), category="rent", description="Rent Dec")
    page = logged_in.get(reverse("bills:pay", args=[rent.pk, "2025-12-15"])).content.decode()
    assert "Rent Dec" in page and f'name="transaction_id" value="{entry.pk}"' in page
    response = logged_in.post(reverse("bills:pay", args=[rent.pk, "2025-12-15"]), {"transaction_id": entry.pk})
    assert response.status_code == 302
    assert Occurrence.objects.get(item=rent).transaction == entry
    page = logged_in.get(reverse("bills:pay", args=[rent.pk, "2025-12-15"])).content.decode()
    assert "This payment is paid." in page


def test_mark_paid_by_posting_it_now(logged_in, user, checking):
    rent = make_bill(checking, amount="100.00")
    url = reverse("bills:pay", args=[rent.pk, "2026-01-15"])  # paid early
    response = logged_in.post(url, {"amount": "2000.00", "paid_on": "2025-12-15"})
    html = response.content.decode()
    assert response.status_code == 200 and "Not enough money in “Checking”" in html and 'value="2000.00"' in html
    response = logged_in.post(url, {"amount": "99.50", "paid_on": "2025-12-15"})
    assert response.status_code == 302
    occurrence = Occurrence.objects.get(item=rent, state="paid")
    assert (occurrence.due_on, occurrence.amount, occurrence.transaction.occurred_on) == (
        date(2026, 1, 15), D("99.50"), TODAY)
    checking.refresh_from_db()
    assert checking.balance == D("900.50")
    assert logged_in.get(reverse("bills:pay", args=[rent.pk, "2026-01-16"])).status_code == 404  # no such date


def test_delete_asks_first(logged_in, user, checking):
    rent = make_bill(checking)
    page = logged_in.get(reverse("bills:delete", args=[rent.pk])).content.decode()
    assert "Delete “Rent”?" in page
    response = logged_in.post(reverse("bills:delete", args=[rent.pk]))
    assert response.status_code == 302 and not RecurringItem.objects.filter(pk=rent.pk).exists()


def test_detail_shows_next_dates_and_history(logged_in, user, checking):
    rent = make_bill(checking, amount="10.00", autopay=True)
    services.recurring_post_due()
    html = logged_in.get(reverse("bills:detail", args=[rent.pk])).content.decode()
    assert "Jan 15, 2026, Feb 15, 2026, Mar 15, 2026" in html
    assert "Paid" in html and "Entry of Dec 15, 2025" in html


def test_navigation_links_to_bills(logged_in):
    html = logged_in.get(reverse("bills:list")).content.decode()
    assert f'href="{reverse("bills:list")}">Bills</a>' in html
    assert 'aria-current="page" href="/bills/"' in html
