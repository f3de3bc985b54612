"""A transactions table (the list's and an account's page), rendered by Jinja2 from
``transactions/table.html`` and its rows from ``transactions/rows.html`` (issue 17: in Django's
engine the table was a fifth of the list's first visit). Its texts are translated here, each
once per table rather than once per row, with the message ids the Django template had, so the
translations (apps/transactions/locale/) apply unchanged. Each text is ``Markup``, as
``{% translate %}`` and ``{% blocktranslate %}`` treat theirs: its markup stays, what is filled
in is escaped.
"""

from __future__ import annotations

from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from markupsafe import Markup

from apps.core.jinja import texts as trusted


def render_table(request, *, rows, show_account: bool, bulk: bool = False, one_line_transfers: bool = False,
                 running_balance: bool = False, sort_headers: dict | None = None, sort_caption: str | None = None,
                 is_filtered: bool = False) -> SafeString:
    """The table of ``rows`` (apps.transactions.selectors.list_rows), or its empty state.
    ``show_account``: an Account column; ``bulk``: a tick box per line for the form #bulk-form;
    ``one_line_transfers``: a transfer is one line naming both accounts; ``running_balance``:
    a Balance column; ``sort_headers``/``sort_caption``: sortable headings and the order in
    words (the list only; else "newest first"); ``is_filtered``: the empty state says so."""
    html = get_template("transactions/table.html", using="jinja2").render({
        "rows": rows, "show_account": show_account, "bulk": bulk, "one_line_transfers": one_line_transfers,
        "running_balance": running_balance, "sort_headers": sort_headers, "is_filtered": is_filtered,
        "tw": table_words(order=(sort_caption if sort_headers else None) or _("newest first"),
                          is_filtered=is_filtered),
        "words": row_words(),
    }, request)
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped every value: autoescape is on)


def table_words(*, order: str, is_filtered: bool) -> dict[str, Markup]:
    """The table's head and empty state in the active language, with the Django template's
    message ids."""
    texts = {
        "caption_balance": _("Transactions, %(order)s, with the balance after each"),
        "caption": _("Transactions, %(order)s"),
        "select_all": _("Select every transaction on this page"),
        "date": _("Date"),
        "payee": _("Payee and description"),
        "category": _("Category"),
        "account": _("Account"),
        "amount": _("Amount"),
        "balance": _("Balance"),
        "actions": _("Actions"),
        "no_match": _("No transactions match these filters"),
        "clear_filters": _('<a href="%(list_url)s">Clear the filters</a> to see all your transactions.'),
        "none_yet": _("No transactions yet"),
        "record": _("Record income, expenses and transfers to see them here."),
    }
    words = trusted(texts)
    words["caption_balance"] %= {"order": order}
    words["caption"] %= {"order": order}
    if is_filtered:
        words["clear_filters"] %= {"list_url": reverse("transactions:list")}
    return words


def row_words() -> dict[str, str]:
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
        "arrived": pgettext("followed by an amount", "arriving as"),
        "edit": _("Edit"),
        "split": pgettext("marks a part of a split entry", "split"),
        "split_title": _("One part of a payment split into categories"),
        "split_action": _("Split into categories"),
        "make_rule": _("Make a rule from it"),
        "receipts": _("Receipts kept: %(count)s"),
        "delete": _("Delete"),
    }
