"""Statement import: upload, column mapping, preview, confirm (all or nothing), undo.

The parsed rows live in ``ImportRow`` between the preview and the confirm, so the browser only
says which rows to leave out and which categories to change; amounts, dates and accounts come
from the server's copy. Money moves only through ``apps.transactions.services.entries_post``
(one atomic posting, one ``ledger_changed``) and ``entries_delete`` (the undo).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.accounts.models import Account
from apps.core.formats import format_day
from apps.core.money import format_money
from apps.rules.engine import matcher_for
from apps.transactions.models import Category, Transaction
from apps.transactions.payees import normalise_payee
from apps.transactions.services import BatchEntry, BatchEntryError, entries_delete, entries_post

from . import parsers
from .models import ImportBatch, ImportedEntry, ImportRow, MappingProfile
from .parsers import csv_file
from .parsers.common import DATE_FORMATS, newest_first
from .signals import import_posted, import_undone

Outcome = ImportRow.Outcome
Status = ImportBatch.Status
DEFAULT_CATEGORY = "other"
logger = logging.getLogger("bankdash.imports")
NOT_POSTABLE = (Outcome.ERROR,)


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


# ---------------------------------------------------------------------------
# Upload and mapping
# ---------------------------------------------------------------------------

def _own_account(user, account_id) -> Account | None:
    if account_id in (None, ""):
        return None
    account = Account.objects.filter(owner=user, pk=account_id).first()
    if account is None:
        _refuse("account", _("Choose one of your accounts."))
    return account


@transaction.atomic
def batch_upload(*, user, file_name: str, data: bytes, account_id=None, profile_id=None,
                 date_format: str = "auto") -> ImportBatch:
    """Read an uploaded file. Returns the batch: ``previewed`` when its rows are ready, or
    ``mapping`` when a CSV needs its columns chosen. ValidationError (nothing saved) when the
    file cannot be imported at all."""
    if len(data) > parsers.MAX_FILE_BYTES:
        _refuse("file", _("This file is larger than %(size)s MB: split it into smaller files (one month or one "
                          "account at a time).") % {"size": parsers.MAX_FILE_BYTES // (1024 * 1024)})
    if not data.strip():
        _refuse("file", _("This file is empty."))
    if date_format not in ("auto", *DATE_FORMATS):
        _refuse("date_format", _("Choose one of the date formats."))
    account = _own_account(user, account_id)
    fmt = parsers.detect_format(data, file_name)
    batch = ImportBatch(owner=user, file_name=(file_name or "statement")[:255], sha256=hashlib.sha256(data).hexdigest(),
                        format=fmt, account=account, content=data, date_format=date_format)
    try:
        if fmt == "csv":
            header = _parse_safely(lambda: csv_file.iter_table(data)[0], user=user, fmt=fmt)
            mapping = csv_file.original_mapping(header)
            if mapping is None:
                profile = _profile_for(user=user, header=header, profile_id=profile_id)
                if profile is None:
                    batch.mapping = {"header": header}
                    batch.save()
                    return batch
                mapping = {**profile.mapping, "date_format": profile.date_format, "decimal": profile.decimal_separator,
                           "profile": profile.name}
            if date_format != "auto":
                mapping["date_format"] = date_format
            batch.mapping = {**mapping, "header": header}
            parsed = _parse_safely(lambda: csv_file.parse_csv(data, mapping), user=user, fmt=fmt)
        elif fmt == "qif":
            parsed = _parse_safely(lambda: parsers.parse_qif(data, date_format=date_format), user=user, fmt=fmt)
        else:
            parse = parsers.parse_ofx if fmt == "ofx" else parsers.parse_camt
            parsed = _parse_safely(lambda: parse(data), user=user, fmt=fmt)
    except parsers.AmbiguousDates as error:
        if fmt != "csv":
            _refuse("date_format", str(error))
        batch.last_error = str(error)
        batch.save()
        return batch
    except parsers.FileRefused as error:
        _refuse("file", str(error))
    batch.save()
    _build_preview(batch=batch, parsed=parsed)
    return batch


def _parse_safely(parse, *, user, fmt):
    """Run a parser (pure: no database); anything it did not foresee is a message, never a 500."""
    try:
        return parse()
    except (parsers.FileRefused, parsers.AmbiguousDates):
        raise
    except Exception:  # noqa: BLE001
        logger.exception("statement file could not be parsed", extra={"user_id": user.pk, "format": fmt})
        raise parsers.FileRefused(_("This file cannot be read as a CSV, OFX, QIF or CAMT.053 statement.")) from None


def _profile_for(*, user, header, profile_id) -> MappingProfile | None:
    profiles = MappingProfile.objects.filter(owner=user)
    if profile_id not in (None, ""):
        profile = profiles.filter(pk=profile_id).first()
        if profile is None:
            _refuse("profile", _("Choose one of your saved mappings."))
        if max(profile.mapping.get(role, -1) for role in csv_file.ROLES) >= len(header):
            _refuse("profile", _("The mapping “%(name)s” does not fit this file's columns.") % {"name": profile.name})
        return profile
    return profiles.filter(header_signature=csv_file.header_signature(header)).order_by("-updated_at").first()


def _mapping_from(header, roles: dict) -> dict:
    mapping = {}
    for role, column in roles.items():
        if role not in csv_file.ROLES or column in (None, ""):
            continue
        column = int(column)
        if not 0 <= column < len(header):
            _refuse(role, _("Choose one of the file's columns."))
        mapping[role] = column
    return mapping


@transaction.atomic
def batch_map(*, user, batch_id: int, roles: dict, date_format: str = "auto", decimal: str = "auto",
              account_id=None, profile_name: str = "") -> ImportBatch:
    """Read a CSV with the columns the customer chose (role -> column index); save the mapping
    as a named profile when ``profile_name`` is given."""
    batch = _locked_batch(user=user, batch_id=batch_id, statuses=(Status.MAPPING, Status.PREVIEWED))
    if batch.format != "csv" or batch.content is None:
        _refuse("__all__", _("This import has no columns to choose."))
    if date_format not in ("auto", *DATE_FORMATS):
        _refuse("date_format", _("Choose one of the date formats."))
    if decimal not in ("auto", ".", ","):
        _refuse("decimal", _("Choose the decimal separator."))
    data = bytes(batch.content)
    try:
        header, _records = csv_file.iter_table(data)
    except parsers.FileRefused as error:
        _refuse("__all__", str(error))
    mapping = _mapping_from(header, roles)
    problems = csv_file.check_mapping(mapping)
    if batch.mapping.get("account_map") and "account" in mapping:
        mapping["account_map"] = batch.mapping["account_map"]
    if problems:
        raise ValidationError({"__all__": problems})
    if account_id not in (None, ""):
        batch.account = _own_account(user, account_id)
    if "account" not in mapping and batch.account is None:
        _refuse("account", _("Choose the account this file belongs to, or the column that names the account."))
    if profile_name.strip():
        MappingProfile.objects.update_or_create(
            owner=user, name=profile_name.strip()[:100],
            defaults={"header_signature": csv_file.header_signature(header), "header": header, "mapping": mapping,
                      "date_format": date_format, "decimal_separator": decimal})
    try:
        parsed = csv_file.parse_csv(data, {**mapping, "date_format": date_format, "decimal": decimal})
    except parsers.AmbiguousDates as error:
        raise ValidationError({"date_format": str(error)}) from None
    except parsers.FileRefused as error:
        _refuse("__all__", str(error))
    batch.mapping = {**mapping, "date_format": date_format, "decimal": decimal, "header": header}
    if profile_name.strip():
        batch.mapping["profile"] = profile_name.strip()[:100]
    batch.last_error = ""
    batch.rows.all().delete()
    _build_preview(batch=batch, parsed=parsed)
    return batch


@transaction.atomic
def batch_map_accounts(*, user, batch_id: int, choices: dict) -> ImportBatch:
    """Say which of the customer's accounts a reference in the file means (``{"ACC-001": account_id}``);
    the rows are read again. Kept in the saved mapping the batch used, for the next file."""
    batch = _locked_batch(user=user, batch_id=batch_id, statuses=(Status.PREVIEWED,))
    if batch.format != "csv" or "account" not in batch.mapping or batch.content is None:
        _refuse("__all__", _("This file names no accounts."))
    owned = set(Account.objects.filter(owner=user, closed_on__isnull=True).values_list("pk", flat=True))
    aliases = dict(batch.mapping.get("account_map") or {})
    for ref, account_id in choices.items():
        if account_id in (None, ""):
            continue
        if int(account_id) not in owned:
            _refuse("account", _("Choose one of your accounts."))
        aliases[ref.strip().lower()[:100]] = int(account_id)
    batch.mapping = {**batch.mapping, "account_map": aliases}
    if batch.mapping.get("profile"):
        profile = MappingProfile.objects.filter(owner=user, name=batch.mapping["profile"]).first()
        if profile is not None:
            profile.mapping = {**profile.mapping, "account_map": aliases}
            profile.save(update_fields=["mapping", "updated_at"])
    try:
        parsed = _parse_safely(lambda: csv_file.parse_csv(bytes(batch.content), batch.mapping), user=user,
                               fmt="csv")
    except (parsers.FileRefused, parsers.AmbiguousDates) as error:
        _refuse("__all__", str(error))
    batch.rows.all().delete()
    _build_preview(batch=batch, parsed=parsed)
    return batch


# ---------------------------------------------------------------------------
# The preview
# ---------------------------------------------------------------------------

def fingerprint(account_id: int, occurred_on: date, signed_amount: Decimal, description: str) -> str:
    key = f"{account_id}|{occurred_on:%Y-%m-%d}|{signed_amount:.2f}|{' '.join(description.lower().split())}"
    return hashlib.sha256(key.encode()).hexdigest()


class _Accounts:
    """The customer's accounts, found by id, name or last 4 digits. Any other reference (another
    customer's id included) gets the same answer: no such account."""

    def __init__(self, user, aliases: dict | None = None):
        self.all = {a.pk: a for a in Account.objects.filter(owner=user)}
        # What the customer said a reference means ("ACC-001" -> Checking), kept with the mapping.
        self.aliases = {ref: self.all[pk] for ref, pk in (aliases or {}).items() if pk in self.all}
        self.by_name = {a.name.lower(): a for a in self.all.values()}
        last4 = defaultdict(list)
        for a in self.all.values():
            if a.number_last4:
                last4[a.number_last4].append(a)
        self.by_last4 = {k: v[0] for k, v in last4.items() if len(v) == 1}

    def find(self, ref: str, *, by_id_first: bool = False) -> Account | None:
        ref = ref.strip()
        if ref.lower() in self.aliases:
            return self.aliases[ref.lower()]
        if by_id_first and ref.isdigit() and int(ref) in self.all:
            return self.all[int(ref)]
        account = self.by_name.get(ref.lower())
        if account is None:
            digits = re.sub(r"\D", "", ref)
            if len(digits) >= 4:
                account = self.by_last4.get(digits[-4:])
        if account is None and ref.isdigit() and len(ref) < 10:
            account = self.all.get(int(ref))
        return account


