"""Finding the project's forms without listing them: every URL pattern (outside the
admin) is opened with GET, by a visitor and by a customer who owns one object of every
kind (ids in URLs are the customer's own); a page whose context holds a Django form
and whose HTML posts it is a form page. For each, a valid body is derived from the
form's fields, so hostile values can replace one field at a time while the rest is
what a real customer would send."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.db import connection, transaction
from django.urls import reverse

from apps.core.forms import MoneyField
from tests.conftest import FUZZ_PASSWORD as PASSWORD
from tests.security.test_ownership_enumeration import (
    NOT_IDS,
    _fits,
    all_routes,
    candidates,
    project_models,
)

_emails = itertools.count()


@dataclass
class FormPage:
    label: str  # "transactions:expense (customer)"
    url: str
    as_customer: bool
    form_class: str
    fields: dict  # name -> forms.Field
    baseline: dict = field(default_factory=dict)

    @property
    def text_fields(self) -> list[str]:
        return [n for n, f in self.fields.items()
                if type(f) is forms.CharField and not isinstance(f.widget, forms.PasswordInput)
                and not isinstance(f.widget, forms.HiddenInput)]


def _page_form(response):
    """The form a page shows (``form`` in the context, else any bound or unbound form)."""
    context = getattr(response, "context", None)
    if context is None:
        return None
    form = context.get("form")
    if isinstance(form, forms.BaseForm):
        return form
    contexts = context if isinstance(context, list) else [context]  # a ContextList per template
    for ctx in contexts:
        for value in ctx.flatten().values():
            if isinstance(value, forms.BaseForm):
                return value
    return None


def _posts_a_form(response) -> bool:
    html = response.content.decode(errors="replace").lower()
    return "<form" in html and 'method="post"' in html


def _rolled_back(call):
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


def baseline_value(name: str, bound: forms.BoundField, taken: dict):
    """What a real customer would send for this field."""
    f = bound.field
    initial = bound.value()
    if isinstance(f, forms.ModelChoiceField):
        choices = list(f.queryset.order_by("pk").values_list("pk", flat=True))
        if not choices:
            return ""
        # Two choices of the same model (transfer: from, to) get different objects.
        index = taken.setdefault(f.queryset.model, 0)
        taken[f.queryset.model] = index + 1
        return str(choices[index % len(choices)])
    if isinstance(f, forms.UUIDField):
        return str(uuid.uuid4())
    if isinstance(f, forms.BooleanField):
        return "on" if f.required or initial else ""
    if initial not in (None, ""):
        return initial.isoformat() if isinstance(initial, date) else str(initial)
    if not f.required:
        return ""
    if isinstance(f, forms.EmailField):
        return f"fuzz{next(_emails)}@example.com"
    if isinstance(f, (forms.DecimalField, MoneyField)):
        return "10.00"
    if isinstance(f, forms.IntegerField):
        return str(max(f.min_value or 1, 1))
    if isinstance(f, forms.DateField):
        return date.today().isoformat()
    if isinstance(f, forms.ChoiceField):
        values = [str(v) for v, _ in f.choices if v not in ("", None)]
        return values[0] if values else ""
    if isinstance(f.widget, forms.PasswordInput):
        return PASSWORD
    if getattr(f, "max_length", None) == 3:
        return "USD"
    return "Fuzz value"


def baseline_body(form: forms.BaseForm, *, login_email: str | None) -> dict:
    taken: dict = {}
    body = {}
    for name in form.fields:
        body[form.add_prefix(name)] = baseline_value(name, form[name], taken)
    # The login form: the customer's real credentials (its email field is "username").
    if login_email and "username" in body and "password" in body:
        body["username"], body["password"] = login_email, PASSWORD
    return body


def route_url(route, ids: dict | None = None) -> str:
    """The route's URL: its id arguments from ``ids``, every other argument a value that is not an id."""
    ids = ids or {}
    return route.url({name: ids[name] if name in ids else NOT_IDS.get(name, "x") for name in route.kwargs})


def _candidate_combos(route, found):
    """(the candidates' roles, the URL) for combinations of the customer's ids, up to 200."""
    ids = route.id_kwargs
    options = [[c for c in found if _fits(route.kwargs[name], c.a_value)] for name in ids]
    for combo in itertools.islice(itertools.product(*options), 200):
        values = {name: c.a_value for name, c in zip(ids, combo, strict=True)}
        yield tuple(c.role for c in combo), route_url(route, values)


