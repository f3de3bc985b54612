"""Bills the customer pays but has not set up, found in their expenses.

The expenses of the last ~13 months are grouped by payee (``payee_key`` of the entry's payee,
or of its description when it has none: lower-cased, digits and punctuation taken out,
spaces collapsed) and account. A group is a
suggestion when its latest payments repeat: at least MIN_PAYMENTS of them, ~monthly (26 to
35 days apart) or ~weekly (6 to 8 days apart), each amount within 15% of their median,
the latest one recent enough for the bill to be still running; and the payee is not set up
yet (no active recurring item of that name) nor dismissed at that cadence.

Only the newest run of payments counts (walking back from the latest payment while the
gaps fit the cadence): an old price, or a one-off purchase from the same payee before the
subscription started, does not hide a bill that repeats now.

``detect`` is the algorithm, pure (no database); ``bill_suggestions`` is the selector the
bills page reads, in a fixed number of queries (2) whatever the history.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Coalesce, NullIf

from apps.core.dates import user_today
from apps.core.money import CENT
from apps.core.schedules import Schedule
from apps.transactions.models import Transaction

from .models import BillSuggestionDismissal, Occurrence, RecurringItem, SuggestionCadence

Cadence = SuggestionCadence
WINDOW_DAYS = 396  # about 13 months
MIN_PAYMENTS = 3
AMOUNT_TOLERANCE = Decimal("0.15")
PAYEE_MAX_LENGTH = BillSuggestionDismissal._meta.get_field("payee_key").max_length


@dataclass(frozen=True)
class CadenceRule:
    cadence: str
    min_gap: int  # days between two payments, both included
    max_gap: int
    stale_after: int  # days since the latest payment after which the bill seems to have ended


RULES = (
    CadenceRule(Cadence.MONTHLY, 26, 35, 62),
    CadenceRule(Cadence.WEEKLY, 6, 8, 15),
)


@dataclass(frozen=True)
class Payment:
    """One expense, as detection needs it."""

    description: str
    amount: Decimal
    occurred_on: date
    account_id: int
    account_name: str = ""
    currency: str = ""
    category_id: int | None = None
    pays_bill: bool = False  # linked to an occurrence: this payee is set up under another name


@dataclass(frozen=True)
class BillSuggestion:
    payee_key: str
    name: str  # what the new bill is called: the latest description, without numbers
    amount: Decimal  # the median of the payments
    currency: str
    cadence: str
    next_on: date  # the next expected payment, today or later
    account_id: int
    account_name: str
    category_id: int | None
    payments: int
    last_paid_on: date

    @property
    def cadence_label(self) -> str:
        return Cadence(self.cadence).label

    @property
    def form_query(self) -> str:
        """The query string that pre-fills the new-bill form (apps.bills.views.recurring_create)."""
        values = {"name": self.name, "amount": f"{self.amount:.2f}", "account": self.account_id,
                  "category": self.category_id or "", "frequency": self.cadence,
                  "starts_on": self.next_on.isoformat()}
        if self.cadence == Cadence.MONTHLY:
            values["day"] = self.last_paid_on.day
        return urlencode(values)


_NOT_LETTERS = re.compile(r"[\W\d_]+")


def payee_key(text: str) -> str:
    """The payee's normal form: "NETFLIX.COM 8832-11" and "Netflix.com" are "netflix com"."""
    return " ".join(_NOT_LETTERS.sub(" ", (text or "").lower()).split())[:PAYEE_MAX_LENGTH]


def payee_name(text: str) -> str:
    """A bill's name from a description: its case and inner punctuation kept, numbers
    (references, dates) and the punctuation around them dropped ("CITY POWER #1234" is
    "CITY POWER")."""
    words = (word.strip("#*-_/.,:;()[]{}'\"") for word in re.sub(r"\d+", " ", text or "").split())
    return " ".join(word for word in words if word)[:RecurringItem._meta.get_field("name").max_length]


def _covered(key: str, names: Iterable[str]) -> bool:
    """Set up already: an item's name is the payee, or one contains the other as whole words
    ("City Power" and "city power co")."""
    padded = f" {key} "
    for name in names:
        other = payee_key(name)
        if other and (f" {other} " in padded or padded in f" {other} "):
            return True
    return False


def _latest_run(payments: list[Payment], rule: CadenceRule) -> list[Payment]:
    """The newest payments whose gaps all fit ``rule`` (payments sorted by date)."""
    start = len(payments) - 1
    while start > 0 and rule.min_gap <= (payments[start].occurred_on - payments[start - 1].occurred_on).days \
            <= rule.max_gap:
        start -= 1
    return payments[start:]


def _median(amounts: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(amounts)).quantize(CENT, rounding=ROUND_HALF_UP)


