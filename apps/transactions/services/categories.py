"""The user's categories: create, rename, colour, merge one into another, delete (with
reassignment), hide and show a default one.

Default categories (owner None) are rows every user shares: nobody changes them for the
others. A user's view of one is a ``CategoryPreference`` (hidden, colour). Renaming a default
category creates the user's own category with the new name and merges the default one's
entries OF THIS USER into it (then hides the default one for them): the user sees the name
they asked for, and nobody else's rows move.

A merge is one atomic call: it locks the user's entries in the source category, moves them
and the monthly totals, sends ``category_merged`` (budgets, bills, rules and imports move
their rows, or refuse) and one ``ledger_changed`` (budgets re-check their alerts), then
deletes the source (the user's own) or hides it for the user (a default one).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import COLOUR_VALUES, Category, CategoryKind, CategoryPreference, DailyTotal, MonthlyTotal, Transaction
from ..signals import LedgerChange, category_merged
from .ledger import Kind, announce, ledger_version_bump, log_refusal

NAME_MAX_LENGTH = Category._meta.get_field("name").max_length


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter a name for the category.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": _("Use at most %(max)s characters.") % {"max": NAME_MAX_LENGTH}})
    return name


def _clean_kind(kind: str | None) -> str:
    kind = kind or CategoryKind.BOTH
    if kind not in CategoryKind.values:
        raise ValidationError({"kind": _("Choose income, expense, or both.")})
    return kind


def _clean_colour(colour: str | None) -> str:
    colour = (colour or "").strip().lower()
    if colour and colour not in COLOUR_VALUES:
        raise ValidationError({"colour": _("Choose one of the colours offered.")})
    return colour


def _name_taken(*, user, name: str, exclude_id: int | None = None) -> bool:
    others = Category.objects.for_user(user).filter(name__iexact=name)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    return others.exists()


def _taken_message(name: str) -> str:
    return _("You already have a category called “%(name)s”. To put the two together, merge one into the other.") % {
        "name": name}


def own_or_default(*, user, category_id) -> Category:
    """One of the categories the user has (their own or a default one), hidden ones included;
    another user's id is 'not found' (Category.DoesNotExist, a 404 in the views)."""
    return Category.objects.for_user(user).get(pk=category_id)


@transaction.atomic
def category_create(*, user, name: str, kind: str | None = None, colour: str | None = None) -> Category:
    """Add one of the user's own categories; a name the user already has (their own or a
    default one, ignoring case) is refused."""
    name = _clean_name(name)
    kind, colour = _clean_kind(kind), _clean_colour(colour)
    if _name_taken(user=user, name=name):
        raise ValidationError({"name": _("You already have a category called “%(name)s”.") % {"name": name}})
    try:
        with transaction.atomic():
            return Category.objects.create(owner=user, name=name, kind=kind, colour=colour)
    except IntegrityError:  # the same name created by a concurrent request
        raise ValidationError({"name": _("You already have a category called “%(name)s”.") % {"name": name}}) from None


def _preference(*, user, category) -> CategoryPreference:
    return CategoryPreference.objects.select_for_update().get_or_create(owner=user, category=category)[0]


@transaction.atomic
def category_update(*, user, category_id: int, name: str, kind: str | None = None,
                    colour: str | None = None) -> Category:
    """Rename the user's own category, change what it is for (income, expense, both) and its
    colour. For a default category: a new colour is the user's preference; a new name makes
    the user's own category of that name and merges this user's entries into it (the default
    one is hidden for them); its kind stays (it is everyone's). Returns the category the user
    now sees."""
    category = own_or_default(user=user, category_id=category_id)
    name, colour = _clean_name(name), _clean_colour(colour)
    # The dashboard's cached figures carry category names and colours: a change here is a new version.
    ledger_version_bump(user=user)
    if category.is_default:
        preference = _preference(user=user, category=category)
        if name.lower() == category.name.lower():
            preference.colour = colour
            preference.save(update_fields=["colour"])
            return category
        if _name_taken(user=user, name=name):
            raise ValidationError({"name": _taken_message(name)})
        own = category_create(user=user, name=name, kind=category.kind, colour=colour or preference.colour)
        category_merge(user=user, source_id=category.pk, target_id=own.pk)
        return own
    kind = _clean_kind(kind or category.kind)
    category = Category.objects.select_for_update().get(pk=category.pk, owner=user)
    if _name_taken(user=user, name=name, exclude_id=category.pk):
        raise ValidationError({"name": _taken_message(name)})
    if kind != category.kind:
        _check_kind_fits(user=user, source=category, target_kind=kind)
    category.name, category.kind, category.colour = name, kind, colour
    try:
        with transaction.atomic():
            category.save(update_fields=["name", "kind", "colour"])
    except IntegrityError:
        raise ValidationError({"name": _taken_message(name)}) from None
    return category


