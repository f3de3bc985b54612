"""The dashboard page and its JSON twin. Both read through ``selectors``; the
views only parse the month, pick a representation and handle errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.models import Account
from apps.accounts.services import onboarding_checklist_dismiss
from apps.core import formats
from apps.core.api import json_endpoint, json_error, json_response
from apps.core.dates import in_date_range, parse_month, user_today
from apps.core.money import MAX_AMOUNT, parse_money
from apps.core.month_pages import month_from_query, month_nav
from apps.core.pagecache import cached_page
from apps.transactions.models import DEFAULT_CATEGORY_LABELS, Category, category_label

from . import previews, selectors
from .body import render_body
from .templatetags.dashboard_tags import currency_unit

# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def currency_suffix(currency: str, default: str) -> str:
    """What the element ids of a per-currency chart and table end with: nothing for the
    default currency (``table-categories`` stays put), ``-eur`` for euros, and so on."""
    return "" if currency == default else f"-{currency.lower()}"


@dataclass(frozen=True)
class CategorySection:
    """One currency's spending by category: a chart and its table."""

    currency: str
    suffix: str
    total: Decimal
    by_category: dict[str, Decimal]
    colours: dict[str, str]  # category name -> the customer's colour, where chosen


@dataclass(frozen=True)
class HistorySection:
    """One currency's six months of income and spending: a chart and its table."""

    currency: str
    suffix: str
    flows: list[selectors.MonthFlow]


def category_sections(page: selectors.DashboardPage) -> list[CategorySection]:
    """One per currency with spending in the month, the default currency first."""
    return [CategorySection(currency=s.currency, suffix=currency_suffix(s.currency, page.currency),
                            total=s.total, by_category=s.by_category, colours=s.colours)
            for s in page.spending.by_currency.values()]


def history_sections(page: selectors.DashboardPage) -> list[HistorySection]:
    """The default currency's (always), then one per other currency with figures."""
    return [HistorySection(currency=currency, suffix=currency_suffix(currency, page.currency), flows=flows)
            for currency, flows in page.history.items()]


def _chart_data(categories: list[CategorySection], history: list[HistorySection]) -> dict:
    """What static/js/dashboard.js draws: one chart per section, each with its canvas id,
    its currency and the unit the page writes after its figures. Amounts are strings (exact
    decimals); the script turns them into numbers only to draw, in the page's locale, with
    the words of the legend in the customer's language."""
    return {
        "locale": formats.current_code(),
        "words": {"income": pgettext("totals", "Income"), "spending": pgettext("totals", "Spending")},
        "categories": [
            {"canvas": f"chart-categories{s.suffix}", "currency": s.currency, "unit": currency_unit(s.currency),
             "labels": [category_label(name, is_default=name in DEFAULT_CATEGORY_LABELS) for name in s.by_category],
             "values": [str(v) for v in s.by_category.values()],
             "colours": [s.colours.get(name, "") for name in s.by_category]}
            for s in categories
        ],
        "history": [
            {"canvas": f"chart-history{s.suffix}", "currency": s.currency, "unit": currency_unit(s.currency),
             "labels": [formats.format_month_short(f.month) for f in s.flows],
             "income": [str(f.income) for f in s.flows],
             "spending": [str(f.spending) for f in s.flows]}
            for s in history
        ],
    }


@never_cache
@cached_page
def home(request):
    """The customer's dashboard for one month (``?month=YYYY-MM``, default this month
    in their time zone). A month that cannot be read falls back to this month."""
    today = user_today(request.user)
    month = month_from_query(request, today=today)
    page = selectors.dashboard_page(user=request.user, month=month, today=today)
    categories, history = category_sections(page), history_sections(page)
    urls = {
        "add_account": reverse("accounts:create"),
        "add_transaction": reverse("transactions:expense"),
        "add_budget": reverse("budgets:create"),
        "import_statement": reverse("imports:start"),
        "dismiss_checklist": reverse("dashboard:checklist_dismiss"),
        "accounts": reverse("accounts:list"),
        "transactions": reverse("transactions:list"),
        "budgets": reverse("budgets:list"),
        "alerts": reverse("alerts:list"),
    }
    context = {
        "page": page,
        "checklist": page.checklist,
        "category_sections": categories,
        "history_sections": history,
        "chart_data": _chart_data(categories, history),
        **month_nav(request, month=page.month, today=today),
        # Overrides the navigation's own lazy count: the page already has it.
        "unread_alert_count": page.alerts_count,
        "urls": urls,
        # A new customer sees the welcome instead (home.html): their body is not made.
        "body": None if page.is_new_user else render_body(page=page, category_sections=categories,
                                                          history_sections=history, urls=urls),
    }
    return render(request, "dashboard/home.html", context)


