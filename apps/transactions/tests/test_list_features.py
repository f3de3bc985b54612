"""The transactions list people expect (issue 16, point 3): transfers as one line, a running
balance on one account, sortable columns, amount and date ranges in the URL, one menu per
row, and quick entry of an expense from the list."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import strategies as st

from apps.accounts.models import Account
from apps.core.money import MAX_AMOUNT
from apps.transactions.filters import searched_amount
from apps.transactions.models import Transaction
from tests.factories import AccountFactory, CategoryFactory, default_category, expense, income, transfer
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db

LIST = reverse("transactions:list")


@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Everyday checking", opening_balance=Decimal("1000.00"))


@pytest.fixture
def savings(user):
    return AccountFactory(owner=user, name="Rainy-day savings", opening_balance=Decimal("0.00"))


def lines(response) -> list:
    return response.context["rows"]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def balance(account) -> Decimal:
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


# ---------------------------------------------------------------------------
# Transfers as one line
# ---------------------------------------------------------------------------

def test_a_transfer_is_one_line_naming_both_accounts(logged_in, checking, savings):
    leg = transfer(checking, savings, "250.00", on=date(2025, 4, 2), description="for the roof")
    response = logged_in.get(LIST)
    rows = lines(response)
    transfers = [row for row in rows if row.is_transfer]
    assert [(row.entry.pk, row.entry.account_id, row.counterpart.account_id) for row in transfers] == [
        (leg.pk, checking.pk, savings.pk)]
    html = text(response)
    assert "Everyday checking → Rainy-day savings" in html
    assert "transfer of </span>250.00 USD" in html  # no sign: it moves money, it neither earns nor spends
    assert "for the roof" in html
    # One line per entry otherwise: the opening balances and the transfer.
    assert response.context["page_obj"].paginator.count == 2  # checking's opening + the transfer


def test_on_one_account_each_leg_is_that_accounts_line(logged_in, checking, savings):
    transfer(checking, savings, "250.00", on=date(2025, 4, 2))
    on_savings = logged_in.get(LIST, {"account": savings.pk})
    [row] = lines(on_savings)
    assert (row.entry.kind, row.counterpart_name) == (Transaction.Kind.TRANSFER_IN, "Everyday checking")
    assert "Transfer from Everyday checking" in text(on_savings) and "+250.00 USD" in text(on_savings)
    on_checking = logged_in.get(LIST, {"account": checking.pk})
    assert "Transfer to Rainy-day savings" in text(on_checking) and "−250.00 USD" in text(on_checking)


def test_asking_for_transfers_in_shows_the_incoming_legs(logged_in, checking, savings):
    transfer(checking, savings, "5.00")
    response = logged_in.get(LIST, {"kind": "transfer_in"})
    assert [row.entry.kind for row in lines(response)] == [Transaction.Kind.TRANSFER_IN]


# ---------------------------------------------------------------------------
# Running balance
# ---------------------------------------------------------------------------

def test_one_account_shows_the_balance_after_each_line_on_every_page(logged_in, checking, savings):
    for day in range(1, 31):
        expense(checking, f"{day}.00", on=date(2025, 5, day))
    income(checking, "100.00", on=date(2025, 6, 1))
    transfer(checking, savings, "50.00", on=date(2025, 6, 2))
    # 1000 - (1 + ... + 30) + 100 - 50 = 585
    assert balance(checking) == Decimal("585.00")
    page1 = logged_in.get(LIST, {"account": checking.pk})
    assert page1.context["running_balance"] is True
    after = [row.balance_after for row in lines(page1)]
    assert after[:4] == [Decimal("585.00"), Decimal("635.00"), Decimal("535.00"), Decimal("565.00")]
    page2 = logged_in.get(LIST, {"account": checking.pk, "page": 2})
    rows2 = lines(page2)
    # Page 2 starts below page 1's last line: the expense of the 7th, after which 1000 - (1+...+7) = 972.
    assert rows2[0].entry.occurred_on == date(2025, 5, 7)
    assert rows2[0].balance_after == Decimal("972.00")
    assert rows2[-1].entry.kind == Transaction.Kind.OPENING and rows2[-1].balance_after == Decimal("1000.00")
    assert 'data-balance>972.00 USD' in page2.content.decode()


def test_no_running_balance_across_accounts_or_with_another_filter(logged_in, checking):
    expense(checking, "5.00")
    assert logged_in.get(LIST).context["running_balance"] is False
    assert logged_in.get(LIST, {"account": checking.pk, "q": "x"}).context["running_balance"] is False
    assert logged_in.get(LIST, {"account": checking.pk, "sort": "amount"}).context["running_balance"] is False
    assert logged_in.get(LIST, {"account": checking.pk, "sort": "-date"}).context["running_balance"] is True


def test_the_account_page_shows_the_balance_after_each_line(logged_in, checking):
    expense(checking, "40.00", on=date(2025, 5, 1))
    expense(checking, "10.00", on=date(2025, 5, 2))
    response = logged_in.get(reverse("accounts:detail", args=[checking.pk]))
    assert [row.balance_after for row in response.context["rows"]] == [
        Decimal("950.00"), Decimal("960.00"), Decimal("1000.00")]


def test_the_list_reads_the_same_number_of_queries_for_5_or_25_lines_with_balances(
        logged_in, checking, savings, django_assert_num_queries):
    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        with CaptureQueriesContext(connection) as queries:
            assert logged_in.get(LIST, {"account": checking.pk, "page": 1}).status_code == 200
        return len(queries)

    for day in range(1, 5):
        transfer(checking, savings, "1.00", on=date(2025, 5, day))
    few = count_queries()
    for day in range(5, 30):
        transfer(checking, savings, "1.00", on=date(2025, 5, day))
    assert count_queries() == few


# ---------------------------------------------------------------------------
# Sorting, ranges, the URL
# ---------------------------------------------------------------------------

def test_sorting_by_amount_payee_and_date(logged_in, checking):
    expense(checking, "30.00", on=date(2025, 5, 1), payee="Bakery")
    expense(checking, "5.00", on=date(2025, 5, 2), payee="Zoo")
    income(checking, "20.00", on=date(2025, 5, 3), payee="Acme Payroll")

    def payees(**query):
        return [row.entry.payee or row.entry.description for row in lines(logged_in.get(LIST, query))]

    # Signed amounts: the largest credit first, the largest debit last.
    assert payees(sort="-amount") == ["Opening balance", "Acme Payroll", "Zoo", "Bakery"]
    assert payees(sort="amount") == ["Bakery", "Zoo", "Acme Payroll", "Opening balance"]
    assert payees(sort="payee") == ["Acme Payroll", "Bakery", "Opening balance", "Zoo"]
    assert payees(sort="date") == ["Opening balance", "Bakery", "Zoo", "Acme Payroll"]
    assert payees() == ["Acme Payroll", "Zoo", "Bakery", "Opening balance"]


def test_sort_headers_keep_the_filters_and_say_the_order(logged_in, checking):
    expense(checking, "30.00")
    response = logged_in.get(LIST, {"kind": "expense", "page": "1", "sort": "-amount"})
    html = response.content.decode()
    headers = response.context["sort_headers"]
    assert headers["amount"].state == "descending" and headers["date"].state is None
    assert headers["amount"].href == "?" + urlencode({"kind": "expense", "sort": "amount"})  # turned round, page 1
    assert headers["date"].href == "?" + urlencode({"kind": "expense", "sort": "-date"})
    assert headers["payee"].href == "?" + urlencode({"kind": "expense", "sort": "payee"})  # names from A
    assert 'aria-sort="descending"' in html and html.count("aria-sort=") == 1
    assert response.context["sort_caption"] == "by amount, descending"


def test_a_sorted_or_filtered_list_offers_to_clear_and_an_unsorted_one_does_not(logged_in, checking):
    clear = '<a class="btn btn-link" href="/transactions/">Clear</a>'
    assert clear in logged_in.get(LIST, {"sort": "payee"}).content.decode()
    filtered = logged_in.get(LIST, {"kind": "income"}).content.decode()
    assert clear in filtered and "Filters and search (1 on)" in filtered
    unfiltered = logged_in.get(LIST).content.decode()
    assert clear not in unfiltered and "Filters and search</button>" in unfiltered


def test_an_unknown_sort_is_a_clear_error_not_a_crash(logged_in, checking):
    response = logged_in.get(LIST, {"sort": "owner__password"})
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert [row.entry.kind for row in lines(response)] == [Transaction.Kind.OPENING]  # the default order


def test_amount_and_date_ranges(logged_in, checking, settings):
    settings.PAGE_CACHE = False  # reads the context of a page it has read before (apps.core.pagecache)
    expense(checking, "9.99", on=date(2025, 5, 1), payee="A")
    expense(checking, "10.00", on=date(2025, 5, 10), payee="B")
    expense(checking, "50.00", on=date(2025, 5, 20), payee="C")
    income(checking, "50.01", on=date(2025, 5, 31), payee="D")

    def payees(**query):
        return [row.entry.payee for row in lines(logged_in.get(LIST, query))]

    assert payees(amount_from="10", amount_to="50") == ["C", "B"]  # inclusive, on the entry's size
    assert payees(date_from="2025-05-10", date_to="2025-05-20") == ["C", "B"]
    assert payees(date_from="2025-05-10", amount_from="50") == ["D", "C"]
    # The totals are those of the rows shown.
    totals = logged_in.get(LIST, {"amount_from": "10", "amount_to": "50"}).context["totals"]
    assert [(t.money_in, t.money_out) for t in totals] == [(Decimal("0.00"), Decimal("60.00"))]


@pytest.mark.parametrize("query, message", [
    ({"amount_from": "-5"}, "greater than or equal to 0"),
    ({"amount_to": "abc"}, "Enter a number"),
    ({"amount_to": "1.234"}, "no more than 2 decimal places"),
    ({"date_from": "2025-02-30"}, "Enter a valid date"),
])
def test_bad_ranges_say_what_is_wrong_and_keep_what_was_typed(logged_in, checking, query, message):
    response = logged_in.get(LIST, query)
    assert response.status_code == 200
    html = text(response)
    assert message in html
    [(name, value)] = query.items()
    assert f'name="{name}" value="{value}"' in html or f'value="{value}"' in html
    assert 'aria-invalid="true"' in html


# ---------------------------------------------------------------------------
# Row menu, filters folded on a phone
# ---------------------------------------------------------------------------

def test_each_row_has_one_menu_with_edit_make_a_rule_and_delete(logged_in, checking):
    entry = expense(checking, "12.50", on=date(2025, 5, 1))
    html = logged_in.get(LIST).content.decode()
    assert html.count('data-bs-toggle="dropdown" data-bs-popper-config') == 2  # the expense and the opening
    assert 'aria-label="Actions for expense of 12.50 on May 1, 2025"' in html
    assert f'href="{reverse("transactions:update", args=[entry.pk])}"' in html
    assert f'href="{reverse("transactions:delete", args=[entry.pk])}"' in html
    assert f'href="{reverse("rules:create")}?from={entry.pk}"' in html
    assert "btn-outline-danger\" href=" not in html  # no Delete button per row any more


def test_filters_fold_behind_one_button_that_counts_them(logged_in, checking):
    html = text(logged_in.get(LIST, {"q": "rent", "amount_from": "5"}))
    assert 'data-bs-target="#list-filters"' in html and "Filters and search (2 on)" in html
    assert 'class="card card-body shadow-sm mb-3 collapse d-md-block" id="list-filters"' in html
    # With an error the filters are open.
    assert "collapse d-md-block show" in text(logged_in.get(LIST, {"amount_to": "x"}))


# ---------------------------------------------------------------------------
# Quick entry
# ---------------------------------------------------------------------------

def quick_token(response) -> str:
    match = re.search(r'name="quick-form_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the quick entry carries no one-time token"
    return match.group(1)


def quick_data(response, into, **fields):
    data = {"quick-occurred_on": "2025-05-03", "quick-payee": "Corner bakery", "quick-amount": "12.50",
            "quick-category": default_category("food").pk, "quick-account": into.pk,
            "quick-form_token": quick_token(response)}
    data.update({f"quick-{name}": value for name, value in fields.items()})
    return data


def test_quick_entry_posts_an_expense_and_comes_back_to_the_same_list(logged_in, user, checking):
    page = logged_in.get(LIST, {"account": checking.pk})
    assert 'id="quick-entry"' in page.content.decode()
    assert page.context["quick_form"]["account"].value() == checking.pk  # the list's account first
    url = f"{reverse('transactions:quick')}?{urlencode({'account': checking.pk})}"
    response = logged_in.post(url, quick_data(page, checking))
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?account={checking.pk}#quick"
    entry = Transaction.objects.get(owner=user, kind=Transaction.Kind.EXPENSE)
    assert (entry.amount, entry.payee, entry.occurred_on, entry.category.name) == (
        Decimal("12.50"), "Corner bakery", date(2025, 5, 3), "food")
    assert balance(checking) == Decimal("987.50")
    assert "Expense of 12.50 USD recorded on “Everyday checking”." in messages_of(response)[0]


def test_quick_entry_sent_twice_records_one_expense(logged_in, user, checking):
    page = logged_in.get(LIST)
    data = quick_data(page, checking)
    logged_in.post(reverse("transactions:quick"), data)
    logged_in.post(reverse("transactions:quick"), data)
    assert Transaction.objects.filter(owner=user, kind=Transaction.Kind.EXPENSE).count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("amount", "abc", "Enter an amount as a number, for example 12.50."),
    ("amount", "0", "Enter an amount greater than zero."),
    ("payee", "", "This field is required"),
    ("occurred_on", "31.02.2025", "Enter a real date, for example 2025-02-28."),
    ("category", "", "This field is required"),
])
def test_quick_entry_errors_show_on_the_list_with_what_was_typed(logged_in, user, checking, field, value, message):
    page = logged_in.get(LIST)
    response = logged_in.post(reverse("transactions:quick"), quick_data(page, checking, **{field: value}))
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert f'id="id_quick-{field}-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Corner bakery"' in html or field == "payee"  # what was typed stays
    assert "The expense was not added" in html
    assert not Transaction.objects.filter(owner=user, kind=Transaction.Kind.EXPENSE).exists()
    assert balance(checking) == Decimal("1000.00")


def test_quick_entry_that_would_overdraw_is_refused_with_the_reason(logged_in, user, checking):
    page = logged_in.get(LIST)
    response = logged_in.post(reverse("transactions:quick"), quick_data(page, checking, amount="5000.00"))
    assert response.status_code == 200
    assert "not enough" in text(response).lower()
    assert balance(checking) == Decimal("1000.00")


def test_quick_entry_on_another_users_account_answers_404(logged_in, user, checking):
    other = AccountFactory(opening_balance=Decimal("10.00"))
    page = logged_in.get(LIST)
    response = logged_in.post(reverse("transactions:quick"), quick_data(page, checking, account=other.pk))
    assert response.status_code == 404
    assert balance(other) == Decimal("10.00")


def test_quick_entry_offers_expense_categories_only(logged_in, user, checking):
    CategoryFactory(owner=user, name="bonus", kind="income")
    offered = options(logged_in.get(LIST).content.decode(), "id_quick-category")
    assert "Bonus" not in offered and "Food" in offered


def test_no_quick_entry_without_an_account(logged_in):
    response = logged_in.get(LIST)
    assert response.context["quick_form"] is None
    assert 'id="quick-entry"' not in response.content.decode()
    assert logged_in.post(reverse("transactions:quick"), {}).url == reverse("transactions:expense")


def test_quick_entry_offers_the_account_of_the_latest_expense(logged_in, user, checking, savings):
    expense(savings_with_money := AccountFactory(owner=user, name="Wallet", opening_balance=Decimal("50.00")),
            "5.00", on=date(2025, 5, 2))
    expense(checking, "5.00", on=date(2025, 5, 1))
    assert logged_in.get(LIST).context["quick_form"]["account"].value() == savings_with_money.pk
    assert logged_in.get(LIST, {"account": checking.pk}).context["quick_form"]["account"].value() == checking.pk


def test_quick_entry_offers_the_first_account_before_any_expense(logged_in, user, checking, savings):
    assert logged_in.get(LIST).context["quick_form"]["account"].value() == checking.pk


def latest_expense_reads(sql: list[str]) -> int:
    """The statements that look for the latest expense's account (selectors.latest_expense_account_id)."""
    return sum(s.startswith('SELECT "transactions_transaction"."account_id"') for s in sql)