def _build_preview(*, batch: ImportBatch, parsed: parsers.ParsedFile) -> None:
    user = batch.owner
    accounts = _Accounts(user, batch.mapping.get("account_map"))
    multi = parsed.format == "csv" and "account" in batch.mapping
    if not multi and batch.account is None and parsed.account_ref:
        batch.account = accounts.find(parsed.account_ref)
    if not multi and batch.account is None:
        _refuse("account", _("Choose the account this statement belongs to."))
    if not multi and batch.account.is_closed:
        _refuse("account", _("The account “%(account)s” is closed.") % {"account": batch.account.name})
    if not multi and parsed.currency and parsed.currency != batch.account.currency:
        _refuse("account", _("This statement is in %(statement)s; “%(account)s” is in %(currency)s. Choose an "
                             "account in %(statement)s.") % {
            "statement": parsed.currency, "account": batch.account.name, "currency": batch.account.currency})
    if not parsed.rows:
        _refuse("file", _("This file has no transactions."))
    categories = {c.name.lower(): c for c in Category.objects.usable_by(user).order_by("owner_id")}
    # A customer's own category wins over a default one of the same name (ordered nulls last).
    for c in Category.objects.filter(owner=user):
        categories[c.name.lower()] = c
    default_category = categories.get(DEFAULT_CATEGORY)
    category_ids = {c.pk: c for c in categories.values()}
    matcher = matcher_for(user)
    by_id_first = batch.mapping.get("account_by") == "id"

    rows: list[ImportRow] = []
    for position, parsed_row in enumerate(parsed.rows):
        row = ImportRow(batch=batch, position=position, line=parsed_row.line, description=parsed_row.description,
                        occurred_on=parsed_row.occurred_on, amount=parsed_row.amount,
                        external_id=parsed_row.external_id, currency=parsed_row.currency, outcome=Outcome.NEW)
        rows.append(row)
        account = batch.account
        if multi and not parsed_row.error:
            account = accounts.find(parsed_row.account_ref, by_id_first=by_id_first) \
                if parsed_row.account_ref else None
            if account is None:
                parsed_row.error = (_("no account named “%(ref)s”") % {"ref": parsed_row.account_ref}
                                    if parsed_row.account_ref else _("no account given"))
            elif account.is_closed:
                parsed_row.error = _("the account “%(account)s” is closed") % {"account": account.name}
        row.account, row.account_ref = account, parsed_row.account_ref[:100]
        if not parsed_row.error and parsed_row.currency and parsed_row.currency != account.currency:
            # A figure in another currency is never added to an account's as if it were its own.
            parsed_row.error = _("this row is in %(row)s; “%(account)s” is in %(currency)s") % {
                "row": parsed_row.currency, "account": account.name, "currency": account.currency}
        if not parsed_row.error and parsed_row.occurred_on < account.opened_on:
            # As the ledger would refuse it at confirm: said here, on the row.
            parsed_row.error = _("dated before “%(account)s” was opened (%(day)s)") % {
                "account": account.name, "day": format_day(account.opened_on)}
        if not parsed_row.error and parsed_row.amount == 0:
            parsed_row.error = _("the amount is zero")
        category = None
        if not parsed_row.error and parsed_row.category:
            category = categories.get(parsed_row.category.lower())
            if category is None:
                parsed_row.error = _("no category named “%(category)s”") % {"category": parsed_row.category}
        if parsed_row.error:
            row.outcome, row.reason, row.selected, row.selectable = Outcome.ERROR, parsed_row.error[:300], False, False
            row.payee = parsed_row.payee[:100]
            continue
        kind = Transaction.Kind.INCOME if row.amount > 0 else Transaction.Kind.EXPENSE
        row.payee = normalise_payee(parsed_row.payee) or normalise_payee(parsed_row.description)
        if category is not None and not category.fits(kind):
            # As the ledger would refuse it at confirm: said here, on the row.
            row.outcome, row.selected, row.selectable = Outcome.ERROR, False, False
            if kind == Transaction.Kind.INCOME:
                reason = _("“%(category)s” is a category for expense, and this row is income")
            else:
                reason = _("“%(category)s” is a category for income, and this row is expense")
            row.reason = (reason % {"category": category.name})[:300]
            continue
        match = matcher(description=row.description, payee=row.payee, amount=abs(row.amount), kind=kind,
                        account_id=account.pk)
        if match is not None:
            row.rule_name = match.rule_name[:100]
            if match.category_id in category_ids and category_ids[match.category_id].fits(kind):
                category = category_ids[match.category_id]
            if match.payee:
                row.payee = match.payee[:100]
        row.category = category or default_category
        row.fingerprint = fingerprint(account.pk, row.occurred_on, row.amount, row.description)

    _mark_duplicates(user=user, rows=rows)
    if multi:
        _pair_transfers(rows)
    _mark_overdrafts(rows)
    ImportRow.objects.bulk_create(rows, batch_size=2000)
    _count(batch, rows)
    # The bank's balance, to compare with the account's after the import: one account's file only.
    batch.statement_balance, batch.statement_balance_on = (
        (parsed.closing_balance, parsed.closing_on) if not multi and parsed.closing_balance is not None
        else (None, None))
    batch.status = Status.PREVIEWED
    batch.save()


