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

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create:
            return
        name = extracted or CUSTOMER
        self.groups.add(Group.objects.get_or_create(name=name)[0])
        if name in (SUPPORT, AUDITOR):
            self.is_staff = True
            self.save(update_fields=["is_staff"])


class SupportFactory(UserFactory):
    role = SUPPORT


class AuditorFactory(UserFactory):
    role = AUDITOR
