"""Whole pages kept under their data version (apps.core.pagecache, issue 17): a second visit
is answered from the cache in three queries, any change of the customer's data shows at
once, and what must differ per answer (the CSRF token, the one-time form token) does."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core import pagecache
from apps.transactions.models import Transaction
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("transactions:list")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
FORM_TOKEN = re.compile(r'name="quick-form_token" value="([0-9a-f-]{36})"')


@pytest.fixture
def checking(user):
    return f.account(user, "Everyday checking", opening="1000.00")


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def without_tokens(html: str) -> str:
    return FORM_TOKEN.sub("", CSRF.sub("", html))


@pytest.mark.parametrize("url", [LIST, "/", "/dashboard/overview", "/accounts/", "/insights/",
                                 "/insights/spending", "/insights/health-score", f"{LIST}?sort=-amount&page=1"])
def test_a_second_visit_is_the_same_page_from_the_cache_in_three_queries(logged_in, checking, frozen_now, url):
    f.expense(checking, "12.50", on=date(2025, 12, 3), description="Corner bakery")
    first, first_queries = get(logged_in, url)
    second, second_queries = get(logged_in, url)
    assert second_queries == 3  # the session, the user, the data version
    assert first_queries > second_queries
    assert without_tokens(second.content.decode()) == without_tokens(first.content.decode())
    assert second["Content-Type"] == first["Content-Type"]
    assert second.context is None  # not rendered again


def test_any_change_shows_on_the_next_visit(logged_in, user, checking, frozen_now):
    f.expense(checking, "12.50", on=date(2025, 12, 3), description="Corner bakery")
    assert "Corner bakery" in get(logged_in, LIST)[0].content.decode()
    f.expense(checking, "7.25", on=date(2025, 12, 4), description="Late-night kiosk")
    page = get(logged_in, LIST)[0].content.decode()
    assert "Late-night kiosk" in page and "980.25" in get(logged_in, "/accounts/")[0].content.decode()
    # A rename with a bulk update (no signal, no save()) shows too: the database raised the version.
    type(checking).objects.filter(pk=checking.pk).update(name="Household account")
    assert "Household account" in get(logged_in, "/accounts/")[0].content.decode()
    user.display_name = "Renamed Customer"
    user.save()
    assert "Renamed Customer" in get(logged_in, LIST)[0].content.decode()


def test_another_customer_never_gets_my_page(client, user, user_factory, checking, frozen_now):
    f.expense(checking, "12.50", on=date(2025, 12, 3), description="Corner bakery")
    client.force_login(user)
    assert "Corner bakery" in get(client, LIST)[0].content.decode()
    other = Client()
    other.force_login(user_factory())
    assert "Corner bakery" not in get(other, LIST)[0].content.decode()


def test_each_answer_from_the_cache_has_a_working_csrf_token_and_its_own_form_token(user, checking, frozen_now):
    """Two answers from the cache post two expenses: each form token is new (a replay is
    still one entry), and the CSRF token of a kept page is valid for this session."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    get(browser, LIST)
    tokens = []
    for payee in ("Corner bakery", "Late-night kiosk"):
        page, queries = get(browser, LIST)
        html = page.content.decode()
        tokens.append(FORM_TOKEN.search(html).group(1))
        data = {"csrfmiddlewaretoken": CSRF.search(html).group(1), "quick-occurred_on": "2025-12-03",
                "quick-payee": payee, "quick-amount": "10.00", "quick-category": f.default_category("food").pk,
                "quick-account": checking.pk, "quick-form_token": tokens[-1]}
        response = browser.post(reverse("transactions:quick"), data)
        assert response.status_code == 302, response.content[:300]
        assert browser.post(reverse("transactions:quick"), data).status_code == 302  # the replay
        browser.get(LIST)  # shows the message, which is never kept
    assert tokens[0] != tokens[1]
    assert sorted(Transaction.objects.filter(owner=user, kind="expense").values_list("payee", flat=True)) == [
        "Corner bakery", "Late-night kiosk"]


def test_a_message_waiting_is_shown_once_and_never_kept(logged_in, user, checking, frozen_now):
    get(logged_in, LIST)
    response = logged_in.post(reverse("transactions:delete", args=[f.expense(checking, "5.00").pk]), follow=True)
    shown = response.content.decode()
    assert "deleted; balances updated" in shown
    again = get(logged_in, LIST)[0].content.decode()
    assert "deleted; balances updated" not in again


