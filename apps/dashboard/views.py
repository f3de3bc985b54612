"""The dashboard page and its JSON twin. Both read through ``selectors``; the
views only parse the month, pick a representation and handle errors."""

from __future__ import annotations

from datetime import date

import simplejson
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache

from . import selectors


def _url(*names: str) -> str:
    """The first of ``names`` that exists: pages other issues add later win over
    the list pages that exist from the start."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"None of {names} is a URL name.")


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

def _chart_data(page: selectors.DashboardPage) -> dict:
    """What static/js/dashboard.js draws. Amounts are strings (exact decimals);
    the script turns them into numbers only to draw."""
    return {
        "currency": page.accounts.default_currency,
        "categories": {
            "labels": [capfirst(name) for name in page.spending.by_category],
            "values": [str(v) for v in page.spending.by_category.values()],
        },
        "history": {
            "labels": [f.month.strftime("%b %Y") for f in page.history],
            "income": [str(f.income) for f in page.history],
            "spending": [str(f.spending) for f in page.history],
        },
    }


def _month_link(month: date | None) -> str | None:
    return f"?month={month:%Y-%m}" if month else None


@never_cache
def home(request):
    """The customer's dashboard for one month (``?month=YYYY-MM``, default this month
    in their time zone). A month that cannot be read falls back to this month."""
    today = selectors.user_today(request.user)
    month = today.replace(day=1)
    raw = request.GET.get("month", "").strip()
    if raw:
        try:
            month = selectors.parse_dashboard_month(raw)
        except ValueError as error:
            messages.error(request, f"“{raw[:20]}” is not a month we can show: {error} "
                                    f"Showing {month:%B %Y} instead.")
    page = selectors.dashboard_page(user=request.user, month=month, today=today)
    previous = selectors.shift_month(page.month, -1)
    following = selectors.shift_month(page.month, 1)
    context = {
        "page": page,
        "chart_data": _chart_data(page),
        "month_value": f"{page.month:%Y-%m}",
        "previous_url": _month_link(previous) if previous.year >= selectors.MIN_YEAR else None,
        "next_url": _month_link(following) if following.year <= selectors.MAX_YEAR else None,
        "this_month_url": request.path if not page.is_current_month else None,
        # Overrides the navigation's own lazy count: the page already has it.
        "unread_alert_count": page.alerts_count,
        "urls": {
            "add_account": _url("accounts:create", "accounts:list"),
            "add_transaction": _url("transactions:create", "transactions:expense", "transactions:list"),
            "add_budget": _url("budgets:create", "budgets:list"),
            "accounts": reverse("accounts:list"),
            "transactions": reverse("transactions:list"),
            "budgets": reverse("budgets:list"),
            "alerts": reverse("alerts:list"),
        },
    }
    return render(request, "dashboard/home.html", context)


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

def _json(data: dict, *, status: int = 200) -> HttpResponse:
    # simplejson writes Decimal as a JSON number digit for digit (4500.10 stays
    # 4500.10); the standard json module would go through float.
    return HttpResponse(simplejson.dumps(data, use_decimal=True), status=status, content_type="application/json")


def overview_data(overview: selectors.Overview) -> dict:
    accounts = {
        "total_accounts": overview.accounts.total_accounts,
        "total_balance": overview.accounts.total_balance,
    }
    if overview.accounts.is_multi_currency:
        accounts["by_currency"] = dict(overview.accounts.by_currency)
    return {
        "accounts": accounts,
        "monthly_spending": {"month": overview.month_label, "total_spent": overview.spending.total},
        "budgets": [
            {"budget_id": b.budget_id, "category": b.category, "limit": b.limit, "spent": b.spent,
             "remaining": b.remaining, "exceeded": b.exceeded}
            for b in overview.budgets
        ],
        "alerts_count": overview.alerts_count,
    }


@login_not_required  # an API answers 401 in JSON rather than redirecting to the login page
@never_cache
def overview(request):
    """``GET /dashboard/overview[?month=YYYY-MM]``: the customer's money picture as JSON."""
    if request.method not in ("GET", "HEAD"):
        response = _json({"error": "Method not allowed: use GET."}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    if not request.user.is_authenticated:
        return _json({"error": "Authentication required: log in first."}, status=401)
    month = None
    raw = request.GET.get("month", "")
    if raw:
        try:
            month = selectors.parse_dashboard_month(raw)
        except ValueError as error:
            return _json({"error": f"Invalid month '{raw[:20]}': {error}"}, status=400)
    return _json(overview_data(selectors.dashboard_overview(user=request.user, month=month)))