# A bank books a card payment a day or three after it was made: an entry typed here on the day of
# the payment, with the customer's own words, stands that far from the bank's row.
NEAR_DAYS = 3


def _mark_duplicates(*, user, rows: list[ImportRow]) -> None:
    readable = [r for r in rows if r.outcome != Outcome.ERROR]
    if not readable:
        return
    account_ids = {r.account_id for r in readable}
    first, last = min(r.occurred_on for r in readable), max(r.occurred_on for r in readable)
    existing_fps, near = _ledger_entries(user=user, account_ids=account_ids, first=first, last=last)
    file_fps = {r.fingerprint for r in readable}
    external_ids = {r.external_id for r in readable if r.external_id}
    imported = set(ImportedEntry.objects.filter(
        account_id__in=account_ids, external_id__in=external_ids, transaction__isnull=False,
        batch__owner=user).values_list("account_id", "external_id")) if external_ids else set()
    seen_ids: dict[tuple, int] = {}
    seen_fps: dict[str, int] = {}
    claimed: set[int] = set()
    for row in readable:
        reason = ""
        key = (row.account_id, row.external_id)
        # The bank's own id says it is the same entry: never posted twice (not selectable).
        if row.external_id and key in imported:
            reason = _("already imported (the bank's id %(id)s)") % {"id": row.external_id}
            row.selectable = False
        elif row.external_id and key in seen_ids:
            reason = _("the bank's id %(id)s is also on line %(line)s") % {"id": row.external_id,
                                                                           "line": seen_ids[key]}
            row.selectable = False
        elif row.fingerprint in existing_fps:
            reason = _("already in your transactions (same account, date, amount and description)")
        elif row.fingerprint in seen_fps:
            reason = _("same account, date, amount and description as line %(line)s") % {
                "line": seen_fps[row.fingerprint]}
        elif match := _near_entry(row, near, claimed=claimed, file_fps=file_fps):
            # Unticked, not refused: the customer may know it is a second one.
            claimed.add(match.pk)
            reason = _("maybe already in your transactions: “%(description)s” on %(day)s, the same amount") % {
                "description": match.description or _("(no description)"), "day": format_day(match.occurred_on)}
        if row.external_id:
            seen_ids.setdefault(key, row.line)
        seen_fps.setdefault(row.fingerprint, row.line)
        if reason:
            row.outcome, row.reason, row.selected = Outcome.DUPLICATE, reason[:300], False


