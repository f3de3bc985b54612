"""The user model's admin: search by email or name, filter by group and activity."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.users.roles import CUSTOMER, SUPPORT
from tests.factories import SupportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root@example.com", "x-long-secret", display_name="Root")
    client.force_login(admin_user)
    return {
        "ada": UserFactory(email="ada@example.com", display_name="Ada Lovelace"),
        "bob": UserFactory(email="bob@example.com", display_name="Bob Stone", is_active=False),
        "sam": SupportFactory(email="sam@bankdash.test", display_name="Sam Support"),
    }


def listed(response):
    return {user.email for user in response.context["cl"].result_list}


def test_search_by_email_and_by_name(client, people):
    url = reverse("admin:users_user_changelist")
    assert listed(client.get(url, {"q": "ada@"})) == {"ada@example.com"}
    assert listed(client.get(url, {"q": "stone"})) == {"bob@example.com"}


def test_filter_by_group_and_activity(client, people):
    url = reverse("admin:users_user_changelist")
    support = Group.objects.get(name=SUPPORT)
    assert listed(client.get(url, {"groups__id__exact": support.pk})) == {"sam@bankdash.test"}
    customer = Group.objects.get(name=CUSTOMER)
    assert listed(client.get(url, {"groups__id__exact": customer.pk})) == {"ada@example.com", "bob@example.com"}
    assert listed(client.get(url, {"is_active__exact": "0"})) == {"bob@example.com"}


def test_superuser_adds_a_user_with_a_hashed_password(client, people, django_user_model):
    response = client.post(reverse("admin:users_user_add"), {
        "email": "New.Staff@Example.com", "display_name": "New Staff",
        "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase",
        "usable_password": "true",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = django_user_model.objects.get(email__iexact="new.staff@example.com")
    assert user.check_password("a-long-unusual-passphrase")
    assert "a-long-unusual-passphrase" not in user.password