def _check_kind_fits(*, user, source, target_kind: str) -> None:
    """Refuse when the user has entries in ``source`` that a ``target_kind`` category cannot hold."""
    if target_kind == CategoryKind.BOTH:
        return
    other = Kind.EXPENSE if target_kind == CategoryKind.INCOME else Kind.INCOME
    if Transaction.objects.filter(owner=user, category=source, kind=other).exists():
        log_refusal("category_kind_mismatch", user_id=user.pk, category_id=source.pk)
        message = (_("“%(name)s” has expenses: it must stay a category for expenses.") if other == Kind.EXPENSE
                   else _("“%(name)s” has incomes: it must stay a category for incomes."))
        raise ValidationError({"kind": message % {"name": source.name}})


def _move_totals(*, user, source, target) -> None:
    """Add each of the user's source buckets (monthly and daily totals) into the target's bucket
    of the same account, month or day, and kind (creating it if needed), then delete the source
    buckets: one upsert and one delete per table, under the locks of the rows they count."""
    for model, period in ((MonthlyTotal, "month"), (DailyTotal, "day")):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            # ORDER BY: concurrent upserts into the same buckets take their row locks in one order.
            cursor.execute(
                f"INSERT INTO {table} (owner_id, account_id, category_id, {period}, kind, total, count) "  # noqa: S608
                f"SELECT owner_id, account_id, %s, {period}, kind, total, count FROM {table} "
                f"WHERE owner_id = %s AND category_id = %s ORDER BY account_id, {period}, kind "
                f"ON CONFLICT (account_id, category_id, {period}, kind) DO UPDATE "
                f"SET total = {table}.total + EXCLUDED.total, count = {table}.count + EXCLUDED.count",
                [target.pk, user.pk, source.pk],
            )
        model.objects.filter(owner=user, category=source).delete()


@transaction.atomic
def category_merge(*, user, source_id: int, target_id: int) -> Category:
    """Move everything of the user's in ``source`` to ``target`` (both categories the user
    has; the target one they may use), in one transaction; then delete ``source`` (the user's
    own) or hide it for the user (a default one). Refused, with nothing changed, when the
    target's kind cannot hold the source's entries, or when an app above refuses (two budgets
    of the same period and currency). Returns the target."""
    source = own_or_default(user=user, category_id=source_id)
    try:
        target = Category.objects.usable_by(user).get(pk=target_id)
    except Category.DoesNotExist:
        raise ValidationError({"target": _("Choose one of your categories to move them to.")}) from None
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose a different category to move them to.")})
    # Lock the user's own category rows (a concurrent rename or delete waits), in pk order.
    list(Category.objects.select_for_update().filter(owner=user, pk__in=[source.pk, target.pk]).order_by("pk"))
    # Lock the user's entries of the source category before reading what they hold (as every
    # posting does, in primary-key order), so none is added or moved meanwhile by this user.
    rows = list(Transaction.objects.select_for_update().filter(owner=user, category=source).order_by("pk")
                .values_list("pk", "kind", "amount", "occurred_on"))
    kinds = {kind for _, kind, _, _ in rows}
    if target.kind != CategoryKind.BOTH and kinds - {target.kind}:
        entry = (kinds - {target.kind}).pop()
        log_refusal("category_kind_mismatch", user_id=user.pk, category_id=source.pk, target_id=target.pk)
        message = (_("“%(target)s” is for %(kind)s only, and “%(source)s” has expense entries: choose another "
                     "category.") if entry == Kind.EXPENSE else
                   _("“%(target)s” is for %(kind)s only, and “%(source)s” has income entries: choose another "
                     "category."))
        raise ValidationError({"target": message % {"target": target.name, "kind": target.kind_in_sentence,
                                                    "source": source.name}})
    if rows:
        Transaction.objects.filter(owner=user, category=source).update(category=target)
        _move_totals(user=user, source=source, target=target)
    category_merged.send(sender=Category, user=user, source=source, target=target)
    if rows:
        changes = [LedgerChange(transaction_id=pk, kind=kind, category_id=category_id, amount=amount,
                                occurred_on=occurred_on, action="edited")
                   for category_id in (source.pk, target.pk) for pk, kind, amount, occurred_on in rows]
        announce(user=user, changes=changes)
    _retire(user=user, category=source)
    return target