def test_the_latest_expense_on_the_first_page_costs_no_query(logged_in, user, checking, savings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    closed = AccountFactory(owner=user, name="Old card", opening_balance=Decimal("20.00"))
    expense(savings_funded := AccountFactory(owner=user, name="Wallet", opening_balance=Decimal("50.00")),
            "5.00", on=date(2025, 5, 1))
    expense(closed, "20.00", on=date(2025, 5, 3))  # newer, but its account is closed: not offered
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 5, 4))
    income(checking, "9.00", on=date(2025, 5, 5))  # newer, not an expense
    with CaptureQueriesContext(connection) as queries:
        response = logged_in.get(LIST)
    assert response.context["quick_form"]["account"].value() == savings_funded.pk
    assert latest_expense_reads([q["sql"] for q in queries.captured_queries]) == 0


@pytest.mark.parametrize("query", [{"page": "2"}, {"sort": "amount"}, {"q": "paid"}])
def test_the_latest_expense_beyond_the_rows_shown_is_read(logged_in, user, checking, savings, query):
    """Page 2, another order or a filter: the rows are not the ledger's newest, so the form asks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    expense(savings_funded := AccountFactory(owner=user, name="Wallet", opening_balance=Decimal("50.00")),
            "5.00", on=date(2025, 4, 1), description="paid")
    for day in range(1, 28):  # a page and more of newer income: the expense is not on page 1
        income(checking, "1.00", on=date(2025, 5, day), description="paid")
    with CaptureQueriesContext(connection) as queries:
        response = logged_in.get(LIST, query)
    assert response.context["quick_form"]["account"].value() == savings_funded.pk
    assert latest_expense_reads([q["sql"] for q in queries.captured_queries]) == 1
    assert logged_in.get(LIST).context["quick_form"]["account"].value() == savings_funded.pk


def test_the_list_computes_its_sort_columns_only_when_sorted_by_them(logged_in, user, checking):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    expense(checking, "5.00", on=date(2025, 5, 1), payee="Zed")
    expense(checking, "7.00", on=date(2025, 5, 2), payee="alpha")
    for query, needle in [({}, None), ({"sort": "amount"}, "CASE WHEN"), ({"sort": "payee"}, "LOWER(")]:
        with CaptureQueriesContext(connection) as queries:
            response = logged_in.get(LIST, query)
        rows_sql = [q["sql"] for q in queries.captured_queries if "WITH ORDINALITY" in q["sql"]]
        assert len(rows_sql) == 1
        assert ("CASE WHEN" in rows_sql[0] or "LOWER(" in rows_sql[0]) == (needle is not None)
        if needle:
            assert needle in rows_sql[0]
    # By payee, the case set aside: "alpha", then the opening balance's description, then "Zed".
    assert [r.entry.payee or r.entry.description for r in response.context["rows"]] == [
        "alpha", "Opening balance", "Zed"]


def options(html: str, select_id: str) -> list[str]:
    """The labels a select offers, in order, the empty choice left out (an account's without its
    masked number)."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.split(" •")[0]
            for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) if value]


