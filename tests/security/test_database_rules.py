"""Every rule the code relies on is also a rule of the database (STYLE.md, as django-hordak
does it): a bulk import, a shell session or a future API that writes SQL directly meets
the same rules as the services.

Each refusal below is plain SQL through ``connection.cursor()`` (the ORM and its
validation are not involved), run in a savepoint and followed by
``SET CONSTRAINTS ALL IMMEDIATE``: pytest-django wraps each test in a transaction that
is rolled back, so the transfer-legs trigger (deferred to commit) would otherwise never
fire. The test asserts which constraint refused the write, so a refusal for some other
reason (a missing column, another constraint) does not count as a pass.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from apps.budgets.models import Budget
from apps.transactions.models import Category, Transaction
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

TRANSFER_LEGS = "transactions_transfer_legs_balanced"
DAY = date(2025, 3, 10)


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _fire_deferred() -> None:
    """Run now the checks PostgreSQL would run at COMMIT (the transfer-legs trigger)."""
    _sql("SET CONSTRAINTS ALL IMMEDIATE")


@contextmanager
def refused_by(constraint: str, message: str = ""):
    """The block's writes, checked as at commit, are refused by ``constraint``."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
        _fire_deferred()
    assert caught.value.__cause__.diag.constraint_name == constraint, caught.value
    assert message in str(caught.value)


def _insert_legs(*legs) -> None:
    """Ledger rows in ONE statement: (owner, account, kind, amount, occurred_on, transfer_id)."""
    rows = ", ".join(["(%s, %s, %s, %s, NULL, '', %s, now(), %s)"] * len(legs))
    _sql(
        "INSERT INTO transactions_transaction "  # noqa: S608
        "(owner_id, account_id, kind, amount, category_id, description, occurred_on, created_at, transfer_id) "
        f"VALUES {rows}",
        [value for leg in legs for value in leg],
    )


def _insert_account(*, owner, name: str, currency: str = "USD", kind: str = "checking") -> None:
    _sql(
        "INSERT INTO accounts_account (owner_id, name, institution, number_last4, kind, currency, balance, "
        "credit_limit, opened_on, closed_on, created_at) "
        "VALUES (%s, %s, '', '', %s, %s, 0, 0, %s, NULL, now())",
        [owner.pk, name, kind, currency, DAY],
    )


@pytest.fixture
def owner():
    return UserFactory(default_currency="USD")


@pytest.fixture
def usd_accounts(owner):
    return (
        AccountFactory(owner=owner, name="Checking", currency="USD", opening_balance=Decimal("100.00")),
        AccountFactory(owner=owner, name="Savings", currency="USD", opening_balance=Decimal("100.00")),
    )


@pytest.fixture
def food():
    return Category.objects.get(owner__isnull=True, name="food")


@pytest.fixture
def budget(owner, food):
    return Budget.objects.create(owner=owner, category=food, limit=Decimal("300.00"), currency="USD",
                                 start_date=date(2025, 1, 1))


@pytest.fixture
def transfer(owner, usd_accounts):
    """A correct transfer, posted by the ledger service: its two legs."""
    from apps.transactions.services import transfer_create

    source, target = usd_accounts
    out_leg = transfer_create(user=owner, from_account_id=source.pk, to_account_id=target.pk,
                              amount=Decimal("25.00"), occurred_on=DAY)
    return list(Transaction.objects.filter(transfer_id=out_leg.transfer_id).order_by("kind"))  # in, out


# ---------------------------------------------------------------------------
# Choice fields
# ---------------------------------------------------------------------------

def test_budget_period_outside_the_choices_is_refused_through_the_orm_update(budget):
    # QuerySet.update() runs no validation: only the database stands in the way.
    with refused_by("budgets_period_valid"):
        Budget.objects.filter(pk=budget.pk).update(period="daily")


def test_budget_period_outside_the_choices_is_refused_in_sql(budget):
    with refused_by("budgets_period_valid"):
        _sql("UPDATE budgets_budget SET period = 'daily' WHERE id = %s", [budget.pk])


def test_account_kind_outside_the_choices_is_refused(owner):
    with refused_by("accounts_kind_valid"):
        _insert_account(owner=owner, name="Mortgage", kind="loan")


