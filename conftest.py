import pytest


@pytest.fixture
def user_factory(db):
    from apps.users.tests.factories import UserFactory

    return UserFactory
