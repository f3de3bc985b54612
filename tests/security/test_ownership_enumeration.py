"""Ownership everywhere, proved by enumeration.

The test walks every URL pattern of the project (django.urls.get_resolver(), through
every include) except the admin, keeps each pattern that takes an object id (an int or
uuid converter, or a kwarg named pk/id/*_id/*_pk), and for each one:

1. finds, as customer A, which of A's objects the pattern serves (A asks with every id
   A owns, in a rolled-back savepoint; an id that answers something other than 404 is one
   the pattern serves). A pattern that no object of A makes answer fails the test: it
   could not be exercised, so nothing would be proved (add the object kind to
   tests/factories.customer_with_everything);
2. as customer B, requests it with those ids by GET and by POST (with a plausible body:
   the owner's own form, with its text fields changed). Every answer must be 404 or 403
   (405 only when the owner gets 405 too: the method is refused whoever asks);
3. compares every row of every BankDash table before and after B's requests: nothing of
   A's (or anyone's) may change; an append-only audit table may only grow.

Nothing in here lists the views: a view added later without owner scoping fails this
test as it is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from uuid import UUID

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

from tests.clock import TODAY
from tests.factories import customer_with_everything
from tests.tiers import by_tier

ID_NAME = re.compile(r"^(pk|id|uuid|.+_(id|pk|uuid))$")
NOT_IDS = {"year": TODAY.year, "month": TODAY.month, "day": 1, "week": 1, "page": 1, "due_on": TODAY.isoformat()}
ALLOWED_FOR_STRANGER = {403, 404}
MAX_COMBINATIONS = 400
# Objects of each kind tried: 3 in the default tier, which still exercises every pattern; 10 in the full.
PER_MODEL = by_tier(3, 10)


# ---------------------------------------------------------------------------
# Discovering the patterns
# ---------------------------------------------------------------------------

@dataclass
class Route:
    chain: list  # the pattern objects from the root to the endpoint
    endpoint: URLPattern
    namespaces: list[str]
    kwargs: dict = field(default_factory=dict)  # name -> converter (None for a regex group)

    @property
    def name(self) -> str:
        label = ":".join([*self.namespaces, self.endpoint.name or "<unnamed>"])
        return f"{label} {self.describe()}"

    def describe(self) -> str:
        return "".join(str(p) for p in self.chain)

    @property
    def id_kwargs(self) -> list[str]:
        return [name for name, conv in self.kwargs.items() if is_id(name, conv)]

    def url(self, values: dict) -> str:
        if all(isinstance(p, RoutePattern) for p in self.chain):
            parts = []
            for p in self.chain:
                route = str(p)
                for name, conv in p.converters.items():
                    route = re.sub(rf"<(?:[^>:]+:)?{re.escape(name)}>", conv.to_url(values[name]), route)
                parts.append(route)
            return "/" + "".join(parts)
        # A regex somewhere in the chain: only Django can build it, by name.
        return reverse(":".join([*self.namespaces, self.endpoint.name]), kwargs=values)


def is_id(name: str, converter) -> bool:
    if name in NOT_IDS:
        return False
    return isinstance(converter, (IntConverter, UUIDConverter)) or bool(ID_NAME.match(name))


def _pattern_kwargs(pattern) -> dict:
    if isinstance(pattern, RoutePattern):
        return dict(pattern.converters)
    return dict.fromkeys(pattern.regex.groupindex)


def all_routes(resolver=None, chain=(), namespaces=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names = [*namespaces, entry.namespace] if entry.namespace else list(namespaces)
            yield from all_routes(entry, (*chain, entry.pattern), names)
        else:
            route = Route(chain=[*chain, entry.pattern], endpoint=entry, namespaces=list(namespaces))
            for p in route.chain:
                route.kwargs.update(_pattern_kwargs(p))
            yield route


def _is_admin(route: Route) -> bool:
    return "admin" in route.namespaces


def _is_django_auth_view(route: Route) -> bool:
    module = getattr(route.endpoint.callback, "__module__", "")
    return module.startswith("django.contrib.auth")


def routes_with_object_ids() -> list[Route]:
    return [r for r in all_routes() if r.id_kwargs and not _is_admin(r) and not _is_django_auth_view(r)]


# ---------------------------------------------------------------------------
# Objects to try, and the database snapshot
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    role: str  # e.g. "transactions.Transaction#2"
    a_value: object  # A's id
    b_value: object | None  # B's object in the same role (for patterns with several ids)


def _user_links(model):
    return [f for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is django_apps.get_model(settings.AUTH_USER_MODEL)]


def candidates(user_a, user_b, per_model=PER_MODEL) -> list[Candidate]:
    """Every object of A's, in every installed model that points at its owner (up to
    ``per_model`` each), by pk and by any UUID field; plus A's own user row."""
    User = django_apps.get_model(settings.AUTH_USER_MODEL)
    found = [Candidate("user", user_a.pk, user_b.pk)]
    for model in django_apps.get_models():
        if model is User:
            continue
        for link in _user_links(model):
            rows_a = list(model._base_manager.filter(**{link.name: user_a}).order_by("pk")[:per_model])
            rows_b = list(model._base_manager.filter(**{link.name: user_b}).order_by("pk")[:per_model])
            uuid_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.UUIDField)]
            for index, row in enumerate(rows_a):
                twin = rows_b[index] if index < len(rows_b) else None
                role = f"{model._meta.label}#{index}"
                found.append(Candidate(role, row.pk, twin.pk if twin else None))
                for f in uuid_fields:
                    value = getattr(row, f.attname)
                    if value is not None:
                        found.append(Candidate(f"{role}.{f.name}", value,
                                               getattr(twin, f.attname) if twin else None))
    return found


