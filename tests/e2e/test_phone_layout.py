"""Phone-first (issue 16, point 2): at 390x844 no page scrolls sideways, and the money actions
(add an expense, an income, a transfer) are one tap from every page, with the menu folded.

The pages are found the way a person finds them: from the dashboard, following the links on
each page (one page per kind of address: /accounts/12/ and /accounts/13/ are one kind). The
default tier visits the first few; the full tier every kind it can reach."""

import io
import re
from collections import deque
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from apps.bills.services import recurring_create
from apps.core.dates import add_months, month_start
from apps.imports.models import ImportBatch
from apps.transactions.models import Category
from apps.transactions.services import account_open, expense_post, income_post
from tests.tiers import by_tier

from .support import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_PAGES = by_tier(8, 300)
SKIP = re.compile(r"^/(admin|static|media)/|logout|\.(csv|pdf|zip|json)$|/export|/unsubscribe/|/service-worker")
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"""
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"


def kind_of(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_no_page_scrolls_sideways_on_a_phone_and_money_actions_are_one_tap_away(open_app):
    call_command("seed_demo", stdout=io.StringIO())
    app = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
    app.login("demo@example.com", "bankdash-demo")
    page = app.page
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    queue, seen, faults, visited = deque(["/"]), {kind_of("/")}, {}, []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        response = app.goto(path, check=False)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        visited.append(path)
        if (overflow := page.evaluate(OVERFLOW_JS)) > 0:
            faults[path] = f"scrolls sideways by {overflow}px"
        if not page.locator("#quickAdd").is_visible():
            faults[path] = "no one-tap New button"
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if kind_of(parts.path) not in seen:
                seen.add(kind_of(parts.path))
                queue.append(target)
    assert len(visited) == min(MAX_PAGES, len(seen)), visited
    assert not faults, f"On a 390 px phone: {faults}"

    app.goto("/budgets/", check=False)
    page.locator("#quickAdd").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Expense", exact=True).click()
    expect(page).to_have_url(re.compile(r"/transactions/expense/new/"))
    app.check()


@pytest.mark.full
def test_a_payee_of_one_long_word_wraps_inside_the_newest_entries_on_a_phone(open_app, make_customer,
                                                                           customer_password):
    user = make_customer("longpayee@example.com")
    account = account_open(user=user, name="Daily account", opening_balance=Decimal("100.00"))
    payee = "Supercalifragilisticexpialidocious-Wholesale-Bakery-Emporium-Ltd"
    food = Category.objects.get(owner__isnull=True, name="food")
    expense_post(user=user, account_id=account.pk, amount=Decimal("12.50"), category=food,
                 occurred_on=account.opened_on, description=payee, payee=payee)
    app = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
    app.login("longpayee@example.com", customer_password)
    app.goto("/")
    page = app.page
    expect(page.locator("#latest-transactions")).to_contain_text(payee)
    # The table fits its card: nothing is clipped until scrolled, and the page does not scroll.
    wider = page.evaluate("""() => {
        const box = document.querySelector('#latest-transactions').closest('.table-responsive');
        return box.scrollWidth - box.clientWidth;
    }""")
    assert wider <= 0, f"the newest entries are {wider}px wider than their card"
    assert page.evaluate(OVERFLOW_JS) <= 0
    app.check()


@pytest.mark.full
def test_the_welcome_steps_line_up_and_the_balance_label_sits_over_its_figure(open_app, make_customer,
                                                                           customer_password):
    """Seen in screenshots: the welcome steps' texts started at different places (the number,
    the text and the button were spread over the line), and on a phone the account page's
    "Balance" stood at the right end of a figure that had wrapped to the left."""
    user = make_customer("steps@example.com")
    for viewport in (DESKTOP, PHONE):
        app = open_app(viewport=viewport)
        app.login("steps@example.com", customer_password)
        app.goto("/")
        steps = app.page.locator("#first-run-steps > li > span:first-child")
        expect(steps).to_have_count(3)
        lefts = [round(steps.nth(i).bounding_box()["x"]) for i in range(3)]
        assert len(set(lefts)) == 1, f"{viewport}: the steps' texts start at {lefts}"
        item_left = app.page.evaluate(
            "() => document.querySelector('#first-run-steps li').getBoundingClientRect().left")
        assert lefts[0] - item_left < 60, "a step's text starts right after its number"

    account = account_open(user=user, name="Wallet", kind="cash", opening_balance=Decimal("12.50"))
    app = open_app(viewport=PHONE)
    app.login("steps@example.com", customer_password)
    app.goto(f"/accounts/{account.pk}/")
    page = app.page
    expect(page.locator("#account-balance").locator("xpath=preceding-sibling::p[1]")).to_have_text("Balance")
    # Where the texts themselves start (a paragraph's box is as wide as its block, whatever its text).
    label, figure, name = page.evaluate("""() => {
        const start = (element) => {
            const range = document.createRange();
            range.selectNodeContents(element);
            return Math.round(range.getBoundingClientRect().left);
        };
        const figure = document.querySelector('#account-balance');
        return [start(figure.previousElementSibling), start(figure), start(document.querySelector('main h1'))];
    }""")
    assert label == figure == name, f"on a phone: Balance at {label}px, its figure at {figure}px, the name at {name}px"
    app.check()


@pytest.mark.full
def test_the_navigation_bar_fits_on_one_line_from_tablets_to_wide_screens(open_app, make_customer,
                                                                          customer_password):
    """Seen in screenshots: from 992 to 1199 px the unfolded bar was wider than the window (the
    page scrolled sideways, "Log out" and "New" off screen), and up to 1399 px the alerts'
    badge wrapped under "Alerts" and "New" stood out of the bar. Below 1200 px the menu now
    folds; above, the bar holds on one line, a long name cut short."""
    from apps.alerts.services import system_alert_broadcast

    user = make_customer("nav@example.com", display_name="Maximiliana Theodora Montgomery-Worthington")
    for number in range(12):  # a badge of two digits
        system_alert_broadcast(message=f"Notice {number}", users=[user])
    app = open_app(viewport=DESKTOP)
    app.login("nav@example.com", customer_password)
    page = app.page
    for width in (992, 1100, 1199, 1200, 1280, 1399, 1400, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        app.goto("/", check=False)
        found = page.evaluate("""() => {
            const bar = document.querySelector('nav.navbar > .container');
            const box = bar.getBoundingClientRect();
            const inner = box.right - parseFloat(getComputedStyle(bar).paddingRight);
            const shown = [...bar.querySelectorAll('a, button')].filter(e => e.offsetParent !== null);
            const alerts = [...bar.querySelectorAll('a.nav-link')].find(a => a.href.endsWith('/alerts/'));
            const badge = document.querySelector('#alert-badge');
            return {
                sideways: document.documentElement.scrollWidth - window.innerWidth,
                outside: Math.max(...shown.map(e => e.getBoundingClientRect().right)) - inner,
                folded: getComputedStyle(document.querySelector('.navbar-toggler')).display !== 'none',
                badgeBelow: alerts.offsetParent !== null
                    && badge.getBoundingClientRect().top >= alerts.getBoundingClientRect().top + 16,
                barHeight: document.querySelector('nav.navbar').getBoundingClientRect().height,
            };
        }""")
        assert found["sideways"] <= 0, f"{width}px: the page scrolls sideways by {found['sideways']}px"
        assert found["outside"] <= 1, f"{width}px: the bar's controls end {found['outside']}px beyond it"
        assert found["folded"] == (width < 1200), f"{width}px: folded {found['folded']}"
        assert not found["badgeBelow"], f"{width}px: the alerts' badge wrapped under Alerts"
        assert found["barHeight"] < 70, f"{width}px: the bar is {found['barHeight']}px high (two lines)"
    page.set_viewport_size({"width": 1280, "height": 800})
    app.goto("/", check=False)
    name = page.locator("#userMenu .nav-user-name")
    expect(name).to_have_attribute("title", "Maximiliana Theodora Montgomery-Worthington")
    app.check(force=True)


@pytest.mark.full
def test_the_month_navigation_holds_on_one_line_on_a_phone(open_app, make_customer, customer_password):
    """Seen in a screenshot: on a 390 px phone the dashboard's "Next" month wrapped onto a line of
    its own. On a phone the arrows stand beside the month picker, their words read out."""
    make_customer("months@example.com")
    app = open_app(viewport=PHONE)
    app.login("months@example.com", customer_password)
    for path in ("/", "/insights/", "/bills/calendar/"):
        app.goto(path)
        page = app.page
        previous = page.get_by_role("link", name="Previous month", exact=True)
        following = page.get_by_role("link", name="Next month", exact=True)
        parts = [previous, page.locator("#month-picker"), page.get_by_role("button", name="Show", exact=True),
                 following]
        tops = [round(part.bounding_box()["y"] + part.bounding_box()["height"] / 2) for part in parts]
        assert max(tops) - min(tops) <= 4, f"{path}: the month navigation spans lines (middles at {tops})"
        for arrow in (previous, following):
            assert arrow.bounding_box()["width"] >= 44, f"{path}: an arrow narrower than a finger"
        assert page.evaluate(OVERFLOW_JS) <= 0
    app.screenshot("month-navigation-phone")
    app.goto("/")
    month = app.page.locator("#month-picker").input_value()
    with app.page.expect_navigation():
        app.page.get_by_role("link", name="Previous month", exact=True).click()
    assert app.page.locator("#month-picker").input_value() < month


def _table_of(open_app, user, password, path, name, **context):
    """The page ``path`` as ``user`` sees it (``context``: the browser's, a desktop by
    default), and its table called ``name`` (its caption), checked to scroll nothing sideways on a phone."""
    app = open_app(**context)
    app.login(user.email, password)
    app.goto(path)
    table = app.page.get_by_role("table", name=name)
    if context.get("viewport") == PHONE:
        assert table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0
    return app, table


def _on_the_screen(locator) -> bool:
    box = locator.bounding_box()
    return box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.full
def test_the_accounts_list_keeps_each_balance_on_a_phone(open_app, make_customer, customer_password):
    """Seen in German on a phone: the accounts list's six columns scrolled sideways inside their
    card (by 200 px), with the balances off the screen. On a phone the type, bank, number and
    status are now a line under the name; from md up they are columns again."""
    user = make_customer("konten@example.com", locale="de-DE", default_currency="EUR")
    account_open(user=user, name="Girokonto bei der Sparkasse", opening_balance=Decimal("11918.80"), currency="EUR",
                 institution="Sparkasse Hannover", number_last4="4821")
    account_open(user=user, name="Tagesgeld", kind="savings", opening_balance=Decimal("2400.00"), currency="EUR",
                 institution="Deutsche Kreditbank", number_last4="7390")
    phone, table = _table_of(open_app, user, customer_password, "/accounts/", "Ihre Konten", viewport=PHONE,
                             is_mobile=True, has_touch=True)
    balances = table.locator("tbody td.money")
    expect(balances).to_have_text(["11.918,80 €", "2.400,00 €"])
    assert all(_on_the_screen(balances.nth(i)) for i in range(2)), "a balance is off the screen"
    expect(table.get_by_role("columnheader", name="Art")).to_be_hidden()
    expect(table.locator("[data-phone-details]").first).to_have_text("Girokonto · Sparkasse Hannover · •••• 4821")
    phone.check()

    _, table = _table_of(open_app, user, customer_password, "/accounts/", "Ihre Konten")
    expect(table.get_by_role("columnheader", name="Art")).to_be_visible()
    expect(table.locator("[data-phone-details]").first).to_be_hidden()


@pytest.mark.full
def test_the_notification_settings_fit_a_phone_and_each_channel_is_named_there(open_app, make_customer,
                                                                              customer_password):
    """Seen in German on a phone: the alert x channel matrix scrolled sideways inside its card,
    the webhook column out of sight (and the email channel was "E-Mail-Adresse"). On a phone each
    alert is now a line with its channels' boxes below it, each box with its channel's label."""
    user = make_customer("hinweise@example.com", locale="de-DE")
    caption = "Kanäle für jede Art von Hinweis"
    phone, matrix = _table_of(open_app, user, customer_password, "/notifications/settings/", caption,
                              viewport=PHONE, is_mobile=True, has_touch=True)
    webhook = matrix.locator("#id_budget_warning__webhook")
    assert _on_the_screen(webhook), "the webhook box is off the screen"
    was = webhook.is_checked()
    matrix.locator("label[for=id_budget_warning__webhook]").click()  # the label is the box's too
    assert webhook.is_checked() is not was
    expect(matrix.locator("label[for=id_budget_warning__email]")).to_have_text("E-Mail")
    phone.check()

    _, matrix = _table_of(open_app, user, customer_password, "/notifications/settings/", caption)
    expect(matrix.get_by_role("columnheader", name="Webhook")).to_be_visible()
    expect(matrix.locator("label[for=id_budget_warning__webhook]")).to_be_hidden()


@pytest.mark.full
def test_on_a_phone_the_ledgers_payee_gets_more_room_than_its_amount(open_app, make_customer, customer_password):
    """Seen on a 390 px phone: "−1,450.00 USD" on one line took 140 px of the list, its payee
    128, wrapped to a word a line. The currency may now go under the figure (160 px for the payee,
    108 for the amount, the demo's list); on a desktop the amount stays on one line."""
    user = make_customer("ledger@example.com")
    checking = account_open(user=user, name="Everyday checking", opening_balance=Decimal("5000.00"))
    rent = Category.objects.get(owner__isnull=True, name="rent")
    expense_post(user=user, account_id=checking.pk, amount=Decimal("1450.00"), category=rent,
                 occurred_on=checking.opened_on, description="Rent Elm Street flat")
    widths = "r => Array.from(r.children).filter(c => c.offsetParent).map(c => c.getBoundingClientRect().width)"
    for viewport, lines in ((PHONE, 2), (DESKTOP, 1)):
        app = open_app(viewport=viewport)
        app.login(user.email, customer_password)
        app.goto("/transactions/")
        row = app.page.locator(".transactions-table tbody tr").first
        amount = row.locator("td.money")
        expect(amount).to_have_text("−1,450.00 USD")
        # The lines the figure takes: the distinct tops of its text's boxes.
        tops = amount.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c);"
                               " return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }")
        assert tops == lines, f"{viewport}: the amount takes {tops} lines"
        if viewport == PHONE:
            _tick, payee, figure, _menu = row.evaluate(widths)
            assert payee > figure, f"payee {payee:.0f} px, amount {figure:.0f} px"
            assert app.page.evaluate(OVERFLOW_JS) <= 0


