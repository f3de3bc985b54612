"""The users app's services record their own audit events, whoever calls them: the same
event from a page, a management command or a shell session."""

import pytest
from django.core.exceptions import ValidationError
from django_otp.oath import totp

from apps.audit.models import AuditEvent
from apps.users import selectors, services
from apps.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_password_set_outside_a_request_is_audited():
    user = UserFactory()
    services.password_set(user=user, password="another-long-passphrase", how="change")
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert (event.actor, event.ip_address) == (user, None)


def test_two_factor_changes_are_audited_by_the_services():
    user = UserFactory()
    device = services.totp_device_get_or_create(user=user)
    codes = services.two_factor_enable(user=user, device=device, code=_code(device))
    assert selectors.two_factor_enabled(user=user) and selectors.recovery_codes_left(user=user) == len(codes)
    new_codes = services.recovery_codes_generate(user=user)
    assert not set(codes) & set(new_codes)
    with pytest.raises(ValidationError):
        services.two_factor_disable(user=user, code="000000")  # a wrong app code
    assert selectors.two_factor_enabled(user=user)
    services.two_factor_disable(user=user, code=services.recovery_codes_generate(user=user)[0])
    changes = list(AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR, actor=user)
                   .order_by("id").values_list("details__change", flat=True))
    assert changes == ["enabled", "recovery_codes_generated", "recovery_codes_generated", "disabled"]
    assert not selectors.two_factor_enabled(user=user)


@pytest.mark.parametrize(("field", "value"), [("time_zone", "Mars/Base"), ("default_currency", "XYZ"),
                                              ("default_currency", "ÄÖÜ")])
def test_registration_refuses_what_is_not_a_zone_or_a_currency(field, value):
    data = {"email": "new@example.com", "display_name": "New", "password": "a-long-unusual-passphrase",
            "time_zone": "Europe/Paris", "default_currency": "EUR", field: value}
    with pytest.raises(ValidationError) as refused:
        services.customer_register(**data)
    assert field in refused.value.error_dict
    assert not User.objects.filter(email="new@example.com").exists()


def test_registration_stores_the_normal_forms():
    user = services.customer_register(email=" New@Example.COM ", display_name="  New   Person ",
                                      password="a-long-unusual-passphrase", time_zone="Asia/Tokyo",
                                      default_currency="jpy")
    assert (user.email, user.display_name, user.default_currency) == ("new@example.com", "New Person", "JPY")
    assert user.groups.filter(name="customer").exists()
