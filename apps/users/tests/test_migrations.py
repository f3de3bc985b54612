"""Migration 0004 stores every email in its normal form, and stops when two would clash."""

import importlib

import pytest
from django.apps import apps

from apps.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("apps.users.migrations.0004_email_normal_form")


def test_stored_emails_are_normalised():
    # Rows written before the normal form (these pass today's constraints, not the normal form).
    fullwidth = UserFactory(email="\uff53am@example.com")
    long_s = UserFactory(email="\u017fue@example.com")
    fine = UserFactory(email="ok@example.com")
    migration.normalize_stored_emails(apps, None)
    assert User.objects.get(pk=fullwidth.pk).email == "sam@example.com"
    assert User.objects.get(pk=long_s.pk).email == "sue@example.com"
    assert User.objects.get(pk=fine.pk).email == "ok@example.com"


def test_two_accounts_that_would_share_an_address_stop_the_migration():
    first = UserFactory(email="sam@example.com")
    second = UserFactory(email="\u017fam@example.com")
    with pytest.raises(RuntimeError) as stopped:
        migration.normalize_stored_emails(apps, None)
    assert f"user {first.pk} ('sam@example.com')" in str(stopped.value)
    assert f"user {second.pk} ('\u017fam@example.com')" in str(stopped.value)
    assert User.objects.get(pk=second.pk).email == "\u017fam@example.com"  # nothing changed
