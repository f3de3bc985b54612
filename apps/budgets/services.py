"""Budget writes and the budget check.

``budget_check_for_changes`` is called (through the thin receiver in receivers.py) by the
ledger's ``ledger_changed`` signal, inside the money movement's own database transaction:
the alerts it creates commit or roll back together with the movement. Nothing here
leaves the process, so nothing needs ``transaction.on_commit``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.alerts.models import Alert
from apps.alerts.services import alerts_raise
from apps.core import formats
from apps.core.currencies import clean_currency
from apps.core.dates import user_today
from apps.core.money import cents, format_money
from apps.transactions.models import Category, Transaction

from .models import Budget
from .selectors import budget_window, is_exceeded, is_past_warning, spent_in_windows

# Periods are computed a year past the start: near 9999-12-31 that would overflow.
START_YEARS = (1900, 2999)


# ---------------------------------------------------------------------------
# Budgets
# ---------------------------------------------------------------------------

def _clean_fields(*, user, category, period, limit, warning_percent, start_date, currency) -> dict:
    if category is None or not Category.objects.for_user(user).filter(pk=category.pk).exists():
        raise ValidationError({"category": _("Choose one of your categories.")})
    if period not in Budget.Period.values:
        raise ValidationError({"period": _("Choose weekly, monthly, quarterly or yearly.")})
    if not 1 <= int(warning_percent) <= 100:
        raise ValidationError({"warning_percent": _("Choose a warning threshold between 1 and 100 percent.")})
    if not START_YEARS[0] <= start_date.year <= START_YEARS[1]:
        raise ValidationError({"start_date": _("Enter a start date between the years %(first)s and %(last)s.")
                               % {"first": START_YEARS[0], "last": START_YEARS[1]}})
    return {"category": category, "period": period, "limit": cents(limit, field="limit"),
            "warning_percent": int(warning_percent), "start_date": start_date,
            "currency": clean_currency(currency or user.default_currency)}


def duplicate_message(*, category, period, currency) -> str:
    return _("You already have an active %(period)s budget in %(currency)s for “%(category)s”. Edit that one "
             "instead.") % {"period": Budget.Period(period).label.lower(), "currency": currency,
                            "category": capfirst(str(category))}


def _save_unique(budget: Budget) -> None:
    """Save, turning the one-active-budget constraint into a message (a concurrent
    duplicate that slipped past the form's check lands here)."""
    try:
        with transaction.atomic():
            budget.save()
    except IntegrityError as error:
        if "budgets_one_active_per_category_period_currency" not in str(error):
            raise
        raise ValidationError({"category": duplicate_message(category=budget.category, period=budget.period,
                                                             currency=budget.currency)}) from None


@transaction.atomic
def budget_create(*, user, category: Category, limit: Decimal, period: str = Budget.Period.MONTHLY,
                  start_date: date | None = None, warning_percent: int = 80, currency: str | None = None) -> Budget:
    """Create a budget and evaluate its current period at once (spending may already be over).
    It counts expenses in ``currency`` only (default: the user's currency)."""
    fields = _clean_fields(user=user, category=category, period=period, limit=limit,
                           warning_percent=warning_percent, currency=currency,
                           start_date=start_date or user_today(user).replace(day=1))
    budget = Budget(owner=user, **fields)
    _save_unique(budget)
    budget_check(user=user, budget_ids=[budget.pk])
    return budget


@transaction.atomic
def budget_update(*, user, budget_id: int, category: Category, limit: Decimal, period: str, start_date: date,
                  warning_percent: int, currency: str | None = None) -> Budget:
    """Change an active budget and re-evaluate it. Alerts already given stay."""
    budget = Budget.objects.select_for_update().get(owner=user, pk=budget_id, is_active=True)
    fields = _clean_fields(user=user, category=category, period=period, limit=limit,
                           warning_percent=warning_percent, start_date=start_date,
                           currency=currency or budget.currency)
    for name, value in fields.items():
        setattr(budget, name, value)
    _save_unique(budget)
    budget_check(user=user, budget_ids=[budget.pk])
    return budget


@transaction.atomic
def budget_delete(*, user, budget_id: int) -> Budget:
    """Deactivate the budget. It is not deleted: its alerts (which cascade on delete) stay
    in the user's history, and the category/period is free for a new active budget."""
    budget = Budget.objects.select_for_update().get(owner=user, pk=budget_id, is_active=True)
    budget.is_active = False
    budget.save(update_fields=["is_active"])
    return budget


# ---------------------------------------------------------------------------
# The budget check
# ---------------------------------------------------------------------------

def _alert_message(*, owner, budget: Budget, kind: str, spent: Decimal, window) -> str:
    """The alert text, in the owner's language and formats, whoever's change triggers the check."""
    with formats.for_user(owner):
        values = {
            "period": budget.get_period_display().lower(), "category": budget.category.label,
            "spent": format_money(spent, budget.currency), "limit": format_money(budget.limit, budget.currency),
            "when": f"{formats.format_day(window.start)} – {formats.format_day(window.end)}",
            "percent": (spent * 100 / budget.limit).quantize(Decimal("1")), "warning": budget.warning_percent,
        }
        if kind == Alert.Kind.BUDGET_EXCEEDED:
            return _("You have exceeded your %(period)s “%(category)s” budget: %(spent)s spent of %(limit)s "
                     "(%(percent)s%%) for %(when)s.") % values
        return _("You have used %(percent)s%% of your %(period)s “%(category)s” budget: %(spent)s spent of "
                 "%(limit)s for %(when)s (warning at %(warning)s%%).") % values


def _due_kind(*, budget: Budget, spent: Decimal) -> str | None:
    # An exceeded budget gets the "exceeded" alert only: a warning in the same breath is noise.
    if is_exceeded(budget=budget, spent=spent):
        return Alert.Kind.BUDGET_EXCEEDED
    if is_past_warning(budget=budget, spent=spent):
        return Alert.Kind.BUDGET_WARNING
    return None


def budget_check(*, user, budget_ids: Iterable[int] | None = None, changed_dates: dict | None = None,
                 today: date | None = None) -> list[Alert]:
    """Evaluate the current period of the user's active budgets (all, or ``budget_ids``) and
    create the alerts now due. Returns the alerts created.

    ``changed_dates`` (category id -> dates) narrows the check to budgets whose current
    window contains one of their category's changed dates.

    Must run inside a transaction: the budget rows are locked (in primary-key order) before
    spending is summed, so concurrent expenses in one category take turns and each sees
    the others' committed rows; the alert that crosses a line is then created exactly once
    (the unique constraint and ON CONFLICT DO NOTHING are the last guard).
    """
    budgets = Budget.objects.select_for_update(of=("self",)).filter(owner=user, is_active=True)
    if budget_ids is not None:
        budgets = budgets.filter(pk__in=list(budget_ids))
    if changed_dates is not None:
        budgets = budgets.filter(category_id__in=list(changed_dates))
    budgets = list(budgets.select_related("category").order_by("pk"))
    today = today or user_today(user)
    windows = {b.pk: budget_window(b, today=today) for b in budgets}
    if changed_dates is not None:
        budgets = [b for b in budgets if any(day in windows[b.pk] for day in changed_dates[b.category_id])]
    if not budgets:
        return []
    spent = spent_in_windows(user=user, windows={b.pk: (b.category_id, b.currency, windows[b.pk]) for b in budgets})

    due = {}
    for budget in budgets:
        kind = _due_kind(budget=budget, spent=spent[budget.pk])
        if kind:
            due[(budget.pk, windows[budget.pk].start, kind)] = budget
    if not due:
        return []
    existing = set(
        Alert.objects.filter(budget_id__in={key[0] for key in due}, kind__in={key[2] for key in due},
                             period_start__in={key[1] for key in due})
        .values_list("budget_id", "period_start", "kind")
    )
    new = [
        Alert(owner=user, budget=budget, period_start=start, kind=kind,
              message=_alert_message(owner=user, budget=budget, kind=kind, spent=spent[budget.pk],
                                     window=windows[budget.pk]))
        for (budget_id, start, kind), budget in due.items()
        if (budget_id, start, kind) not in existing
    ]
    # A concurrent check may write the same alert first: the unique constraint keeps one.
    return alerts_raise(new, ignore_conflicts=True)


def budget_check_for_changes(*, user, changes) -> list[Alert]:
    """Re-check the budgets the ledger changes touch: expense rows only (income and
    transfers are not spending), each budget of an affected category whose current
    window contains a changed date. An edit brings the old and the new state."""
    changed_dates: dict[int, set[date]] = defaultdict(set)
    for change in changes:
        if change.kind == Transaction.Kind.EXPENSE and change.category_id is not None:
            changed_dates[change.category_id].add(change.occurred_on)
    if not changed_dates:
        return []
    return budget_check(user=user, changed_dates=changed_dates)


def budget_recalculate_all(*, today: date | None = None) -> list[Alert]:
    """Every active budget's current period, user by user (one short transaction each,
    so no lock is held across users). Returns the alerts created."""
    from apps.users.models import User

    created = []
    for user in User.objects.filter(budgets__is_active=True).distinct().order_by("pk"):
        with transaction.atomic():
            created += budget_check(user=user, today=today)
    return created


@transaction.atomic
def budgets_move_category(*, user, source: Category, target: Category) -> list[int]:
    """A category merge (apps.transactions.services.category_merge): the user's budgets on
    ``source`` move to ``target`` and are checked against what the target now holds.
    Refused (the whole merge rolls back) when the user has an active budget on both
    categories for the same period and currency: two limits for one category would be
    ambiguous, and the customer chooses which to keep. Returns the moved budgets' ids."""
    budgets = list(Budget.objects.select_for_update().filter(owner=user, category__in=[source, target])
                   .order_by("pk"))
    on_target = {(b.period, b.currency) for b in budgets if b.category_id == target.pk and b.is_active}
    clashes = [b for b in budgets if b.category_id == source.pk and b.is_active and (b.period, b.currency) in on_target]
    if clashes:
        names = "; ".join(_("%(period)s in %(currency)s") % {"period": Budget.Period(b.period).label.lower(),
                                                              "currency": b.currency} for b in clashes)
        raise ValidationError({"target": _("You have budgets for both “%(source)s” and “%(target)s” (%(names)s). "
                                           "Delete or deactivate one of each pair first, then merge.")
                               % {"source": capfirst(source.name), "target": capfirst(target.name), "names": names}})
    moved = [b.pk for b in budgets if b.category_id == source.pk]
    if moved:
        Budget.objects.filter(pk__in=moved).update(category=target)
        budget_check(user=user, budget_ids=moved)
    return moved
