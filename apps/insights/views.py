"""``GET /insights/...``: the insights JSON endpoints. Each reads one selector for the month
(``?month=YYYY-MM``, default the user's current month) and answers the default currency's
figures at the top level, with ``"currency"``, plus ``"by_currency"`` (the same figures for
every currency, the default one first) when another currency has figures. 401 JSON when
logged out, 400 JSON for a month that cannot be read, 405 for anything but GET/HEAD."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.http import HttpResponse

from apps.core.api import json_endpoint, json_error, json_response
from apps.core.dates import month_label, month_start, parse_month, user_today

from . import selectors


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
        return today, today, json_error(f"Invalid month '{raw}': {error}", status=400)


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
def spending(request):
    """``GET /insights/spending``: the month's spending and its change from the previous month."""
    month, _, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_spending(selectors.spending_trends(user=request.user, month=month), month))


@json_endpoint
def cash_flow(request):
    """``GET /insights/cash-flow``: the month's income, expenses and what is left."""
    month, _, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_cash_flow(selectors.cash_flows(user=request.user, month=month), month))


@json_endpoint
def top_merchants(request):
    """``GET /insights/top-merchants``: the five merchants the most was spent at in the month."""
    month, _, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_top_merchants(selectors.top_merchants(user=request.user, month=month), month))


@json_endpoint
def health_score(request):
    """``GET /insights/health-score``: 0..100 with the components that explain every point
    (the scoring: ``selectors`` above ``health_scores``)."""
    month, today, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_health_score(
        selectors.health_scores(user=request.user, month=month, today=today), month))


@json_endpoint
def burn_rate(request):
    """``GET /insights/burn-rate``: spent per day elapsed, and that pace over the whole month."""
    month, today, error = _month_asked(request)
    if error is not None:
        return error
    return json_response(_burn_rate(selectors.burn_rates(user=request.user, month=month, today=today),
                                             month))
