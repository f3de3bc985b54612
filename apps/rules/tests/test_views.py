from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.rules import services
from apps.rules.models import Rule, RulePreferences
from apps.transactions.models import Transaction
from apps.transactions.selectors import monthly_total_mismatches
from tests.factories import AccountFactory, default_category, expense, income

D = Decimal
pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"name": "Groceries", "field": "either", "operator": "contains", "pattern": "tesco", "min_amount": "",
            "max_amount": "", "account": "", "kind": "either", "set_category": default_category("food").pk,
            "set_payee": "Tesco", "is_active": "on"}
    data.update(overrides)
    return data


def test_create_list_edit_delete(logged_in, user):
    response = logged_in.post(reverse("rules:create"), form_data())
    rule = Rule.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == reverse("rules:apply", args=[rule.pk])
    assert (rule.pattern, rule.set_payee, rule.position) == ("tesco", "Tesco", 1)
    page = logged_in.get(reverse("rules:list")).content.decode()
    assert "Groceries" in page and "tesco" in page
    response = logged_in.post(reverse("rules:edit", args=[rule.pk]), form_data(name="Tesco", pattern="tesco stores"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.pattern) == ("Tesco", "tesco stores")
    assert "Delete the rule" in logged_in.get(reverse("rules:delete", args=[rule.pk])).content.decode()
    assert Rule.objects.filter(pk=rule.pk).exists()
    logged_in.post(reverse("rules:delete", args=[rule.pk]))
    assert not Rule.objects.filter(pk=rule.pk).exists()


def test_stored_text_is_escaped(logged_in, user):
    services.rule_create(user=user, name="<script>alert(1)</script>", pattern="<b>x</b>", set_payee="<i>p</i>")
    page = logged_in.get(reverse("rules:list")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page and "<i>p</i>" not in page


@pytest.mark.parametrize(("pattern", "message"), [
    ("(tesco", "This pattern is not valid"),
    ("(a)\\1", "back-references"),
    ("x" * 201, "200 characters"),
])
def test_bad_regex_is_a_form_error(logged_in, user, pattern, message):
    response = logged_in.post(reverse("rules:create"), form_data(operator="matches", pattern=pattern))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Rule.objects.exists()


def test_service_refuses_bad_regex_too(user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.rule_create(user=user, name="x", pattern="(", operator="matches", set_payee="X")
    assert "pattern" in caught.value.message_dict


def test_form_errors(logged_in):
    response = logged_in.post(reverse("rules:create"), form_data(set_category="", set_payee="", min_amount="20",
                                                                 max_amount="10"))
    body = response.content.decode()
    assert "Choose a category to set, a payee name to set, or both." in body
    assert "The highest amount must be at least the lowest amount." in body
    assert not Rule.objects.exists()


def test_another_users_rule_answers_404(logged_in, user_factory):
    theirs = services.rule_create(user=user_factory(), name="theirs", pattern="x", set_payee="X")
    for name in ("edit", "delete", "apply"):
        assert logged_in.get(reverse(f"rules:{name}", args=[theirs.pk])).status_code == 404
    for name in ("delete", "move", "apply"):
        assert logged_in.post(reverse(f"rules:{name}", args=[theirs.pk]), {"direction": "up"}).status_code == 404
    assert Rule.objects.filter(pk=theirs.pk).exists()


def test_another_users_account_or_category_in_the_form_answers_404(logged_in, user_factory):
    other = user_factory()
    their_account = AccountFactory(owner=other)
    assert logged_in.post(reverse("rules:create"), form_data(account=their_account.pk)).status_code == 404
    assert not Rule.objects.exists()


def test_reorder(logged_in, user):
    first = services.rule_create(user=user, name="a", pattern="a", set_payee="A")
    second = services.rule_create(user=user, name="b", pattern="b", set_payee="B")
    logged_in.post(reverse("rules:move", args=[second.pk]), {"direction": "up"})
    assert list(Rule.objects.filter(owner=user).values_list("name", flat=True)) == ["b", "a"]
    logged_in.post(reverse("rules:move", args=[second.pk]), {"direction": "down"})
    assert list(Rule.objects.filter(owner=user).values_list("name", flat=True)) == ["a", "b"]
    assert first.pk != second.pk


def test_preference_toggle(logged_in, user):
    logged_in.post(reverse("rules:preferences"), {"apply_on_manual_entry": "on"})
    assert RulePreferences.objects.get(owner=user).apply_on_manual_entry is True
    logged_in.post(reverse("rules:preferences"), {})
    assert RulePreferences.objects.get(owner=user).apply_on_manual_entry is False


def test_the_preferences_box_sits_beside_its_label(logged_in):
    """Without Bootstrap's form-check-input the box stood on a line of its own above its label."""
    html = logged_in.get(reverse("rules:list")).content.decode()
    assert ('<input type="checkbox" name="apply_on_manual_entry" class="form-check-input" '
            'id="id_apply_on_manual_entry">') in html


def test_make_a_rule_from_a_transaction(logged_in, user, user_factory):
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    entry = expense(account, "12.00", description="TESCO STORES 123", payee="Tesco",
                    category=default_category("food"))
    form = logged_in.get(reverse("rules:create"), {"from": entry.pk}).context["form"]
    assert form.initial["pattern"] == "Tesco"
    assert form.initial["field"] == "payee"
    assert form.initial["set_category"] == default_category("food").pk
    assert form.initial["account"] == account.pk
    assert form.initial["kind"] == "expense"
    assert form.initial["set_payee"] == "Tesco"
    theirs = expense(AccountFactory(owner=user_factory(), opening_balance=D("10.00")), "1.00")
    assert logged_in.get(reverse("rules:create"), {"from": theirs.pk}).status_code == 404
    assert logged_in.get(reverse("rules:create"), {"from": "abc"}).status_code == 404
    edit_page = logged_in.get(reverse("transactions:update", args=[entry.pk])).content.decode()
    assert f'{reverse("rules:create")}?from={entry.pk}' in edit_page


def test_apply_to_past_preview_then_confirm(logged_in, user, frozen_now):
    account = AccountFactory(owner=user, opening_balance=D("1000.00"))
    other_user_account = AccountFactory(opening_balance=D("100.00"))
    food, shopping = default_category("food"), default_category("shopping")
    matching = [expense(account, f"{n}.00", on=date(2025, 1 + n % 3, 3), description=f"TESCO {n}",
                        category=shopping) for n in range(1, 6)]
    already = expense(account, "9.00", description="TESCO done", payee="Tesco", category=food)
    other = expense(account, "4.00", description="Lidl", category=shopping)
    pay = income(account, "50.00", description="TESCO refund")  # income matches "either" kind
    theirs = expense(other_user_account, "2.00", description="TESCO", category=shopping)
    rule = services.rule_create(user=user, name="Tesco", pattern="tesco", kind="expense", set_category=food,
                                set_payee="Tesco")
    response = logged_in.get(reverse("rules:apply", args=[rule.pk]))
    assert response.context["count"] == 5
    body = response.content.decode()
    assert 'data-count="5"' in body
    assert all(f'id="change-{e.pk}"' in body for e in matching)
    assert f'id="change-{already.pk}"' not in body
    response = logged_in.post(reverse("rules:apply", args=[rule.pk]))
    assert response.status_code == 302
    changed = set(Transaction.objects.filter(owner=user, category=food, payee="Tesco").values_list("pk", flat=True))
    assert changed == {e.pk for e in matching} | {already.pk}
    for untouched in (other, pay, theirs):
        before = untouched.category_id, untouched.payee
        untouched.refresh_from_db()
        assert (untouched.category_id, untouched.payee) == before
    assert monthly_total_mismatches() == []
    assert logged_in.get(reverse("rules:apply", args=[rule.pk])).context["count"] == 0


def test_apply_preview_is_paginated(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=D("1000.00"))
    for n in range(55):
        expense(account, "1.00", description=f"coffee {n}")
    rule = services.rule_create(user=user, name="Coffee", pattern="coffee", set_category=default_category("other"))
    first = logged_in.get(reverse("rules:apply", args=[rule.pk]))
    assert first.context["count"] == 55 and len(first.context["rows"]) == 50
    assert len(logged_in.get(reverse("rules:apply", args=[rule.pk]), {"page": 2}).context["rows"]) == 5


def test_applying_a_rule_leaves_a_split_entry_as_it_was_shared_out(logged_in, user):
    from apps.rules.selectors import rule_past_changes
    from apps.transactions import services as ledger

    account = AccountFactory(owner=user, opening_balance=D("1000.00"))
    food, shopping = default_category("food"), default_category("shopping")
    whole = expense(account, "30.00", description="TESCO 1", category=shopping)
    split = expense(account, "50.00", description="TESCO 2", category=shopping)
    parts = ledger.entry_split(user=user, transaction_id=split.pk, parts=[(D("40.00"), shopping),
                                                                          (D("10.00"), default_category("household"))])
    rule = services.rule_create(user=user, name="Tesco", pattern="tesco", kind="expense", set_category=food)
    assert [pk for pk, _category, _payee in rule_past_changes(user=user, rule=rule)] == [whole.pk]
    logged_in.post(reverse("rules:apply", args=[rule.pk]))
    assert [Transaction.objects.get(pk=p.pk).category.name for p in parts] == ["shopping", "household"]
    assert Transaction.objects.get(pk=whole.pk).category == food
