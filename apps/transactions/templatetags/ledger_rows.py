"""What a ledger table needs in Django templates, cheaply (issue 17)."""

from django import template

from ..tables import render_table

register = template.Library()


@register.simple_tag(takes_context=True)
def ledger_table(context, *, show_account: bool):
    """A transactions table or its empty state (apps.transactions.tables.render_table, Jinja2),
    from the page's context: rows, bulk, one_line_transfers, running_balance, sort_headers,
    sort_caption, is_filtered."""
    names = ("bulk", "one_line_transfers", "running_balance", "sort_headers", "sort_caption", "is_filtered")
    return render_table(context.get("request"), rows=context.get("rows"), show_account=show_account,
                        **{name: context.get(name) for name in names})
