"""What is read from the query string: the dashboard JSON (`?month=`),
the dashboard page, list filters and pagination, `?account=` on the money forms,
`?next=` on the login page. Every GET page of the project (found by walking the URL
patterns, ids being the customer's own) gets hostile values for the parameters it
reads: no 500, a GET writes nothing, and the JSON endpoint always answers JSON."""

from __future__ import annotations

import json
import os

import django_filters
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_ownership_enumeration import all_routes
from tests.tiers import by_tier

from .forms import _rolled_back, diff_rows, route_tries, snapshot_rows
from .hostile import CATALOGUE, DATES, IDS, NUMBERS, count_hostile_request, hostile_value

# The loaded hypothesis profile sizes the run (root conftest.py: "default" 50, derandomized;
# HYPOTHESIS_PROFILE=random more, random); BANKDASH_HYPOTHESIS_EXAMPLES overrides it.
EXAMPLES = int(os.environ.get("BANKDASH_HYPOTHESIS_EXAMPLES") or settings.default.max_examples)
QUERY_SETTINGS = settings(
    # Every GET page of every app: 4 examples each in the default tier, a quarter of the profile's in the full.
    max_examples=by_tier(4, max(EXAMPLES // 4, 10)), deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Parameters pages commonly read; each page also gets its own filter fields.
COMMON_PARAMS = ["page", "month", "account", "category", "next", "q", "ordering", "kind", "from", "to"]


def _filter_params(response) -> list[str]:
    context = getattr(response, "context", None)
    names = []
    for ctx in (context if isinstance(context, list) else [context]) if context is not None else []:
        for value in ctx.flatten().values():
            if isinstance(value, django_filters.FilterSet):
                names += list(value.form.fields)
            elif isinstance(value, forms.BaseForm) and value.prefix:
                # A form read from the query string (the account page's "Compare with your bank").
                names += [value.add_prefix(name) for name in value.fields]
    return sorted(set(names))


def get_pages(client, customer, other):
    """Every non-admin page the customer can GET (200), with the parameters to try."""
    from tests.security.test_ownership_enumeration import candidates

    found = candidates(customer, other)
    pages, seen = [], set()
    for route in all_routes():
        if "admin" in route.namespaces:
            continue
        for _roles, url in route_tries(route, found):
            response = _rolled_back(lambda url=url: client.get(url))
            if response.status_code == 405:
                break  # GET is not allowed whatever the ids (a POST-only action)
            if response.status_code == 200 and url not in seen:
                seen.add(url)
                pages.append((url, sorted({*COMMON_PARAMS, *_filter_params(response)})))
                break
    return pages


def _get(client, url, params):
    return _rolled_back(lambda: client.get(url, params))


def _fuzz_query(client, url, names):
    @QUERY_SETTINGS
    @given(params=st.dictionaries(st.sampled_from(names), st.one_of(hostile_value(), st.sampled_from(CATALOGUE)),
                                  min_size=1, max_size=3))
    def run(params):
        response = _get(client, url, params)
        count_hostile_request(len(params))
        assert response.status_code < 500, f"GET {url} {params!r:.1000}: {response.status_code}"

    run()


def test_every_get_page_survives_hostile_query_strings(fuzz_world, report_figure):
    client = fuzz_world["client"]
    pages = get_pages(client, fuzz_world["customer"], fuzz_world["other"])
    assert len(pages) > 5
    # A form read from the query string is found with its fields (the account page's comparison).
    assert any("check-bank_balance" in names and "check-on" in names for _url, names in pages)
    report_figure("GET pages fuzzed through their query strings", len(pages))
    before = snapshot_rows()
    failures = []
    for url, names in pages:
        try:
            _fuzz_query(client, url, names)
        except Exception as error:
            failures.append(f"--- {url}: {error}")
    assert not failures, "\n".join(failures)
    assert diff_rows(before, snapshot_rows()) == [], "a GET wrote to the database"


def _check_overview(client, month):
    response = client.get(reverse("dashboard:overview"), {"month": month})
    count_hostile_request(1)
    assert response.status_code < 500, f"?month={month!r}: {response.status_code}"
    assert response["Content-Type"].startswith("application/json"), f"?month={month!r}: not JSON"
    data = json.loads(response.content)
    if response.status_code == 200:
        assert set(data) >= {"accounts", "monthly_spending", "budgets", "alerts_count"}
    else:
        assert response.status_code == 400 and "error" in data, (month, response.status_code, data)
    return response


def test_dashboard_json_answers_json_for_every_month_value(fuzz_world):
    client = fuzz_world["client"]
    before = snapshot_rows()
    for month in [*DATES, *NUMBERS, *IDS, "2025-06", "0000-00", "9999-12", "10000-01", "2025-00", "2025-13",
                  "-001-01", "2025-6", " 2025-06", "2025-06\x00", "２０２５-０６", "²⁰²⁵-⁰⁶", "2025-06" * 2000]:
        _check_overview(client, month)

    @JSON_SETTINGS
    @given(month=st.one_of(hostile_value(), st.from_regex(r"\A-?\d{1,6}-\d{1,3}\Z"),
                           st.dates().map(lambda d: d.strftime("%Y-%m"))))
    def run(month):
        response = _check_overview(client, month)
        if response.status_code == 200 and len(month) == 7:
            assert json.loads(response.content)["monthly_spending"]["month"] == month

    run()
    assert diff_rows(before, snapshot_rows()) == []


def test_dashboard_page_survives_every_month_value(fuzz_world):
    client = fuzz_world["client"]
    for month in [*DATES, *NUMBERS[:20], "0000-00", "9999-12", "10000-01", "²⁰²⁵-⁰⁶", "<script>alert(1)</script>"]:
        response = client.get(reverse("dashboard:home"), {"month": month})
        count_hostile_request(1)
        assert response.status_code < 500, (month, response.status_code)
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_unicode_digits_in_the_preselected_account_answer_404(fuzz_world):
    """Found by this suite: "²".isdigit() is True but int("²") fails (was a 500)."""
    client = fuzz_world["client"]
    for name in ("transactions:income", "transactions:expense", "transactions:transfer"):
        for value in ("²", "١٢", "１"):
            assert client.get(reverse(name), {"account": value}).status_code == 404
