"""QIF (Quicken Interchange Format) bank and card statements.

Written here rather than with ``quiffen``: quiffen pulls in pandas and pydantic for what is a
line format of a dozen one-letter fields (D date, T/U amount, P payee, M memo, L category,
N number, ^ end of record), and it guesses day/month order per file the way we do anyway.
Investment and memorised-transaction sections are skipped."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .common import (
    AmbiguousDates,
    FileRefused,
    ParsedFile,
    ParsedRow,
    clean_text,
    detect_date_format,
    parse_amount,
    parse_date,
)
from .csv_file import decode

QIF_DATE_FORMATS = ("%m/%d/%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%y", "%d/%m/%y", "%Y/%m/%d")
_BANK_TYPES = {"bank", "cash", "ccard", "oth a", "oth l"}


def _qif_date(value: str) -> str:
    """QIF writes 1/ 5'25 for 1/5/2025 and 1/5/25 for 1/5/1925...; normalise to d/m/yyyy-like text."""
    text = value.strip().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})'(\d{1,4})", text)
    if match:
        year = int(match[3])
        year = year + 2000 if year < 100 else year
        return f"{int(match[1]):02d}/{int(match[2]):02d}/{year}"
    match = re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})", text)
    if match:
        return f"{int(match[1]):02d}{match[2]}{int(match[3]):02d}{match[2]}{match[4]}"
    return text


def parse_qif(data: bytes, *, date_format: str = "auto") -> ParsedFile:
    text = decode(data)
    parsed = ParsedFile(format="qif")
    section = "bank"
    records = []
    current: dict = {}
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("!"):
            header = line[1:].lower()
            if header.startswith("type:"):
                section = header[5:].strip()
            elif header.startswith(("option", "clear")):
                continue
            else:
                section = header
            continue
        if section not in _BANK_TYPES:
            continue
        if not current:
            start = number
        code, value = line[0], line[1:]
        if code == "^":
            if current:
                records.append((start, current))
            current = {}
            continue
        if code == "S" or code == "E" or code == "$":  # splits: the total in T is what moved
            continue
        current.setdefault(code, value)
    if current:
        records.append((start, current))
    if not records and section not in _BANK_TYPES:
        raise FileRefused(_("This QIF file holds no bank, cash or card transactions."))
    dates = [_qif_date(fields.get("D", "")) for _line, fields in records]
    if date_format == "auto":
        date_format = detect_date_format(dates, QIF_DATE_FORMATS)
    parsed.date_format = date_format
    for (line, fields), day in zip(records, dates, strict=True):
        row = ParsedRow(line=line)
        parsed.rows.append(row)
        row.payee = clean_text(fields.get("P", ""), 100)
        memo = clean_text(fields.get("M", ""))
        row.description = " · ".join(p for p in (row.payee, memo) if p)
        category = fields.get("L", "")
        row.category = "" if category.startswith("[") else clean_text(category.split(":")[0], 50)
        row.external_id = ""
        try:
            row.occurred_on = parse_date(day, date_format)
            amount = (fields.get("T") or fields.get("U") or "").strip()
            row.amount = parse_amount(amount, decimal_separator="," if re.search(r",\d{1,2}$", amount) else ".")
        except ValueError as error:
            row.error = str(error)
    return parsed


__all__ = ["AmbiguousDates", "parse_qif"]
