"""Fixtures shared by every test module."""

import pytest


@pytest.fixture
def user_factory(db):
    from apps.users.tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def user(user_factory):
    """A customer."""
    return user_factory()


@pytest.fixture
def logged_in(client, user):
    """The test client, logged in as ``user``."""
    client.force_login(user)
    return client
