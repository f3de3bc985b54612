"""CSV statements: any column order and names, comma, semicolon or tab, UTF-8 (with or without
BOM), UTF-16 with BOM, or Windows-1252/Latin-1; quoted fields with commas, quotes and newlines.

The delimiter comes from the standard library's ``csv.Sniffer`` (restricted to , ; tab |),
checked against the header line: bank exports are regular, one header and one record per row,
so the standard library is enough and clevercsv (a C extension and a heavier install) buys
nothing here. The encoding rule is "UTF-8 if it decodes, else Windows-1252": a UTF-8 decoder
refuses almost every non-ASCII Windows-1252 text, so the rule needs no guessing library.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import formats

from .common import (
    MAX_ROWS,
    FileRefused,
    ParsedFile,
    ParsedRow,
    clean_text,
    currency_code,
    currency_in,
    detect_date_format,
    guess_decimal_separator,
    newest_first,
    parse_amount,
    parse_date,
)

ROLES = {
    "date": gettext_lazy("Date"),
    "amount": gettext_lazy("Amount (+ money in, − money out)"),
    "debit": gettext_lazy("Debit (money out)"),
    "credit": gettext_lazy("Credit (money in)"),
    "type": gettext_lazy("Type (income / expense, credit / debit)"),
    "description": gettext_lazy("Description"),
    "payee": gettext_lazy("Payee"),
    "payer": gettext_lazy("Payer (the payee of money in, where the file has both)"),
    "category": gettext_lazy("Category"),
    "account": gettext_lazy("Account (name, last 4 digits or id)"),
    "external_id": gettext_lazy("Bank's transaction id"),
    "currency": gettext_lazy("Currency (must be the account's)"),
    "fee": gettext_lazy("Fee (taken on top of the amount)"),
    "balance": gettext_lazy("Balance after the row (compared with yours)"),
}
# BankDash's original import format: recognised without any mapping.
ORIGINAL_COLUMNS = {"account_id": "account", "amount": "amount", "transaction_type": "type", "category": "category",
                    "description": "description", "transaction_date": "date"}
ORIGINAL_DATE_FORMAT = "%Y-%m-%d"
# Header names that suggest a role on the mapping page, best first: a file with "Details" and
# "Description" (Chase) describes its rows with the second. Names are compared as _header_key
# leaves them: lower case, accents folded ("Empfänger" -> "empfanger"), what stands in brackets
# dropped ("Amount (EUR)", "Betrag (€)"), letters and digits only. They are those of the exports
# of banks in the US, the UK and Germany (Chase, Bank of America, Monzo, Revolut, N26, DKB, ING,
# Sparkasse, Volksbank, Commerzbank, Postbank) and of BankDash's own export.
_SYNONYMS = {
    "date": ("date", "transactiondate", "bookingdate", "postingdate", "posteddate", "posted", "completeddate",
             "starteddate", "buchungstag", "buchungsdatum", "buchung", "datum", "dateoperation", "valuedate",
             "valutadatum", "valuta", "wertstellung"),
    "amount": ("amount", "betrag", "umsatz", "montant", "value", "sum", "transactionamount"),
    "debit": ("debit", "debitamount", "withdrawal", "withdrawals", "moneyout", "paidout", "out", "soll"),
    "credit": ("credit", "creditamount", "deposit", "deposits", "moneyin", "paidin", "in", "haben"),
    "type": ("type", "transactiontype", "creditdebit", "drcr", "direction", "sollhaben", "umsatztyp"),
    "description": ("description", "verwendungszweck", "paymentreference", "memo", "details", "narrative",
                    "reference", "vorgangverwendungszweck", "text", "buchungstext", "buchungsdetails", "libelle"),
    "payee": ("payee", "merchant", "name", "counterparty", "beneficiary", "partnername", "empfanger",
              "zahlungsempfanger", "zahlungsempfangerin", "auftraggeberempfanger", "beguenstigterzahlungspflichtiger",
              "begunstigterzahlungspflichtiger", "namezahlungsbeteiligter", "auftraggeberzahlungsempfanger"),
    # DKB names the payer of every row and its payee apart: for money in, the payer is the other side.
    "payer": ("payer", "zahlungspflichtiger", "zahlungspflichtige", "auftraggeber", "remitter", "sender"),
    "category": ("category",),
    "account": ("account", "accountid", "accountname", "accountnumber"),
    "external_id": ("id", "transactionid", "fitid", "referenceid", "reference", "ref"),
    "currency": ("currency", "wahrung", "waehrung", "ccy", "currencycode", "devise"),
    "fee": ("fee", "fees", "gebuhr", "gebuhren", "entgelt", "commission"),
    "balance": ("balance", "runningbalance", "runningbal", "balanceafter", "saldo", "kontostand"),
}
_INCOME_WORDS = {"income", "credit", "cr", "in", "deposit", "+", "c", "crdt", "h", "haben", "eingang", "gutschrift"}
_EXPENSE_WORDS = {"expense", "debit", "dr", "out", "withdrawal", "payment", "-", "d", "dbit", "s", "soll", "ausgang",
                  "lastschrift"}


def _encoding(data: bytes) -> tuple[str, int]:
    """(encoding, bytes of BOM to skip): UTF-8 (BOM or not) if the whole file decodes as UTF-8,
    UTF-16 with its BOM, else Windows-1252 (Latin-1 for the five bytes 1252 leaves undefined).
    Checked in 1 MB steps, so no decoded copy of the whole file is made."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    view = memoryview(data)
    for name in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(name)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(view[start:start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return name, 0
    return "latin-1", 0


def text_stream(data: bytes) -> io.TextIOWrapper:
    """The file as text, decoded as it is read (``io.BytesIO`` shares the bytes, it does not copy them)."""
    encoding, skip = _encoding(data)
    stream = io.BytesIO(data)
    stream.seek(skip)
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")


def decode(data: bytes) -> str:
    """The whole file as text (for the small line formats, QIF)."""
    try:
        return text_stream(data).read()
    except UnicodeDecodeError:
        raise FileRefused(_("This file says it is UTF-16 but is not: save it again as UTF-8.")) from None


def sniff_delimiter(data: bytes) -> str:
    try:
        sample = text_stream(data).read(65536)
    except UnicodeDecodeError:
        raise FileRefused(_("This file says it is UTF-16 but is not: save it again as CSV (UTF-8).")) from None
    header = next((line for line in sample.splitlines() if line.strip()), "")
    if not header:
        raise FileRefused("This file is empty.")
    if len(sample) == 65536 and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ""
    if not delimiter or delimiter not in header:  # the sniffer guessed from the data rows: trust the header line
        counts = {d: header.count(d) for d in ",;\t|"}
        delimiter = max(counts, key=counts.get)
        if counts[delimiter] == 0:
            raise FileRefused(_("We could not find the columns of this file: it needs a header line with the "
                                "column names, separated by commas, semicolons or tabs."))
    return delimiter


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def header_signature(header: list[str]) -> str:
    """The same columns in the same order give the same signature (how a saved mapping is found again)."""
    return hashlib.sha256("\x1f".join(_norm(h) for h in header).encode()).hexdigest()


def original_mapping(header: list[str]) -> dict | None:
    """The mapping of BankDash's original import format, if this is that header."""
    names = [h.strip().lower() for h in header]
    if sorted(names) != sorted(ORIGINAL_COLUMNS):
        return None
    return {ORIGINAL_COLUMNS[name]: index for index, name in enumerate(names)} | {
        "date_format": ORIGINAL_DATE_FORMAT, "decimal": ".", "account_by": "id"}


_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")


def _header_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", _BRACKETED.sub("", name.lower()))
    return re.sub(r"[^a-z0-9]", "", folded)


def guess_mapping(header: list[str], rows: list[list[str]] | None = None) -> dict:
    """Roles suggested from the column names (the mapping page's first choice), each role the
    column with its best-ranked name, no column twice. A type column is suggested only when the
    first ``rows`` hold words it knows ("CARD_PAYMENT" in Revolut's Type is not one: its
    amounts carry their sign)."""
    keys = [_header_key(name) for name in header]
    mapping: dict = {}
    for role, names in _SYNONYMS.items():
        ranked = sorted((names.index(key), index) for index, key in enumerate(keys)
                        if key in names and index not in mapping.values())
        if ranked:
            mapping[role] = ranked[0][1]
    if "amount" in mapping:
        mapping.pop("debit", None)
        mapping.pop("credit", None)
    if "type" in mapping and rows is not None:
        words = {_cell(cells, mapping, "type").strip().lower() for cells in rows} - {""}
        if "amount" not in mapping or not words <= _INCOME_WORDS | _EXPENSE_WORDS:
            mapping.pop("type")
    return mapping


def iter_table(data: bytes):
    """(header, generator of (line, cells)) of a CSV file, read as a stream; blank records are skipped."""
    delimiter = sniff_delimiter(data)
    reader = csv.reader(text_stream(data), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=False)

    def records():
        last = 0
        count = 0
        try:
            for cells in reader:
                line, last = last + 1, reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                count += 1
                if count > MAX_ROWS + 1:
                    raise FileRefused(_("This file has more than %(count)s rows: split it into smaller files.")
                                      % {"count": formats.format_count(MAX_ROWS)})
                yield line, cells
        except csv.Error as error:
            raise FileRefused(_("Line %(line)s of this file cannot be read as CSV (%(error)s).")
                              % {"line": reader.line_num, "error": error}) from None
        except UnicodeDecodeError:
            raise FileRefused(_("This file's text encoding cannot be read: save it again as CSV (UTF-8).")) from None

    rows = records()
    first = next(rows, None)
    if first is None:
        raise FileRefused(_("This file is empty."))
    return [clean_text(c, 100) for c in first[1]], rows


def read_table(data: bytes, limit: int | None = None):
    """(header, list of (line, cells)): every record, or the first ``limit``."""
    header, rows = iter_table(data)
    return header, list(itertools.islice(rows, limit))


def preview_rows(data: bytes, count: int = 5):
    header, records = read_table(data, count)
    return header, [cells for _line, cells in records]


def _cell(cells, mapping, role) -> str:
    index = mapping.get(role)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def check_mapping(mapping: dict) -> list[str]:
    problems = []
    if "date" not in mapping:
        problems.append(_("Choose the column with the date."))
    has_amount = "amount" in mapping
    has_split = "debit" in mapping or "credit" in mapping
    if not has_amount and not has_split:
        problems.append(_("Choose the column with the amount, or the debit and credit columns."))
    if has_amount and has_split:
        problems.append(_("Choose either an amount column or debit/credit columns, not both."))
    if "type" in mapping and not has_amount:
        problems.append(_("A type column goes with an amount column."))
    return problems


def parse_csv(data: bytes, mapping: dict) -> ParsedFile:
    """Read every record with ``mapping`` (role -> column index, plus "date_format" ("auto" or a
    strptime pattern) and "decimal" ("auto", "." or ","))."""
    problems = check_mapping(mapping)
    if problems:
        raise FileRefused(" ".join(problems))
    # The first pass reads the first rows only, for the decimal separator and the date format.
    header, sample = read_table(data, 2000)
    amount_roles = [r for r in ("amount", "debit", "credit", "fee") if r in mapping]
    decimal = mapping.get("decimal") or "auto"
    if decimal == "auto":
        decimal = guess_decimal_separator(_cell(cells, mapping, r) for _line, cells in sample for r in amount_roles)
    date_format = mapping.get("date_format") or "auto"
    if date_format == "auto":
        date_format = detect_date_format([_cell(cells, mapping, "date") for _line, cells in sample])
    del sample
    # "Amount (EUR)", "Betrag (€)": the amounts' currency, where their cells do not say.
    column_currency = next(filter(None, (currency_in(" ".join(_BRACKETED.findall(header[mapping[r]])))
                                         for r in amount_roles if mapping[r] < len(header))), "")
    parsed = ParsedFile(format="csv", header=header, date_format=date_format)
    width = len(header)
    _header, records = iter_table(data)
    for line, cells in records:
        row = ParsedRow(line=line)
        parsed.rows.append(row)
        if len(cells) != width:
            row.error = _("this line has %(fields)s fields but the header has %(width)s") % {
                "fields": len(cells), "width": width}
            row.description = clean_text(" ".join(cells))
            continue
        row.description = clean_text(_cell(cells, mapping, "description"))
        row.payee = clean_text(_cell(cells, mapping, "payee"), 100)
        row.category = clean_text(_cell(cells, mapping, "category"), 50)
        row.account_ref = clean_text(_cell(cells, mapping, "account"), 100)
        row.external_id = clean_text(_cell(cells, mapping, "external_id"), 100)
        try:
            row.occurred_on = parse_date(_cell(cells, mapping, "date"), date_format)
            row.amount = _amount(cells, mapping, decimal)
            row.currency = currency_code(_cell(cells, mapping, "currency")) if "currency" in mapping else next(
                filter(None, (currency_in(_cell(cells, mapping, r)) for r in amount_roles)), column_currency)
        except ValueError as error:
            row.error = str(error)
        payer = clean_text(_cell(cells, mapping, "payer"), 100)
        if payer and row.amount is not None and row.amount > 0:
            row.payee = payer
        if "balance" in mapping and not row.error:
            try:
                row.balance = parse_amount(_cell(cells, mapping, "balance"), decimal_separator=decimal)
            except ValueError:  # a balance is only compared: an unreadable one is left out
                row.balance = None
    parsed.closing_balance, parsed.closing_on = _closing(parsed.rows)
    # One currency on every row that names one: the statement's, checked against its account.
    currencies = {row.currency for row in parsed.rows if row.currency and not row.error}
    if len(currencies) == 1:
        parsed.currency = currencies.pop()
    return parsed


def _closing(rows: list[ParsedRow]) -> tuple[Decimal | None, date | None]:
    """The bank's balance at the end of the file's last day: the balance of that day's last row,
    which is the first of the day in a file listed newest first."""
    dated = [row for row in rows if row.occurred_on is not None and not row.error]
    if not dated:
        return None, None
    last_day = max(row.occurred_on for row in dated)
    of_day = [row for row in dated if row.occurred_on == last_day]
    closing = of_day[0] if newest_first(dated[0].occurred_on, dated[-1].occurred_on) else of_day[-1]
    return (closing.balance, last_day) if closing.balance is not None else (None, None)


def _amount(cells, mapping, decimal) -> Decimal:
    """The row's signed amount, a fee (Revolut's "Fee" beside its "Amount") taken from it: what
    the account gained or lost."""
    fee = _cell(cells, mapping, "fee").strip()
    return _gross(cells, mapping, decimal) - (abs(parse_amount(fee, decimal_separator=decimal)) if fee else 0)


def _gross(cells, mapping, decimal) -> Decimal:
    if "amount" in mapping:
        amount = parse_amount(_cell(cells, mapping, "amount"), decimal_separator=decimal)
        if "type" in mapping:
            kind = clean_text(_cell(cells, mapping, "type"), 30)
            if kind.lower() in _INCOME_WORDS:
                return abs(amount)
            if kind.lower() in _EXPENSE_WORDS:
                return -abs(amount)
            raise ValueError(_("%(type)s is not income or expense") % {"type": kind} if kind
                             else _("an empty type is not income or expense"))
        return amount
    debit, credit = _cell(cells, mapping, "debit").strip(), _cell(cells, mapping, "credit").strip()
    if not debit and not credit:
        raise ValueError(_("neither a debit nor a credit amount"))
    total = Decimal(0)
    if credit:
        total += abs(parse_amount(credit, decimal_separator=decimal))
    if debit:
        total -= abs(parse_amount(debit, decimal_separator=decimal))
    return total
