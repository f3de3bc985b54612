"""What a ledger table's rows need in templates, cheaply (issue 17)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core import links

register = template.Library()


@register.filter
def pk_url(pk, name: str) -> str:
    """``{{ entry.pk|pk_url:"transactions:update" }}``: what ``{% url "transactions:update" entry.pk %}``
    gives, for URLs whose only argument is an integer primary key."""
    return links.pk_url(pk, name)


@register.simple_tag(takes_context=True)
def ledger_rows(context):
    """The ``<tr>`` lines of a transactions table (``_transaction_table.html``), rendered by
    Jinja2 (apps.core.jinja) from ``transactions/rows.html``: the same markup the Django
    template wrote, in a fraction of the time. Reads the table's context: rows, bulk,
    one_line_transfers, show_account, running_balance."""
    names = ("rows", "bulk", "one_line_transfers", "show_account", "running_balance")
    html = get_template("transactions/rows.html", using="jinja2").render(
        {**{name: context.get(name) for name in names}, "words": _words()})
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped every value: autoescape is on)


def _words() -> dict[str, str]:
    """The rows' texts in the active language, each translated once per table rather than once
    per row (the template fills in the %(…)s placeholders of each row)."""
    return {
        "select": _("Select %(kind)s of %(amount)s on %(day)s"),
        "actions": _("Actions for %(kind)s of %(amount)s on %(day)s"),
        "edit_label": _("Edit %(kind)s of %(amount)s on %(day)s"),
        "delete_label": _("Delete %(kind)s of %(amount)s on %(day)s"),
        "transfer_to": _("Transfer to %(name)s"),
        "transfer_from": _("Transfer from %(name)s"),
        "balance": _("balance %(balance)s"),
        "transfer": _("Transfer"),
        "transfer_of": pgettext("followed by an amount", "transfer of"),
        "edit": _("Edit"),
        "make_rule": _("Make a rule from it"),
        "delete": _("Delete"),
    }
