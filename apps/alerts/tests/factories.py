import factory

from apps.alerts.models import Alert
from apps.users.tests.factories import UserFactory


class AlertFactory(factory.django.DjangoModelFactory):
    """A system alert (budget alerts need a budget and a period: see budgets' tests)."""

    class Meta:
        model = Alert

    owner = factory.SubFactory(UserFactory)
    kind = Alert.Kind.SYSTEM
    message = factory.Sequence(lambda n: f"System notice {n}")