@pytest.mark.full
def test_a_charts_table_opened_on_a_phone_fits_its_card(open_app, make_customer, customer_password):
    """Seen in German on a phone: "Income vs spending as a table", opened under its chart, was
    wider than its card (Monat | Einnahmen (USD) | Ausgaben (USD) | Saldo (USD), each head on one
    line). Heads of figures may now wrap, and the charts' tables are in a smaller type there."""
    user = make_customer("saldo@example.com", locale="de-DE")
    this_month = month_start(timezone.localdate())
    first = add_months(this_month, -5)
    checking = account_open(user=user, name="Girokonto", opened_on=first)
    salary, food = (Category.objects.get(owner__isnull=True, name=name) for name in ("salary", "food"))
    for months in range(6):
        day = add_months(first, months)
        income_post(user=user, account_id=checking.pk, amount=Decimal("4200.00"), category=salary, occurred_on=day)
        expense_post(user=user, account_id=checking.pk, amount=Decimal("2454.80"), category=food, occurred_on=day)
    phone = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.login(user.email, customer_password)
    phone.goto("/")
    table = phone.page.locator("table[id^=table-history]")
    table.locator("xpath=ancestor::details").locator("summary").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("4.200,00")
    assert table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0


@pytest.mark.full
def test_the_forecast_table_keeps_each_balance_on_a_phone(open_app, make_customer, customer_password):
    """Seen on a 390 px phone: the account page's forecast table (opened under its chart) put
    the day, what is scheduled and the balance on one line each, and scrolled sideways inside
    its card: the balances out of sight. On a phone what is scheduled is now under the day."""
    user = make_customer("prognose@example.com", locale="de-DE", default_currency="EUR")
    today = timezone.localdate()
    rent = Category.objects.get(owner__isnull=True, name="rent")
    checking = account_open(user=user, name="Girokonto", opening_balance=Decimal("1060.00"), currency="EUR",
                            opened_on=today - timedelta(days=30))
    recurring_create(user=user, kind="bill", name="Miete für die Wohnung in der Lindenstraße",
                     amount=Decimal("850.00"), account_id=checking.pk, starts_on=today + timedelta(days=5),
                     category=rent)
    caption = ("Voraussichtlicher Kontostand von Girokonto an den Tagen mit geplanten Zahlungen, heute und am Tag "
               "des Tiefststands")
    for query in ("", "?estimate=1"):  # with the estimate's column too
        phone = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
        phone.login(user.email, customer_password)
        phone.goto(f"/accounts/{checking.pk}/{query}")
        table = phone.page.locator("#table-forecast")
        table.locator("xpath=ancestor::details").locator("summary").click()
        expect(table).to_be_visible()
        assert table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0, query
        rent_day = table.locator("tbody tr").nth(1)
        expect(rent_day.locator("[data-phone-events]")).to_have_text(
            "Miete für die Wohnung in der Lindenstraße −850,00")
        balance = rent_day.locator("td.money").first
        expect(balance).to_have_text("210,00")  # the column says "Kontostand (EUR)"
        assert _on_the_screen(balance), f"{query}: the balance is off the screen"
        expect(table.get_by_role("columnheader", name="Geplant")).to_be_hidden()
        phone.check(force=True)

    desktop = open_app()
    desktop.login(user.email, customer_password)
    desktop.goto(f"/accounts/{checking.pk}/")
    desktop.page.locator(".forecast-table > summary").click()
    table = desktop.page.get_by_role("table", name=caption)
    expect(table.get_by_role("columnheader", name="Geplant")).to_be_visible()
    expect(table.locator("[data-phone-events]").first).to_be_hidden()
    expect(table.locator("tbody tr").nth(1).locator("td").first).to_contain_text("−850,00")


