"""Banks' own CSV exports: the columns page suggests their columns, and a row in another
currency than its account's never reaches that account."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import Account
from apps.imports.models import ImportBatch, ImportRow
from apps.imports.parsers import parse_csv
from apps.imports.parsers.common import currency_code, currency_in
from apps.imports.parsers.csv_file import guess_mapping, read_table
from apps.transactions.models import Transaction
from tests.factories import AccountFactory

D = Decimal

# Header lines as the banks write them (the German ones with their semicolons).
BANKS = {
    "chase": ("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #",
              "DEBIT,11/03/2026,STARBUCKS STORE 123,-4.75,DEBIT_CARD,1200.00,",
              {"date": 1, "description": 2, "amount": 3, "balance": 5}),
    "bank of america": ("Date,Description,Amount,Running Bal.", "11/03/2026,Payroll,2500.00,3700.00",
                        {"date": 0, "description": 1, "amount": 2, "balance": 3}),
    "monzo": ("Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,Local currency,"
              "Notes and #tags,Address,Receipt,Description,Category split,Money Out,Money In",
              "tx_1,03/11/2026,09:12:00,Card payment,Pret,,Eating out,-4.50,GBP,-4.50,GBP,,,,PRET A MANGER,,-4.50,",
              {"external_id": 0, "date": 1, "payee": 4, "category": 6, "amount": 7, "currency": 8,
               "description": 14}),
    "revolut": ("Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance",
                "CARD_PAYMENT,Current,2026-11-03 10:00:00,2026-11-04 09:00:00,Tesco,-12.00,0.00,GBP,COMPLETED,88.0",
                {"date": 3, "description": 4, "amount": 5, "fee": 6, "currency": 7, "balance": 9}),
    "n26": ('"Booking Date","Value Date","Partner Name","Partner Iban",Type,"Payment Reference","Account Name",'
            '"Amount (EUR)","Original Amount","Original Currency","Exchange Rate"',
            '2026-11-03,2026-11-03,REWE,,Presentment,-,Main Account,-12.5,,,',
            {"date": 0, "payee": 2, "description": 5, "account": 6, "amount": 7}),
    "dkb": ('"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";'
            '"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";"Gläubiger-ID";"Mandatsreferenz";"Kundenreferenz"',
            '"03.11.26";"03.11.26";"Gebucht";"Dana Demo";"REWE";"Einkauf";"Ausgang";"DE00";"-12,50";"";"";""',
            {"date": 0, "payer": 3, "payee": 4, "description": 5, "type": 6, "amount": 8}),
    "ing": ("Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung",
            "03.11.2026;03.11.2026;REWE;Lastschrift;Einkauf;1.000,00;EUR;-12,50;EUR",
            {"date": 0, "payee": 2, "description": 4, "currency": 6, "amount": 7, "balance": 5}),
    "sparkasse": ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Glaeubiger ID";'
                  '"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";"Lastschrift Ursprungsbetrag";'
                  '"Auslagenersatz Ruecklastschrift";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";'
                  '"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"',
                  '"DE1";"03.11.26";"03.11.26";"FOLGELASTSCHRIFT";"Strom";"";"";"";"";"";"";"Stadtwerke";"DE2";"X";'
                  '"-40,00";"EUR";"Umsatz gebucht"',
                  {"date": 1, "description": 4, "payee": 11, "amount": 14, "currency": 15}),
    "commerzbank": ("Buchungstag;Wertstellung;Umsatzart;Buchungstext;Betrag;Währung;IBAN Kontoinhaber;Kategorie",
                    "03.11.2026;03.11.2026;Lastschrift;REWE SAGT DANKE;-12,50;EUR;DE1;Lebensmittel",
                    {"date": 0, "description": 3, "amount": 4, "currency": 5}),
    "postbank": ('"Buchungstag";"Wert";"Umsatzart";"Buchungsdetails";"Auftraggeber";"Empfänger";"Betrag (€)";'
                 '"Saldo (€)"',
                 '"03.11.2026";"03.11.2026";"Lastschrift";"Einkauf";"Dana Demo";"REWE";"-12,50 €";"987,50 €"',
                 {"date": 0, "description": 3, "payer": 4, "payee": 5, "amount": 6, "balance": 7}),
    "bankdash": ("date,account,kind,payee,description,category,amount,currency,split",
                 "2026-11-03,Everyday,Expense,REWE,Groceries,Food,-12.50,USD,5f0c6a2e-9d1b-4c3e-8f7a-2b1d0e9c8a7b",
                 {"date": 0, "account": 1, "payee": 3, "description": 4, "category": 5, "amount": 6,
                  "currency": 7}),
}


@pytest.mark.parametrize("bank", BANKS)
def test_a_banks_columns_are_suggested(bank):
    header_line, row_line, expected = BANKS[bank]
    header, records = read_table(f"{header_line}\n{row_line}\n".encode())
    # DKB's "Umsatztyp" holds Eingang/Ausgang, words a type column may hold; Revolut's and
    # Monzo's types (CARD_PAYMENT, "Card payment") are not, and their amounts carry the sign.
    assert guess_mapping(header, [cells for _line, cells in records]) == expected


def test_a_type_column_is_suggested_only_for_words_it_knows():
    header = ["Date", "Amount", "Type"]
    assert guess_mapping(header, [["2026-11-03", "5.00", "Credit"], ["2026-11-04", "5.00", "DR"]])["type"] == 2
    assert "type" not in guess_mapping(header, [["2026-11-03", "5.00", "CARD_PAYMENT"]])
    assert guess_mapping(header)["type"] == 2  # no rows to look at: the name decides


def test_german_type_words_give_the_sign():
    data = b"Buchungstag;Betrag;Soll/Haben\n03.11.2026;12,50;S\n04.11.2026;100,00;H\n"
    header, records = read_table(data)
    mapping = guess_mapping(header, [cells for _line, cells in records])
    assert mapping == {"date": 0, "amount": 1, "type": 2}
    assert [r.amount for r in parse_csv(data, mapping).rows] == [D("-12.50"), D("100.00")]


@pytest.mark.parametrize("text, code", [("EUR", "EUR"), (" eur ", "EUR"), ("€", "EUR"), ("£", "GBP"), ("", "")])
def test_currency_codes(text, code):
    assert currency_code(text) == code


@pytest.mark.parametrize("text", ["Euro", "$", "XYZ", "12"])
def test_what_is_not_a_currency_code(text):
    with pytest.raises(ValueError, match="is not a currency code"):
        currency_code(text)


@pytest.mark.parametrize("text, code", [
    ("12,50 EUR", "EUR"), ("-12.50 usd", "USD"), ("€12.50", "EUR"), ("£ 3.00", "GBP"), ("12.50", ""),
    ("$12.50", ""), ("12.50 CR", ""), ("(12.50)", ""),
])
def test_the_currency_beside_an_amount(text, code):
    assert currency_in(text) == code


def test_each_row_keeps_its_currency_and_one_currency_is_the_statements():
    data = b"Date,Amount,Currency\n2026-11-03,-1.00,EUR\n2026-11-04,-2.00,eur\n2026-11-05,-3.00,Euro\n"
    parsed = parse_csv(data, {"date": 0, "amount": 1, "currency": 2})
    assert [(r.currency, r.error) for r in parsed.rows] == [("EUR", ""), ("EUR", ""),
                                                            ("", "Euro is not a currency code")]
    assert parsed.currency == "EUR"
    mixed = parse_csv(b"Date,Amount\n2026-11-03,-1.00 EUR\n2026-11-04,-2.00 USD\n2026-11-05,-3.00\n",
                      {"date": 0, "amount": 1})
    assert [r.currency for r in mixed.rows] == ["EUR", "USD", ""] and mixed.currency == ""


# ---------------------------------------------------------------------------
# Through the pages, against the database
# ---------------------------------------------------------------------------

START = reverse("imports:start")


def upload(client, name, data, **fields):
    return client.post(START, {"file": SimpleUploadedFile(name, data), "date_format": "auto", **fields})


def map_columns(client, response, account, **roles):
    return client.post(response["Location"], {**{k: str(v) for k, v in roles.items()}, "date_format": "auto",
                                               "decimal": "auto", "statement_account": account.pk})


@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=D("1000.00"))


@pytest.mark.django_db
def test_the_columns_page_suggests_a_german_banks_columns(logged_in, checking):
    data = ("Buchungstag;Empfänger;Betrag;Verwendungszweck;Umsatzart\n"
            "03.11.2026;REWE Markt;-12,50;Einkauf;Kartenzahlung\n").encode()
    response = upload(logged_in, "de.csv", data, account=checking.pk)
    page = logged_in.get(response["Location"]).content.decode()
    form = page[page.index('name="date"'):]
    selected = {name: form.split(f'name="{name}"', 1)[1].split("</select>", 1)[0] for name in
                ("date", "payee", "amount", "description", "type")}
    assert '<option value="0" selected>' in selected["date"]
    assert '<option value="1" selected>' in selected["payee"]
    assert '<option value="2" selected>' in selected["amount"]
    assert '<option value="3" selected>' in selected["description"]
    assert "selected>" not in selected["type"].replace('<option value="" selected>', "")


@pytest.mark.django_db
def test_a_statement_in_another_currency_is_refused_and_nothing_is_written(logged_in, checking, frozen_now):
    data = b"Date,Amount,Currency,Memo\n2026-11-03,-12.50,EUR,Lunch\n2026-11-04,-3.00,EUR,Coffee\n"
    response = upload(logged_in, "eur.csv", data, account=checking.pk)
    response = map_columns(logged_in, response, checking, date=0, amount=1, currency=2, description=3)
    assert response.status_code == 400
    assert "This statement is in EUR; “Checking” is in USD. Choose an account in EUR." in response.content.decode()
    assert not ImportRow.objects.exists()
    assert Transaction.objects.filter(account=checking).count() == 1  # its opening balance
    assert Account.objects.get(pk=checking.pk).balance == D("1000.00")


@pytest.mark.django_db
def test_rows_in_another_currency_cannot_be_imported_the_others_can(logged_in, checking, frozen_now):
    data = "Date,Amount,Memo\n2026-11-03,-12.50 USD,Lunch\n2026-11-04,-3.00 EUR,Coffee\n2026-11-05,-1.00,Tea\n"
    response = upload(logged_in, "mixed.csv", data.encode(), account=checking.pk)
    response = map_columns(logged_in, response, checking, date=0, amount=1, description=2)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    rows = list(ImportRow.objects.filter(batch=batch).order_by("position"))
    assert [(r.description, r.outcome, r.reason) for r in rows] == [
        ("Lunch", "new", ""), ("Coffee", "error", "this row is in EUR; “Checking” is in USD"), ("Tea", "new", "")]
    assert [r.currency for r in rows] == ["USD", "EUR", ""]
    page = logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    # The refused row's amount is shown in its own currency, not in the account's.
    assert "this row is in EUR; “Checking” is in USD" in page and "−3.00 EUR" in page and "−3.00 USD" not in page
    logged_in.post(reverse("imports:detail", args=[batch.pk]), {
        "action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows if r.selected]})
    assert sorted(Transaction.objects.filter(account=checking, kind="expense").values_list("amount", flat=True)) == [
        D("1.00"), D("12.50")]
    assert Account.objects.get(pk=checking.pk).balance == D("986.50")


@pytest.mark.django_db
def test_each_row_of_a_multi_account_file_is_checked_against_its_own_account(logged_in, user, checking, frozen_now):
    AccountFactory(owner=user, name="Euro", currency="EUR", opening_balance=D("50.00"))
    data = (b"Date,Account,Amount,Currency\n2026-11-03,Checking,-5.00,USD\n2026-11-03,Euro,-4.00,EUR\n"
            b"2026-11-04,Euro,-6.00,USD\n")
    response = upload(logged_in, "both.csv", data)
    assert response.status_code == 302
    response = logged_in.post(response["Location"], {"date": "0", "account": "1", "amount": "2", "currency": "3",
                                                     "date_format": "auto", "decimal": "auto"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = list(ImportRow.objects.order_by("position"))
    assert [(r.account.name, r.outcome, r.reason) for r in rows] == [
        ("Checking", "new", ""), ("Euro", "new", ""), ("Euro", "error", "this row is in USD; “Euro” is in EUR")]
    assert rows[0].occurred_on == date(2026, 11, 3)


def test_the_amount_columns_name_gives_the_currency_its_cells_do_not():
    data = b"Booking Date,Amount (EUR)\n2026-11-03,-12.5\n2026-11-04,-1.00 USD\n"
    parsed = parse_csv(data, {"date": 0, "amount": 1})
    assert [r.currency for r in parsed.rows] == ["EUR", "USD"]
    assert parse_csv("Buchungstag;Betrag (€)\n03.11.2026;-12,50\n".encode(), {"date": 0, "amount": 1}).currency == "EUR"
    assert parse_csv(b"Date,Amount ($)\n2026-11-03,-12.50\n", {"date": 0, "amount": 1}).currency == ""


def test_the_messages_in_german():
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValueError, match="Euro ist kein Währungscode"):
        currency_code("Euro")


def test_a_fee_beside_the_amount_is_taken_from_it():
    data = (b"Type,Completed Date,Description,Amount,Fee,Currency\n"
            b"CARD_PAYMENT,2026-11-03,Tesco,-12.00,0.50,GBP\nTOPUP,2026-11-04,Top-up,100.00,1.00,GBP\n"
            b"EXCHANGE,2026-11-05,Fee only,0.00,0.25,GBP\nCARD_PAYMENT,2026-11-06,Shop,-1.00,,GBP\n"
            b"CARD_PAYMENT,2026-11-07,Odd,-1.00,abc,GBP\n")
    header, records = read_table(data)
    mapping = guess_mapping(header, [cells for _line, cells in records])
    assert mapping["fee"] == 4
    assert [(r.amount, r.error) for r in parse_csv(data, mapping).rows] == [
        (D("-12.50"), ""), (D("99.00"), ""), (D("-0.25"), ""), (D("-1.00"), ""), (None, "abc is not an amount")]


def test_money_in_takes_its_payee_from_the_payer_column():
    data = ('"Buchungsdatum";"Zahlungspflichtige*r";"Zahlungsempfänger*in";"Betrag (€)"\n'
            '"03.11.26";"Dana Demo";"REWE";"-12,50"\n"04.11.26";"Arbeitgeber GmbH";"Dana Demo";"2.500,00"\n'
            '"05.11.26";"";"Dana Demo";"5,00"\n').encode()
    header, records = read_table(data)
    rows = parse_csv(data, guess_mapping(header, [cells for _line, cells in records])).rows
    assert [(r.payee, r.amount, r.currency) for r in rows] == [
        ("REWE", D("-12.50"), "EUR"), ("Arbeitgeber GmbH", D("2500.00"), "EUR"), ("Dana Demo", D("5.00"), "EUR")]
