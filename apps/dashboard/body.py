"""The dashboard's figures, rendered by Jinja2 (``dashboard/body.html``; issue 17).

The page around them stays a Django template (``dashboard/home.html``: the heading, the
month's navigation, the welcome and the checklist); this part, made for every customer with
data on every first visit, was half of the page's time in Django's engine. Its texts are
translated here, each once per page, with the message ids the Django template had, so the
translations (locale/) apply unchanged. Each text is ``Markup``, as ``{% translate %}`` and
``{% blocktranslate %}`` treat their texts: its markup stays, what the template fills in is
escaped.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markupsafe import Markup

from apps.core import formats
from apps.core.jinja import texts as trusted

from . import selectors
from .templatetags.dashboard_tags import (
    absolute,
    aria_max,
    bar_width,
    budget_level,
    currency_unit,
    money_display,
    period_label,
    whole_percent,
)

# What the template calls beside apps.core.jinja's filters: the Django template's own filters
# for the dashboard (templatetags/dashboard_tags.py), not copies of them.
_HELPERS = {
    "absolute": absolute,
    "aria_max": aria_max,
    "bar_width": bar_width,
    "budget_level": budget_level,
    "currency_unit": currency_unit,
    "money_display": money_display,
    "period_label": period_label,
    "whole_percent": whole_percent,
}


def render_body(*, page: selectors.DashboardPage, category_sections, history_sections, urls: dict) -> SafeString:
    """The HTML of the dashboard's cards, charts' tables, budgets, latest entries and accounts."""
    html = get_template("dashboard/body.html", using="jinja2").render({
        **_HELPERS,
        "page": page,
        "category_sections": category_sections,
        "history_sections": history_sections,
        "urls": urls,
        "month_label": formats.format_month(page.month),
        "month_name": date_filter(page.month, "F"),
        "previous_month_name": date_filter(page.previous_month.month, "F"),
        "w": words(total_accounts=page.accounts.total_accounts, more=_more(page.coming_up)),
    })
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped every value: autoescape is on)


def _more(coming_up: selectors.ComingUp | None) -> int:
    """How many of the next days' bills, income and transfers the card does not list."""
    return coming_up.count - len(coming_up.rows) if coming_up else 0