def _retire(*, user, category) -> None:
    """The user's own category is deleted; a default one is hidden for this user only."""
    if category.is_default:
        preference = _preference(user=user, category=category)
        preference.hidden = True
        preference.save(update_fields=["hidden"])
        return
    try:
        with transaction.atomic():
            # Buckets emptied by deleted entries stay behind at zero; they count nothing.
            MonthlyTotal.objects.filter(owner=user, category=category, count=0).delete()
            DailyTotal.objects.filter(owner=user, category=category, count=0).delete()
            Category.objects.filter(pk=category.pk, owner=user).delete()
    except (ProtectedError, IntegrityError):
        # Something not moved by a receiver still points at it (a new app): refuse, roll back.
        log_refusal("category_still_used", user_id=user.pk, category_id=category.pk)
        raise ValidationError(_("“%(name)s” is still used elsewhere: nothing was changed.") % {
            "name": category.name}) from None


def category_usage(*, user, category) -> dict[str, int]:
    """How many of the user's entries, budgets, bills and rules use ``category`` (four counts)."""
    from django.apps import apps  # by label: the ledger never imports the apps above it

    counts = {"entries": Transaction.objects.filter(owner=user, category=category).count()}
    for key, label, field in (("budgets", "budgets.Budget", "category"),
                              ("bills", "bills.RecurringItem", "category"),
                              ("rules", "rules.Rule", "set_category")):
        try:
            model = apps.get_model(label)
        except LookupError:
            counts[key] = 0
            continue
        counts[key] = model._default_manager.filter(owner=user, **{field: category}).count()
    return counts


@transaction.atomic
def category_delete(*, user, category_id: int, target_id: int | None = None) -> Category | None:
    """Delete the user's own category, or hide a default one for the user. With a target,
    it is a merge (everything of the user's moves there first); without one, a category the
    user still uses (entries, budgets, bills or rules) is refused with what uses it.
    Returns the target, if any."""
    category = own_or_default(user=user, category_id=category_id)
    if target_id:
        return category_merge(user=user, source_id=category.pk, target_id=target_id)
    usage = {key: n for key, n in category_usage(user=user, category=category).items() if n}
    if usage:
        used = ", ".join(_usage_words(key, n) for key, n in usage.items())
        raise ValidationError({"target": _("“%(name)s” is used by %(used)s: choose a category to move them to.") % {
            "name": category.name, "used": used}})
    if category.is_default:
        _retire(user=user, category=category)
        return None
    Category.objects.select_for_update().filter(pk=category.pk, owner=user).first()
    _retire(user=user, category=category)
    return None


def _usage_words(key: str, n: int) -> str:
    """"3 entries", "1 budget": one count of ``category_usage`` in words."""
    if key == "entries":
        return ngettext("%(count)s entry", "%(count)s entries", n) % {"count": n}
    if key == "budgets":
        return ngettext("%(count)s budget", "%(count)s budgets", n) % {"count": n}
    if key == "bills":
        return ngettext("%(count)s bill or income", "%(count)s bills and incomes", n) % {"count": n}
    return ngettext("%(count)s rule", "%(count)s rules", n) % {"count": n}


def usage_text(usage: dict[str, int]) -> str:
    """"3 entries, 1 budget and 2 rules": what uses a category (``category_usage``), the zeros left out."""
    parts = [_usage_words(key, n) for key, n in usage.items() if n]
    if len(parts) < 2:
        return "".join(parts)
    return _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}


@transaction.atomic
def category_show(*, user, category_id: int) -> Category:
    """Show a hidden default category again in the user's lists and forms (the user's own
    categories are never hidden: nothing to do)."""
    category = own_or_default(user=user, category_id=category_id)
    CategoryPreference.objects.filter(owner=user, category=category).update(hidden=False)
    return category