def test_alert_kind_outside_the_choices_is_refused(owner, budget):
    # With a budget and a period, so only the kind is wrong.
    with refused_by("alerts_kind_valid"):
        _sql(
            "INSERT INTO alerts_alert (owner_id, kind, message, budget_id, period_start, created_at, read_at) "
            "VALUES (%s, 'spam', 'Buy now', %s, %s, now(), NULL)",
            [owner.pk, budget.pk, date(2025, 3, 1)],
        )


def test_monthly_total_kind_outside_the_choices_is_refused(owner, usd_accounts, food):
    with refused_by("monthly_total_kind_valid"):
        _sql(
            "INSERT INTO transactions_monthlytotal (owner_id, account_id, category_id, month, kind, total, count) "
            "VALUES (%s, %s, %s, %s, 'transfer', 10, 1)",
            [owner.pk, usd_accounts[0].pk, food.pk, date(2025, 3, 1)],
        )


def test_audit_action_outside_the_choices_is_refused(owner):
    # The audit table refuses every UPDATE (append-only trigger): the rule is met on INSERT.
    with refused_by("audit_action_valid"):
        _sql(
            "INSERT INTO audit_auditevent (created_at, actor_id, actor_email, action, object_type, object_id, "
            "details, ip_address) VALUES (now(), %s, %s, 'bogus', '', '', '{}', NULL)",
            [owner.pk, owner.email],
        )


# ---------------------------------------------------------------------------
# Currency codes
# ---------------------------------------------------------------------------

BAD_CODES = ["usd", "ÄÖÜ", "US"]


@pytest.mark.parametrize("code", BAD_CODES)
def test_account_currency_must_be_an_iso_code(usd_accounts, code):
    with refused_by("accounts_currency_iso4217"):
        _sql("UPDATE accounts_account SET currency = %s WHERE id = %s", [code, usd_accounts[0].pk])


@pytest.mark.parametrize("code", BAD_CODES)
def test_user_default_currency_must_be_an_iso_code(owner, code):
    with refused_by("users_default_currency_iso4217"):
        _sql("UPDATE users_user SET default_currency = %s WHERE id = %s", [code, owner.pk])


@pytest.mark.parametrize("code", BAD_CODES)
def test_budget_currency_must_be_an_iso_code(budget, code):
    with refused_by("budgets_currency_iso4217"):
        _sql("UPDATE budgets_budget SET currency = %s WHERE id = %s", [code, budget.pk])


# ---------------------------------------------------------------------------
# Transfers
# ---------------------------------------------------------------------------

def test_a_transfer_row_without_transfer_id_is_refused(owner, usd_accounts):
    with refused_by("transactions_transfers_have_transfer_id"):
        _insert_legs((owner.pk, usd_accounts[1].pk, "transfer_in", Decimal("5.00"), DAY, None))


def test_a_single_transfer_leg_is_refused(owner, usd_accounts):
    with refused_by(TRANSFER_LEGS, "exactly one transfer_out and one transfer_in"):
        _insert_legs((owner.pk, usd_accounts[0].pk, "transfer_out", Decimal("5.00"), DAY, uuid.uuid4()))


def test_legs_with_different_amounts_are_refused(owner, usd_accounts):
    source, target = usd_accounts
    transfer_id = uuid.uuid4()
    with refused_by(TRANSFER_LEGS, "different amounts"):
        _insert_legs((owner.pk, source.pk, "transfer_out", Decimal("5.00"), DAY, transfer_id),
                     (owner.pk, target.pk, "transfer_in", Decimal("5.01"), DAY, transfer_id))


def test_two_outgoing_legs_are_refused(owner, usd_accounts):
    source, target = usd_accounts
    transfer_id = uuid.uuid4()
    with refused_by(TRANSFER_LEGS, "exactly one transfer_out and one transfer_in"):
        _insert_legs((owner.pk, source.pk, "transfer_out", Decimal("5.00"), DAY, transfer_id),
                     (owner.pk, target.pk, "transfer_out", Decimal("5.00"), DAY, transfer_id))


