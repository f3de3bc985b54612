"""Customers' money movements: opening an account, income, expense, transfers, and
changing or removing an entry. See ``ledger`` for the steps every one of them takes."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.accounts.services import account_name_clean
from apps.core.currencies import clean_currency
from apps.core.dates import user_today
from apps.core.money import cents

from ..models import Category, FormSubmission, Transaction
from ..payees import clean_payee, normalise_payee
from .ledger import (
    FAR_FUTURE_DAYS,
    Kind,
    announce,
    apply_deltas,
    bump_totals,
    changes_of,
    check_category,
    check_date,
    claim_token,
    effects,
    lock_accounts,
    log_refusal,
    record,
    replayed,
)

__all__ = ["FAR_FUTURE_DAYS"]

# Staff corrections are changed only by another correction, never by the customer.
CUSTOMER_CHANGEABLE_KINDS = (Kind.OPENING, Kind.INCOME, Kind.EXPENSE, Kind.TRANSFER_IN, Kind.TRANSFER_OUT)


def entry_is_changeable(entry: Transaction) -> bool:
    """Whether the customer may edit or delete this entry."""
    return entry.kind in CUSTOMER_CHANGEABLE_KINDS


@transaction.atomic
def account_open(*, user, name: str, kind: str = Account.Kind.CHECKING, currency: str | None = None,
                 institution: str = "", number_last4: str = "", credit_limit: Decimal = Decimal(0),
                 opened_on: date | None = None, opening_balance: Decimal = Decimal(0)) -> Account:
    """Open an account; a non-zero opening balance is its first ledger entry."""
    if kind not in Account.Kind.values:
        raise ValidationError({"kind": _("Choose checking, savings, cash or credit card.")})
    credit_limit = cents(credit_limit or 0, field="credit_limit", allow_zero=True)
    if credit_limit and kind != Account.Kind.CREDIT_CARD:
        raise ValidationError({"credit_limit": _("Only credit cards have a credit limit; leave it empty.")})
    account = Account.objects.create(
        owner=user, name=account_name_clean(user=user, name=name), kind=kind,
        currency=clean_currency(currency or user.default_currency),
        institution=institution, number_last4=number_last4, credit_limit=credit_limit,
        opened_on=opened_on or user_today(user),
    )
    if opening_balance:
        amount = cents(opening_balance)
        apply_deltas({account.pk: account}, {account.pk: amount})
        record([Transaction(owner=user, account=account, kind=Kind.OPENING, amount=amount,
                            occurred_on=account.opened_on, description="Opening balance")], user=user)
    return account


def _post(*, user, account_id, kind, amount, category, description, occurred_on, form_token,
          confirm_far_future, payee) -> Transaction:
    submission, first = claim_token(user=user, token=form_token)
    if not first:
        return replayed(submission)
    amount = cents(amount)
    check_category(user=user, category=category, entry_kind=kind)
    accounts = lock_accounts(user=user, account_ids=[account_id])
    account = accounts[int(account_id)]
    check_date(user=user, accounts=[account], occurred_on=occurred_on, confirm_far_future=confirm_far_future)
    row = Transaction(owner=user, account=account, kind=kind, amount=amount, category=category,
                      description=description, payee=clean_payee(payee, description=description),
                      occurred_on=occurred_on)
    apply_deltas(accounts, effects([row]))
    record([row], user=user, submission=submission)
    return row


@transaction.atomic
def income_post(*, user, account_id: int, amount: Decimal, category: Category, occurred_on: date,
                description: str = "", form_token: uuid.UUID | None = None,
                confirm_far_future: bool = False, payee: str | None = None) -> Transaction:
    """``payee`` empty or None: the description's normalised payee (apps.transactions.payees)."""
    return _post(user=user, account_id=account_id, kind=Kind.INCOME, amount=amount, category=category,
                 description=description, occurred_on=occurred_on, form_token=form_token,
                 confirm_far_future=confirm_far_future, payee=payee)


@transaction.atomic
def expense_post(*, user, account_id: int, amount: Decimal, category: Category, occurred_on: date,
                 description: str = "", form_token: uuid.UUID | None = None,
                 confirm_far_future: bool = False, payee: str | None = None) -> Transaction:
    """``payee`` empty or None: the description's normalised payee (apps.transactions.payees)."""
    return _post(user=user, account_id=account_id, kind=Kind.EXPENSE, amount=amount, category=category,
                 description=description, occurred_on=occurred_on, form_token=form_token,
                 confirm_far_future=confirm_far_future, payee=payee)


