"""The forecast as JSON (``GET /forecast?account=ID&days=N``) and as a section of the
account page (``account_forecast_section``, which the ledger's account page calls through
settings.LEDGER_EXTENSIONS: the ledger never imports bills).

Money in the JSON is exact: decimals written digit for digit (apps.core.api.json_response).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.core import formats
from apps.core.api import json_endpoint, json_error, json_response
from apps.core.formats import format_day_short
from apps.core.money import format_money

from .forecast import DAY_CHOICES, DEFAULT_DAYS, ESTIMATE_DAYS, MAX_DAYS, Event, Forecast, LowPoint, account_forecast

ESTIMATE_NOTE = (f"An estimate: your average daily spending that is not a bill (over the last {ESTIMATE_DAYS} "
                 "days, or since the account was opened), taken off each day from tomorrow.")
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


class BadParameter(ValueError):
    pass


def parse_days(raw: str | None) -> int:
    """``days``: 1 to MAX_DAYS (30, 60 and 90 are the usual ones); DEFAULT_DAYS when absent."""
    if raw is None or raw == "":
        return DEFAULT_DAYS
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not 1 <= int(raw) <= MAX_DAYS:
        raise BadParameter(f"days must be a whole number from 1 to {MAX_DAYS} (30, 60 or 90 for example).")
    return int(raw)


def parse_flag(raw: str | None, name: str) -> bool:
    value = (raw or "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise BadParameter(f"{name} must be 1 or 0.")


def parse_id(raw: str | None) -> int | None:
    """A database id from the query string; None when it cannot be one (any such id is 'not found')."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return int(raw)


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _event_data(event: Event) -> dict:
    return {"name": event.label, "amount": event.amount, "kind": event.kind, "item_id": event.item_id,
            "due_on": _iso(event.due_on), "overdue": event.is_overdue, "estimated": event.estimated}


def _low_data(low: LowPoint | None) -> dict | None:
    if low is None:
        return None
    return {"date": _iso(low.day), "balance": low.balance, "after": _event_data(low.after) if low.after else None}


def forecast_data(forecast: Forecast) -> dict:
    income = forecast.next_income
    data = {
        "account": {"id": forecast.account.pk, "name": forecast.account.name, "currency": forecast.currency},
        "today": _iso(forecast.today),
        "days": forecast.days,
        "end": _iso(forecast.end),
        "balance": forecast.balance,
        "buffer": forecast.buffer,
        "credit_limit": forecast.account.credit_limit,
        "floor": forecast.floor,
        "series": [
            {"date": _iso(p.day), "balance": p.balance, "events": [_event_data(e) for e in p.events],
             **({"estimated_balance": p.estimated_balance} if forecast.daily_spending is not None else {})}
            for p in forecast.points
        ],
        "lowest": _low_data(forecast.lowest),
        "below_buffer": forecast.below_buffer,
        "next_income": {"date": _iso(income.day), "name": income.label, "amount": income.amount} if income else None,
        "lowest_before_next_income": forecast.lowest_before_next_income,
        "safe_to_spend": forecast.safe_to_spend,
        "set_aside_for_goal": forecast.set_aside,
        "estimate": None,
    }
    if forecast.daily_spending is not None:
        data["estimate"] = {"is_estimate": True, "daily_spending": forecast.daily_spending,
                            "days_measured": forecast.estimate_days, "note": ESTIMATE_NOTE,
                            "lowest": _low_data(forecast.lowest_estimated)}
    return data


@json_endpoint
def forecast_json(request: HttpRequest):
    """``GET /forecast?account=ID&days=N[&estimate=1]``: the account's daily projected
    balances for N days (default 30), its lowest point, next income and safe to spend.
    400 for a bad parameter; 404 for an account that is not the customer's."""
    raw_account = request.GET.get("account")
    if not raw_account:
        return json_error(_("Give the account: ?account=ID."), status=400)
    try:
        days = parse_days(request.GET.get("days"))
        estimate = parse_flag(request.GET.get("estimate"), "estimate")
    except BadParameter as error:
        return json_error(str(error), status=400)
    account_id = parse_id(raw_account)
    if account_id is None:
        return json_error(_("No such account."), status=404)
    try:
        forecast = account_forecast(user=request.user, account_id=account_id, days=days, estimate=estimate)
    except Account.DoesNotExist:
        return json_error(_("No such account."), status=404)
    return json_response(forecast_data(forecast))


# ---------------------------------------------------------------------------
# The section of the account page
# ---------------------------------------------------------------------------

def _lowest_text(forecast: Forecast) -> str:
    """The chart's title: "Lowest: 150.00 USD on Dec 1, after Rent"."""
    lowest = forecast.lowest
    values = {"balance": format_money(lowest.balance, forecast.currency), "day": format_day_short(lowest.day)}
    if lowest.after:
        return _("Lowest: %(balance)s on %(day)s, after %(item)s") % {**values, "item": lowest.after.label}
    return _("Lowest: %(balance)s on %(day)s") % values


def chart_data(forecast: Forecast) -> dict:
    """What static/js/forecast.js draws. Amounts are strings (exact decimals); the script
    turns them into numbers only to draw, and writes them in the customer's format (``locale``)
    with the unit the page puts after them (``unit``); the table beside the chart has the exact
    values."""
    lowest = forecast.lowest
    return {
        "canvas": "chart-forecast",
        "currency": forecast.currency,
        "locale": formats.current_code(),
        "unit": formats.currency_unit(forecast.currency),
        "labels": [format_day_short(p.day) for p in forecast.points],
        "dates": [_iso(p.day) for p in forecast.points],
        "balances": [str(p.balance) for p in forecast.points],
        "estimated": ([str(p.estimated_balance) for p in forecast.points]
                      if forecast.daily_spending is not None else None),
        "floor": str(forecast.floor),
        "lowest_index": next(i for i, p in enumerate(forecast.points) if p.day == lowest.day),
        "lowest_text": _lowest_text(forecast),
    }


def account_forecast_section(request: HttpRequest, account: Account) -> dict | None:
    """The forecast section of an open account's page (``?forecast_days=30|60|90``,
    ``?estimate=1``), or None for a closed account."""
    if account.is_closed:
        return None
    raw_days = request.GET.get("forecast_days", "")
    days = int(raw_days) if raw_days in {str(d) for d in DAY_CHOICES} else DEFAULT_DAYS
    estimate = request.GET.get("estimate") == "1"
    forecast = account_forecast(user=request.user, account_id=account.pk, days=days, estimate=estimate)
    # The table: the days something happens, today, and the lowest days (with and without the estimate).
    marked = {forecast.today, forecast.lowest.day}
    if forecast.lowest_estimated is not None:
        marked.add(forecast.lowest_estimated.day)
    rows = [p for p in forecast.points if p.events or p.day in marked]
    return {
        "template": "bills/_account_forecast.html",
        "forecast": forecast,
        "estimate": estimate,
        "rows": rows,
        "day_choices": DAY_CHOICES,
        "chart": chart_data(forecast),
    }