@pytest.mark.full
def test_the_bills_list_keeps_each_row_short_on_a_phone_with_its_actions_in_a_menu(open_app, make_customer,
                                                                                  customer_password):
    """Seen on a 390 px phone: each bill's row had its four or five buttons stacked (Mark paid,
    Skip, Edit, Pause, Delete), about 200 px a row, its name squeezed to a word a line. Marking
    paid stays a button; the rest is in the row's ⋯ menu, as in the ledger."""
    user = make_customer("rechnungen@example.com")
    today = timezone.localdate()
    checking = account_open(user=user, name="Everyday checking", opening_balance=Decimal("5000.00"))
    categories = {c.name: c for c in Category.objects.filter(owner__isnull=True)}
    rent = recurring_create(user=user, kind="bill", name="Rent, Elm Street flat", amount=Decimal("1450.00"),
                            account_id=checking.pk, starts_on=today + timedelta(days=3), category=categories["rent"],
                            autopay=True)
    recurring_create(user=user, kind="bill", name="Electricity", amount=Decimal("85.00"), account_id=checking.pk,
                     starts_on=today + timedelta(days=5), category=categories["utilities"])
    phone = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.login(user.email, customer_password)
    phone.goto("/bills/")
    page = phone.page
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        visible = [b for b in rows.nth(i).locator("a.btn, button").all() if b.is_visible()]
        assert len(visible) <= 2, f"row {i}: {[b.text_content() for b in visible]}"
        assert rows.nth(i).bounding_box()["height"] < 140
    electricity = rows.filter(has_text="Electricity")
    expect(electricity.get_by_role("link", name=re.compile("^Mark paid"))).to_be_visible()  # paid by hand
    row = rows.filter(has_text="Rent")
    expect(row.get_by_role("button", name=re.compile("^Skip"))).to_be_hidden()
    row.get_by_role("button", name="Actions for Rent, Elm Street flat").click()
    skip = row.get_by_role("button", name=re.compile("^Skip the payment of"))
    expect(skip).to_be_visible()
    phone.check(force=True)
    with page.expect_navigation():
        skip.click()
    expect(phone.success_message()).to_be_visible()
    rent.refresh_from_db()
    assert rent.next_due_on > today + timedelta(days=3)  # that payment skipped


