import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from apps.users.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_user_model_is_the_custom_one():
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"


def test_create_user_normalises_email_and_hashes_password():
    user = User.objects.create_user("  Mixed.Case@Example.COM ", "s3cret-pass-phrase", display_name="Mia")
    user.refresh_from_db()
    assert user.email == "mixed.case@example.com"
    assert user.password != "s3cret-pass-phrase"
    assert user.password.startswith(("md5$", "pbkdf2_sha256$", "argon2"))
    assert user.check_password("s3cret-pass-phrase")
    assert not user.is_staff and not user.is_superuser


def test_create_superuser_is_staff_and_superuser():
    admin = User.objects.create_superuser("root@example.com", "x-very-long-secret", display_name="Root")
    assert admin.is_staff and admin.is_superuser


def test_email_is_required():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "whatever-password")


def test_database_refuses_the_same_email_in_another_case():
    UserFactory(email="dana@example.com")
    # Bypass the manager's normalisation: the index on lower(email) is the last guard.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="DANA@example.com", display_name="Other")])


def test_natural_key_lookup_is_an_exact_match_on_the_normal_form():
    user = UserFactory(email="case@example.com")
    assert User.objects.get_by_natural_key("CASE@Example.com") == user
    assert User.objects.get_by_natural_key("\uff43ase@example.com") == user  # fullwidth c: NFKC
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("cas\u0131@example.com")  # ı: PostgreSQL's upper() would match


def test_the_database_refuses_an_email_not_in_its_normal_form():
    for email in ("Upper@example.com", " space@example.com"):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.bulk_create([User(email=email, display_name="Raw")])


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = User.objects.normalize_email(text)
    assert User.objects.normalize_email(once) == once


def test_defaults_and_str(settings):
    user = User.objects.create_user("tz@example.com", PASSWORD, display_name="Tess")
    assert user.time_zone == settings.TIME_ZONE
    assert user.default_currency == settings.DEFAULT_CURRENCY
    assert str(user) == "Tess"
    assert user.get_full_name() == user.get_short_name() == "Tess"
    assert str(user.zoneinfo) == settings.TIME_ZONE
