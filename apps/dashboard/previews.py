"""What an expense does, told before it is saved (the expense form asks
``GET /dashboard/expense-preview`` as the customer types) and again after (the same lines in
"Expense recorded", through ``expense_notes``, which the ledger's view calls by name from
settings.LEDGER_EXTENSIONS). Here because it needs both budgets and bills, and only the
dashboard sits above both.

- Budgets: "This takes Food to 112% of its monthly budget (112.00 of 100.00 USD)." for each
  active budget of the category, in the account's currency, whose period holds the date.
- Balance: "This leaves 12.40 USD in Checking, and Rent (850.00 USD) is due on Jan 1, 2026."
  The bill named is the first payment before the next income that takes the projected
  balance below the buffer (apps.bills.forecast); without one, the balance alone.

Each line has a level: ``info`` (a plain figure), ``warning`` (past a budget's warning
threshold, a bill left short, below the buffer) or ``danger`` (over a budget, or refused).
The form shows them all; the confirmation repeats the warnings. Before saving the figures add
the amount; after saving the ledger holds it already, so they are read as they are: both give
the same line.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Account
from apps.bills.forecast import account_forecasts, crossings
from apps.budgets.models import Budget
from apps.budgets.periods import window_containing
from apps.budgets.selectors import spent_in_windows
from apps.core import formats
from apps.core.dates import user_today
from apps.core.money import format_money
from apps.transactions.models import Category, Transaction

ZERO = Decimal("0.00")
# A bill due before the next income is named when it falls in this many days (the whole
# time when there is no income in sight would name a bill months away).
PREVIEW_DAYS = 31
INFO, WARNING, DANGER = "info", "warning", "danger"
# One whole sentence per period: the adjective takes the budget's grammar in other languages.
BUDGET_SENTENCES = {
    Budget.Period.WEEKLY: gettext_lazy("This takes %(category)s to %(percent)s%% of its weekly budget "
                                       "(%(spent)s of %(limit)s)."),
    Budget.Period.MONTHLY: gettext_lazy("This takes %(category)s to %(percent)s%% of its monthly budget "
                                        "(%(spent)s of %(limit)s)."),
}


@dataclass(frozen=True)
class Note:
    text: str
    level: str  # info, warning, danger


def _day_text(day: date) -> str:
    return formats.format_day(day)


def budget_notes(*, user, account: Account, amount: Decimal, category: Category | None, occurred_on: date,
                 recorded: bool = False) -> list[Note]:
    """One line per active budget of ``category`` in the account's currency: two queries."""
    if category is None:
        return []
    budgets = list(Budget.objects.filter(owner=user, category=category, currency=account.currency, is_active=True,
                                         start_date__lte=occurred_on).order_by("period", "pk"))
    if not budgets:
        return []
    windows = {b.pk: (b.category_id, b.currency,
                      window_containing(period=b.period, start_date=b.start_date, day=occurred_on)) for b in budgets}
    spent = spent_in_windows(user=user, windows=windows)
    notes = []
    for budget in budgets:
        after = spent.get(budget.pk, ZERO) + (ZERO if recorded else amount)
        percent = (after * 100 / budget.limit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        level = DANGER if after > budget.limit else WARNING if after > budget.warning_amount else INFO
        sentence = BUDGET_SENTENCES.get(budget.period, BUDGET_SENTENCES[Budget.Period.MONTHLY])
        notes.append(Note(str(sentence) % {
            "category": category.label, "percent": percent, "spent": format_money(after),
            "limit": format_money(budget.limit, budget.currency)}, level))
    return notes


def balance_note(*, user, account: Account, amount: Decimal, recorded: bool = False,
                 today: date | None = None) -> Note:
    """What is left on the account, and the first bill before the next income it leaves
    short: two queries (the account's recurring items and their occurrences)."""
    currency = account.currency
    after = account.balance if recorded else account.balance - amount
    if not recorded and after < -account.credit_limit:
        return Note(_("%(account)s has %(amount)s available: this expense would be refused.") % {
            "account": account.name, "amount": format_money(account.available, currency)}, DANGER)
    projected = copy.copy(account)
    projected.balance = after
    forecast = account_forecasts(user=user, accounts=[projected], today=today or user_today(user))[account.pk]
    income = forecast.next_income
    points = [p for p in forecast.lookahead[:PREVIEW_DAYS + 1] if income is None or p.day < income.day]
    if account.kind == Account.Kind.CREDIT_CARD:
        leaves = _("This leaves %(amount)s available on %(account)s") % {
            "amount": format_money(after + account.credit_limit, currency), "account": account.name}
    else:
        leaves = _("This leaves %(amount)s in %(account)s") % {"amount": format_money(after, currency),
                                                              "account": account.name}
    found = crossings(points, floor=forecast.floor)
    if found:
        bill = found[0].culprit
        parts = {"leaves": leaves, "bill": bill.label, "amount": format_money(-bill.amount, currency)}
        if bill.is_overdue:
            text = _("%(leaves)s, and %(bill)s (%(amount)s) was due on %(day)s.") % {
                **parts, "day": _day_text(bill.due_on)}
        elif bill.day == forecast.today:
            text = _("%(leaves)s, and %(bill)s (%(amount)s) is due today.") % parts
        else:
            text = _("%(leaves)s, and %(bill)s (%(amount)s) is due on %(day)s.") % {**parts, "day": _day_text(bill.day)}
        return Note(text, WARNING)
    if after < forecast.floor:
        return Note(_("%(leaves)s, below the %(amount)s you want to keep.") % {
            "leaves": leaves, "amount": format_money(forecast.buffer, currency)}, WARNING)
    return Note(_("%(leaves)s.") % {"leaves": leaves}, INFO)


def expense_effects(*, user, account: Account, amount: Decimal, category: Category | None, occurred_on: date,
                    recorded: bool = False) -> list[Note]:
    """The lines for an expense of ``amount`` on ``account``: before it is saved, or
    (``recorded``) once the ledger holds it. Four queries."""
    return [*budget_notes(user=user, account=account, amount=amount, category=category, occurred_on=occurred_on,
                          recorded=recorded),
            balance_note(user=user, account=account, amount=amount, recorded=recorded)]


def expense_notes(*, user, entry: Transaction) -> list[str]:
    """settings.LEDGER_EXTENSIONS["expense_notes"]: the preview's warnings for an expense
    just recorded, word for word (the plain figures the form showed, "This leaves 87.50 USD
    in Checking.", are on the account page the customer lands on). The entry's account is the
    row the posting locked and moved (its balance the one the posting left), or, for a replayed
    form, read when first asked for, after the first posting: no read of its own (issue 17)."""
    if entry.kind != Transaction.Kind.EXPENSE:
        return []
    account = entry.account
    if account.owner_id != user.pk:  # never: the ledger's services post only to the user's own
        raise Account.DoesNotExist("No such account.")
    notes = expense_effects(user=user, account=account, amount=entry.amount, category=entry.category,
                            occurred_on=entry.occurred_on, recorded=True)
    return [note.text for note in notes if note.level != INFO]
