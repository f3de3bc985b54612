"""The transactions list's bulk action: the entries ticked (``ids``), what to do with them
(``action``: delete them, or give them one ``category``), and what the confirmation page can
tell before the service runs. The rules themselves stay in the services (services.batch,
services.recategorise); the checks here name the problem while the customer can still untick."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .forms import CategoryChoiceField
from .models import Category, Transaction
from .services.batch import DELETABLE_KINDS
from .services.recategorise import RECATEGORISABLE_KINDS

MAX_SELECTED = 500
_MAX_ID = 2**63 - 1  # a bigint primary key: a larger number is no id at all

RECATEGORISE = "recategorise"
DELETE = "delete"
_TRANSFER_KINDS = (Transaction.Kind.TRANSFER_IN, Transaction.Kind.TRANSFER_OUT)


def _entries(count: int) -> str:
    return ngettext("%(count)s entry", "%(count)s entries", count) % {"count": count}


class IdListField(forms.Field):
    """Transaction ids, one value each (checkboxes or hidden inputs named alike): positive
    integers, duplicates dropped, order kept. Anything else is a form error, never a 500."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Select at least one transaction."),
        "invalid": gettext_lazy("The selection could not be read: go back to the list and select the "
                                "transactions again."),
        "too_many": gettext_lazy("Select at most %(max)s transactions at a time."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_SELECTED:
            raise ValidationError(self.error_messages["too_many"] % {"max": MAX_SELECTED}, code="too_many")
        ids = []
        for item in values:
            text = str(item).strip()
            if not text:
                continue
            # "²".isdigit() is True and int("²") fails: ASCII digits only.
            if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_ID:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class SelectedRow:
    """One selected transaction as the confirmation page lists it. A transfer is one row
    (even with both legs ticked): ``other_leg`` is the side on the other account."""

    entry: Transaction
    other_leg: Transaction | None = None
    problem: bool = False
    # Not ticked, but a part of a split entry one of whose parts is: deleting removes it too.
    goes_with_split: bool = False


class BulkActionForm(forms.Form):
    ids = IdListField()
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[(RECATEGORISE, gettext_lazy("Change the category")), (DELETE, gettext_lazy("Delete"))],
        error_messages={"required": gettext_lazy("Choose what to do with the selected transactions."),
                        "invalid_choice": gettext_lazy("Choose what to do with the selected transactions.")},
    )
    category = CategoryChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(), required=False,
        empty_label=gettext_lazy("Choose a category"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of your categories (a hidden one is not "
                                                       "offered).")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.entries: list[Transaction] = []
        self.rows: list[SelectedRow] = []
        # The categories the expense form offers (hidden ones left out); another user's id answers 404.
        self.fields["category"].queryset = Category.objects.usable_by(user).order_by("name")
        self.fields["category"].owned_queryset = Category.objects.for_user(user)

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        found = Transaction.objects.filter(owner=self.user, pk__in=ids).select_related("account", "category")
        by_pk = {entry.pk: entry for entry in found}
        if len(by_pk) != len(ids):
            # Like the same id in a URL (apps.core.forms.OwnedChoiceMixin): no probing of others' ids.
            raise Http404("No such transaction.")
        # In the list's order, newest first.
        self.entries = sorted(by_pk.values(), key=lambda e: (e.occurred_on, e.pk), reverse=True)
        return ids

    def clean(self):
        cleaned = super().clean()
        action, category = cleaned.get("action"), cleaned.get("category")
        problem_ids: set[int] = set()
        if action == RECATEGORISE:
            if category is None and "category" not in self.errors:
                self.add_error("category", _("Choose the category to move them to."))
            problem_ids |= self._check_recategorise(category)
        elif action == DELETE:
            # The category does not matter to a delete (the list's bar may send whatever its menu shows).
            self.errors.pop("category", None)
            locked = [e for e in self.entries if e.kind not in DELETABLE_KINDS]
            if locked:
                self.add_error(None, _("Opening balances and corrections cannot be deleted here: untick them "
                                       "(%(entries)s).") % {"entries": _entries(len(locked))})
                problem_ids |= {e.pk for e in locked}
        self.rows = self._rows(problem_ids)
        if action == DELETE:
            self.rows += [SelectedRow(entry=part, goes_with_split=True) for part in self._other_parts()]
        return cleaned

    def _other_parts(self) -> list[Transaction]:
        """The parts of the selected split entries that are not selected (one query, if any is split)."""
        split_ids = {e.split_id for e in self.entries if e.split_id}
        if not split_ids:
            return []
        return list(Transaction.objects.filter(owner=self.user, split_id__in=split_ids)
                    .exclude(pk__in=[e.pk for e in self.entries]).select_related("account", "category")
                    .order_by("-occurred_on", "-pk"))

    def _check_recategorise(self, category) -> set[int]:
        """Errors for the entries that cannot take ``category``; returns their ids."""
        transfers = [e for e in self.entries if e.kind in _TRANSFER_KINDS]
        others = [e for e in self.entries if e.kind not in RECATEGORISABLE_KINDS and e.kind not in _TRANSFER_KINDS]
        if transfers:
            self.add_error(None, ngettext("Transfers have no category: untick them (%(count)s transfer selected).",
                                          "Transfers have no category: untick them (%(count)s transfers selected).",
                                          len(transfers)) % {"count": len(transfers)})
        if others:
            self.add_error(None, _("Opening balances and corrections have no category: untick them "
                                   "(%(entries)s).") % {"entries": _entries(len(others))})
        misfits = []
        if category is not None:
            misfits = [e for e in self.entries if e.kind in RECATEGORISABLE_KINDS and not category.fits(e.kind)]
        if misfits:
            # A category for one kind only: every misfit is of the other kind.
            n = len(misfits)
            if misfits[0].kind == Transaction.Kind.INCOME:
                selected = ngettext("%(count)s income entry", "%(count)s income entries", n) % {"count": n}
            else:
                selected = ngettext("%(count)s expense", "%(count)s expenses", n) % {"count": n}
            self.add_error("category", _("“%(name)s” is a category for %(kind)s: it cannot go on the %(selected)s "
                                         "selected. Choose another category or untick them.") % {
                "name": category.label, "kind": category.kind_in_sentence, "selected": selected})
        return {e.pk for e in transfers + others + misfits}

    def _rows(self, problem_ids: set[int]) -> list[SelectedRow]:
        """One row per transaction; each transfer once, with its other leg (one query)."""
        transfer_ids = {e.transfer_id for e in self.entries if e.transfer_id}
        legs: dict = {}
        if transfer_ids:
            for leg in Transaction.objects.filter(owner=self.user, transfer_id__in=transfer_ids).select_related(
                    "account"):
                legs.setdefault(leg.transfer_id, []).append(leg)
        rows, seen = [], set()
        for entry in self.entries:
            other = None
            if entry.transfer_id:
                if entry.transfer_id in seen:
                    continue
                seen.add(entry.transfer_id)
                other = next((leg for leg in legs.get(entry.transfer_id, []) if leg.pk != entry.pk), None)
            problem = entry.pk in problem_ids or (other is not None and other.pk in problem_ids)
            rows.append(SelectedRow(entry=entry, other_leg=other, problem=problem))
        return rows
