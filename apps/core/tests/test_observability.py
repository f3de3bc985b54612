"""Structured logs: one JSON object per line with the request's id, the id in the
X-Request-ID header, and money services logging what they refused and why."""

import io
import json
import logging
import re
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from apps.core.logging import JsonFormatter, RequestIdFilter, request_id
from apps.transactions import services
from tests.factories import AccountFactory, default_category

pytestmark = pytest.mark.django_db


def test_every_response_has_a_request_id(client):
    first, second = client.get("/login/"), client.get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(("incoming", "kept"), [
    ("lb-0123456789abcdef", True),
    ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
    ("short", False),
    ("has spaces in it", False),
    ("line\nbreak-injection", False),
    ("x" * 200, False),
])
def test_an_incoming_request_id_is_kept_if_well_formed(client, incoming, kept):
    response = client.get("/login/", HTTP_X_REQUEST_ID=incoming)
    assert (response["X-Request-ID"] == incoming) is kept


@pytest.fixture
def console():
    """What the configured console handler (settings.LOGGING) writes, as one string."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_the_console_handler_writes_json_with_the_request_id():
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["request_id"] and handler["formatter"] == "json"


def test_every_log_line_of_a_request_carries_its_id(logged_in, user, console):
    account = AccountFactory(owner=user, opening_balance=Decimal("10.00"))
    form = {"account": account.pk, "amount": "500.00", "category": default_category("food").pk,
            "occurred_on": "2025-03-10", "description": "Too much",
            "form_token": "8c6e7b7e-07a5-4a8b-9a3e-1f0c7c1b2d3e"}
    response = logged_in.post("/transactions/expense/new/", form, HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 200  # the form again, with the refusal
    logged_in.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abcdefghij")
    lines = [json.loads(line) for line in console.getvalue().splitlines()]
    assert lines, "nothing logged"
    assert all(set(e) >= {"time", "level", "logger", "message", "request_id"} for e in lines)
    by_request = {}
    for entry in lines:
        by_request.setdefault(entry["request_id"], []).append(entry)
    assert set(by_request) == {"req-0123456789", "req-abcdefghij"}
    posting = by_request["req-0123456789"]
    refusal = next(e for e in posting if e["logger"] == "bankdash.ledger")
    assert refusal["reason"] == "overdraft" and refusal["user_id"] == user.pk and refusal["account_id"] == account.pk
    assert refusal["amount"] == "500.00"
    access = next(e for e in posting if e["logger"] == "bankdash.request")
    assert access["status"] == 200 and access["route"] == "/transactions/expense/new/" and access["user_id"] == user.pk
    assert next(e for e in by_request["req-abcdefghij"] if e["logger"] == "bankdash.request")["status"] == 404


def test_the_json_formatter_writes_one_line_per_record():
    token = request_id.set("req-formatter-1")
    try:
        try:
            raise ValueError("boom\nwith a second line")
        except ValueError:
            record = logging.getLogger("bankdash.test").makeRecord(
                "bankdash.test", logging.ERROR, __file__, 1, "failed for %s", ("user 7",), exc_info=sys.exc_info(),
                extra={"account_id": 3, "amount": Decimal("12.50")})
            RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-formatter-1" and entry["level"] == "ERROR"
    assert entry["message"] == "failed for user 7" and entry["logger"] == "bankdash.test"
    assert entry["account_id"] == 3 and entry["amount"] == "12.50"
    assert "ValueError: boom" in entry["exc_info"]


def test_outside_a_request_the_id_is_a_dash():
    record = logging.makeLogRecord({"msg": "startup"})
    RequestIdFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "-"


@pytest.mark.parametrize(("reason", "call"), [
    ("overdraft", lambda user, account: services.expense_post(
        user=user, account_id=account.pk, amount=Decimal("150.00"), category=default_category("food"),
        occurred_on=account.opened_on)),
    ("same_account_transfer", lambda user, account: services.transfer_create(
        user=user, from_account_id=account.pk, to_account_id=account.pk, amount=Decimal("5.00"),
        occurred_on=account.opened_on)),
    ("account_not_owned", lambda user, account: services.expense_post(
        user=AccountFactory().owner, account_id=account.pk, amount=Decimal("5.00"),
        category=default_category("food"), occurred_on=account.opened_on)),
])
def test_money_services_log_what_they_refused_and_why(user, caplog, reason, call):
    account = AccountFactory(owner=user, opening_balance=Decimal("100.00"))
    with caplog.at_level(logging.INFO, logger="bankdash.ledger"), pytest.raises(ValidationError):
        call(user, account)
    record = next(r for r in caplog.records if r.name == "bankdash.ledger")
    assert record.reason == reason and record.event == "refused"
    assert user.email not in record.getMessage() and user.email not in json.dumps(vars(record), default=str)
    if reason == "overdraft":
        assert (record.user_id, record.account_id, record.amount) == (user.pk, account.pk, Decimal("150.00"))
