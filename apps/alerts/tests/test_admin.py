import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.alerts.models import Alert
from apps.users.roles import AUDITOR, SUPPORT, sync_roles
from tests.factories import AlertFactory, UserFactory

pytestmark = pytest.mark.django_db

BROADCAST = "admin:alerts_alert_broadcast"


@pytest.fixture
def support(client):
    sync_roles()
    staff = UserFactory(role=SUPPORT)
    client.force_login(staff)
    return client


def test_support_sends_a_system_alert_to_all_customers(support):
    customers = UserFactory.create_batch(2)
    page = support.get(reverse(BROADCAST))
    assert page.status_code == 200 and "Send a system alert" in page.content.decode()
    response = support.post(reverse(BROADCAST), {"message": "Scheduled maintenance on Sunday.", "audience": "all"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["System alert sent to 2 customers."]
    assert sorted(Alert.objects.values_list("owner_id", "kind")) == sorted((c.pk, "system") for c in customers)


def test_support_sends_a_system_alert_to_one_customer(support):
    one, _ = UserFactory(email="one@example.com"), UserFactory()
    response = support.post(reverse(BROADCAST), {"message": "Hello", "audience": "one", "email": "ONE@example.com"})
    assert response.status_code == 302
    assert list(Alert.objects.values_list("owner_id", "message")) == [(one.pk, "Hello")]


@pytest.mark.parametrize(("data", "field", "error"), [
    ({"message": "Hi", "audience": "one", "email": ""}, "email", "Enter the email of the customer"),
    ({"message": "Hi", "audience": "one", "email": "nobody@example.com"}, "email", "No active customer"),
    ({"message": "", "audience": "all"}, "message", "This field is required."),
])
def test_broadcast_form_errors(support, data, field, error):
    UserFactory()
    response = support.post(reverse(BROADCAST), data)
    assert response.status_code == 200
    assert error in response.context["form"].errors[field][0]
    assert not Alert.objects.exists()


def test_add_alert_leads_to_the_broadcast_form(support):
    response = support.get(reverse("admin:alerts_alert_add"))
    assert response.status_code == 302 and response.url == reverse(BROADCAST)


def test_changelist_with_filters_and_search(support):
    AlertFactory(message="Maintenance notice")
    AlertFactory(message="Other")
    response = support.get(reverse("admin:alerts_alert_changelist"), {"q": "maintenance", "read": "no",
                                                                      "kind__exact": "system"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "Send a system alert" in response.content.decode()


def test_staff_without_add_permission_cannot_broadcast(client):
    sync_roles()
    client.force_login(UserFactory(role=AUDITOR))
    UserFactory()
    assert client.post(reverse(BROADCAST), {"message": "x", "audience": "all"}).status_code == 403
    assert not Alert.objects.exists()


def test_customers_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse(BROADCAST))
    assert response.status_code == 302