def _near_entry(row: ImportRow, near: dict, *, claimed: set[int], file_fps: set[str]):
    """The entry of the ledger nearest in date (within NEAR_DAYS) with the row's account and
    signed amount that no other row has taken: not one the file repeats to the letter (that one
    is the file's exact duplicate), nor one the bank imported under its own id when the row has
    one (the bank says they are two)."""
    candidates = [entry for entry in near.get((row.account_id, row.amount), ())
                  if entry.pk not in claimed and entry.fingerprint not in file_fps
                  and abs((entry.occurred_on - row.occurred_on).days) <= NEAR_DAYS
                  and not (row.external_id and entry.bank_id)]
    return min(candidates, key=lambda entry: (abs((entry.occurred_on - row.occurred_on).days), entry.pk),
               default=None)


@dataclass(frozen=True)
class _LedgerEntry:
    pk: int
    occurred_on: date
    description: str
    fingerprint: str
    bank_id: bool  # imported under the bank's own id


def _ledger_entries(*, user, account_ids, first: date, last: date,
                    near_days: int = NEAR_DAYS) -> tuple[set[str], dict]:
    """The entries already in these accounts from ``near_days`` before ``first`` to as many after
    ``last`` (one query): their fingerprints, and the entries by (account, signed amount). The
    confirmation's recheck needs only the exact fingerprints of the file's days (0). A split
    entry is one line of the bank's: its parts count as one entry of their sum."""
    fingerprints: set[str] = set()
    near: dict[tuple, list[_LedgerEntry]] = defaultdict(list)
    kinds = Transaction.Kind
    by_bank_id = ImportedEntry.objects.filter(transaction=OuterRef("pk")).exclude(external_id="")
    found: dict[object, list] = {}
    for pk, account_id, occurred_on, amount, kind, description, bank_id, split_id in Transaction.objects.filter(
            owner=user, account_id__in=account_ids,
            occurred_on__range=(first - timedelta(days=near_days), last + timedelta(days=near_days)),
            kind__in=[kinds.INCOME, kinds.EXPENSE, kinds.TRANSFER_IN, kinds.TRANSFER_OUT],
    ).annotate(bank_id=Exists(by_bank_id)).order_by("pk").values_list(
            "pk", "account_id", "occurred_on", "amount", "kind", "description", "bank_id", "split_id").iterator():
        signed = amount if kind in Transaction.CREDIT_KINDS else -amount
        entry = found.setdefault(split_id or pk, [pk, account_id, occurred_on, Decimal(0), description, False])
        entry[3] += signed
        entry[5] = entry[5] or bank_id
    for pk, account_id, occurred_on, signed, description, bank_id in found.values():
        entry = _LedgerEntry(pk, occurred_on, description, fingerprint(account_id, occurred_on, signed, description),
                             bank_id)
        fingerprints.add(entry.fingerprint)
        near[(account_id, signed)].append(entry)
    return fingerprints, near