def _fits(converter, value) -> bool:
    if isinstance(converter, IntConverter):
        return isinstance(value, int) and value >= 0
    if isinstance(converter, UUIDConverter):
        return isinstance(value, UUID)
    return True


def project_models():
    return [m for m in django_apps.get_models() if m.__module__.startswith("apps.")]


def _is_append_only_log(model) -> bool:
    return model._meta.app_label == "audit"


VOLATILE = {"last_login"}


def snapshot() -> dict:
    data = {}
    for model in project_models():
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
        data[model._meta.label] = {row[0]: row for row in model._base_manager.order_by("pk")
                                   .values_list("pk", *names)}
    return data


def snapshot_changes(before: dict, after: dict) -> list[str]:
    changes = []
    for label, rows in before.items():
        now = after[label]
        model = django_apps.get_model(label)
        for pk, row in rows.items():
            if pk not in now:
                changes.append(f"{label} {pk} deleted")
            elif now[pk] != row:
                changes.append(f"{label} {pk} changed: {row} -> {now[pk]}")
        if not _is_append_only_log(model):
            changes += [f"{label} {pk} created: {now[pk]}" for pk in now.keys() - rows.keys()]
    return changes


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

TEXT_FIELDS = ("name", "description", "message", "institution", "display_name")


def _form_body(response) -> dict:
    """The form the owner was shown, as the owner would post it, with text changed so a
    write would show in the snapshot; plus generic fields for views without a form."""
    body = {"confirm": "yes", "amount": "1.00", "description": "tampered by B", "name": "tampered by B"}
    context = getattr(response, "context", None)
    form = None
    if context is not None:
        try:
            form = context.get("form")
        except AttributeError:
            form = None
    if form is not None and hasattr(form, "fields"):
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    body[form.add_prefix(name)] = "on"
                continue
            if isinstance(value, (list, tuple)):
                body[form.add_prefix(name)] = [str(v) for v in value]
                continue
            body[form.add_prefix(name)] = str(value)
        for name in TEXT_FIELDS:
            if name in form.fields:
                body[form.add_prefix(name)] = "tampered by B"
    return body