def test_the_selects_share_one_read_of_accounts_and_of_categories(logged_in, user, checking, savings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.transactions.models import Category, CategoryPreference

    CategoryFactory(owner=user, name="bonus", kind="income")
    CategoryPreference.objects.create(owner=user, category=Category.objects.get(owner=None, name="entertainment"),
                                      hidden=True)
    closed = AccountFactory(owner=user, name="Old card", opening_balance=Decimal("0.00"))
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 1, 1))

    with CaptureQueriesContext(connection) as queries:
        html = logged_in.get(LIST).content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    # One statement reads each table for the selects (plain SQL: apps.transactions.selectors.list_choices).
    assert sum(bool(re.search(r'FROM "accounts_account"( a)? WHERE', s)) for s in sql) == 1
    assert sum(bool(re.search(r'FROM "transactions_category"( c)? WHERE', s)) for s in sql) == 1

    # The filters: every account and category (closed and hidden ones name old entries).
    assert options(html, "id_account") == ["Everyday checking", "Old card", "Rainy-day savings"]
    filter_categories = options(html, "id_category")
    assert "Bonus" in filter_categories and "Entertainment" in filter_categories
    # The quick entry: open accounts, and the categories an expense may have, hidden ones left out.
    assert options(html, "id_quick-account") == ["Everyday checking", "Rainy-day savings"]
    quick_categories = options(html, "id_quick-category")
    assert "Food" in quick_categories and "Bonus" not in quick_categories and "Entertainment" not in quick_categories
    # The ticked rows' new category: any a new entry may have.
    bulk = options(html, "bulk-category")
    assert "Bonus" in bulk and "Food" in bulk and "Entertainment" not in bulk
    assert quick_categories == [c for c in bulk if c != "Bonus" and c != "Salary"]


