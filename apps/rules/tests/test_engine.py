from decimal import Decimal

import pytest

from apps.rules import services
from apps.rules.engine import PatternError, RuleMatch, compile_pattern, matcher_for
from apps.rules.models import Rule
from tests.factories import AccountFactory, default_category

D = Decimal
pytestmark = pytest.mark.django_db


def rule(user, pattern, **kw):
    kw.setdefault("set_category", default_category("food"))
    return services.rule_create(user=user, name=kw.pop("name", pattern), pattern=pattern, **kw)


def match(user, description="", payee="", amount="10.00", kind="expense", account_id=None):
    return matcher_for(user)(description=description, payee=payee, amount=D(amount), kind=kind,
                             account_id=account_id)


def test_contains_is_case_insensitive_and_returns_the_rule(user):
    food = default_category("food")
    made = rule(user, "tesco", set_payee="Tesco")
    assert match(user, description="CARD PAYMENT TESCO STORES 123") == RuleMatch(made.pk, "tesco", food.pk, "Tesco")
    assert match(user, description="Lidl") is None


def test_starts_with_and_field_choice(user):
    rule(user, "sq *", operator="starts_with", field="description")
    assert match(user, description="SQ *COFFEE") is not None
    assert match(user, description="paid SQ *COFFEE") is None
    assert match(user, payee="SQ *COFFEE") is None  # the rule looks at the description only


def test_payee_field(user):
    rule(user, "netflix", field="payee")
    assert match(user, payee="Netflix") is not None
    assert match(user, description="Netflix") is None


def test_regex_is_re2_case_insensitive(user):
    rule(user, r"^(tesco|lidl)\b", operator="matches")
    assert match(user, description="LIDL 42 Berlin") is not None
    assert match(user, description="my lidl") is None


def test_amount_range_account_and_kind(user):
    checking = AccountFactory(owner=user)
    savings = AccountFactory(owner=user)
    rule(user, "shop", min_amount=D("5.00"), max_amount=D("20.00"), account=checking, kind="expense")
    assert match(user, description="shop", amount="5.00", account_id=checking.pk) is not None
    assert match(user, description="shop", amount="20.00", account_id=checking.pk) is not None
    assert match(user, description="shop", amount="20.01", account_id=checking.pk) is None
    assert match(user, description="shop", amount="4.99", account_id=checking.pk) is None
    assert match(user, description="shop", account_id=savings.pk) is None
    assert match(user, description="shop", account_id=None) is None
    assert match(user, description="shop", account_id=checking.pk, kind="income") is None


def test_first_match_by_position_and_inactive_rules_skipped(user):
    first = rule(user, "coffee", name="first")
    second = rule(user, "coffee shop", name="second", set_category=default_category("entertainment"))
    assert match(user, description="coffee shop").rule_id == first.pk
    services.rule_move(user=user, rule_id=second.pk, direction="up")
    assert match(user, description="coffee shop").rule_id == second.pk
    Rule.objects.filter(pk=second.pk).update(is_active=False)
    assert match(user, description="coffee shop").rule_id == first.pk


def test_another_users_rules_never_match(user, user_factory):
    rule(user_factory(), "tesco")
    assert match(user, description="tesco") is None


def test_matcher_loads_rules_in_one_query(user, django_assert_num_queries):
    for n in range(5):
        rule(user, f"shop {n}")
    with django_assert_num_queries(1):
        matcher = matcher_for(user)
    with django_assert_num_queries(0):
        for _ in range(100):
            matcher(description="shop 4", payee="", amount=D("1.00"), kind="expense", account_id=None)


@pytest.mark.parametrize("pattern", ["(a", "(a)\\1", "(?=x)a", "[z-a]", "x" * 201])
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(PatternError):
        compile_pattern(pattern)


def test_catastrophic_pattern_runs_in_linear_time(user):
    rule(user, "(a+)+$", operator="matches")
    assert match(user, description="a" * 20000 + "!") is None  # a backtracking engine would hang here
