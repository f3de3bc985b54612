"""The bank's balance in a statement, beside the account's here: a check that the import
brings the account to what the bank says, on the preview and after it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.imports import selectors
from apps.imports.models import ImportBatch, ImportRow
from apps.imports.parsers import parse_camt, parse_csv, parse_ofx
from apps.transactions.selectors import balance_at_end_of
from tests.factories import AccountFactory, expense, income

D = Decimal
START = reverse("imports:start")


# ---------------------------------------------------------------------------
# What each format says
# ---------------------------------------------------------------------------

def test_ofx_ledger_balance(read_file):
    parsed = parse_ofx(read_file("statement_102.ofx"))
    assert (parsed.closing_balance, parsed.closing_on) == (D("1237.66"), date(2025, 10, 31))
    card = parse_ofx(read_file("statement_v2.ofx"))
    assert (card.closing_balance, card.closing_on) == (D("-25.00"), date(2025, 10, 31))
    unreadable = parse_ofx(read_file("statement_102.ofx").replace(b"<BALAMT>1237.66", b"<BALAMT>n/a"))
    assert (unreadable.closing_balance, unreadable.closing_on) == (None, None) and unreadable.rows


@pytest.mark.parametrize("indicator, expected", [("CRDT", D("1110.10")), ("DBIT", D("-1110.10"))])
def test_camt_closing_balance(read_file, indicator, expected):
    balances = (b"<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>0.00</Amt>"
                b"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-30</Dt></Dt></Bal>"
                b"<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>1110.10</Amt>"
                b"<CdtDbtInd>" + indicator.encode() + b"</CdtDbtInd><Dt><Dt>2025-10-31</Dt></Dt></Bal>\n      <Ntry>")
    parsed = parse_camt(read_file("camt053.xml").replace(b"<Ntry>", balances, 1))
    assert (parsed.closing_balance, parsed.closing_on) == (expected, date(2025, 10, 31))
    assert (parse_camt(read_file("camt053.xml")).closing_balance) is None


MAPPING = {"date": 0, "amount": 1, "balance": 2}


def test_csv_balance_of_the_last_days_last_row():
    oldest_first = (b"Date,Amount,Balance\n2025-12-01,-12.50,987.50\n2025-12-03,100.00,1087.50\n"
                    b"2025-12-03,-7.50,1080.00\n")
    parsed = parse_csv(oldest_first, MAPPING)
    assert (parsed.closing_balance, parsed.closing_on) == (D("1080.00"), date(2025, 12, 3))
    newest_first = (b"Date,Amount,Balance\n2025-12-03,-7.50,1080.00\n2025-12-03,100.00,1087.50\n"
                    b"2025-12-01,-12.50,987.50\n")
    parsed = parse_csv(newest_first, MAPPING)
    assert (parsed.closing_balance, parsed.closing_on) == (D("1080.00"), date(2025, 12, 3))
    # The closing row's balance unreadable: no check (an unreadable balance refuses no row).
    parsed = parse_csv(b"Date,Amount,Balance\n2025-12-01,-12.50,987.50\n2025-12-03,-7.50,n/a\n", MAPPING)
    assert (parsed.closing_balance, [r.error for r in parsed.rows]) == (None, ["", ""])


# ---------------------------------------------------------------------------
# On the pages
# ---------------------------------------------------------------------------

@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=D("1000.00"))


def preview(client, account, data):
    response = client.post(START, {"file": SimpleUploadedFile("bank.csv", data), "date_format": "auto",
                                   "account": account.pk})
    response = client.post(response["Location"], {"date": "0", "amount": "1", "description": "2", "balance": "3",
                                                  "date_format": "auto", "decimal": "auto",
                                                  "statement_account": account.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def check_text(client, batch) -> str:
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    if 'id="statementCheck"' not in page:
        return ""
    box = page.split('id="statementCheck"', 1)[1].split("</div>", 1)[0].split("<form", 1)[0]
    return " ".join(box.split(">", 1)[1].replace("<strong>", "").replace("</strong>", "").split())


FILE = (b"Date,Amount,Memo,Balance\n2025-12-01,-12.50,Lunch,987.50\n2025-12-03,100.00,Refund,1087.50\n"
        b"2025-12-03,-7.50,Coffee,1080.00\n")


@pytest.mark.django_db
def test_the_preview_and_the_result_agree_with_the_bank(logged_in, checking, frozen_now, django_assert_num_queries):
    expense(checking, "5.00", on=date(2025, 12, 10))  # after the statement's last day: not in its balance
    batch = preview(logged_in, checking, FILE)
    assert (batch.statement_balance, batch.statement_balance_on) == (D("1080.00"), date(2025, 12, 3))
    fresh = ImportBatch.objects.get(pk=batch.pk)
    with django_assert_num_queries(3):  # the account, its balance on that day, the ticked rows
        check = selectors.statement_check(batch=fresh)
    assert (check.ours, check.bank, check.difference) == (D("1080.00"), D("1080.00"), D("0.00"))
    assert check_text(logged_in, batch) == (
        "The statement says “Checking” held 1,080.00 USD at the end of Dec 3, 2025. With the ticked rows "
        "imported, it would hold 1,080.00 USD here on that day. They agree.")
    # Unticking the refund: 100.00 short of the bank's.
    rows = list(ImportRow.objects.filter(batch=batch).order_by("position"))
    url = reverse("imports:detail", args=[batch.pk])
    logged_in.post(url, {"action": "save", "row": [r.pk for r in rows], "keep": [rows[0].pk, rows[2].pk]})
    assert check_text(logged_in, batch).endswith(
        "it would hold 980.00 USD here on that day. That is 100.00 USD less than the bank’s: an entry may be "
        "missing here. <br>Ticking line 3 (100.00 USD) would make them agree.")
    logged_in.post(url, {"action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows]})
    assert check_text(logged_in, batch).endswith("Here it holds 1,080.00 USD on that day. They agree.")
    # Imported and agreeing: the account may be marked as checked up to that day, from here.
    page = logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "Mark as checked up to Dec 3, 2025" in page and 'name="check-bank_balance" value="1,080.00"' in page
    logged_in.post(reverse("accounts:checked", args=[checking.pk]), {"check-on": "2025-12-03",
                                                                     "check-bank_balance": "1,080.00"})
    checking.refresh_from_db()
    assert (checking.checked_on, checking.checked_balance) == (date(2025, 12, 3), D("1080.00"))
    assert "Mark as checked" not in logged_in.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert balance_at_end_of(account=checking, day=date(2025, 12, 3)) == D("1080.00")
    assert balance_at_end_of(account=checking, day=date(2025, 12, 10)) == D("1075.00")


@pytest.mark.django_db
def test_an_entry_here_the_bank_does_not_have(logged_in, checking, frozen_now):
    income(checking, "20.00", on=date(2025, 11, 20))  # not on the bank's statement
    batch = preview(logged_in, checking, FILE)
    assert check_text(logged_in, batch).endswith(
        "it would hold 1,100.00 USD here on that day. That is 20.00 USD more than the bank’s: an entry here may "
        "be one the bank does not have, or be here twice.")


@pytest.mark.django_db
def test_no_check_without_a_balance_for_many_accounts_or_once_undone(logged_in, user, checking, frozen_now):
    no_balance = preview(logged_in, checking, b"Date,Amount,Memo,Other\n2025-12-01,-12.50,Lunch,x\n")
    assert no_balance.statement_balance is None and check_text(logged_in, no_balance) == ""
    savings = AccountFactory(owner=user, name="Savings", opening_balance=D("10.00"))
    data = b"Date,Account,Amount,Balance\n2025-12-01,Checking,-1.00,999.00\n2025-12-01,Savings,-1.00,9.00\n"
    response = logged_in.post(START, {"file": SimpleUploadedFile("two.csv", data), "date_format": "auto"})
    logged_in.post(response["Location"], {"date": "0", "account": "1", "amount": "2", "balance": "3",
                                          "date_format": "auto", "decimal": "auto"})
    multi = ImportBatch.objects.get(file_name="two.csv")
    assert multi.status == "previewed" and multi.statement_balance is None and savings.pk
    batch = preview(logged_in, checking, FILE.replace(b"Lunch", b"Dinner"))
    rows = list(ImportRow.objects.filter(batch=batch))
    logged_in.post(reverse("imports:detail", args=[batch.pk]), {
        "action": "confirm", "row": [r.pk for r in rows], "keep": [r.pk for r in rows]})
    logged_in.post(reverse("imports:undo", args=[batch.pk]))
    assert ImportBatch.objects.get(pk=batch.pk).status == "undone" and check_text(logged_in, batch) == ""


@pytest.mark.django_db
def test_in_german(logged_in, user, checking, frozen_now):
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    batch = preview(logged_in, checking, FILE)
    text = check_text(logged_in, batch)
    assert text.startswith("Laut Kontoauszug hatte „Checking“ am Ende des 03.12.2025 1.080,00 $.")
    assert text.endswith("Sie stimmen überein.")


@pytest.mark.django_db
def test_a_row_the_bank_did_not_book_is_named(logged_in, checking, frozen_now, django_assert_num_queries):
    # The bank's balance after the coffee is still 1,087.50: it did not book the coffee.
    batch = preview(logged_in, checking, FILE.replace(b"1080.00", b"1087.50"))
    check = selectors.statement_check(batch=batch)
    with django_assert_num_queries(1):
        rows = selectors.balancing_rows(batch=batch, check=check)
    assert [(row.line, row.amount) for row in rows] == [(4, D("-7.50"))]
    assert check_text(logged_in, batch).endswith(
        "That is 7.50 USD less than the bank’s: an entry may be missing here. <br>Unticking line 4 (−7.50 USD) would "
        "make them agree.")
    # Agreeing, no row is named (and nothing is asked of the database).
    agreeing = preview(logged_in, checking, FILE)
    check = selectors.statement_check(batch=agreeing)
    with django_assert_num_queries(0):
        assert selectors.balancing_rows(batch=agreeing, check=check) == []


@pytest.mark.django_db
def test_rows_before_the_accounts_opening_are_said_on_the_preview(logged_in, user, frozen_now):
    young = AccountFactory(owner=user, name="Young", opened_on=date(2025, 12, 2), opening_balance=D("500.00"))
    batch = preview(logged_in, young, b"Date,Amount,Memo,Balance\n2025-12-01,-4.50,Coffee,495.50\n"
                                      b"2025-12-03,-20.00,Books,480.00\n")
    rows = list(ImportRow.objects.filter(batch=batch).order_by("position"))
    assert [(r.outcome, r.selected, r.reason) for r in rows] == [
        ("error", False, "dated before “Young” was opened (Dec 2, 2025)"), ("new", True, "")]
