"""The transactions list's page between the navigation and the pagination, rendered by Jinja2
(``transactions/list_body.html``; issue 17). The page around it (``transaction_list.html``: the
title, the pagination, the script) stays a Django template; this part, made on every first
visit of the list, was most of the page's time in Django's engine. Its texts are translated
here, each once per page, with the message ids the Django template had, so the translations
(apps/transactions/locale/) apply unchanged. Each text is ``Markup``, as ``{% translate %}`` and
``{% blocktranslate %}`` treat theirs: its markup stays, what is filled in is escaped.
"""

from __future__ import annotations

from django.template.defaulttags import querystring
from django.template.loader import get_template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from markupsafe import Markup

from apps.core.jinja import texts as trusted

from .tables import render_table

URL_NAMES = {
    "income": "transactions:income", "expense": "transactions:expense", "transfer": "transactions:transfer",
    "categories": "transactions:categories", "imports": "imports:start", "rules": "rules:list",
    "export_csv": "transactions:export_csv", "quick": "transactions:quick", "list": "transactions:list",
    "bulk": "transactions:bulk",
}


def render_list_body(request, *, filterset, page_obj, rows, is_filtered: bool, totals, one_line_transfers: bool,
                     running_balance: bool, sort_headers, sort_caption: str, active_filters: int, quick_form,
                     bulk_categories) -> SafeString:
    """The HTML of the list's actions, quick entry, filters, count, totals, bulk form and table."""
    table = render_table(request, rows=rows, show_account=True, bulk=True, one_line_transfers=one_line_transfers,
                         running_balance=running_balance, sort_headers=sort_headers, sort_caption=sort_caption,
                         is_filtered=is_filtered)
    html = get_template("transactions/list_body.html", using="jinja2").render({
        "filter": filterset, "rows": rows, "is_filtered": is_filtered, "totals": totals, "quick_form": quick_form,
        "bulk_categories": bulk_categories, "table": table,
        "urls": {key: reverse(name) for key, name in URL_NAMES.items()},
        # The export's query: the list's filters, without the page ({% querystring page=None %}).
        "export_query": querystring(None, request.GET, page=None),
        "w": words(paginator=page_obj.paginator, active_filters=active_filters),
    }, request)
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped every value: autoescape is on)


def words(*, paginator, active_filters: int) -> dict[str, Markup]:
    """The list's texts in the active language, with the Django template's message ids."""
    texts = {
        "count": (_("More than %(cap)s transactions") if paginator.is_capped
                  else ngettext("%(counter)s transaction", "%(counter)s transactions", paginator.count)),
        "transactions": _("Transactions"),
        "add_income": _("Add income"),
        "add_expense": _("Add expense"),
        "transfer": pgettext("button", "Transfer"),
        "categories": _("Categories"),
        "import": _("Import"),
        "rules": _("Rules"),
        "export_csv": _("Export CSV"),
        "export_of": pgettext("after Export CSV", "of the transactions shown"),
        "quick_expense": _("Quick expense"),
        "type_it_in": _("type it in and press Enter"),
        "filters_toggle": (ngettext("Filters and search (%(counter)s on)", "Filters and search (%(counter)s on)",
                                    active_filters) if active_filters else _("Filters and search")),
        "filter_transactions": _("Filter transactions"),
        "filter": _("Filter"),
        "clear_link": _("Clear"),
        "totals_label": _("Totals of the filtered transactions"),
        "totals": _('money in <strong class="money" data-total="in">%(money_in)s</strong>, money out <strong '
                    'class="money" data-total="out">%(money_out)s</strong>, net <strong class="money" '
                    'data-total="net">%(net)s</strong>'),
        "bulk_label": _("Change the ticked transactions"),
        "tick": _("Tick transactions to change several at once."),
        "one_ticked": _("1 transaction ticked."),
        "many_ticked": _("%(number)s transactions ticked."),
        "new_category": _("New category for the ticked transactions"),
        "choose_category": _("Choose a category"),
        "change_category": _("Change category"),
        "delete_ticked": _("Delete ticked"),
    }
    words = trusted(texts)
    # What {% blocktranslate %} fills in: localized as a template prints it, and escaped.
    words["count"] %= ({"cap": paginator.cap_label} if paginator.is_capped else {"counter": localize(paginator.count)})
    if active_filters:
        words["filters_toggle"] %= {"counter": localize(active_filters)}
    words["many_ticked"] %= {"number": "{count}"}
    return words
