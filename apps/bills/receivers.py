from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import forecast_alerts, services
from .models import RecurringItem


def reopen_occurrences_on_ledger_change(sender, *, user, changes, **kwargs):
    services.occurrences_release_deleted(user=user, changes=changes)


def check_forecast_on_ledger_change(sender, *, user, **kwargs):
    forecast_alerts.forecast_alerts_after_commit(user=user)


def move_items_on_category_merge(sender, *, user, source, target, **kwargs):
    """A category merge moves the user's bills and incomes of ``source`` to ``target``; one the
    target cannot hold (a bill into an income-only category) refuses the whole merge."""
    items = RecurringItem.objects.filter(owner=user, category=source)
    misfit = items.exclude(kind__in=_kinds_fitting(target.kind)).first()
    if misfit is not None:
        raise ValidationError({"target": _("“%(name)s” (%(kind)s) cannot move to “%(category)s”, a category for "
                                           "%(category_kind)s: choose another category.")
                               % {"name": misfit.name, "kind": misfit.get_kind_display().lower(),
                                  "category": target.name, "category_kind": target.get_kind_display().lower()}})
    items.update(category=target)


def _kinds_fitting(category_kind: str) -> list[str]:
    return {"income": ["income"], "expense": ["bill"]}.get(category_kind, ["bill", "income"])