# ---------------------------------------------------------------------------
# Search: words in the payee, the description or the account's name; an amount as typed
# ---------------------------------------------------------------------------

def _searched(client, query) -> list:
    return sorted((row.entry.payee, row.entry.amount) for row in lines(client.get(LIST, {"q": query})))


def test_search_finds_the_account_by_name_and_an_amount_as_the_customer_types_it(logged_in, user, checking, savings):
    expense(checking, "62.30", on=date(2025, 4, 2), payee="Corner Market")
    expense(checking, "62.00", on=date(2025, 4, 3), payee="Bakery")
    income(savings, "162.30", on=date(2025, 4, 5), payee="Refund")
    expense(savings, "9.99", on=date(2025, 4, 4), payee="Streaming", description="monthly plan")
    other = AccountFactory(name="Everyday elsewhere", opening_balance=Decimal("500.00"))  # another customer's
    expense(other, "62.30", payee="Not mine")

    # The account's name: every entry of that account (an opening balance has no payee).
    assert _searched(logged_in, "rainy") == [("Refund", Decimal("162.30")), ("Streaming", Decimal("9.99"))]
    assert _searched(logged_in, "everyday") == [("", Decimal("1000.00")), ("Bakery", Decimal("62.00")),
                                                ("Corner Market", Decimal("62.30"))]
    # An amount: that amount exactly, not 162.30, and never another customer's.
    assert _searched(logged_in, "62.30") == [("Corner Market", Decimal("62.30"))]
    assert _searched(logged_in, " 62 ") == [("Bakery", Decimal("62.00"))]
    # Words still find the payee and the description; what is neither finds nothing.
    assert _searched(logged_in, "plan") == [("Streaming", Decimal("9.99"))]
    # As the list shows it: its sign, its thousands separator and its currency.
    assert _searched(logged_in, "\u221262.30 USD") == [("Corner Market", Decimal("62.30"))]
    assert _searched(logged_in, "1,000.00") == [("", Decimal("1000.00"))]  # the opening balance
    assert _searched(logged_in, "1,00.00") == []
    assert _searched(logged_in, "62.305") == []
    assert _searched(logged_in, "9" * 20) == []  # past what an amount column holds: no error, nothing found
    assert 'type="search" name="q" placeholder="Payee, description, account or amount"' in text(logged_in.get(LIST))

    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    assert _searched(logged_in, "62,30") == [("Corner Market", Decimal("62.30"))]
    assert _searched(logged_in, "1.000,00 $") == [("", Decimal("1000.00"))]
    assert 'placeholder="Empfänger, Beschreibung, Konto oder Betrag"' in text(logged_in.get(LIST))


@given(st.text(max_size=40))
def test_any_search_text_reads_as_an_amount_or_as_none(words):
    amount = searched_amount(words)
    assert amount is None or (Decimal(0) <= amount < MAX_AMOUNT and amount == amount.quantize(Decimal("0.01")))