def test_a_new_day_is_a_new_page(logged_in, checking, time_machine):
    time_machine.move_to("2025-12-31 12:00:00+00:00", tick=False)
    assert "December 2025" in get(logged_in, "/")[0].content.decode()
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    assert "January 2026" in get(logged_in, "/")[0].content.decode()


def test_another_language_is_another_page(logged_in, user, frozen_now):
    assert "Transactions" in get(logged_in, LIST)[0].content.decode()
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    assert "Umsätze" in get(logged_in, LIST)[0].content.decode()


def test_another_release_is_another_page(logged_in, checking, frozen_now, monkeypatch):
    get(logged_in, LIST)
    assert get(logged_in, LIST)[1] == 3
    monkeypatch.setenv("RELEASE", "next-release")
    pagecache.release.cache_clear()
    try:
        assert get(logged_in, LIST)[1] > 3
    finally:
        monkeypatch.delenv("RELEASE")
        pagecache.release.cache_clear()


def test_switched_off_every_visit_renders(logged_in, checking, settings, frozen_now):
    settings.PAGE_CACHE = False
    first = get(logged_in, LIST)[1]
    assert get(logged_in, LIST)[1] == first


def test_logged_out_json_still_answers_401(client):
    response = client.get("/dashboard/overview")
    assert response.status_code == 401
    assert "Authentication required" in response.json()["error"]


def test_amounts_stay_exact_from_the_cache(logged_in, checking, frozen_now):
    f.expense(checking, "0.10", on=date(2025, 12, 3))
    f.expense(checking, "0.20", on=date(2025, 12, 3))
    first = logged_in.get("/dashboard/overview").json()
    second = logged_in.get("/dashboard/overview").json()
    assert first == second
    assert Decimal(str(second["monthly_spending"]["total_spent"])) == Decimal("0.30")


def test_kept_in_redis_when_redis_url_is_set(logged_in, checking, settings, frozen_now):
    """Production with REDIS_URL keeps the pages in Redis, one copy for every worker: a page
    kept by one process answers another's request (a cache object of its own here)."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {url}: {error}")
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "apps.core.rediscache.RedisCache",
                                                    "LOCATION": url, "KEY_PREFIX": "pages"}}
    from django.core.cache import caches

    f.expense(checking, "12.50", on=date(2025, 12, 3), description="Corner bakery")
    first = get(logged_in, LIST)[0].content.decode()
    assert any(b"page:" in key for key in redis.Redis.from_url(url).keys("*"))
    del caches["pages"]  # another process: nothing of the first in its memory
    second, queries = get(logged_in, LIST)
    assert queries == 3
    assert without_tokens(second.content.decode()) == without_tokens(first)
    redis.Redis.from_url(url).flushdb()


def test_every_csrf_token_of_a_kept_page_is_replaced_and_nothing_else(rf):
    """A kept page holds a marker where each masked token of the session's secret was (in any
    double-quoted attribute), and leaves other 64-character values alone; each answer puts
    fresh tokens of the same secret there."""
    from django.http import HttpResponse
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret, _unmask_cipher_token

    secret, other = _get_new_csrf_string(), _get_new_csrf_string()
    request = rf.get("/")
    request.META["CSRF_COOKIE"] = secret
    mine, theirs, plain = _mask_cipher_secret(secret), _mask_cipher_secret(other), "a" * 64
    html = (f'<input name="csrfmiddlewaretoken" value="{mine}"><div data-csrf-token="{_mask_cipher_secret(secret)}">'
            f'<i data-x="{theirs}" data-y="{plain}">{mine}</i>')
    _, kept = pagecache._keep(request, HttpResponse(html), [])
    assert kept.count(pagecache._CSRF) == 2
    assert theirs in kept and plain in kept and f">{mine}<" in kept  # not an attribute's value: left as it was
    answer = pagecache._answer(request, ("text/html", kept)).content.decode()
    fresh = re.findall(r'(?:value|data-csrf-token)="([A-Za-z0-9]{64})"', answer)
    assert len(fresh) == 2 and all(_unmask_cipher_token(token) == secret for token in fresh)
    assert mine not in fresh