def is_selectable(row: ImportRow) -> bool:
    """Rows that cannot be read, and rows whose bank id is already in the ledger or earlier in the
    file, are never posted; any other row may be ticked (a second identical coffee is allowed)."""
    return row.selectable and row.outcome != Outcome.ERROR


def _pair_transfers(rows: list[ImportRow]) -> None:
    """Pair an outgoing row of one account with an incoming row of another (same date, same
    amount, same currency): the pair is posted as one transfer between the customer's accounts."""
    waiting: dict[tuple, list[ImportRow]] = defaultdict(list)
    for row in rows:
        if row.outcome != Outcome.NEW:
            continue
        key = (row.occurred_on, abs(row.amount), row.account.currency)
        partner = next((w for w in waiting[key] if (w.amount > 0) != (row.amount > 0)
                        and w.account_id != row.account_id), None)
        if partner is None:
            waiting[key].append(row)
            continue
        waiting[key].remove(partner)
        out_row, in_row = (partner, row) if partner.amount < 0 else (row, partner)
        for one, other in ((out_row, in_row), (in_row, out_row)):
            one.outcome, one.pair_position, one.category, one.rule_name = Outcome.TRANSFER, other.position, None, ""
        out_row.reason = _("transfer to %(account)s (line %(line)s)") % {"account": in_row.account.name,
                                                                          "line": in_row.line}
        in_row.reason = _("transfer from %(account)s (line %(line)s)") % {"account": out_row.account.name,
                                                                          "line": out_row.line}


