import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.alerts.context_processors import unread_alerts
from tests.factories import AlertFactory, UserFactory

pytestmark = pytest.mark.django_db


def badge(html):
    match = re.search(r'id="alert-badge">(\d+)<', html)
    return int(match.group(1)) if match else None


def test_navbar_badge_counts_my_unread_alerts(client):
    user = UserFactory()
    AlertFactory.create_batch(3, owner=user)
    AlertFactory(owner=user, read_at=timezone.now())
    AlertFactory.create_batch(2)  # other users'
    client.force_login(user)
    assert badge(client.get(reverse("budgets:list")).content.decode()) == 3
    client.post(reverse("alerts:read_all"))
    assert badge(client.get(reverse("budgets:list")).content.decode()) is None


def test_badge_is_one_query(django_assert_num_queries):
    user = UserFactory()
    AlertFactory.create_batch(2, owner=user)
    request = RequestFactory().get("/")
    request.user = user
    context = unread_alerts(request)
    with django_assert_num_queries(1):
        assert context["unread_alert_count"] == 2
        assert str(context["unread_alert_count"]) == "2"  # evaluated once, when first used


def test_no_badge_for_anonymous():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread_alerts(request) == {}


def test_the_cached_navigation_follows_what_it_shows(client):
    """The navigation is rendered once per process for each thing it shows (issue 17): the
    unread count, the page's section, staff or not, the name and the language each give
    their own copy, and one customer's never shows another's name."""
    erika, max_ = UserFactory(display_name="Erika"), UserFactory(display_name="Max")
    client.force_login(erika)
    first = client.get(reverse("budgets:list")).content.decode()
    assert "Erika" in first and badge(first) is None
    assert 'nav-link active" aria-current="page" href="/budgets/"' in first
    AlertFactory(owner=erika)
    again = client.get(reverse("budgets:list")).content.decode()
    assert badge(again) == 1
    other_section = client.get(reverse("accounts:list")).content.decode()
    assert 'nav-link active" aria-current="page" href="/accounts/"' in other_section
    assert 'aria-current="page" href="/budgets/"' not in other_section
    assert ">Admin<" not in again
    erika.is_staff = True
    erika.save(update_fields=["is_staff"])
    assert ">Admin<" in client.get(reverse("budgets:list")).content.decode()
    erika.display_name = "Erika M."
    erika.save(update_fields=["display_name"])
    assert "Erika M." in client.get(reverse("budgets:list")).content.decode()
    erika.locale = "de-DE"
    erika.save(update_fields=["locale"])
    german = client.get(reverse("budgets:list")).content.decode()
    assert ">Einstellungen<" in german and ">Konten<" in german and ">Settings<" not in german
    client.force_login(max_)
    theirs = client.get(reverse("budgets:list")).content.decode()
    assert "Max" in theirs and "Erika" not in theirs and badge(theirs) is None
