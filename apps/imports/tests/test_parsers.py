"""The parsers alone: bytes in, rows (or a clear refusal) out; no database."""

from datetime import date
from decimal import Decimal

import pytest

from apps.imports.parsers import AmbiguousDates, FileRefused, detect_format, parse_camt, parse_csv, parse_ofx, parse_qif
from apps.imports.parsers.common import parse_amount
from apps.imports.parsers.csv_file import guess_mapping, original_mapping, read_table

D = Decimal


@pytest.mark.parametrize("text, decimal, expected", [
    ("1,234.56", ".", D("1234.56")), ("1.234,56", ",", D("1234.56")), ("-12.50", ".", D("-12.50")),
    ("(12.50)", ".", D("-12.50")), ("12.50-", ".", D("-12.50")), ("$ 1,000", ".", D("1000")),
    ("−4,50", ",", D("-4.50")), ("+3", ".", D("3")), ("1 234,56 EUR", ",", D("1234.56")),
])
def test_amounts(text, decimal, expected):
    assert parse_amount(text, decimal_separator=decimal) == expected


@pytest.mark.parametrize("text, message", [
    ("abc", "abc is not an amount"), ("1.234", "1.234 has more than two decimals"), ("", "the amount is empty"),
    ("1,2,3", "1,2,3 is not an amount"),
])
def test_bad_amounts(text, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(text)


def test_bom_crlf_semicolons_and_decimal_commas(read_file):
    data = read_file("bom_semicolon.csv")
    header, records = read_table(data)
    assert header == ["Buchungstag", "Verwendungszweck", "Betrag", "Empfänger"]
    mapping = guess_mapping(header) | {"payee": 3}
    parsed = parse_csv(data, mapping)
    assert parsed.date_format == "%d.%m.%Y"
    assert [(r.line, r.occurred_on, r.amount, r.error) for r in parsed.rows] == [
        (2, date(2025, 10, 1), D("2500.00"), ""),
        (3, date(2025, 10, 3), D("-1234.56"), ""),
        (4, date(2025, 10, 5), D("-4.50"), ""),
        (5, None, None, "31.09.2025 is not a date"),
        (6, date(2025, 10, 7), None, "abc is not an amount"),
    ]
    assert parsed.rows[2].description == "Café; Bäckerei" and parsed.rows[1].payee == "Hausverwaltung Müller"


def test_windows_1252(read_file):
    parsed = parse_csv(read_file("cp1252.csv"), {"date": 0, "description": 1, "amount": 2})
    assert parsed.rows[0].description == "Café crème €" and parsed.rows[0].amount == D("-3.20")


def test_quoted_fields_blank_lines_and_a_wrong_column_count(read_file):
    data = read_file("quoted.csv")
    header, _ = read_table(data)
    mapping = guess_mapping(header)
    assert mapping == {"date": 0, "description": 1, "payee": 2, "amount": 3, "external_id": 4}
    rows = parse_csv(data, mapping).rows
    assert [r.line for r in rows] == [3, 4, 5, 8, 9, 10, 11]
    assert rows[0].description == "Dinner, with friends"
    assert rows[1].description == 'He said "hi"'
    assert rows[2].description == "Two lines" and rows[2].amount == D("1234.56")
    assert rows[4].error == "this line has 6 fields but the header has 5"
    assert rows[5].amount == D("-3.50")


def test_debit_credit_columns_and_a_type_column(read_file):
    rows = parse_csv(read_file("debit_credit.csv"), guess_mapping(read_table(read_file("debit_credit.csv"))[0])).rows
    assert [(r.amount, r.account_ref) for r in rows[:2]] == [(D("-12.00"), "Checking"), (D("500.00"), "Checking")]
    data = b"date,amount,type\n2025-01-02,5.00,expense\n2025-01-03,7.00,credit\n2025-01-04,1.00,maybe\n"
    rows = parse_csv(data, {"date": 0, "amount": 1, "type": 2}).rows
    assert [r.amount for r in rows[:2]] == [D("-5.00"), D("7.00")]
    assert rows[2].error == "maybe is not income or expense"


def test_original_format_needs_no_mapping():
    header = ["account_id", "amount", "transaction_type", "category", "description", "transaction_date"]
    assert original_mapping(header) == {"account": 0, "amount": 1, "type": 2, "category": 3, "description": 4,
                                        "date": 5, "date_format": "%Y-%m-%d", "decimal": ".", "account_by": "id"}


def test_ambiguous_dates_are_not_guessed():
    data = b"date,amount\n01/02/2025,1.00\n03/04/2025,2.00\n"
    with pytest.raises(AmbiguousDates):
        parse_csv(data, {"date": 0, "amount": 1})
    rows = parse_csv(data, {"date": 0, "amount": 1, "date_format": "%d/%m/%Y"}).rows
    assert rows[0].occurred_on == date(2025, 2, 1)


def test_ofx_102_sgml_with_check_and_repeated_fitid(read_file):
    parsed = parse_ofx(read_file("statement_102.ofx"))
    assert (parsed.account_ref, parsed.currency) == ("000012345678", "USD")
    assert [(r.occurred_on, r.amount, r.external_id) for r in parsed.rows] == [
        (date(2025, 10, 1), D("1500.00"), "20251001-1"), (date(2025, 10, 5), D("-250.00"), "20251005-1"),
        (date(2025, 10, 6), D("-12.34"), "20251006-1"), (date(2025, 10, 6), D("-12.34"), "20251006-1"),
    ]
    assert parsed.rows[1].description == "Check 1042"
    assert parsed.rows[2].description == "STARBUCKS #1234 · <b>coffee</b>"  # unescaped here, escaped on the page


def test_ofx_2_xml(read_file):
    parsed = parse_ofx(read_file("statement_v2.ofx"))
    assert parsed.account_ref == "4111111111119876"
    assert [(r.amount, r.external_id) for r in parsed.rows] == [(D("-45.00"), "CC-1"), (D("20.00"), "CC-2")]


def test_qif(read_file):
    parsed = parse_qif(read_file("statement.qif"))
    assert [(r.occurred_on, r.amount, r.payee, r.category) for r in parsed.rows] == [
        (date(2025, 10, 2), D("-15.99"), "NETFLIX.COM", "entertainment"),
        (date(2025, 10, 5), D("2000.00"), "ACME Payroll", "salary"),
        (date(2025, 10, 31), D("-80.00"), "City Power", "utilities"),
    ]


def test_camt_053(read_file):
    parsed = parse_camt(read_file("camt053.xml"))
    assert (parsed.account_ref, parsed.currency) == ("DE89370400440532013000", "EUR")
    assert [(r.occurred_on, r.amount, r.payee, r.external_id) for r in parsed.rows] == [
        (date(2025, 10, 1), D("1200.00"), "Arbeitgeber AG", "REF-001"),
        (date(2025, 10, 3), D("-89.90"), "Stadtwerke", "REF-002"),
    ]


@pytest.mark.parametrize("name, parse", [("xxe_camt.xml", parse_camt), ("xxe.ofx", parse_ofx)])
def test_external_entities_are_refused(read_file, name, parse):
    with pytest.raises(FileRefused, match="entities or a document type"):
        parse(read_file(name))


@pytest.mark.parametrize("name, fmt", [("statement_102.ofx", "ofx"), ("statement_v2.ofx", "ofx"),
                                       ("statement.qif", "qif"), ("camt053.xml", "camt"), ("quoted.csv", "csv"),
                                       ("bom_semicolon.csv", "csv")])
def test_format_detection(read_file, name, fmt):
    assert detect_format(read_file(name), name) == fmt


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", b"<Document/>", b"OFXHEADER:100\n\n<OFX><BROKEN",
                                  b"!Type:Invst\nD1/1/25\n^\n"])
def test_garbage_is_refused_or_empty(data):
    fmt = detect_format(data)
    parse = {"csv": lambda d: parse_csv(d, {"date": 0, "amount": 1}), "ofx": parse_ofx, "qif": parse_qif,
             "camt": parse_camt}[fmt]
    try:
        parsed = parse(data)
    except FileRefused:
        return
    assert all(r.error for r in parsed.rows)