def _in_posting_order(rows: list) -> list:
    dated = [r.occurred_on for r in rows if r.occurred_on is not None]
    return list(reversed(rows)) if dated and newest_first(dated[0], dated[-1]) else rows


def _mark_overdrafts(rows) -> None:
    """Walk the balances through the rows that would be posted, in file order (from the end for a
    newest-first file); a row taking an account below its floor is marked (it stays ticked:
    confirming would refuse the file and name it)."""
    accounts = {}
    for row in rows:
        if row.account_id and row.account_id not in accounts:
            accounts[row.account_id] = row.account
    running = {pk: a.balance for pk, a in accounts.items()}
    for row in _in_posting_order(rows):
        if not row.selected or row.outcome == Outcome.ERROR:
            continue
        running[row.account_id] += row.amount
        account = accounts[row.account_id]
        below = row.amount < 0 and running[row.account_id] < -account.credit_limit
        if row.outcome in (Outcome.NEW, Outcome.OVERDRAW):
            row.outcome = Outcome.OVERDRAW if below else Outcome.NEW
            row.reason = _("the balance of %(account)s would go to %(balance)s") % {
                "account": account.name,
                "balance": format_money(running[row.account_id], account.currency)} if below else ""


def _count(batch, rows) -> None:
    batch.row_count = len(rows)
    batch.error_count = sum(r.outcome == Outcome.ERROR for r in rows)
    batch.duplicate_count = sum(r.outcome == Outcome.DUPLICATE for r in rows)
    batch.skipped_count = sum(not r.selected for r in rows)


STATUS_REFUSALS = {
    Status.MAPPING: gettext_lazy("Choose the file's columns first."),
    Status.PREVIEWED: gettext_lazy("This import is not in your transactions yet."),
    Status.POSTED: gettext_lazy("This import is already in your transactions."),
    Status.UNDONE: gettext_lazy("This import was undone."),
    Status.CANCELLED: gettext_lazy("This import was cancelled."),
}


def _locked_batch(*, user, batch_id, statuses) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().filter(owner=user, pk=batch_id).first()
    if batch is None:
        raise ImportBatch.DoesNotExist("No such import.")
    if batch.status not in statuses:
        _refuse("__all__", str(STATUS_REFUSALS.get(batch.status, _("This import cannot be changed now."))))
    return batch


@transaction.atomic
def preview_update(*, user, batch_id: int, row_ids, selected_ids, categories: dict) -> ImportBatch:
    """The customer's ticks and category choices for some rows (one page of the preview)."""
    batch = _locked_batch(user=user, batch_id=batch_id, statuses=(Status.PREVIEWED,))
    row_ids, selected_ids = {int(i) for i in row_ids}, {int(i) for i in selected_ids}
    owned_categories = {c.pk: c for c in Category.objects.usable_by(user)}
    rows = list(batch.rows.select_related("account").order_by("position"))
    changed = []
    for row in rows:
        if row.pk not in row_ids:
            continue
        selected = row.pk in selected_ids and is_selectable(row)
        category_id = categories.get(row.pk)
        new_category = row.category_id
        if category_id not in (None, "") and row.outcome not in (Outcome.ERROR, Outcome.TRANSFER):
            if int(category_id) not in owned_categories:
                _refuse("category", _("Choose one of your categories."))
            new_category = int(category_id)
        if selected != row.selected or new_category != row.category_id:
            if new_category != row.category_id:
                row.category_id, row.category_changed = new_category, True
            row.selected = selected
            changed.append(row)
    # A transfer is two rows: leaving one out leaves out the other.
    by_position = {r.position: r for r in rows}
    for row in list(changed):
        if row.pair_position is not None:
            other = by_position[row.pair_position]
            if other.selected != row.selected:
                other.selected = row.selected
                changed.append(other)
    before = {r.pk: r.outcome for r in rows}
    _mark_overdrafts(rows)
    changed_pks = {r.pk for r in changed}
    changed += [r for r in rows if r.outcome != before[r.pk] and r.pk not in changed_pks]
    ImportRow.objects.bulk_update(changed, ["selected", "category", "category_changed", "outcome", "reason"],
                                  batch_size=2000)
    _count(batch, rows)
    batch.save(update_fields=["row_count", "error_count", "duplicate_count", "skipped_count"])
    return batch