@pytest.mark.full
def test_past_imports_keep_the_files_name_whole_on_a_phone(open_app, make_customer, customer_password):
    """Seen on a 390 px phone: "Past imports" gave the file 50 px beside a time and a state on
    one line each ("Dec 3, 2026, 9:54 PM", "Waiting for the column mapping"), its name broken
    inside words ("de.c" / "sv"), and the table scrolled 149 px sideways. The time now goes
    under the file's details there, and the state's badge may wrap."""
    user = make_customer("importe@example.com")
    checking = account_open(user=user, name="Everyday checking", opening_balance=Decimal("100.00"))
    ImportBatch.objects.create(owner=user, file_name="statement-november.csv", sha256="0" * 64, format="csv",
                               account=checking, row_count=24)
    phone = open_app(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.login(user.email, customer_password)
    phone.goto("/import/")
    table = phone.page.get_by_role("table", name="Your imports, the latest first")
    assert table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0
    name = table.get_by_role("link", name="statement-november.csv")
    height = name.evaluate("a => { const r = document.createRange(); r.selectNodeContents(a);"
                           " return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }")
    assert height <= 2, f"the file's name takes {height} lines"  # "statement-" / "november.csv" at most
    expect(table.locator("[data-phone-when]")).to_be_visible()
    expect(table.get_by_role("columnheader", name="When")).to_be_hidden()
    phone.check(force=True)
