"""OFX/QFX statements, 1.x (SGML) and 2.x (XML), read with ``ofxtools`` (its header parser and
its tree builder, which handles both syntaxes). We walk the element tree ourselves rather than
``OFXTree.convert()``: convert validates the whole document against the spec and refuses the
small liberties many banks take (a missing SIGNON field), where only the transactions matter.
ofxtools does not expand entities (a regex tree builder), and an OFX 2 file is also checked with
defusedxml first, so a DTD or entity is refused with a clear message."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from django.utils.translation import gettext as _
from ofxtools.header import OFXHeaderError
from ofxtools.Parser import OFXTree, ParseError

from .common import FileRefused, ParsedFile, ParsedRow, clean_text, parse_amount
from .xml_safety import REFUSED, safe_xml

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _text(element, tag) -> str:
    found = element.find(tag)
    # OFX escapes <, > and & as in SGML/XML; ofxtools' tree builder leaves them escaped.
    return html.unescape(found.text).strip() if found is not None and found.text else ""


def _ofx_date(value: str) -> date:
    match = _DATE.match(value or "")
    if not match:
        raise ValueError(f"{clean_text(value, 40) or 'an empty DTPOSTED'} is not a date")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{clean_text(value, 40)} is not a date") from None


def parse_ofx(data: bytes) -> ParsedFile:
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise FileRefused(REFUSED)
    if data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        safe_xml(data)  # OFX 2: well-formed XML without a DTD
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data.lstrip(b"\xef\xbb\xbf")))
    except (OFXHeaderError, ParseError, ValueError, KeyError, IndexError) as error:
        raise FileRefused(_("This OFX file cannot be read (%(error)s).") % {"error": clean_text(error, 120)}) from None
    root = tree.getroot()
    parsed = ParsedFile(format="ofx")
    statements = list(root.iter("STMTRS")) + list(root.iter("CCSTMTRS"))
    if not statements:
        raise FileRefused(_("This OFX file holds no bank or card statement."))
    if len(statements) > 1:
        raise FileRefused(_("This OFX file holds statements of several accounts: download one account at a time."))
    statement = statements[0]
    parsed.currency = _text(statement, "CURDEF").upper()
    account = statement.find("BANKACCTFROM")
    if account is None:
        account = statement.find("CCACCTFROM")
    if account is not None:
        parsed.account_ref = _text(account, "ACCTID")
    ledger = statement.find("LEDGERBAL")
    if ledger is not None:
        try:
            parsed.closing_balance = parse_amount(_text(ledger, "BALAMT"))
            parsed.closing_on = _ofx_date(_text(ledger, "DTASOF"))
        except ValueError:  # a balance it cannot read leaves the statement unchecked, not refused
            parsed.closing_balance = parsed.closing_on = None
    for index, element in enumerate(statement.iter("STMTTRN"), start=1):
        row = ParsedRow(line=index)
        parsed.rows.append(row)
        name, memo = clean_text(_text(element, "NAME"), 100), clean_text(_text(element, "MEMO"))
        kind = _text(element, "TRNTYPE").upper()
        number = _text(element, "CHECKNUM")
        row.payee = name
        row.description = " · ".join(p for p in (name, memo) if p) or (f"Check {number}" if number else kind.title())
        if kind == "CHECK" and number and number not in row.description:
            row.description = clean_text(f"{row.description} (check {number})")
        row.external_id = clean_text(_text(element, "FITID"), 100)
        try:
            row.occurred_on = _ofx_date(_text(element, "DTPOSTED"))
            amount = _text(element, "TRNAMT")
            row.amount = parse_amount(amount, decimal_separator="," if "," in amount and "." not in amount else ".")
        except ValueError as error:
            row.error = str(error)
    return parsed
