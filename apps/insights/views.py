"""``GET /insights/``: the Insights page (``page``), and ``GET /insights/...``: the insights
JSON endpoints. Each endpoint reads one selector for the month
(``?month=YYYY-MM``, default the user's current month) and answers the default currency's
figures at the top level, with ``"currency"``, plus ``"by_currency"`` (the same figures for
every currency, the default one first) when another currency has figures. 401 JSON when
logged out, 400 JSON for a month that cannot be read, 405 for anything but GET/HEAD."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache

from apps.core import formats
from apps.core.api import json_endpoint, json_error, json_response
from apps.core.dates import month_label, month_start, parse_month, user_today
from apps.core.month_pages import month_nav
from apps.core.pagecache import cached_page

from . import selectors
from .page_body import render_sections


def _month(request, today: date) -> date:
    """The month asked for; ValueError (a customer's message) when it cannot be read."""
    raw = request.GET.get("month", "")
    return parse_month(raw) if raw else month_start(today)


def _per_currency(figures: dict, data: Callable[[object], dict], **top) -> dict:
    """The default currency's figures at the top level, then ``by_currency`` when there are more."""
    (currency, first), *others = figures.items()
    body = {**top, **data(first), "currency": currency}
    if others:
        body["by_currency"] = {code: data(item) for code, item in figures.items()}
    return body


def _month_asked(request) -> tuple[date, date, HttpResponse | None]:
    """(month, today, None), or an error response for a month that cannot be read."""
    today = user_today(request.user)
    try:
        return _month(request, today), today, None
    except ValueError as error:
        raw = request.GET.get("month", "")[:20]
        return today, today, json_error(_("Invalid month '%(month)s': %(error)s") % {"month": raw, "error": error},
                                        status=400)


def _spending(figures, month):
    return _per_currency(figures, lambda t: {
        "monthly_spending": {"month": month_label(t.month), "total_spent": t.total},
        "trend": {"current_month": month_label(t.month), "current_total": t.total,
                  "previous_month": month_label(t.previous_month), "previous_total": t.previous_total,
                  "change": t.change, "trend": t.trend},
    })


def _cash_flow(figures, month):
    return _per_currency(figures, lambda f: {"income": f.income, "expense": f.expense, "net_cash_flow": f.net,
                                             "status": f.status}, month=month_label(month))


def _top_merchants(figures, month):
    return _per_currency(figures, lambda merchants: {
        "top_merchants": [{"merchant": m.merchant, "total_spent": m.total} for m in merchants],
    }, month=month_label(month))


def _health_score(figures, month):
    return _per_currency(figures, lambda s: {
        "financial_health_score": s.score,
        "status": s.status,
        "components": [{"name": c.name, "points": c.points, "max_points": c.max_points, "value": c.value,
                        "explanation": c.explanation} for c in s.components],
    }, month=month_label(month))


def _burn_rate(figures, month):
    return _per_currency(figures, lambda b: {"days_elapsed": b.days_elapsed, "total_spent": b.total,
                                             "daily_burn_rate": b.daily, "projected_monthly_spend": b.projected},
                         month=month_label(month))


@json_endpoint
@cached_page
def spending(request):
    """``GET /insights/spending``: the month's spending and its change from the previous month."""
    month, _, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_spending(selectors.spending_trends(user=request.user, month=month), month))


@json_endpoint
@cached_page
def cash_flow(request):
    """``GET /insights/cash-flow``: the month's income, expenses and what is left."""
    month, _, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_cash_flow(selectors.cash_flows(user=request.user, month=month), month))


@json_endpoint
@cached_page
def top_merchants(request):
    """``GET /insights/top-merchants``: the five merchants the most was spent at in the month."""
    month, _, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_top_merchants(selectors.top_merchants(user=request.user, month=month), month))


@json_endpoint
@cached_page
def health_score(request):
    """``GET /insights/health-score``: 0..100 with the components that explain every point
    (the scoring: ``selectors`` above ``health_scores``)."""
    month, today, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_health_score(
        selectors.health_scores(user=request.user, month=month, today=today), month))


@json_endpoint
@cached_page
def burn_rate(request):
    """``GET /insights/burn-rate``: spent per day elapsed, and that pace over the whole month."""
    month, today, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_burn_rate(selectors.burn_rates(user=request.user, month=month, today=today),
                                             month))


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------

