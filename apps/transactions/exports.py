"""What leaves BankDash as a file: the transactions as CSV (streamed) and an account's
monthly statement as PDF.

CSV: rows are read through a server-side cursor (``QuerySet.iterator``; psycopg 3 and
Django declare a named cursor on PostgreSQL) and written one by one into a streamed
response, so a million-row export holds one chunk of rows in memory at a time. A text cell
that a spreadsheet would take for a formula (it starts with = + - @, a tab or a carriage
return) gets a leading apostrophe (OWASP "CSV injection"); the amount is a plain signed
number, never altered.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.core.dates import shift_month
from apps.core.formats import format_day_short, format_month
from apps.core.money import format_amount

from .models import Transaction

# "split": the parts of one split entry (what the bank shows as one line, shared over categories)
# carry the same value, their entry's split id; every other row leaves it empty.
CSV_HEADER = ("date", "account", "kind", "payee", "description", "category", "amount", "currency", "split")
CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The CSV is for machines and spreadsheets: its kinds are the same English words in every locale.
KIND_LABELS = {"opening": "Opening balance", "income": "Income", "expense": "Expense", "transfer_in": "Transfer in",
               "transfer_out": "Transfer out", "adjustment_in": "Correction (credit)",
               "adjustment_out": "Correction (debit)"}
CREDIT_KINDS = frozenset(str(k) for k in Transaction.CREDIT_KINDS)
ZERO = Decimal("0.00")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, not run as a formula."""
    return "'" + text if text and text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns what it was given (csv.writer -> the stream)."""

    def write(self, value):
        return value


def csv_rows(entries: QuerySet[Transaction]) -> Iterator[str]:
    """The CSV lines of ``entries`` (in their order), header first: one query, read in chunks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    # The accounts joined as the customer's (the same owner): read through their owner index,
    # where a join by id alone hashed every customer's accounts for a long history.
    rows = entries.filter(account__owner=F("owner")).values_list(
        "occurred_on", "account__name", "kind", "payee", "description", "category__name", "amount",
        "account__currency", "split_id")
    for occurred_on, account, kind, payee, description, category, amount, currency, split_id in rows.iterator(
            chunk_size=CHUNK_SIZE):
        signed = amount if kind in CREDIT_KINDS else -amount
        yield writer.writerow((
            occurred_on.isoformat(), neutralise(account), KIND_LABELS.get(kind, kind), neutralise(payee or ""),
            neutralise(description or ""), neutralise(category or ""), str(signed), currency,
            str(split_id) if split_id else "",
        ))


# ---------------------------------------------------------------------------
# The monthly statement (PDF)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    occurred_on: date
    text: str
    signed_amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    account_name: str
    currency: str
    month: date
    opening: Decimal
    money_in: Decimal
    money_out: Decimal
    lines: list[StatementLine]

    @property
    def closing(self) -> Decimal:
        return self.opening + self.money_in - self.money_out


def _signed_sum():
    return (Sum("amount", filter=Q(kind__in=Transaction.CREDIT_KINDS), default=ZERO)
            - Sum("amount", filter=Q(kind__in=Transaction.DEBIT_KINDS), default=ZERO))


def statement_for(*, account: Account, month: date) -> Statement:
    """The account's statement for ``month`` (its first day): the balance before the month
    (one aggregate over the account/date index), then every entry with its running balance."""
    end = shift_month(month, 1)
    opening = Transaction.objects.filter(account=account, occurred_on__lt=month).aggregate(
        balance=_signed_sum())["balance"] or ZERO
    entries = Transaction.objects.filter(account=account, occurred_on__gte=month, occurred_on__lt=end).select_related(
        "category").order_by("occurred_on", "id")
    balance, money_in, money_out, lines = opening, ZERO, ZERO, []
    for entry in entries:
        signed = entry.signed_amount
        balance += signed
        if signed > 0:
            money_in += signed
        else:
            money_out -= signed
        parts = [entry.payee, entry.description_beyond_payee,
                 entry.category.label if entry.category else entry.get_kind_display()]
        lines.append(StatementLine(occurred_on=entry.occurred_on, text=" · ".join(p for p in parts if p),
                                   signed_amount=signed, balance=balance))
    return Statement(account_name=account.name, currency=account.currency, month=month, opening=opening,
                     money_in=money_in, money_out=money_out, lines=lines)


# DejaVu Sans covers accented Latin, Greek and Cyrillic. Debian's fonts-dejavu-core puts it here
# (it is on the project's machines); fpdf2 ships no font. Without it the statement falls back to
# the PDF core font Helvetica, which has Latin-1 only: other characters print as "?".
UNICODE_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _unicode_font() -> tuple[Path, Path] | None:
    for folder in UNICODE_FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


def statement_pdf(statement: Statement) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    font = _unicode_font()
    if font:
        pdf.add_font("Body", "", str(font[0]))
        pdf.add_font("Body", "B", str(font[1]))
        family, text = "Body", str
    else:
        family = "Helvetica"

        def text(value):
            value = str(value).replace("\u2212", "-").replace("\u2026", "...")
            return value.encode("latin-1", "replace").decode("latin-1")

    def money(value: Decimal) -> str:
        return f"{format_amount(value)} {statement.currency}"

    def signed(value: Decimal) -> str:
        return ("+" if value > 0 else "-" if value < 0 else "") + format_amount(abs(value))

    def row(cells, widths, *, bold=False, aligns=None):
        pdf.set_font(family, "B" if bold else "", 9)
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            last = i == len(cells) - 1
            pdf.cell(width, 6, text(cell), align=(aligns or "L" * len(cells))[i],
                     new_x=XPos.LMARGIN if last else XPos.RIGHT, new_y=YPos.NEXT if last else YPos.TOP)

    pdf.add_page()
    # Written in the customer's language and formats (the request's locale).
    month = format_month(statement.month)
    pdf.set_title(text(_("Statement %(month)s %(name)s") % {"month": f"{statement.month:%Y-%m}",
                                                             "name": statement.account_name}))
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 8, text(_("Statement of %(name)s") % {"name": statement.account_name}),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 10)
    pdf.cell(0, 6, text(_("Month: %(month)s · Currency: %(currency)s") % {"month": month,
                                                                          "currency": statement.currency}),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    summary = ((_("Opening balance"), statement.opening), (_("Money in"), statement.money_in),
               (_("Money out"), statement.money_out), (_("Closing balance"), statement.closing))
    for label, value in summary:
        row((_("%(label)s:") % {"label": label}, money(value)), (45, 60), aligns="LR")
    pdf.ln(3)
    widths = (24, 96, 35, 35)
    row((_("Date"), _("Details"), _("Amount"), _("Balance")), widths, bold=True, aligns="LLRR")
    row(("", _("Opening balance"), "", format_amount(statement.opening)), widths, aligns="LLRR")
    for line in statement.lines:
        details = line.text if len(line.text) <= 60 else line.text[:59] + "…"
        row((format_day_short(line.occurred_on), details, signed(line.signed_amount), format_amount(line.balance)),
            widths, aligns="LLRR")
    row(("", _("Closing balance"), "", format_amount(statement.closing)), widths, bold=True, aligns="LLRR")
    return bytes(pdf.output())


def iter_bytes(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield line.encode("utf-8")
