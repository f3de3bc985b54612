"""Bad input never hurts, for every form of the project.

The forms are discovered (tests/property/forms.py), not listed. For each, hypothesis
replaces some fields of a valid body with hostile values (huge and tiny numbers,
NaN/Infinity/-0/1e309, wrong dates, unicode, 10 KB strings, markup, SQL, wrong types,
a field sent twice or left out) and posts it. Each example runs in a savepoint that is
rolled back, so examples do not see each other's writes. For every answer:
- no 500 (the client does not re-raise: a view's exception is the 500 we look for);
- refused (anything but a redirect): not one row of any BankDash table changed;
- accepted (a redirect): the ledger invariants still hold, and a markup payload that was
  stored comes back escaped on the page the customer is sent to.
"""

from __future__ import annotations

import copy
import os

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.invariants import ledger_problems
from tests.tiers import by_tier

from .forms import PASSWORD, diff_rows, discover_form_pages, snapshot_rows
from .hostile import count_hostile_request, hostile_field_value, sweep_catalogue

# The loaded hypothesis profile sizes the run (root conftest.py: "default" 50, derandomized;
# HYPOTHESIS_PROFILE=random more, random); BANKDASH_HYPOTHESIS_EXAMPLES overrides it.
# The default tier draws 8 examples over the whole form catalogue (it keeps growing: every form of
# every app); the full tier the profile's (50, or more with HYPOTHESIS_PROFILE=random).
EXAMPLES = int(os.environ.get("BANKDASH_HYPOTHESIS_EXAMPLES") or by_tier(5, settings.default.max_examples))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
SUCCESS = (301, 302, 303)
MARKERS = ("alert(1)", "onerror")

# The forms that must exist; discovery must find (at least) these.
EXPECTED_FORMS = {
    "register (visitor)", "login (visitor)", "accounts:create (customer)", "accounts:update (customer)",
    "transactions:income (customer)", "transactions:expense (customer)", "transactions:transfer (customer)",
    "transactions:update (customer)", "budgets:create (customer)", "budgets:edit (customer)",
    "transactions:categories (customer)",
}


def _mutations(page, foreign_ids):
    """Some fields replaced by hostile values aimed at their type (None: the field left out)."""
    names = sorted(page.baseline)
    per_field = {
        name: st.one_of(hostile_field_value(page.fields.get(name), extra=foreign_ids), st.none())
        for name in names
    }
    return st.lists(st.sampled_from(names), min_size=1, max_size=min(len(names), 4), unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({name: per_field[name] for name in chosen})
    )


def _escaping_problems(client, response, body) -> list[str]:
    # Only real markup (with "<"): "javascript:alert(1)" as plain text is harmless.
    payloads = [v for v in body.values() if isinstance(v, str) and "<" in v and any(m in v for m in MARKERS)]
    if not payloads or not response.has_header("Location"):
        return []
    page = client.get(response["Location"])
    html = page.content.decode(errors="replace")
    return [f"raw markup {p!r} on {response['Location']}" for p in payloads if p in html]