def test_legs_in_two_currencies_may_differ_and_legs_in_one_may_not(owner, usd_accounts):
    """Between two currencies each leg holds its own account's amount (what left, what arrived);
    in one currency the two legs are one amount (test_legs_with_different_amounts_are_refused)."""
    euros = AccountFactory(owner=owner, name="Euro account", currency="EUR", opening_balance=Decimal("100.00"))
    transfer_id = uuid.uuid4()
    with transaction.atomic():
        _insert_legs((owner.pk, usd_accounts[0].pk, "transfer_out", Decimal("5.00"), DAY, transfer_id),
                     (owner.pk, euros.pk, "transfer_in", Decimal("4.61"), DAY, transfer_id))
        _fire_deferred()  # accepted
    assert Transaction.objects.filter(transfer_id=transfer_id).count() == 2


def test_legs_on_the_same_account_are_refused(owner, usd_accounts):
    transfer_id = uuid.uuid4()
    with refused_by(TRANSFER_LEGS, "same account"):
        _insert_legs((owner.pk, usd_accounts[0].pk, "transfer_out", Decimal("5.00"), DAY, transfer_id),
                     (owner.pk, usd_accounts[0].pk, "transfer_in", Decimal("5.00"), DAY, transfer_id))


def test_legs_of_different_owners_or_dates_are_refused(owner, usd_accounts):
    other = AccountFactory(currency="USD")  # another customer's account
    transfer_id = uuid.uuid4()
    with refused_by(TRANSFER_LEGS, "different owners"):
        _insert_legs((owner.pk, usd_accounts[0].pk, "transfer_out", Decimal("5.00"), DAY, transfer_id),
                     (other.owner_id, other.pk, "transfer_in", Decimal("5.00"), DAY, transfer_id))
    with refused_by(TRANSFER_LEGS, "different dates"):
        _insert_legs((owner.pk, usd_accounts[0].pk, "transfer_out", Decimal("5.00"), DAY, transfer_id),
                     (owner.pk, usd_accounts[1].pk, "transfer_in", Decimal("5.00"), date(2025, 3, 11), transfer_id))


def test_changing_the_amount_of_one_leg_only_is_refused(transfer):
    in_leg, _out_leg = transfer
    with refused_by(TRANSFER_LEGS, "different amounts"):
        _sql("UPDATE transactions_transaction SET amount = amount + 1 WHERE id = %s", [in_leg.pk])


def test_deleting_one_leg_only_is_refused(transfer):
    _in_leg, out_leg = transfer
    with refused_by(TRANSFER_LEGS, "exactly one transfer_out and one transfer_in"):
        _sql("DELETE FROM transactions_transaction WHERE id = %s", [out_leg.pk])


def test_both_legs_changed_or_deleted_together_are_accepted(transfer):
    in_leg, out_leg = transfer
    with transaction.atomic():
        _sql("UPDATE transactions_transaction SET amount = 30 WHERE transfer_id = %s", [in_leg.transfer_id])
        _fire_deferred()
    with transaction.atomic():
        _sql("DELETE FROM transactions_transaction WHERE id IN (%s, %s)", [in_leg.pk, out_leg.pk])
        _fire_deferred()
    assert not Transaction.objects.filter(transfer_id=in_leg.transfer_id).exists()


def test_a_transfer_through_the_service_passes_the_commit_time_check(owner, usd_accounts):
    from apps.transactions.services import transfer_create

    source, target = usd_accounts
    _fire_deferred()  # from here on, every statement is checked as it runs, as at COMMIT
    with transaction.atomic():
        out_leg = transfer_create(user=owner, from_account_id=source.pk, to_account_id=target.pk,
                                  amount=Decimal("12.34"), occurred_on=DAY, description="Rent share")
    legs = Transaction.objects.filter(transfer_id=out_leg.transfer_id)
    assert sorted(legs.values_list("kind", "amount")) == [
        ("transfer_in", Decimal("12.34")), ("transfer_out", Decimal("12.34")),
    ]


# ---------------------------------------------------------------------------
# Account names
# ---------------------------------------------------------------------------

def test_an_account_name_is_unique_per_customer_ignoring_case(owner, usd_accounts):
    assert usd_accounts[0].name == "Checking"
    with refused_by("accounts_name_unique_per_owner"):
        _insert_account(owner=owner, name="checking")


def test_another_customer_may_use_the_same_account_name(usd_accounts):
    with transaction.atomic():
        _insert_account(owner=UserFactory(), name="checking")
        _fire_deferred()