# ---------------------------------------------------------------------------
# Confirm, cancel, undo
# ---------------------------------------------------------------------------

class _NowInLedger(Exception):
    def __init__(self, rows):
        self.rows = rows
        super().__init__("rows already in the ledger")


def batch_confirm(*, user, batch_id: int) -> ImportBatch:
    """Post every ticked row in one atomic step, or nothing. When a row is refused (an overdraft
    at its place in the file, a date before the account was opened...), the preview row says
    why, and ValidationError names the line."""
    try:
        return _confirm(user=user, batch_id=batch_id)
    except _NowInLedger as now:
        with transaction.atomic():
            ImportRow.objects.filter(pk__in=[r.pk for r in now.rows]).update(
                outcome=Outcome.DUPLICATE, selected=False,
                reason=_("added to your transactions since the preview (same account, date, amount and "
                         "description)"))
        lines = ", ".join(str(r.line) for r in now.rows[:10])
        raise ValidationError({"__all__": ngettext(
            "Nothing was imported: line %(lines)s reached your transactions since the preview, and is now "
            "unticked. Check the preview and confirm again.",
            "Nothing was imported: lines %(lines)s reached your transactions since the preview, and are now "
            "unticked. Check the preview and confirm again.", len(now.rows)) % {"lines": lines}}) from None
    except BatchEntryError as error:
        row = error.row
        with transaction.atomic():
            ImportRow.objects.filter(pk=row.pk).update(outcome=Outcome.OVERDRAW if _is_overdraft(error)
                                                       else row.outcome, reason=error.messages[0][:300])
            ImportBatch.objects.filter(pk=batch_id).update(last_error=error.messages[0][:500])
        raise ValidationError({"__all__": _("Nothing was imported. %(reason)s") % {"reason": error.messages[0]}}) \
            from None


def _is_overdraft(error) -> bool:
    """The ledger refused a row for the balance (BatchEntryError.reason, in any language)."""
    return getattr(error, "reason", "") == "overdraft"


def _line_label(row: ImportRow) -> str:
    return _("Line %(line)s") % {"line": row.line}