def check_post(page, client, body, hostile_values: int, before: dict) -> None:
    """Post ``body`` in a savepoint that is rolled back, and check the answer (see the
    module docstring). ``before``: the tables' fingerprint, the same before every example
    since each one is rolled back."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.post(page.url, body)
            count_hostile_request(hostile_values)
            status = response.status_code
            assert status < 500, f"{page.label}: {status} for {body!r:.2000}"
            if status in SUCCESS:
                assert not (page.as_customer and response["Location"].startswith(reverse("login"))), \
                    "the customer was logged out: the test lost its session"
                problems = ledger_problems() + _escaping_problems(client, response, body)
            else:
                problems = diff_rows(before, snapshot_rows())
            assert not problems, f"{page.label} answered {status} for {body!r:.2000}:\n" + "\n".join(problems)
            transaction.set_rollback(True)
    finally:
        # A password change or a login in the example rotated the session, whose row
        # the rollback removed: go back to the session the test started with.
        client.cookies = cookies


def fuzz(page, client, foreign_ids) -> None:
    before = snapshot_rows()

    @FUZZ_SETTINGS
    @given(mutations=_mutations(page, foreign_ids))
    def run(mutations):
        body = dict(page.baseline)
        for name, value in mutations.items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        check_post(page, client, body, len(mutations), before)

    run()


def _pages(world, only=None):
    return discover_form_pages(world["visitor"], world["client"], world["customer"], world["other"], only=only)


def test_discovery_finds_every_form_and_its_baseline_body_is_accepted(fuzz_world, report_figure):
    """Discovery finds (at least) the forms that must exist; and the fuzzing starts from a body
    each form accepts, so a hostile field is the only reason for a refusal (and accepted
    payloads reach the pages). One test: discovering every form is the costly part."""
    pages = _pages(fuzz_world)
    labels = {p.label for p in pages}
    print("\nforms found: " + ", ".join(sorted(labels)))
    report_figure("forms found and fuzzed", len(labels))
    assert labels >= EXPECTED_FORMS, f"not found: {sorted(EXPECTED_FORMS - labels)}"
    refused = []
    for page in pages:
        client = fuzz_world["client"] if page.as_customer else fuzz_world["visitor"]
        with transaction.atomic():
            response = client.post(page.url, page.baseline)
            transaction.set_rollback(True)
        if response.status_code not in SUCCESS and page.label in EXPECTED_FORMS:
            form = response.context.get("form") if response.context else None
            refused.append(f"{page.label}: {response.status_code} {getattr(form, 'errors', '')}")
    assert not refused, "\n".join(refused)


def _foreign_ids(world) -> list[str]:
    other = world["other"]
    return [str(pk) for pk in (*other.accounts.values_list("pk", flat=True),
                               *other.categories.values_list("pk", flat=True))]


# The full tier sends every catalogue value to every field of every form: more than the
# default 300 s per test on the 2-core machine since the settings and notification forms arrived.
@pytest.mark.timeout(1200)
def test_every_field_survives_every_catalogue_value_of_its_type(fuzz_world):
    """The deterministic half: each field of each form gets each catalogue value aimed at
    its type (all the numbers for a money field, all the dates for a date field, ...),
    the rest of the body staying valid."""
    failures = []
    foreign_ids = _foreign_ids(fuzz_world)
    before = snapshot_rows()
    # The default tier sends every twentieth value, a different twentieth for each field, so each
    # value still meets fields of its type; the full tier sends them all.
    step, turn = by_tier(20, 1), 0
    pages = _pages(fuzz_world)
    assert {p.label for p in pages} >= EXPECTED_FORMS  # the remembered discovery finds what the first did
    for page in pages:
        client = fuzz_world["client"] if page.as_customer else fuzz_world["visitor"]
        for name, field in page.fields.items():
            if name not in page.baseline:
                continue
            extra = foreign_ids if isinstance(field, forms.ModelChoiceField) else []
            turn += 1
            for value in [*sweep_catalogue(field)[turn % step::step], *extra]:
                try:
                    check_post(page, client, {**page.baseline, name: value}, 1, before)
                except AssertionError as error:
                    failures.append(f"--- {page.label} {name}={value!r:.60}: {str(error):.1500}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:30])


@pytest.mark.timeout(1200)  # as above: every form, 50 hypothesis examples each in the full tier
def test_every_form_survives_hostile_input(fuzz_world):
    """The random half: hypothesis mixes several hostile fields at once."""
    failures = []
    pages = _pages(fuzz_world)
    assert {p.label for p in pages} >= EXPECTED_FORMS  # the remembered discovery finds what the first did
    foreign_ids = _foreign_ids(fuzz_world)
    for page in pages:
        client = fuzz_world["client"] if page.as_customer else fuzz_world["visitor"]
        try:
            fuzz(page, client, foreign_ids)
        except Exception as error:  # report every failing form, not just the first
            failures.append(f"--- {page.label} ({page.url}):\n{error}")
    assert not failures, "\n".join(failures)


def test_stored_markup_comes_back_escaped(fuzz_world):
    """A description, account name and category name of `<script>alert(1)</script>` are
    accepted and shown escaped wherever they appear."""
    client, holdings = fuzz_world["client"], fuzz_world["holdings"]
    payload = "<script>alert(1)</script>"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    pages = {p.label: p for p in _pages(fuzz_world, only={"transactions:expense", "accounts:update",
                                                           "transactions:categories"})}

    expense = pages["transactions:expense (customer)"]
    response = client.post(expense.url, {**expense.baseline, "description": payload})
    assert response.status_code in SUCCESS, response.content[:2000]
    rename = pages["accounts:update (customer)"]
    response = client.post(rename.url, {**rename.baseline, "name": payload})
    assert response.status_code in SUCCESS
    category = pages["transactions:categories (customer)"]
    response = client.post(category.url, {**category.baseline, "name": payload})
    assert response.status_code in SUCCESS

    for url in (reverse("transactions:list"), reverse("accounts:list"), response["Location"],
                reverse("accounts:detail", kwargs={"pk": holdings["checking"].pk}), reverse("dashboard:home"),
                reverse("transactions:categories"), expense.url):
        html = client.get(url).content.decode()
        assert payload not in html, f"raw <script> on {url}"
    for url in (reverse("transactions:list"), reverse("accounts:list"), reverse("transactions:categories")):
        assert escaped in client.get(url).content.decode(), f"the escaped payload is not shown on {url}"
    assert PASSWORD
