from django.contrib.auth.models import Group
from django.db import transaction

from .roles import CUSTOMER


@transaction.atomic
def customer_register(*, form) -> "User":  # noqa: F821
    """Create the user from a valid RegistrationForm and put them in the customer group."""
    user = form.save()
    group, _ = Group.objects.get_or_create(name=CUSTOMER)
    user.groups.add(group)
    return user
