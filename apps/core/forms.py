"""Form pieces several apps share: the money field, the date field, choices among the
user's own objects, and showing a service's errors on a form."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.http import Http404
from django.utils.functional import cached_property, lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from . import formats
from .currencies import clean_currency, currency_choices
from .money import MAX_AMOUNT, parse_money


class CurrencyField(forms.ChoiceField):
    """An ISO 4217 currency, picked from a list of codes and names ("EUR – Euro", the name in
    the reader's language: apps.core.currencies.currency_choices). A code sent in any case
    ("eur", by a script or an old page) is read as "EUR"; anything else is refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", currency_choices)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return clean_currency(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["currency"], code="invalid") from None

    def validate(self, value):
        forms.Field.validate(self, value)  # to_python took only a code of the list


class MoneyField(forms.Field):
    """A money amount typed as text (``inputmode=decimal``: phones show a number pad,
    and no browser rewrites "12,50" into 1250), read by apps.core.money.parse_money."""

    widget = forms.TextInput

    def __init__(self, *, min_value: Decimal | None = Decimal("0.01"), allow_grouping: bool = False, **kwargs):
        """``allow_grouping``: a figure copied from another page ("1,450.00") is read with its
        thousands separators (apps.core.money.parse_money)."""
        self.min_value, self.allow_grouping = min_value, allow_grouping
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off",
                "spellcheck": "false"}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", formats.decimal_separator())
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            # A sign is read here and judged against min_value below, with its own message.
            amount = parse_money(str(value), allow_negative=True, decimal_separator=formats.decimal_separator(),
                                 allow_grouping=self.allow_grouping)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
        if abs(amount) >= MAX_AMOUNT:
            raise ValidationError(_("That amount is too large."), code="max_value")
        return amount

    def validate(self, value):
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            if self.min_value > 0:
                message = _("Enter an amount greater than zero.")
            else:
                message = _("The amount cannot be negative.")
            raise ValidationError(message, code="min_value")


def _label_in_sentence(label) -> str:
    """A field's label inside a sentence: lower case in English ("Enter the opening balance."),
    as written in German, whose nouns keep their capital."""
    text = str(label)
    return text.lower() if (get_language() or "en").startswith("en") else text


def money_field(*, label=None, required=True, **kwargs) -> MoneyField:
    label = gettext_lazy("Amount") if label is None else label
    required_message = lazy(lambda: _("Enter the %(label)s.") % {"label": _label_in_sentence(label)}, str)()
    return MoneyField(label=label, required=required, error_messages={"required": required_message}, **kwargs)


def date_field(*, label=None, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=gettext_lazy("Date") if label is None else label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Enter a date."),
                        "invalid": gettext_lazy("Enter a real date, for example 2025-02-28.")},
        **kwargs,
    )


class OneQueryChoiceIterator(forms.models.ModelChoiceIterator):
    """A select's choices read with one ordinary query, kept by the field's queryset. Django's
    own iterator reads them through ``QuerySet.iterator()``, which on PostgreSQL is a
    server-side cursor (DECLARE, FETCH, CLOSE: three round trips per select, each time the
    select is drawn; issue 17: the transactions list drew four). A user's accounts or
    categories are a few dozen rows, so holding them is nothing."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset if self.offered is None else self.offered:
            yield self.choice(obj)

    def __len__(self):
        if self.offered is None:
            return super().__len__()
        return len(self.offered) + (self.field.empty_label is not None)

    def __bool__(self):
        return super().__bool__() if self.offered is None else self.field.empty_label is not None or bool(self.offered)

    @property
    def offered(self) -> list | None:
        """The rows given by ``offer()``, if any."""
        return getattr(self.field, "offered", None)


def offer(field, objects: list) -> None:
    """Draw the choices of ``field`` (with OneQueryChoiceIterator) from ``objects``: rows a page
    has read already for something else, in the order the field's queryset gives them, so the
    select costs no query of its own (issue 17: the transactions list read the categories three
    times and the accounts twice). What the field accepts is still its queryset."""
    field.offered = objects


class OwnedChoiceMixin:
    """A choice among the user's own objects. An id that is none of the user's objects
    (another customer's, or no object at all) answers 404, like the same id in a URL,
    so forms cannot be used to probe other customers' ids. One of the user's own
    objects that is not offered (e.g. a closed account) is a normal form error."""

    def __init__(self, *args, owned_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owned_queryset = owned_queryset

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            owned = self.owned_queryset if self.owned_queryset is not None else self.queryset
            try:
                is_owned = owned.filter(pk=value).exists()
            except (ValueError, TypeError, ValidationError):
                raise exc from None  # not an id at all: a plain form error
            if not is_owned:
                raise Http404("No such object.") from None
            raise


class OwnedModelChoiceField(OwnedChoiceMixin, forms.ModelChoiceField):
    iterator = OneQueryChoiceIterator


def add_service_errors(form, error: ValidationError, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form: a message keyed by a field goes next to
    that field (renamed through ``field_map``), anything else at the top of the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, [m for e in errors for m in e.messages])


# Django's own Jinja2 templates of the standard widgets (django/forms/jinja2): the same markup as
# the Django-template ones in about half the time (issue 17: the transactions list's filter and
# quick-entry forms, 18 widgets, were a quarter of the page). One instance, so its engine is built
# once. Only for forms of standard widgets: the admin's and contrib.auth's widgets have Django
# templates only, so FORM_RENDERER stays Django's.
class _Jinja2FormRenderer(Jinja2):
    """Django's Jinja2 renderer with apps/core/form_templates first: its select writes the
    options in place (issue 17), the same markup as Django's."""

    @cached_property
    def engine(self):
        return self.backend({
            "APP_DIRS": True,
            "DIRS": [Path(__file__).resolve().parent / "form_templates", Path(forms.__file__).parent / "jinja2"],
            "NAME": "djangoforms",
            "OPTIONS": {},
        })


JINJA2_FORM_RENDERER = _Jinja2FormRenderer()
