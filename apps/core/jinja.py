"""The Jinja2 environment of the few templates rendered by Jinja2 rather than Django's engine
(TEMPLATES' "jinja2" backend): the hot loops of long pages, such as a transactions list's rows
(issue 17: the 25 rows of the list were half of its time in Django's engine; compiled to Python
by Jinja2 they cost a fraction of that, bench/RESULTS.md). Pages, forms' layout and everything
else stay Django templates.

Texts are translated in Python by whoever renders such a template and passed in (Django's
makemessages reads Python, not Jinja2), once per page rather than once per row. The same
filters for money and dates as the Django templates (apps.core.formats), with Jinja2's call
syntax.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import localize
from django.utils.text import capfirst
from jinja2 import Environment
from markupsafe import Markup

from apps.core.links import pk_url
from apps.core.templatetags.dates import day, day_short, iso_day, month, month_short
from apps.core.templatetags.money import money, signed, signed_money


def environment(**options) -> Environment:
    env = Environment(**options)  # noqa: S701 (Django's backend sets autoescape=True)
    env.globals["url"] = lambda name, *args: reverse(name, args=args)
    env.filters.update({
        # The Django templates' own filters (apps.core.templatetags), not copies of them.
        "money": money,
        "signed": signed,
        "signed_money": signed_money,
        "day": day,
        "day_short": day_short,
        "month": month,
        "month_short": month_short,
        "iso_day": iso_day,
        # What Django's templates do to a number they print (a decimal comma in German).
        "localize": localize,
        "pk_url": pk_url,
        "capfirst": capfirst,
    })
    return env


def texts(translated: dict[str, str]) -> dict[str, Markup]:
    """A Jinja2 template's texts, translated by its caller with the message ids of the Django
    template it replaced: trusted as ``{% translate %}`` and ``{% blocktranslate %}`` trust their
    own texts (their markup stays), while what is filled in with ``%`` is escaped."""
    return {name: Markup(text) for name, text in translated.items()}  # noqa: S704 (our message ids and their translations)
