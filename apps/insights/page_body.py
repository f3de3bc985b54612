"""The Insights page's sections, one per currency, rendered by Jinja2
(``insights/sections.html``; issue 17): some 150 figures and their tables, which were most of
the page's first visit in Django's engine. The page around them (``insights/page.html``: the
title, the month's navigation, the empty states) stays a Django template. The texts are
translated here, once per page, with the message ids the Django template had, so the
translations (apps/insights/locale/) apply unchanged; each is ``Markup``, as ``{% translate %}``
and ``{% blocktranslate %}`` treat theirs: its markup stays, what is filled in is escaped.
"""

from __future__ import annotations

from functools import lru_cache

from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from markupsafe import Markup

from apps.core import formats
from apps.core.dates import parse_month
from apps.core.jinja import texts as trusted
from apps.core.money import format_money


def render_sections(request, *, page, months_short: list[str], list_url: str, budgets_url: str) -> SafeString:
    """The HTML of ``page``'s sections (apps.insights.selectors.InsightsPage); ``months_short``:
    its months as the tables' heads write them (the charts' labels too)."""
    month_long = formats.format_month(page.month)
    html = get_template("insights/sections.html", using="jinja2").render({
        "page": page,
        "w": words(page, month_long=month_long),
        "figure": lambda f, what="": Markup(figure_html(f, what, list_url=list_url)),  # noqa: S704 (escaped there)
        "currency_unit": formats.currency_unit,
        "months_short": months_short,
        "month_short": months_short[-1],
        "previous_short": months_short[-2],
        "month_long": month_long,
        "budgets_url": budgets_url,
    }, request)
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped every value: autoescape is on)


@lru_cache(maxsize=512)
def _month_text(label: str, locale: str) -> str:
    """A figure's "2025-11" filter as the customer reads it: "November 2025" (``locale``: the
    active one of apps.core.formats, which writes it)."""
    try:
        return formats.format_month(parse_month(label))
    except ValueError:
        return label


def figure_html(f, what: str = "", *, list_url: str) -> str:
    """An Insights figure as a link to the transactions that make it up (``data-figure``,
    ``data-currency`` and ``data-total`` say which list total equals it), or as plain text when
    it is zero (an empty list has no total to show); every value in it escaped. The page shows
    some 150 (issue 17: through ``format_html`` they were a third of its first visit), so the
    markup is written as one string and each month named once per locale."""
    shown = escape(format_money(f.amount, ""))
    if not f.amount:
        return f'<span class="money text-body-secondary">{shown}</span>'
    label = ""
    if what:  # what the figure is, and its month: a screen reader lists links out of their table
        month = dict(f.filters).get("month", "")
        amount = format_money(f.amount, f.currency)
        text = (_("%(what)s, %(month)s: %(amount)s, see the entries") % {
                    "what": what, "month": _month_text(month, formats.current_code()), "amount": amount} if month
                else _("%(what)s: %(amount)s, see the entries") % {"what": what, "amount": amount})
        label = f' aria-label="{escape(text)}"'
    return (f'<a href="{escape(list_url)}?{escape(f.query)}" class="figure-link money" '
            f'data-figure="{escape(str(f.amount))}" data-currency="{escape(f.currency)}" data-total="{escape(f.total)}"'
            f'{label}>{shown}</a>')