@transaction.atomic
def transfer_create(*, user, from_account_id: int, to_account_id: int, amount: Decimal, occurred_on: date,
                    description: str = "", form_token: uuid.UUID | None = None,
                    confirm_far_future: bool = False, received_amount: Decimal | None = None) -> Transaction:
    """Move money between two of the user's own accounts; returns the outgoing leg.
    Between two currencies ``received_amount`` is what arrived, in the receiving account's
    currency (as the bank's statement shows it); in one currency it is the amount sent."""
    if int(from_account_id) == int(to_account_id):
        log_refusal("same_account_transfer", user_id=user.pk, account_id=int(from_account_id), amount=amount)
        raise ValidationError({"to_account": _("Choose two different accounts.")})
    submission, first = claim_token(user=user, token=form_token)
    if not first:
        return replayed(submission)
    amount = cents(amount)
    accounts = lock_accounts(user=user, account_ids=[from_account_id, to_account_id])
    source, target = accounts[int(from_account_id)], accounts[int(to_account_id)]
    received = _received(source=source, target=target, amount=amount, received_amount=received_amount)
    check_date(user=user, accounts=[source, target], occurred_on=occurred_on, confirm_far_future=confirm_far_future)
    transfer_id = uuid.uuid4()
    legs = [
        Transaction(owner=user, account=source, kind=Kind.TRANSFER_OUT, amount=amount, occurred_on=occurred_on,
                    description=description, transfer_id=transfer_id),
        Transaction(owner=user, account=target, kind=Kind.TRANSFER_IN, amount=received, occurred_on=occurred_on,
                    description=description, transfer_id=transfer_id),
    ]
    apply_deltas(accounts, effects(legs))
    record(legs, user=user, submission=submission)
    return legs[0]


def _received(*, source, target, amount: Decimal, received_amount: Decimal | None) -> Decimal:
    """What the receiving leg holds: the amount sent in one currency; between two, the amount
    that arrived, which the customer gives (no rate of ours is applied to their money)."""
    if source.currency == target.currency:
        if received_amount is not None and cents(received_amount, field="received_amount") != amount:
            raise ValidationError({"received_amount": _(
                "Both accounts are in %(currency)s: the amount that arrives is the amount sent. Leave this empty.")
                % {"currency": source.currency}})
        return amount
    if received_amount is None:
        log_refusal("currency_mismatch", user_id=source.owner_id, account_id=source.pk, to_account_id=target.pk,
                    amount=amount)
        raise ValidationError({"received_amount": _(
            "From %(first)s to %(second)s: give the amount that arrives in %(second)s, as your bank shows it.")
            % {"first": source.currency, "second": target.currency}})
    return cents(received_amount, field="received_amount")


def lock_entry_rows(*, user, transaction_id) -> list[Transaction]:
    """The row (both legs for a transfer, every part of a split), locked; another user's id
    is 'not found'. A staff correction is refused: only staff change it, with another
    correction."""
    row = Transaction.objects.filter(owner=user, pk=transaction_id).first()
    if row is None:
        raise Transaction.DoesNotExist("No such transaction.")
    if not entry_is_changeable(row):
        log_refusal("staff_correction_locked", user_id=user.pk, transaction_id=row.pk)
        raise ValidationError(_("This is a correction made by our staff: it cannot be changed or deleted here. "
                                "Contact support if it looks wrong."))
    if row.transfer_id:
        query = Transaction.objects.filter(transfer_id=row.transfer_id)
    elif row.split_id:
        query = Transaction.objects.filter(split_id=row.split_id, owner=user)
    else:
        query = Transaction.objects.filter(pk=row.pk)
    rows = list(query.select_for_update().order_by("pk"))
    if row.split_id and rows:
        # A part added by a split that committed while this waited for its locks is not in the
        # statement's snapshot: read the parts again, now that no one else can change them.
        rows = list(query.select_for_update().order_by("pk"))
    if not rows:  # deleted by a concurrent request between the read and the lock
        raise Transaction.DoesNotExist("No such transaction.")
    if row.pk not in {r.pk for r in rows} or any(r.split_id != row.split_id for r in rows):
        # split, split again or joined between the read and the lock
        log_refusal("entry_changed_meanwhile", user_id=user.pk, transaction_id=row.pk)
        raise ValidationError(_("This entry was changed meanwhile: please look at it again."))
    return rows