@transaction.atomic
def _confirm(*, user, batch_id: int) -> ImportBatch:
    batch = _locked_batch(user=user, batch_id=batch_id, statuses=(Status.PREVIEWED,))
    earlier = ImportBatch.objects.filter(owner=user, sha256=batch.sha256, status=Status.POSTED).first()
    if earlier is not None:
        _refuse("__all__", _("This file was already imported on %(day)s: nothing new to post.")
                % {"day": format_day(earlier.posted_at)})
    rows = list(batch.rows.filter(selected=True).exclude(outcome__in=NOT_POSTABLE).select_related("account")
                .order_by("position"))
    dates = batch.rows.exclude(occurred_on=None).order_by("position").values_list("occurred_on", flat=True)
    if newest_first(dates.first(), dates.last()):
        rows.reverse()
    by_position = {r.position: r for r in rows}
    fallback = Category.objects.for_user(user).filter(name__iexact=DEFAULT_CATEGORY).order_by("owner_id").first()
    entries, sources = [], []
    for row in rows:
        if row.outcome == Outcome.TRANSFER:
            if row.amount > 0:
                continue  # posted with its outgoing row
            in_row = by_position.get(row.pair_position)
            if in_row is None:
                _refuse("__all__", _("Line %(line)s: tick both rows of a transfer, or neither.") % {"line": row.line})
            entries.append(BatchEntry(account_id=row.account_id, kind="transfer", amount=-row.amount,
                                      occurred_on=row.occurred_on, description=row.description,
                                      to_account_id=in_row.account_id, label=_line_label(row)))
            sources.append((row, in_row))
            continue
        kind = Transaction.Kind.INCOME if row.amount > 0 else Transaction.Kind.EXPENSE
        entries.append(BatchEntry(account_id=row.account_id, kind=kind, amount=abs(row.amount),
                                  occurred_on=row.occurred_on, category_id=row.category_id or fallback.pk,
                                  description=row.description, payee=row.payee, label=_line_label(row)))
        sources.append((row, None))
    if not entries:
        _refuse("__all__", _("No rows are ticked: nothing to import."))
    # Another upload (or a hand-typed entry) may have added some of these rows since the preview:
    # with the accounts locked, nothing more can arrive until this posting commits.
    list(Account.objects.select_for_update().filter(owner=user, pk__in={r.account_id for r in rows}).order_by("pk")
         .values_list("pk", flat=True))
    fresh = [r for r in rows if r.outcome != Outcome.DUPLICATE]
    if fresh:
        in_ledger, _near = _ledger_entries(user=user, account_ids={r.account_id for r in fresh},
                                           first=min(r.occurred_on for r in fresh),
                                           last=max(r.occurred_on for r in fresh), near_days=0)
        arrived = [r for r in fresh if r.fingerprint in in_ledger]
        if arrived:
            raise _NowInLedger(arrived)
    try:
        posted = entries_post(user=user, entries=entries)
    except BatchEntryError as error:
        error.row = sources[error.index][0]
        raise
    imported = []
    for (row, in_row), legs in zip(sources, posted, strict=True):
        imported.append(ImportedEntry(batch=batch, account_id=row.account_id, transaction=legs[0], line=row.line,
                                      external_id=row.external_id, fingerprint=row.fingerprint))
        if in_row is not None:
            imported.append(ImportedEntry(batch=batch, account_id=in_row.account_id, transaction=legs[1],
                                          line=in_row.line, external_id=in_row.external_id,
                                          fingerprint=in_row.fingerprint))
    try:
        with transaction.atomic():
            ImportedEntry.objects.bulk_create(imported, batch_size=2000)
    except IntegrityError:
        _refuse("__all__", _("Some of these rows were imported by another upload a moment ago: nothing was "
                             "imported. Upload the file again to see what is new."))
    batch.status, batch.posted_at, batch.content = Status.POSTED, timezone.now(), None
    batch.posted_count = len(imported)
    batch.last_error = ""
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError:
        _refuse("__all__", _("This file was imported by another upload a moment ago: nothing new to post."))
    import_posted.send(sender=ImportBatch, batch=batch, user=user)
    return batch


@transaction.atomic
def batch_cancel(*, user, batch_id: int) -> ImportBatch:
    batch = _locked_batch(user=user, batch_id=batch_id, statuses=(Status.MAPPING, Status.PREVIEWED))
    batch.rows.all().delete()
    batch.status, batch.content = Status.CANCELLED, None
    batch.save()
    return batch


@transaction.atomic
def batch_undo(*, user, batch_id: int) -> ImportBatch:
    """Remove every entry the batch posted, atomically; refused (with the reason) if that would
    overdraw an account. Entries deleted by hand since are simply no longer there."""
    batch = _locked_batch(user=user, batch_id=batch_id, statuses=(Status.POSTED,))
    ids = list(batch.entries.filter(transaction__isnull=False).values_list("transaction_id", flat=True))
    try:
        removed = entries_delete(user=user, transaction_ids=ids)
    except ValidationError as error:
        raise ValidationError({"__all__": _("This import cannot be undone: %(reason)s")
                               % {"reason": " ".join(error.messages)}}) from None
    batch.status, batch.undone_at = Status.UNDONE, timezone.now()
    batch.save(update_fields=["status", "undone_at"])
    import_undone.send(sender=ImportBatch, batch=batch, user=user, removed=removed)
    return batch


@transaction.atomic
def profile_delete(*, user, profile_id: int) -> None:
    deleted, _by_model = MappingProfile.objects.filter(owner=user, pk=profile_id).delete()
    if not deleted:
        raise MappingProfile.DoesNotExist("No such mapping.")



@transaction.atomic
def batches_abandoned_cancel(*, older_than) -> int:
    """Cancel the uploads left before posting (waiting for a mapping, or previewed) since before
    ``older_than``, as ``batch_cancel`` does: their rows and the file are dropped. The worker's
    daily clean-up calls it. Returns how many."""
    stale = ImportBatch.objects.filter(status__in=(Status.MAPPING, Status.PREVIEWED), created_at__lt=older_than)
    ids = list(stale.select_for_update().values_list("pk", flat=True))
    ImportRow.objects.filter(batch_id__in=ids).delete()
    return ImportBatch.objects.filter(pk__in=ids).update(status=Status.CANCELLED, content=None)
