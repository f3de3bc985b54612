"""Below the forms: the ledger services are the last line, called by views,
the admin correction and commands. Any amount (huge, tiny, NaN, Infinity, -0, 1e309,
sub-cent, text) either succeeds or raises ValidationError - never a database error -
and the ledger invariants hold after every call."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.transactions import services
from tests.reliability.invariants import ledger_problems

from .hostile import NUMBERS, count_hostile_request

# The loaded hypothesis profile sizes the run (root conftest.py: "default" 50, derandomized;
# HYPOTHESIS_PROFILE=random more, random); BANKDASH_HYPOTHESIS_EXAMPLES overrides it.
EXAMPLES = int(os.environ.get("BANKDASH_HYPOTHESIS_EXAMPLES") or settings.default.max_examples)

amounts = st.one_of(
    st.sampled_from(NUMBERS + ["999999999999.99", "999999999000.00", "0.01", "1e11"]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=2),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.text(max_size=20),
)
operations = st.sampled_from(["income", "expense", "transfer", "edit", "open"])


@settings(max_examples=EXAMPLES * 2, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operation=operations, amount=amounts, day=st.dates(min_value=date(1, 1, 1)))
def test_services_refuse_bad_amounts_cleanly(fuzz_world, operation, amount, day):
    holdings = fuzz_world["holdings"]
    user = holdings.user
    checking, savings = holdings["checking"], holdings["savings"]
    count_hostile_request(1)
    with transaction.atomic():
        try:
            if operation == "income":
                services.income_post(user=user, account_id=checking.pk, amount=amount,
                                     category=holdings["category"], occurred_on=day)
            elif operation == "expense":
                services.expense_post(user=user, account_id=checking.pk, amount=amount,
                                      category=holdings["category"], occurred_on=day)
            elif operation == "transfer":
                services.transfer_create(user=user, from_account_id=savings.pk, to_account_id=checking.pk,
                                  amount=amount, occurred_on=day)
            elif operation == "edit":
                services.transaction_edit(user=user, transaction_id=holdings["income"].pk, amount=amount,
                                          occurred_on=day)
            else:
                services.account_open(user=user, name="Fuzz", opened_on=day, opening_balance=amount)
        except ValidationError:
            pass
        assert ledger_problems([user.pk]) == []
        transaction.set_rollback(True)


def test_a_credit_beyond_what_a_balance_can_hold_is_refused(fuzz_world):
    """Found by this suite: 999,999,999,999.99 passes the amount check, but added to a
    balance it overflowed NUMERIC(14, 2): a DataError (500) instead of a clear refusal."""
    holdings = fuzz_world["holdings"]
    user, checking, huge = holdings.user, holdings["checking"], Decimal("999999999999.99")
    day = holdings["income"].occurred_on  # a day every account of the holdings is open (tests.clock.TODAY)
    before = dict(user.accounts.values_list("pk", "balance"))
    with pytest.raises(ValidationError, match="largest amount"):
        services.income_post(user=user, account_id=checking.pk, amount=huge, category=holdings["category"],
                             occurred_on=day)
    with pytest.raises(ValidationError, match="largest amount"):
        services.transaction_edit(user=user, transaction_id=holdings["income"].pk, amount=huge,
                                  occurred_on=day)
    with pytest.raises(ValidationError):
        services.transfer_create(user=user, from_account_id=holdings["credit_card"].pk, to_account_id=checking.pk,
                          amount=huge, occurred_on=day)
    assert dict(user.accounts.values_list("pk", "balance")) == before
    assert ledger_problems([user.pk]) == []