def _rolled_back(call):
    """Run a request as the owner without keeping anything it writes."""
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


@dataclass
class Probe:
    values: dict  # kwarg -> A's value
    roles: tuple
    owner_get: int
    owner_post: int | None
    body: dict


def owner_probes(route: Route, client_a: Client, found: list[Candidate], problems: list[str]) -> list[Probe]:
    """The combinations of A's ids this pattern serves to A."""
    ids = route.id_kwargs
    options = [[c for c in found if _fits(route.kwargs[name], c.a_value)] for name in ids]
    fixed = {name: NOT_IDS.get(name, "x") for name in route.kwargs if name not in ids}
    served, seen = [], set()
    for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS):
        values = {**fixed, **{name: c.a_value for name, c in zip(ids, combo, strict=True)}}
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        if key in seen:
            continue
        seen.add(key)
        url = route.url(values)
        get = _rolled_back(lambda url=url: client_a.get(url))
        if get.status_code >= 500:
            problems.append(f"{route.name}: the owner's GET {url} answered {get.status_code}")
            continue
        body = _form_body(get)
        post_status = None
        if get.status_code in (404, 405):
            post = _rolled_back(lambda url=url, body=body: client_a.post(url, body))
            post_status = post.status_code
            if post_status >= 500:
                problems.append(f"{route.name}: the owner's POST {url} answered {post_status}")
                continue
            if post_status in (404, 405, 403):
                continue
        elif get.status_code == 403:
            continue
        served.append(Probe(values=values, roles=tuple(c.role for c in combo), owner_get=get.status_code,
                            owner_post=post_status, body=body))
    return served


def _stranger_values(route: Route, probe: Probe, found: list[Candidate]) -> list[dict]:
    """A's ids everywhere; and for several ids, each of A's ids alone among B's own."""
    variants = [probe.values]
    ids = route.id_kwargs
    if len(ids) > 1:
        by_role = {c.role: c for c in found}
        for keep in ids:
            values = dict(probe.values)
            for name, role in zip(ids, probe.roles, strict=True):
                twin = by_role[role].b_value
                if name != keep and twin is not None:
                    values[name] = twin
            if values != probe.values:
                variants.append(values)
    return variants


@pytest.fixture
def customers(db, django_user_model, frozen_now):
    from tests.factories import UserFactory

    a, b = UserFactory(email="owner-a@example.com"), UserFactory(email="stranger-b@example.com")
    holdings_a, holdings_b = customer_with_everything(a), customer_with_everything(b)
    client_a, client_b = Client(raise_request_exception=False), Client(raise_request_exception=False)
    client_a.force_login(a)
    client_b.force_login(b)
    return holdings_a, holdings_b, client_a, client_b


@dataclass
class Enumeration:
    covered: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    unexercised: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    requests: int = 0


def enumerate_ownership(holdings_a, holdings_b, client_a, client_b) -> Enumeration:
    result = Enumeration()
    found = candidates(holdings_a.user, holdings_b.user)
    plans = []
    for route in routes_with_object_ids():
        probes = owner_probes(route, client_a, found, result.problems)
        if probes:
            plans.append((route, probes))
        else:
            result.unexercised.append(route.name)

    before = snapshot()
    for route, probes in plans:
        for probe in probes:
            for values in _stranger_values(route, probe, found):
                url = route.url(values)
                for method in ("get", "post"):
                    response = client_b.get(url) if method == "get" else client_b.post(url, probe.body)
                    result.requests += 1
                    status = response.status_code
                    owner_status = probe.owner_get if method == "get" else probe.owner_post
                    if status == 405 and owner_status is None:  # does the owner get 405 too?
                        owner_status = _rolled_back(lambda url=url, body=probe.body: client_a.post(url, body)
                                                    ).status_code
                    if status in ALLOWED_FOR_STRANGER or (status == 405 and owner_status == 405):
                        continue
                    location = f" -> {response['Location']}" if response.has_header("Location") else ""
                    result.problems.append(
                        f"{route.name}: customer B's {method.upper()} {url} (A's {', '.join(probe.roles)}) "
                        f"answered {status}{location}"
                    )
        result.covered.append(f"{route.name}: {len(probes)} id combination(s) of A's")
    result.changes = snapshot_changes(before, snapshot())
    return result