def _next_on(rule: CadenceRule, last: date, today: date) -> date:
    if rule.cadence == Cadence.MONTHLY:
        schedule = Schedule(rule.cadence, last, day=last.day)
    else:
        schedule = Schedule(rule.cadence, last)
    return schedule.next_on_or_after(max(today, last + timedelta(days=1)))


def _suggestion(key: str, payments: list[Payment], today: date) -> BillSuggestion | None:
    if len(payments) < MIN_PAYMENTS:
        return None
    for rule in RULES:
        run = _latest_run(payments, rule)
        if len(run) < MIN_PAYMENTS:
            continue
        last = run[-1]
        if (today - last.occurred_on).days > rule.stale_after:
            return None
        median = _median([p.amount for p in run])
        if any(abs(p.amount - median) > median * AMOUNT_TOLERANCE for p in run):
            return None
        return BillSuggestion(
            payee_key=key, name=payee_name(last.description) or key.title(), amount=median,
            currency=last.currency, cadence=rule.cadence, next_on=_next_on(rule, last.occurred_on, today),
            account_id=last.account_id, account_name=last.account_name, category_id=last.category_id,
            payments=len(run), last_paid_on=last.occurred_on,
        )
    return None


def detect(payments: Iterable[Payment], *, today: date, names: Iterable[str] = (),
           dismissed: Iterable[tuple[str, str]] = ()) -> list[BillSuggestion]:
    """The suggestions in ``payments`` (expenses, any order): none for a payee ``names`` (the
    active recurring items) already covers or whose payments already pay a bill, nor for a
    (payee_key, cadence) in ``dismissed``.
    One per payee and cadence (the account paid most recently); soonest next payment first."""
    names, dismissed = list(names), set(dismissed)
    groups: dict[tuple[str, int], list[Payment]] = defaultdict(list)
    for payment in payments:
        key = payee_key(payment.description)
        if key and payment.occurred_on <= today:
            groups[key, payment.account_id].append(payment)
    found: dict[tuple[str, str], BillSuggestion] = {}
    for (key, _), group in groups.items():
        if any(p.pays_bill for p in group) or _covered(key, names):
            continue
        group.sort(key=lambda p: p.occurred_on)
        suggestion = _suggestion(key, group, today)
        if suggestion is None or (key, suggestion.cadence) in dismissed:
            continue
        kept = found.get((key, suggestion.cadence))
        if kept is None or suggestion.last_paid_on > kept.last_paid_on:
            found[key, suggestion.cadence] = suggestion
    return sorted(found.values(), key=lambda s: (s.next_on, s.name.lower(), s.account_id))


def _one_per_payment(rows) -> list[Payment]:
    """One payment per row, but one for all the parts of a split entry (what the bank took: their
    sum, in the category of the largest part)."""
    payments: list[Payment] = []
    splits: dict = {}
    for *fields, split_id in rows:
        payment = Payment(*fields)
        if split_id is None:
            payments.append(payment)
        else:
            splits.setdefault(split_id, []).append(payment)
    for parts in splits.values():
        largest = max(parts, key=lambda part: part.amount)
        payments.append(dataclasses.replace(largest, amount=sum(part.amount for part in parts),
                                            pays_bill=any(part.pays_bill for part in parts)))
    return payments


def bill_suggestions(*, user, today: date | None = None) -> list[BillSuggestion]:
    """The customer's suggested bills. Two queries: their expenses of the window on open
    accounts (only the columns detection reads, and whether each pays a bill), then the names
    of their active recurring items together with their dismissals."""
    today = today or user_today(user)
    paying = Occurrence.objects.filter(transaction=OuterRef("pk"))
    rows = (Transaction.objects
            # account__owner: the customer's accounts read by their owner index, not every
            # customer's hashed (issue 17: 1.7 ms with 2,000 customers, growing with them).
            .filter(owner=user, account__owner=user, kind=Transaction.Kind.EXPENSE, account__closed_on__isnull=True,
                    occurred_on__gte=today - timedelta(days=WINDOW_DAYS), occurred_on__lte=today)
            .annotate(pays_bill=Exists(paying))
            .order_by()
            # Who was paid: the entry's payee (one name per merchant, apps.transactions.payees),
            # or its description when it has none.
            .annotate(who=Coalesce(NullIf("payee", Value("")), "description"))
            .values_list("who", "amount", "occurred_on", "account_id", "account__name", "account__currency",
                         "category_id", "pays_bill", "split_id"))
    payments = _one_per_payment(rows)
    if not payments:
        return []
    no_cadence = Value("", output_field=CharField())
    names = (RecurringItem.objects.filter(owner=user, is_active=True).order_by()
             .annotate(cadence=no_cadence).values_list("name", "cadence"))
    dismissals = BillSuggestionDismissal.objects.filter(owner=user).order_by().values_list("payee_key", "cadence")
    known = list(names.union(dismissals, all=True))
    return detect(payments, today=today, names=[name for name, cadence in known if not cadence],
                  dismissed=[(key, cadence) for key, cadence in known if cadence])