def route_tries(route, found, remembered=None):
    """(the candidates' roles, the URL) to try for ``route``: the one URL of a route without ids;
    else the ``remembered`` roles' ids first (when this world has them), then the combinations."""
    if not route.id_kwargs:
        yield (), route_url(route)
        return
    if remembered:
        by_role = {c.role: c for c in found}
        if all(role in by_role for role in remembered):
            yield remembered, route_url(route, {name: by_role[role].a_value
                                                for name, role in zip(route.id_kwargs, remembered, strict=True)})
    yield from _candidate_combos(route, found)


# What the first discovery in this process found, per (route, as customer): the roles of the
# candidates whose ids showed the form ("accounts.Account#0",), or None for no form at all.
# Every caller's world is built the same way (tests.conftest.fuzz_world: the same objects,
# new ids), so a later discovery tries the remembered roles first and skips a route that
# had no form: only the first discovery pays for trying up to 200 ids on every route.
_FOUND: dict[tuple[str, bool], tuple[str, ...] | None] = {}


def discover_form_pages(visitor, customer_client, customer, other, *, only=None) -> list[FormPage]:
    """Every page that shows a form and posts it, once per route (the first id that works);
    ``only``: just the routes of these names ("transactions:expense"), for a test that needs a few."""
    found = candidates(customer, other)
    login = reverse("login")
    pages, seen = [], set()
    for route in all_routes():
        if "admin" in route.namespaces:
            continue
        if only is not None and ":".join([*route.namespaces, route.endpoint.name or ""]) not in only:
            continue
        for as_customer, client in ((False, visitor), (True, customer_client)):
            memo = (route.name, as_customer)
            if memo in _FOUND and _FOUND[memo] is None:
                continue
            _FOUND.setdefault(memo, None)
            for roles, url in route_tries(route, found, _FOUND[memo]):
                response = _rolled_back(lambda url=url, client=client: client.get(url))
                if not as_customer and response.status_code == 302 and response["Location"].startswith(login):
                    break  # a visitor is sent to log in whatever the ids
                if response.status_code == 405:
                    break  # GET is not allowed whatever the ids (a POST-only action)
                form = _page_form(response) if response.status_code == 200 else None
                if form is None or not form.fields or not _posts_a_form(response):
                    continue
                if url in seen:  # an overridden pattern (Django's own login), or a page seen as a visitor
                    break
                seen.add(url)
                _FOUND[memo] = roles
                label = ":".join([*route.namespaces, route.endpoint.name or route.describe()])
                pages.append(FormPage(
                    label=f"{label} ({'customer' if as_customer else 'visitor'})", url=url,
                    as_customer=as_customer, form_class=type(form).__name__, fields=dict(form.fields),
                    baseline=baseline_body(form, login_email=customer.email if not as_customer else None),
                ))
                break
    return pages


def _snapshot_sql() -> str:
    parts = []
    for model in project_models():
        if model._meta.app_label == "audit":
            continue
        if model._meta.label == "core.DataVersion":
            # Derived: it moves with the rows of the tables compared here, and with those this
            # fingerprint leaves out (the audit trail, the two-factor devices of django-otp).
            continue
        columns = [connection.ops.quote_name(f.column) for f in model._meta.concrete_fields
                   if f.attname != "last_login"]
        table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
        parts.append(
            f"SELECT '{model._meta.label}', count(*), "  # noqa: S608 (names come from the models)
            f"md5(coalesce(string_agg(row({', '.join(columns)})::text, '|' ORDER BY {pk}), '')) FROM {table}"
        )
    return " UNION ALL ".join(parts)


def snapshot_rows() -> dict:
    """A fingerprint (row count and a hash of every value) of every BankDash table except
    the append-only audit trail (a refused login is rightly recorded there) and the data
    versions; last_login is volatile. One query, so it can run around every example."""
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql())
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def diff_rows(before: dict, after: dict) -> list[str]:
    return [f"{label}: {before[label][0]} rows before, {after[label][0]} after, contents "
            f"{'unchanged' if before[label][1] == after[label][1] else 'changed'}"
            for label in before if before[label] != after[label]]