def test_every_pattern_with_an_object_id_is_owner_scoped(customers, report_figure):
    assert routes_with_object_ids(), "no URL pattern takes an object id: the enumeration found nothing to prove"
    result = enumerate_ownership(*customers)

    print(f"\nownership enumeration: {len(result.covered)} URL patterns with object ids covered, "
          f"{result.requests} requests as another customer\n  " + "\n  ".join(result.covered))
    report_figure("URL patterns covered by the ownership enumeration", len(result.covered))
    report_figure("requests made as another customer (ownership enumeration)", result.requests)

    assert not result.unexercised, (
        "these URL patterns take an object id but no object of customer A makes them answer, so ownership "
        "cannot be proved; add the object kind to tests/factories.customer_with_everything:\n  "
        + "\n  ".join(result.unexercised)
    )
    assert not result.problems, "customer B reached customer A's objects:\n  " + "\n  ".join(result.problems)
    assert not result.changes, "customer B's requests changed rows:\n  " + "\n  ".join(result.changes[:50])
    assert len(result.covered) > 0


def _with_extra_urls(settings, *patterns):
    """Mount ``patterns`` in front of the project's URLs, as a view added later would be."""
    from django.urls import clear_url_caches, include, path

    import bankdash.urls

    class Urls:
        urlpatterns = [*patterns, path("", include(bankdash.urls))]

    settings.ROOT_URLCONF = Urls
    clear_url_caches()


# The harness's own proof re-runs the whole enumeration: the full tier (the real one runs in both).
@pytest.mark.full
def test_the_enumeration_catches_a_view_added_without_owner_scoping(customers, settings):
    """The proof has teeth: the same enumeration, with one careless view added, fails."""
    from django.http import HttpResponse
    from django.shortcuts import get_object_or_404, redirect
    from django.urls import path

    from apps.budgets.models import Budget
    from apps.transactions.models import Transaction

    def budget_peek(request, budget_id):  # reads another customer's budget
        return HttpResponse(get_object_or_404(Budget, pk=budget_id).limit)

    def entry_rename(request, pk):  # and writes to another customer's entry on POST
        entry = get_object_or_404(Transaction, pk=pk)
        if request.method == "POST":
            Transaction.objects.filter(pk=entry.pk).update(description=request.POST.get("description", ""))
            return redirect("/")
        return HttpResponse(entry.description)

    _with_extra_urls(settings, path("peek/<int:budget_id>/", budget_peek, name="peek"),
                     path("rename/<int:pk>/", entry_rename, name="rename"))
    result = enumerate_ownership(*customers)

    assert any(p.startswith("peek ") and "GET" in p and "answered 200" in p for p in result.problems)
    assert any(p.startswith("rename ") and "POST" in p and "answered 302" in p for p in result.problems)
    assert any(c.startswith("transactions.Transaction") and "changed" in c for c in result.changes)


# The harness's own proof re-runs the whole enumeration: the full tier (the real one runs in both).
@pytest.mark.full
def test_the_enumeration_refuses_a_pattern_it_cannot_exercise(customers, settings):
    """An id pattern that answers 404 to everyone (e.g. a kind of object the test data lacks)
    is reported, not silently counted as safe."""
    from django.http import Http404
    from django.urls import path

    def unknown_kind(request, gadget_id):
        raise Http404

    _with_extra_urls(settings, path("gadgets/<int:gadget_id>/", unknown_kind, name="gadget"))
    result = enumerate_ownership(*customers)

    assert [u for u in result.unexercised if u.startswith("gadget ")]
