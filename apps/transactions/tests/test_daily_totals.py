"""The daily totals and the per-user ledger version (issue 17): kept by every ledger service in
the same transaction as the rows, checked and repaired by ``recalculate_balances``."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from apps.transactions import selectors, services
from apps.transactions.models import DailyTotal
from apps.transactions.services import BatchEntry, entries_delete, entries_post
from tests.factories import AccountFactory, CategoryFactory, default_category, expense, income, transfer

pytestmark = pytest.mark.django_db

MARCH_2, MARCH_9 = date(2025, 3, 2), date(2025, 3, 9)


def buckets(user) -> dict[tuple, tuple]:
    """(category name, day, kind) -> (total, count) of the user's daily totals, empty ones left out."""
    return {(d.category.name, d.day, d.kind): (d.total, d.count)
            for d in DailyTotal.objects.filter(owner=user, count__gt=0).select_related("category")}


def version(user) -> int:
    return selectors.ledger_version(user=user)


@pytest.fixture
def account(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=Decimal("500.00"))


def test_postings_edits_and_deletions_keep_the_daily_totals(user, account):
    first = expense(account, "20.25", on=MARCH_2)
    expense(account, "4.75", on=MARCH_2)
    income(account, "100.00", on=MARCH_9)
    savings = AccountFactory(owner=user, name="Savings")
    transfer(account, savings, "10.00", on=MARCH_2)  # not income or expense: in no bucket
    assert buckets(user) == {("food", MARCH_2, "expense"): (Decimal("25.00"), 2),
                             ("salary", MARCH_9, "income"): (Decimal("100.00"), 1)}
    services.transaction_edit(user=user, transaction_id=first.pk, amount=Decimal("20.25"), occurred_on=MARCH_9,
                              category=default_category("food"))
    assert buckets(user) == {("food", MARCH_2, "expense"): (Decimal("4.75"), 1),
                             ("food", MARCH_9, "expense"): (Decimal("20.25"), 1),
                             ("salary", MARCH_9, "income"): (Decimal("100.00"), 1)}
    services.transaction_delete(user=user, transaction_id=first.pk)
    assert ("food", MARCH_9, "expense") not in buckets(user)
    assert selectors.daily_total_mismatches() == []


def test_a_batch_and_its_undo_and_a_category_merge_move_the_daily_totals(user, account):
    pets = CategoryFactory(owner=user, name="pets", kind="expense")
    food = default_category("food")
    rows = entries_post(user=user, entries=[
        BatchEntry(account_id=account.pk, kind="expense", amount=Decimal("3.00"), category_id=pets.pk,
                   occurred_on=MARCH_2),
        BatchEntry(account_id=account.pk, kind="expense", amount=Decimal("5.00"), category_id=food.pk,
                   occurred_on=MARCH_2)])
    assert buckets(user) == {("pets", MARCH_2, "expense"): (Decimal("3.00"), 1),
                             ("food", MARCH_2, "expense"): (Decimal("5.00"), 1)}
    services.category_merge(user=user, source_id=pets.pk, target_id=food.pk)
    assert buckets(user) == {("food", MARCH_2, "expense"): (Decimal("8.00"), 2)}
    entries_delete(user=user, transaction_ids=[r.pk for entry in rows for r in entry])
    assert buckets(user) == {}
    assert selectors.daily_total_mismatches() == []


def test_every_ledger_change_raises_the_users_ledger_version_and_only_theirs(user, account):
    other = AccountFactory(opening_balance=Decimal("5.00"))
    other_version = version(other.owner)
    start = version(user)  # the opening balance was a posting
    assert start >= 1
    entry = expense(account, "1.00", on=MARCH_2)
    assert version(user) == start + 1
    services.transaction_edit(user=user, transaction_id=entry.pk, amount=Decimal("2.00"), occurred_on=MARCH_2,
                              category=default_category("food"))
    assert version(user) == start + 2
    services.transaction_delete(user=user, transaction_id=entry.pk)
    assert version(user) == start + 3
    # Renaming a category changes what the cached figures are labelled with.
    mine = CategoryFactory(owner=user, name="pets")
    services.category_update(user=user, category_id=mine.pk, name="animals")
    assert version(user) == start + 4
    assert version(other.owner) == other_version


def test_the_check_reports_a_wrong_daily_total_and_the_repair_sets_it_from_the_rows(user, account):
    expense(account, "20.25", on=MARCH_2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE transactions_dailytotal SET total = 1.00 WHERE account_id = %s", [account.pk])
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("recalculate_balances", "--check", stdout=out)
    assert exit_.value.code == 1
    assert (f"daily total account {account.pk} category {default_category('food').pk} 2025-03-02 expense: "
            "stored 1.00 (1 entries), ledger 20.25 (1 entries)") in out.getvalue()
    assert "0 balance(s), 0 monthly total(s) and 1 daily total(s) differ from the ledger." in out.getvalue()
    out = StringIO()
    call_command("recalculate_balances", stdout=out)
    assert "Repaired 1 daily total(s)." in out.getvalue()
    assert buckets(user)[("food", MARCH_2, "expense")] == (Decimal("20.25"), 1)
    out = StringIO()
    call_command("recalculate_balances", "--check", stdout=out)
    assert "All balances and monthly totals match the ledger. So do the daily totals." in out.getvalue()