def words(page, *, month_long: str) -> dict[str, Markup]:
    """The sections' texts in the active language, with the Django template's message ids."""
    texts = {
        "income": pgettext("totals", "Income"),
        "spending": pgettext("totals", "Spending"),
        "spent": pgettext("totals", "Spent"),
        "in_currency": _("In %(currency)s"),
        "cash_flow": _("Cash flow, last 12 months"),
        "cash_flow_about": _("Income and spending (%(currency)s); transfers between your accounts are neither. "
                             "Savings rate: the share of the month’s income not spent."),
        "cash_flow_chart": _("Bar chart of income and spending in %(currency)s per month with the net as a line; "
                             "the same figures are in the table below."),
        "cash_flow_table": _("Cash flow in %(currency)s as a table"),
        "cash_flow_caption": _("Income, spending, net and savings rate in %(currency)s per month"),
        "month": _("Month"),
        "net": _("Net"),
        "savings_rate": _("Savings rate"),
        "no_income": _("no income"),
        "rate": _("%(rate)s%%"),
        "categories": _("Spending by category, last 12 months"),
        "categories_chart": _("Stacked bar chart of spending in %(currency)s per category and month; the same "
                              "figures are in the table below."),
        "categories_table": _("Spending by category in %(currency)s as a table"),
        "categories_caption": _("Spending in %(currency)s per category (rows) and month (columns)"),
        "category": _("Category"),
        "twelve_months": _("12 months"),
        "no_spending_year": _("No spending in %(currency)s in these twelve months."),
        "against": _("%(month)s against %(previous)s"),
        "no_movers": _("no category (the same as last month)"),
        "movers": _("Spending moved most in: <strong>%(movers)s</strong> (%(currency)s)."),
        "changes_chart": _("Bar chart of the change in spending per category in %(currency)s from last month; the "
                           "same figures are in the table below."),
        "changes_table": _("Change per category in %(currency)s as a table"),
        "changes_caption": _("Spending per category in %(currency)s, last month and this month, and the change"),
        "change": pgettext("difference", "Change"),
        "no_spending_two": _("No spending in %(currency)s this month or last."),
        "merchants": _("Top merchants, %(month)s"),
        "merchants_chart": _("Bar chart of spending in %(currency)s at the top merchants this month and last; the "
                             "same figures are in the table below."),
        "merchants_table": _("Top merchants in %(currency)s as a table"),
        "merchants_caption": _("The merchants the most was spent at in %(currency)s, this month and last"),
        "merchant": _("Merchant"),
        "trend": _("Trend"),
        "no_payee": _("%(category)s, no payee"),
        "all_of": _("all %(category)s:"),
        "no_change": _("no change"),
        "no_payee_about": _("Expenses without a payee are grouped per category; the transactions list cannot show "
                            "them apart from the category’s other expenses, so their link shows all of the "
                            "category’s spending."),
        "no_spending_month": _("No spending in %(currency)s in %(month)s."),
        "burn": _("Burn rate and month-end projection, %(month)s"),
        "spent_so_far": _("Spent so far"),
        "spent_in_month": _("Spent in the month"),
        "per_day": _("Per day (%(elapsed)s of %(days)s days)"),
        "at_that_pace": _("At that pace, by the month’s end"),
        "budgets_caption": _("Budgets in %(currency)s: spent so far and projected to the end of their period"),
        "budget": _("Budget"),
        "limit": _("Limit"),
        "projected": _("Projected"),
        "outlook": _("Outlook"),
        "over_budget": _("Over budget"),
        "heading_over": _('<span class="badge text-bg-warning">Heading over</span> by %(amount)s'),
        "on_track": _("On track"),
        "projected_now": _("Projected: spent so far, plus what you spent after this day of the period in the "
                           "last three periods, on average over those with spending in the category (without "
                           "such a period, the pace so far carried to the period’s end). A budget’s spending "
                           "links to its entries when its period is this calendar month."),
        "projected_then": _("Projected: spent so far divided by the days of the period gone (the whole period), "
                            "times the days of the period. A budget’s spending links to its entries when its "
                            "period is this calendar month."),
        "no_budgets": _('No budgets in %(currency)s. <a href="%(url)s">Set a budget</a> to see whether this pace '
                        'keeps within it.'),
        "net_worth_in": _("Net worth in %(currency)s"),
        "net_worth_about": _("The balances of all your %(currency)s accounts at each month’s end, credit cards "
                             "counted as what you owe."),
        "net_worth_chart": _("Line chart of net worth in %(currency)s at each month end; the same figures are in "
                             "the table below."),
        "net_worth_table": _("Net worth in %(currency)s as a table"),
        "net_worth_caption": _("Net worth in %(currency)s at each month end"),
        "month_end": _("Month end"),
        "net_worth": _("Net worth"),
        "balances_today": _("Balances today"),
        "balances_about": _("Each balance links to all of the account’s entries; their net is the balance. "
                            "Month-end figures are worked back from today’s balances with the monthly totals."),
        "money_went": _("Where the money went, %(month)s"),
        "flows_chart": _("Flow chart from income per category to spending per category in %(currency)s; the "
                         "same flows are in the table below."),
        "flows_table": _("Money flows in %(currency)s as a table"),
        "flows_caption": _("Money in per income category and money out per spending category in %(currency)s"),
        "flow_from": pgettext("money flow", "From"),
        "flow_to": pgettext("money flow", "To"),
        "amount": _("Amount"),
        "flows_about": _("“Not spent” is income minus spending; “From balances” is spending beyond the month’s "
                         "income."),
        "no_flows": _("No income or spending in %(currency)s in %(month)s."),
        "health": _("Financial health score, %(month)s"),
        "of_100": _("of 100 · %(status)s"),
        "health_caption": _("The points of each part of the score and why"),
        "part": _("Part"),
        "points": _("Points"),
        "why": _("Why"),
        "how_scored": _("How the score is worked out"),
        "four_parts": _("Four parts of 25 points each, in whole points (rounded half up); the score is their sum."),
        "part_savings": _("<strong>Savings rate</strong>: (income − spending) ÷ income. 20%% or more earns 25 "
                          "points, less earns a share, spending more than you earn earns none."),
        "part_spending": _("<strong>Spending ratio</strong>: spending ÷ income. Half of it or less earns 25 points, "
                           "all of it or more earns none, a share in between."),
        "part_budgets": _("<strong>Budgets kept</strong>: the share of your active budgets in this currency not "
                          "exceeded. With no budget nothing was overspent, so 25 points."),
        "part_buffer": _("<strong>Buffer</strong>: your open accounts’ balances ÷ your average monthly spending "
                         "over the three months before this one. Three months or more earns 25 points, less earns "
                         "a share."),
        "score_notes": _("A month without income scores 0 on the first two. Unread alerts and reward points are "
                         "shown for information and are worth no points. 80 or more is excellent, 60 good, 40 a "
                         "warning, below that critical."),
    }
    w = trusted(texts)
    # What {% blocktranslate %} fills in once per page: the month, as the Django template wrote it.
    w["against"] %= {"month": date_filter(page.month, "F"), "previous": date_filter(page.previous_month, "F")}
    for name in ("merchants", "burn", "money_went", "health"):
        w[name] %= {"month": month_long}
    w["part_savings"] %= {}  # {% blocktranslate %} without a value still reads %% as %
    return w
