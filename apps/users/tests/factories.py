import factory
from django.contrib.auth.models import Group

from apps.users.models import User
from apps.users.roles import AUDITOR, CUSTOMER, SUPPORT

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)
    time_zone = "UTC"
    default_currency = "USD"

    # UserFactory(role=SUPPORT) puts the user in that group (staff roles get is_staff).
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, create, extracted or CUSTOMER))


def _join(user, create, name):
    if not create:
        return
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    if name in (SUPPORT, AUDITOR):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


class SupportFactory(UserFactory):
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, create, extracted or SUPPORT))


class AuditorFactory(UserFactory):
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, create, extracted or AUDITOR))
