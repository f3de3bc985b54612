"""CAMT.053 (ISO 20022 bank-to-customer statement) XML, parsed with defusedxml (no DTD, no
entities). Written here: the Python libraries for camt (e.g. ``sepaxml``) write payment files
rather than read statements, and the fields needed (Ntry: Amt, CdtDbtInd, BookgDt, references,
remittance text, the counterparty's name) are a few paths in the tree. Namespaces differ
between versions (camt.053.001.02 ... .08), so elements are matched by local name."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from .common import FileRefused, ParsedFile, ParsedRow, clean_text, parse_amount
from .xml_safety import safe_xml


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(element, *path):
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c) == name), None)
    return element


def _children(element, name):
    return [c for c in element if _local(c) == name]


def _text(element, *path) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _entry_date(entry) -> date:
    for where in ("BookgDt", "ValDt"):
        value = _text(entry, where, "Dt") or _text(entry, where, "DtTm")[:10]
        if value:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                raise ValueError(_("%(value)s is not a date") % {"value": clean_text(value, 40)}) from None
    raise ValueError(_("the entry has no booking date"))


def _closing_balance(statement, parsed: ParsedFile) -> None:
    """The statement's booked closing balance (Bal of type CLBD) and its day, where it has one."""
    for balance in _children(statement, "Bal"):
        if _text(balance, "Tp", "CdOrPrtry", "Cd").upper() != "CLBD":
            continue
        try:
            amount = abs(parse_amount(_text(balance, "Amt"), decimal_separator="."))
            day = date.fromisoformat((_text(balance, "Dt", "Dt") or _text(balance, "Dt", "DtTm"))[:10])
        except ValueError:  # unreadable: the statement stays unchecked, not refused
            return
        parsed.closing_on = day
        parsed.closing_balance = -amount if _text(balance, "CdtDbtInd").upper() == "DBIT" else amount
        return


def parse_camt(data: bytes) -> ParsedFile:
    root = safe_xml(data)
    statement_parent = _child(root, "BkToCstmrStmt")
    if statement_parent is None:
        raise FileRefused(_("This XML file is not a CAMT.053 bank statement."))
    statements = _children(statement_parent, "Stmt")
    if len(statements) != 1:
        raise FileRefused(_("This CAMT file holds statements of several accounts (or none): download one account "
                            "at a time."))
    statement = statements[0]
    parsed = ParsedFile(format="camt")
    account = _child(statement, "Acct")
    parsed.account_ref = _text(account, "Id", "IBAN") or _text(account, "Id", "Othr", "Id")
    parsed.currency = _text(account, "Ccy").upper()
    _closing_balance(statement, parsed)
    for index, entry in enumerate(_children(statement, "Ntry"), start=1):
        row = ParsedRow(line=index)
        parsed.rows.append(row)
        details = _child(entry, "NtryDtls", "TxDtls")
        credit = _text(entry, "CdtDbtInd").upper() == "CRDT"
        party = "Dbtr" if credit else "Cdtr"
        row.payee = clean_text(_text(details, "RltdPties", party, "Nm") or _text(details, "RltdPties", party, "Pty",
                                                                                  "Nm"), 100)
        remittance = " ".join(_text(u) for u in (_children(_child(details, "RmtInf"), "Ustrd")
                                                 if _child(details, "RmtInf") is not None else []))
        info = _text(entry, "AddtlNtryInf")
        row.description = clean_text(" · ".join(p for p in (row.payee, remittance or info) if p))
        row.external_id = clean_text(_text(entry, "AcctSvcrRef") or _text(details, "Refs", "AcctSvcrRef")
                                     or _text(entry, "NtryRef"), 100)
        amount_element = _child(entry, "Amt")
        currency = (amount_element.get("Ccy") or "").upper() if amount_element is not None else ""
        if currency and not parsed.currency:
            parsed.currency = currency
        try:
            if currency and parsed.currency and currency != parsed.currency:
                raise ValueError(_("this entry is in %(entry)s, the statement in %(statement)s") % {
                    "entry": currency, "statement": parsed.currency})
            row.occurred_on = _entry_date(entry)
            amount = abs(parse_amount(_text(entry, "Amt"), decimal_separator="."))
            row.amount = amount if credit else -amount
        except ValueError as error:
            row.error = str(error)
    return parsed
