"""The users app's services record their own audit events, whoever calls them: the same
event from a page, a management command or a shell session."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.oath import totp

from apps.audit.models import AuditEvent
from apps.users import selectors, services
from apps.users.models import User
from apps.users.tokens import activation_token
from tests.factories import PASSWORD, UserFactory

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


SITE = "https://bankdash.example.com"


@pytest.mark.parametrize(("field", "value"), [("time_zone", "Mars/Base"), ("default_currency", "XYZ"),
                                              ("default_currency", "ÄÖÜ"), ("email", "n\u0131@example.com"),
                                              ("email", "new@b\u00fccher.de")])
def test_registration_refuses_what_is_not_a_zone_a_currency_or_an_ascii_address(field, value):
    data = {"email": "new@example.com", "display_name": "New", "password": "a-long-unusual-passphrase",
            "time_zone": "Europe/Paris", "default_currency": "EUR", "site_url": SITE, field: value}
    with pytest.raises(ValidationError) as refused:
        services.customer_register(**data)
    assert field in refused.value.error_dict
    assert not User.objects.filter(email="new@example.com").exists()


def test_registration_stores_the_normal_forms(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.customer_register(email=" \uff2eew@Example.COM ", display_name="  New   Person ",
                                          password="a-long-unusual-passphrase", time_zone="Asia/Tokyo",
                                          default_currency="jpy", site_url=SITE)
    assert (user.email, user.display_name, user.default_currency) == ("new@example.com", "New Person", "JPY")
    assert user.groups.filter(name="customer").exists()
    assert not user.is_active
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert f"{SITE}/activate/" in message.body


def test_a_taken_address_changes_nothing_and_returns_none(django_capture_on_commit_callbacks):
    owner = UserFactory(email="new@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.customer_register(email="NEW@example.com", display_name="Other",
                                          password="a-long-unusual-passphrase", time_zone="UTC",
                                          default_currency="USD", site_url=SITE) is None
    assert list(User.objects.all()) == [owner]
    [message] = mail.outbox
    assert f"{SITE}/password_reset/" in message.body


def test_no_email_leaves_when_the_registration_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.customer_register(email="new@example.com", display_name="New", password="a-long-unusual-passphrase",
                                   time_zone="UTC", default_currency="USD", site_url=SITE)
        raise RuntimeError("the caller's transaction fails")
    assert mail.outbox == []
    assert not User.objects.exists()


def test_activation_checks_the_token_and_the_password():
    user = UserFactory(email="new@example.com", is_active=False)
    with pytest.raises(ValidationError):
        services.customer_activate(user=user, token="1-nonsense", password=PASSWORD)
    token = activation_token.make_token(user)
    with pytest.raises(ValidationError, match="not the password chosen"):
        services.customer_activate(user=user, token=token, password="someone-elses-guess")
    assert services.customer_activate(user=user, token=token, password=PASSWORD).is_active
    with pytest.raises(ValidationError):  # once
        services.customer_activate(user=user, token=token, password=PASSWORD)


def test_a_stranger_who_registered_an_address_first_cannot_keep_its_owner_out(django_capture_on_commit_callbacks):
    """Pre-claiming: the stranger's pending registration is replaced by the owner's, the
    stranger's link stops working, and the owner activates with their own password."""
    with django_capture_on_commit_callbacks(execute=True):
        services.customer_register(email="owner@example.com", display_name="Stranger", password="strangers-secret-1",
                                   time_zone="UTC", default_currency="USD", site_url=SITE)
    stranger = User.objects.get(email="owner@example.com")
    strangers_token = activation_token.make_token(stranger)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.customer_register(email="owner@example.com", display_name="Owner",
                                          password="owners-own-passphrase", time_zone="Europe/Paris",
                                          default_currency="EUR", site_url=SITE) is None
    owner = User.objects.get(email="owner@example.com")
    assert (owner.display_name, owner.time_zone, owner.default_currency) == ("Owner", "Europe/Paris", "EUR")
    assert not activation_token.check_token(owner, strangers_token)
    with pytest.raises(ValidationError):
        services.customer_activate(user=owner, token=activation_token.make_token(owner),
                                   password="strangers-secret-1")
    assert services.customer_activate(user=owner, token=activation_token.make_token(owner),
                                      password="owners-own-passphrase").is_active