def _amounts(values) -> list[str]:
    """Exact decimals as strings: static/js/insights.js turns them into numbers only to draw."""
    return [str(v) for v in values]


def _chart_words() -> dict:
    """The charts' legend words in the customer's language (static/js/insights.js keeps the
    English ones only as a fallback)."""
    return {"income": pgettext("totals", "Income"), "spending": pgettext("totals", "Spending"), "net": _("Net"),
            "change": _("Change from last month"), "net_worth": _("Net worth"), "flows": _("Money flows")}


def _chart_data(page: selectors.InsightsPage, labels: list[str]) -> dict:
    """What static/js/insights.js draws: per currency, each chart's canvas id and its figures
    (the tables beside the charts hold the same figures, exact and linked), with the page's
    locale and the unit its figures are written with, so the charts write them as the page does.
    ``labels``: the months as the tables' heads write them."""
    charts = []
    for s in page.sections:
        slug = s.currency.lower()
        charts.append({
            "currency": s.currency,
            "unit": formats.currency_unit(s.currency),
            "cash_flow": {"canvas": f"chart-cash-flow-{slug}", "labels": labels,
                          "income": _amounts(m.income.amount for m in s.cash_flow),
                          "spending": _amounts(m.spending.amount for m in s.cash_flow),
                          "net": _amounts(m.net for m in s.cash_flow)},
            "categories": {"canvas": f"chart-categories-{slug}", "labels": labels,
                           "series": [{"name": c.name.capitalize(), "values": _amounts(f.amount for f in c.months),
                                       "colour": c.colour}
                                      for c in s.categories]},
            "changes": {"canvas": f"chart-changes-{slug}", "labels": [c.name.capitalize() for c in s.changes],
                        "values": _amounts(c.change for c in s.changes)},
            "merchants": {"canvas": f"chart-merchants-{slug}",
                          "labels": [m.name if m.has_payee
                                     else _("%(category)s, no payee") % {"category": m.name.capitalize()}
                                     for m in s.merchants],
                          "now": _amounts(m.now for m in s.merchants),
                          "before": _amounts(m.before for m in s.merchants),
                          "now_label": labels[-1],
                          "before_label": labels[-2]},
            "net_worth": {"canvas": f"chart-net-worth-{slug}", "labels": labels,
                          "values": _amounts(n.total for n in s.net_worth)},
            "sankey": {"canvas": f"chart-sankey-{slug}", "labels": s.node_labels,
                       "flows": [{"from": f.source, "to": f.target, "flow": str(f.amount)} for f in s.flows]},
        })
    return {"locale": formats.current_code(), "words": _chart_words(), "charts": charts}


@never_cache
@cached_page
def page(request):
    """``GET /insights/[?month=YYYY-MM]``: twelve months of cash flow, spending by category,
    merchants, month-over-month change, burn rate, net worth, the money's flow and the health
    score, per currency, every figure linked to the transactions that make it up. A month that
    cannot be read answers 400 with a page that says why."""
    today = user_today(request.user)
    raw = request.GET.get("month", "").strip()
    month = month_start(today)
    if raw:
        try:
            month = parse_month(raw)
        except ValueError as error:
            return render(request, "insights/bad_month.html", {
                "raw": raw[:20], "error": str(error), **month_nav(request, month=month, today=today),
            }, status=400)
    insights = selectors.insights_page(user=request.user, month=month, today=today)
    labels = [formats.format_month_short(m) for m in insights.months]  # the tables' and the charts'
    urls = {"add_account": reverse("accounts:create"), "add_transaction": reverse("transactions:expense"),
            "add_income": reverse("transactions:income"), "budgets": reverse("budgets:list")}
    return render(request, "insights/page.html", {
        "page": insights,
        # The sections (Jinja2: apps.insights.page_body) between the introduction and the charts' data.
        "sections": render_sections(request, page=insights, months_short=labels,
                                    list_url=reverse("transactions:list"), budgets_url=urls["budgets"]),
        "chart_data": _chart_data(insights, labels),
        "urls": urls,
        **month_nav(request, month=insights.month, today=today),
        # The navigation's own lazy count would read what the health score already has.
        **({"unread_alert_count": insights.unread_alerts} if insights.unread_alerts is not None else {}),
    })
