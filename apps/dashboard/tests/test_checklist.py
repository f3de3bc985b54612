"""The dashboard's first-run checklist (issue 16.7)."""

from datetime import date

import pytest
from django.urls import reverse

from apps.accounts.models import OnboardingProgress
from tests import factories as f

pytestmark = pytest.mark.django_db


def steps(response) -> dict:
    page = response.content.decode()
    return {step: f'data-step="{step}" data-done="true"' in page for step in ("account", "entry", "budget")}


def test_checklist_ticks_steps_links_forms_and_goes_away_when_done(client, user, frozen_now):
    client.force_login(user)
    response = client.get("/")
    assert steps(response) == {"account": False, "entry": False, "budget": False}
    page = response.content.decode()
    for url in (reverse("accounts:create"), reverse("transactions:expense"), reverse("imports:start"),
                reverse("budgets:create")):
        assert f'href="{url}"' in page
    checking = f.account(user, "Checking", opening="100.00")
    response = client.get("/")
    assert response.context["checklist"].done_count == 1
    assert steps(response) == {"account": True, "entry": False, "budget": False}
    assert 'id="first-run-checklist"' in response.content.decode()
    f.expense(checking, "5.00", on=date(2025, 12, 1))
    assert steps(client.get("/")) == {"account": True, "entry": True, "budget": False}
    f.budget(user, "food", "50.00")
    response = client.get("/")
    assert response.context["checklist"] is None
    assert 'id="first-run-checklist"' not in response.content.decode()


def test_checklist_can_be_hidden_for_good(client, user, frozen_now):
    f.account(user, "Checking", opening="100.00")
    client.force_login(user)
    assert client.get(reverse("dashboard:checklist_dismiss")).status_code == 405
    response = client.post(reverse("dashboard:checklist_dismiss"))
    assert response.status_code == 302
    assert OnboardingProgress.objects.get(owner=user).checklist_dismissed_at is not None
    assert client.get("/").context["checklist"] is None