@require_POST
def checklist_dismiss(request):
    """Hide the first-run checklist for good (remembered per user)."""
    onboarding_checklist_dismiss(user=request.user)
    messages.info(request, _("The getting-started checklist is hidden. Everything it lists stays in the menus."))
    return redirect("dashboard:home")


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

def overview_data(overview: selectors.Overview) -> dict:
    accounts = {
        "total_accounts": overview.accounts.total_accounts,
        "total_balance": overview.accounts.total_balance,
    }
    if overview.accounts.is_multi_currency:
        accounts["by_currency"] = dict(overview.accounts.by_currency)
    spending = {"month": overview.month_label, "total_spent": overview.spending.total}
    if overview.spending.is_multi_currency:
        spending["by_currency"] = dict(overview.spending.by_currency)
    return {
        "accounts": accounts,
        "monthly_spending": spending,
        "budgets": [
            {"budget_id": b.budget_id, "category": b.category, "currency": b.currency, "limit": b.limit,
             "spent": b.spent, "remaining": b.remaining, "exceeded": b.exceeded}
            for b in overview.budgets
        ],
        "alerts_count": overview.alerts_count,
    }


@json_endpoint
@cached_page
def overview(request):
    """``GET /dashboard/overview[?month=YYYY-MM]``: the customer's money picture as JSON."""
    month = None
    raw = request.GET.get("month", "")
    if raw:
        try:
            month = parse_month(raw)
        except ValueError as error:
            return json_error(_("Invalid month '%(month)s': %(error)s") % {"month": raw[:20], "error": error},
                              status=400)
    return json_response(overview_data(selectors.dashboard_overview(user=request.user, month=month)))


# ---------------------------------------------------------------------------
# What an expense will do (the expense form asks as the customer types)
# ---------------------------------------------------------------------------

def _query_id(raw: str | None) -> int | None:
    """An id from the query string; None when it cannot be one (answered as 'not found')."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return int(raw)


@json_endpoint
def expense_preview(request):
    """``GET /dashboard/expense-preview?account=ID&amount=12.50[&category=ID][&date=YYYY-MM-DD]``:
    ``{"lines": [{"text": ..., "level": "info|warning|danger"}]}``, the lines the expense
    form shows before saving (apps.dashboard.previews). An amount that cannot be read yet gives
    one warning line (the form's own message); 400 for a date that cannot be read; 404 for an
    account (open) or a category that is not the customer's."""
    account_id = _query_id(request.GET.get("account"))
    account = (Account.objects.filter(owner=request.user, pk=account_id, closed_on__isnull=True).first()
               if account_id is not None else None)
    if account is None:
        return json_error(_("No such account."), status=404)
    # An amount being typed that cannot be read yet is not a failed request: the preview says
    # what the form will say on saving ("12,50: use 12.50."), as a warning line.
    try:
        amount = parse_money(request.GET.get("amount", ""), allow_negative=True)  # as the form reads it
    except ValueError as error:
        return json_response({"lines": [{"text": str(error), "level": "warning"}]})
    if amount <= 0 or amount >= MAX_AMOUNT:
        text = _("Enter an amount greater than zero.") if amount <= 0 else _("That amount is too large.")
        return json_response({"lines": [{"text": text, "level": "warning"}]})
    category = None
    raw_category = request.GET.get("category", "")
    if raw_category:
        category_id = _query_id(raw_category)
        category = (Category.objects.for_user(request.user).filter(pk=category_id).first()
                    if category_id is not None else None)
        if category is None:
            return json_error(_("No such category."), status=404)
    occurred_on = user_today(request.user)
    raw_date = request.GET.get("date", "")
    if raw_date:
        try:
            occurred_on = date.fromisoformat(raw_date)
        except ValueError:
            occurred_on = None
        if occurred_on is None or len(raw_date) != 10 or not raw_date.isascii() or not in_date_range(occurred_on):
            return json_error(_("Give the date as YYYY-MM-DD."), status=400)
    notes = previews.expense_effects(user=request.user, account=account, amount=amount, category=category,
                                     occurred_on=occurred_on)
    return json_response({"lines": [{"text": note.text, "level": note.level} for note in notes]})