def words(*, total_accounts: int, more: int = 0) -> dict[str, Markup]:
    """The body's texts in the active language, with the Django template's message ids."""
    texts = {
        "total_balance": _("Total balance"),
        "balances_on": _("Balances on %(day)s"),
        "total_per_currency": _("Total balance per currency"),
        "accounts_count": ngettext('<span id="total-accounts">%(counter)s</span> account',
                                   '<span id="total-accounts">%(counter)s</span> accounts', total_accounts),
        "spent_in": _("Spent in %(month)s"),
        "spent_in_per_currency": _("Spent in %(month)s per currency"),
        "nothing_spent": _("Nothing spent this month or last."),
        "more_than": _('<span class="text-danger-emphasis"><span aria-hidden="true">▲</span> '
                              '%(amount)s more</span> than %(month)s'),
        "percent_up": _("+%(percent)s%%"),
        "less_than": _('<span class="text-success-emphasis"><span aria-hidden="true">▼</span> '
                              '%(amount)s less</span> than %(month)s'),
        "percent_down": _("%(percent)s%%"),
        "same_as": _("The same as %(month)s."),
        "income_in": _("Income in %(month)s:"),
        "unread_alerts": _("Unread alerts"),
        "read_alerts": _("Read your alerts"),
        "see_alerts": _("See all alerts"),
        "reward_points": _("Reward points:"),
        "safe_to_spend": _("Safe to spend"),
        "bills_calendar": _("Bills calendar"),
        "safe_to_spend_help": _("What can go today and still leave each account's buffer, and what it has saved "
                                "toward its goal, after the bills and transfers due before its next income."),
        "no_schedule": _('No bills or income are scheduled yet: <a href="%(bills_url)s">add them</a> for a '
                                'figure that counts them.'),
        "safe_per_account": _("Safe to spend per account"),
        "until": _('until %(label)s on <time datetime="%(iso)s">%(day)s</time>'),
        "no_income_soon": _("no income expected soon"),
        "set_aside": _("%(amount)s kept for the goal"),
        "coming_up": _("Coming up in the next %(days)s days"),
        "bills": _("Bills"),
        "overdue_since": _("Overdue since %(day)s"),
        "about": _("about"),
        "nothing_coming_up": _("Nothing is scheduled in the next %(days)s days."),
        "coming_up_more": ngettext("%(count)s more in the bills calendar", "%(count)s more in the bills calendar",
                                   more) % {"count": formats.format_count(more)},
        "by_category_title": _("Spending by category, %(month)s"),
        "in_currency": _("In %(currency)s"),
        "doughnut": _("Doughnut chart of spending by category in %(currency)s in %(month)s; the same "
                             "figures are in the table below."),
        "by_category_table_in": _("Spending by category in %(currency)s as a table"),
        "by_category_table": _("Spending by category as a table"),
        "by_category_caption": _("Spending by category in %(currency)s in %(month)s"),
        "category": _("Category"),
        "spent_col": _("Spent (%(currency)s)"),
        "total": _("Total"),
        "no_spending": _("No spending recorded in %(month)s."),
        "history_title": _("Income vs spending, last 6 months"),
        "bar_chart": _("Bar chart of income and spending in %(currency)s for the six months up to "
                              "%(month)s; the same figures are in the table below."),
        "history_table_in": _("Income vs spending in %(currency)s as a table"),
        "history_table": _("Income vs spending as a table"),
        "history_caption": _("Income and spending in %(currency)s per month, %(first)s to %(last)s"),
        "month": _("Month"),
        "income_col": _("Income (%(currency)s)"),
        "spending_col": _("Spending (%(currency)s)"),
        "net_col": _("Net (%(currency)s)"),
        "budgets": _("Budgets"),
        "all_budgets": _("All budgets"),
        "spent_to": _("spent to %(day)s"),
        "spent_of_limit": _('<span data-amount="%(spent_value)s" class="budget-spent">%(spent)s</span> of '
                                   '<span data-amount="%(limit_value)s" class="budget-limit">%(limit)s</span> '
                                   '%(unit)s'),
        "percent_used_of": _("%(percent)s%% used: %(spent)s of %(limit)s"),
        "over_budget": _('<span class="badge text-bg-danger">Over budget</span> by <span class="money '
                                'budget-remaining" data-amount="%(value)s">%(amount)s</span>'),
        "nearly_there": _('<span class="badge text-bg-warning">Nearly there</span> <span class="money '
                                 'budget-remaining" data-amount="%(value)s">%(amount)s</span> left'),
        "on_track": _('<span class="badge text-bg-success">On track</span> <span class="money '
                             'budget-remaining" data-amount="%(value)s">%(amount)s</span> left'),
        "percent_used": _("%(percent)s%% used"),
        "no_budgets": _('No budgets yet. <a href="%(url)s">Set a budget</a> to see how your spending '
                               'compares.'),
        "latest": _("Latest transactions"),
        "all_transactions": _("All transactions"),
        "latest_caption": _("Your six latest transactions"),
        "date": _("Date"),
        "what": _("What"),
        "account": _("Account"),
        "amount": _("Amount"),
        "transfer": _("Transfer"),
        "no_transactions": _('No transactions yet. <a href="%(url)s">Add a transaction</a>.'),
        "accounts": _("Accounts"),
        "balances_on_lower": _("balances on %(day)s"),
        "manage_accounts": _("Manage accounts"),
        "accounts_caption_on": _("Your accounts and their balances on %(day)s"),
        "accounts_caption": _("Your accounts and their balances"),
        "type": _("Type"),
        "balance": _("Balance"),
        "goal_of": _("%(percent)s%% of the %(target)s goal"),
        "goal_label": _("Savings goal of %(name)s"),
        "no_account_on": _("No account was open on %(day)s."),
        "no_open_accounts": _('No open accounts. <a href="%(url)s">Add an account</a>.'),
    }
    words = trusted(texts)
    words["accounts_count"] %= {"counter": total_accounts}
    return words