@transaction.atomic
def transaction_edit(*, user, transaction_id: int, amount: Decimal | None, occurred_on: date, description: str = "",
                     category: Category | None = None, account_id: int | None = None,
                     confirm_far_future: bool = False, payee: str | None = None,
                     received_amount: Decimal | None = None) -> Transaction:
    """Change an entry (both legs of a transfer). Refused if it would overdraw any account.
    ``payee`` None keeps a payee the customer chose and follows the description when the
    payee was the description's own; a transfer has none. For a transfer ``amount`` is what
    was sent and, between two currencies, ``received_amount`` what arrived (transfer_create).
    A split entry's parts change together (account, date, payee, description), each keeping
    its amount and category (``amount`` None or their sum; ``splits.entry_split`` shares
    them out again)."""
    old_rows = lock_entry_rows(user=user, transaction_id=transaction_id)
    split = old_rows[0].split_id is not None
    if split:
        total = sum(r.amount for r in old_rows)
        if amount is not None and cents(amount) != total:
            log_refusal("split_amount_changed", user_id=user.pk, transaction_id=int(transaction_id))
            raise ValidationError({"amount": _(
                "This entry is split into %(count)s parts: change their amounts where it is split.") % {
                "count": len(old_rows)}})
    else:
        amount = cents(amount)
    new_rows = []
    for old in old_rows:
        new = Transaction(pk=old.pk, owner_id=old.owner_id, account_id=old.account_id, kind=old.kind,
                          amount=old.amount if split else amount, split_id=old.split_id,
                          category_id=old.category_id, description=description, occurred_on=occurred_on,
                          created_at=old.created_at, transfer_id=old.transfer_id, payee=old.payee)
        if old.kind in (Kind.INCOME, Kind.EXPENSE):
            if payee is not None:
                new.payee = clean_payee(payee, description=description)
            elif old.payee == normalise_payee(old.description):
                new.payee = normalise_payee(description)
            if category is not None and category.pk != old.category_id and not split:
                new.category = check_category(user=user, category=category, entry_kind=old.kind)
            else:  # unchanged: an entry filed before its category's kind was set stays editable
                new.category = old.category
            if account_id is not None:
                new.account_id = int(account_id)
        new_rows.append(new)
    # Lock every account involved (the entry's rows first, then accounts, always in pk order).
    accounts = lock_accounts(user=user, account_ids={r.account_id for r in old_rows + new_rows})
    if old_rows[0].transfer_id is not None:
        sent, arrived = (next(r for r in new_rows if r.kind == kind) for kind in (Kind.TRANSFER_OUT, Kind.TRANSFER_IN))
        arrived.amount = _received(source=accounts[sent.account_id], target=accounts[arrived.account_id],
                                   amount=amount, received_amount=received_amount)
    deltas = effects(new_rows)
    for pk, delta in effects(old_rows).items():
        deltas[pk] -= delta
    check_date(user=user, accounts=[accounts[r.account_id] for r in new_rows], occurred_on=occurred_on,
               confirm_far_future=confirm_far_future)
    apply_deltas(accounts, deltas)
    bump_totals(old_rows, -1)
    Transaction.objects.bulk_update(new_rows,
                                    ["account", "amount", "category", "description", "occurred_on", "payee"])
    bump_totals(new_rows, +1)
    announce(user=user,
             changes=changes_of(old_rows, "edited") + changes_of(new_rows, "edited"))
    return next(r for r in new_rows if r.pk == int(transaction_id))


@transaction.atomic
def transaction_delete(*, user, transaction_id: int) -> None:
    """Remove an entry (both legs of a transfer). Refused if it would overdraw."""
    rows = lock_entry_rows(user=user, transaction_id=transaction_id)
    accounts = lock_accounts(user=user, account_ids={r.account_id for r in rows})
    apply_deltas(accounts, {pk: -delta for pk, delta in effects(rows).items()})
    bump_totals(rows, -1)
    changes = changes_of(rows, "deleted")
    FormSubmission.objects.filter(transaction__in=rows).update(transaction=None)
    Transaction.objects.filter(pk__in=[r.pk for r in rows]).delete()
    announce(user=user, changes=changes)
