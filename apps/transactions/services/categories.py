"""The user's own categories (the default ones every user has come from a migration)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Category


@transaction.atomic
def category_create(*, user, name: str) -> Category:
    """Add one of the user's own categories; a name the user already has (their own or a
    default one, ignoring case) is refused."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter a name for the category."})
    if Category.objects.for_user(user).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"You already have a category called “{name}”."})
    try:
        with transaction.atomic():
            return Category.objects.create(owner=user, name=name)
    except IntegrityError:  # the same name created by a concurrent request
        raise ValidationError({"name": f"You already have a category called “{name}”."}) from None
