"""Categories people can manage (issue 16.5): rename, merge (entries, monthly totals, budgets,
bills, rules and import previews move together, atomically), delete with reassignment,
income vs expense categories, a colour per category, default categories hidden per user."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.bills.models import RecurringItem
from apps.bills.services import recurring_create
from apps.budgets.models import Budget
from apps.imports.models import ImportBatch, ImportRow
from apps.rules.models import Rule
from apps.rules.services import rule_create
from apps.transactions import services
from apps.transactions.forms import EntryForm
from apps.transactions.models import Category, CategoryPreference, MonthlyTotal, Transaction
from apps.transactions.selectors import category_rows
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def buckets(user, category) -> dict:
    return {(m.account_id, m.month, m.kind): (m.total, m.count)
            for m in MonthlyTotal.objects.filter(owner=user, category=category)}


def preview_row(user, account, category) -> ImportRow:
    batch = ImportBatch.objects.create(owner=user, file_name="x.csv", sha256="0" * 64, format="csv",
                                       status=ImportBatch.Status.PREVIEWED)
    return ImportRow.objects.create(batch=batch, position=0, line=2, occurred_on=date(2025, 3, 1),
                                    amount=D("-4.00"), account=account, category=category, outcome="new")


@pytest.fixture
def setup(user, frozen_now):
    checking = f.account(user, "Checking", opening="1000.00")
    groceries = f.category("groceries", user=user)
    food = f.category("food")  # a default one
    f.expense(checking, "10.00", category=groceries, on=date(2025, 3, 1))
    f.expense(checking, "5.50", category=groceries, on=date(2025, 4, 2))
    f.expense(checking, "20.00", category=food, on=date(2025, 3, 3))
    return checking, groceries, food


def test_merge_moves_entries_totals_budgets_bills_rules_and_previews(user, setup):
    checking, groceries, food = setup
    own_target = f.category("eating", user=user)
    f.expense(checking, "7.00", category=own_target, on=date(2025, 3, 9))
    budget = f.budget(user, groceries, "100.00")
    bill = recurring_create(user=user, name="Veg box", amount=D("12.00"), account_id=checking.pk,
                            starts_on=date(2025, 12, 20), category=groceries)
    rule = rule_create(user=user, name="Market", pattern="market", set_category=groceries)
    row = preview_row(user, checking, groceries)

    services.category_merge(user=user, source_id=groceries.pk, target_id=own_target.pk)

    assert not Category.objects.filter(pk=groceries.pk).exists()
    assert sorted(Transaction.objects.filter(owner=user, category=own_target).values_list("amount", flat=True)) == [
        D("5.50"), D("7.00"), D("10.00")]
    march = (checking.pk, date(2025, 3, 1), "expense")
    assert buckets(user, own_target)[march] == (D("17.00"), 2)  # 10.00 added into the existing 7.00 bucket
    assert buckets(user, own_target)[(checking.pk, date(2025, 4, 1), "expense")] == (D("5.50"), 1)
    assert Budget.objects.get(pk=budget.pk).category_id == own_target.pk
    assert RecurringItem.objects.get(pk=bill.pk).category_id == own_target.pk
    assert Rule.objects.get(pk=rule.pk).set_category_id == own_target.pk
    row.refresh_from_db()
    assert row.category_id == own_target.pk
    # The food entry is untouched; the ledger check (autouse) recounts every monthly total.
    assert buckets(user, food)[march[:1] + (date(2025, 3, 1), "expense")] == (D("20.00"), 1)


def test_merge_refused_on_budgets_of_the_same_period_and_currency_rolls_everything_back(user, setup):
    checking, groceries, food = setup
    target = f.category("eating", user=user)
    f.budget(user, groceries, "100.00")
    f.budget(user, target, "50.00")
    rule = rule_create(user=user, name="Market", pattern="market", set_category=groceries)
    before = buckets(user, groceries)

    with pytest.raises(ValidationError) as error:
        services.category_merge(user=user, source_id=groceries.pk, target_id=target.pk)

    assert "budgets for both “Groceries” and “Eating” (monthly in USD)" in str(error.value)
    assert Category.objects.filter(pk=groceries.pk).exists()
    assert Transaction.objects.filter(category=groceries).count() == 2
    assert buckets(user, groceries) == before and buckets(user, target) == {}
    assert Rule.objects.get(pk=rule.pk).set_category_id == groceries.pk


def test_merge_of_a_default_category_moves_only_this_users_rows_and_hides_it_for_them(user, user_factory, setup):
    checking, groceries, food = setup
    other = user_factory()
    other_account = f.account(other, "Theirs", opening="100.00")
    f.expense(other_account, "3.00", category=food)
    other_budget = f.budget(other, food, "80.00")

    services.category_merge(user=user, source_id=food.pk, target_id=groceries.pk)

    assert Category.objects.filter(pk=food.pk).exists()  # everyone's row stays
    assert CategoryPreference.objects.get(owner=user, category=food).hidden
    assert not CategoryPreference.objects.filter(owner=other).exists()
    assert Transaction.objects.filter(owner=user, category=food).count() == 0
    assert Transaction.objects.filter(owner=other, category=food).count() == 1
    assert Budget.objects.get(pk=other_budget.pk).category_id == food.pk
    assert buckets(other, food) == {(other_account.pk, date(2025, 3, 1), "expense"): (D("3.00"), 1)}
    # Hidden for the user: not offered, and refused by the ledger; still offered to the other customer.
    assert food not in EntryForm(user=user, entry_kind="expense").fields["category"].queryset
    assert food in EntryForm(user=other, entry_kind="expense").fields["category"].queryset
    with pytest.raises(ValidationError):
        f.expense(checking, "1.00", category=food)
    services.category_show(user=user, category_id=food.pk)
    assert food in EntryForm(user=user, entry_kind="expense").fields["category"].queryset


def test_merge_refuses_a_target_of_the_other_kind_and_itself(user, setup):
    checking, groceries, food = setup
    with pytest.raises(ValidationError, match="for income only"):
        services.category_merge(user=user, source_id=groceries.pk, target_id=f.category("salary").pk)
    with pytest.raises(ValidationError, match="different category"):
        services.category_merge(user=user, source_id=groceries.pk, target_id=groceries.pk)
    assert Transaction.objects.filter(category=groceries).count() == 2


def test_merge_refuses_a_bill_into_an_income_only_category(user, frozen_now):
    checking = f.account(user, "Checking", opening="10.00")
    empty = f.category("misc", user=user)
    recurring_create(user=user, name="Gym", amount=D("30.00"), account_id=checking.pk,
                     starts_on=date(2025, 12, 20), category=empty)
    with pytest.raises(ValidationError, match="“Gym” \\(bill\\) cannot move"):
        services.category_merge(user=user, source_id=empty.pk, target_id=f.category("salary").pk)
    assert Category.objects.filter(pk=empty.pk).exists()


def test_rename_own_and_refuse_a_taken_name(user, setup):
    checking, groceries, food = setup
    renamed = services.category_update(user=user, category_id=groceries.pk, name="  Market  food ",
                                       colour="#198754")
    assert (renamed.pk, renamed.name, renamed.colour) == (groceries.pk, "Market food", "#198754")
    with pytest.raises(ValidationError, match="already have a category called “FOOD”"):
        services.category_update(user=user, category_id=groceries.pk, name="FOOD")
    with pytest.raises(ValidationError):
        services.category_update(user=user, category_id=groceries.pk, name="x", colour="#123456")


def test_renaming_a_default_category_gives_the_user_their_own(user, user_factory, setup):
    checking, groceries, food = setup
    other = user_factory()
    own = services.category_update(user=user, category_id=food.pk, name="Dining", colour="#dc3545")
    assert own.owner == user and own.name == "Dining" and own.kind == "expense" and own.colour == "#dc3545"
    assert Category.objects.get(pk=food.pk).name == "food"  # not changed for anybody else
    assert Transaction.objects.get(owner=user, amount=D("20.00")).category_id == own.pk
    assert [r.category.name for r in category_rows(user=user)["hidden"]] == ["food"]
    assert category_rows(user=other)["hidden"] == []
    # A default category's colour is the user's preference.
    services.category_update(user=user, category_id=f.category("rent").pk, name="Rent", colour="#6f42c1")
    assert Category.objects.colours_for(user)[f.category("rent").pk] == "#6f42c1"
    assert f.category("rent").pk not in Category.objects.colours_for(other)


def test_delete_asks_for_a_target_when_in_use_and_deletes_an_empty_one(user, setup):
    checking, groceries, food = setup
    with pytest.raises(ValidationError, match="used by 2 entries: choose a category"):
        services.category_delete(user=user, category_id=groceries.pk)
    services.category_delete(user=user, category_id=groceries.pk, target_id=food.pk)
    assert Transaction.objects.filter(owner=user, category=food).count() == 3
    empty = f.category("empty", user=user)
    services.category_delete(user=user, category_id=empty.pk)
    assert not Category.objects.filter(pk=empty.pk).exists()
    services.category_delete(user=user, category_id=f.category("health").pk)  # a default one: hidden
    assert CategoryPreference.objects.get(owner=user, category__name="health").hidden


def test_income_and_expense_kinds_in_forms_and_services(user, frozen_now):
    checking = f.account(user, "Checking", opening="100.00")
    salary, food, other = f.category("salary"), f.category("food"), f.category("other")
    assert (salary.kind, food.kind, other.kind) == ("income", "expense", "both")
    income_choices = set(EntryForm(user=user, entry_kind="income").fields["category"].queryset)
    expense_choices = set(EntryForm(user=user, entry_kind="expense").fields["category"].queryset)
    assert salary in income_choices and food not in income_choices and other in income_choices
    assert food in expense_choices and salary not in expense_choices
    with pytest.raises(ValidationError, match="“salary” is a category for income: choose one for expense"):
        services.expense_post(user=user, account_id=checking.pk, amount=D("1.00"), category=salary,
                              occurred_on=date(2025, 3, 1))
    with pytest.raises(ValidationError, match="for expense"):
        services.income_post(user=user, account_id=checking.pk, amount=D("1.00"), category=food,
                             occurred_on=date(2025, 3, 1))
    entry = f.expense(checking, "2.00", category=food)
    with pytest.raises(ValidationError):
        services.transaction_edit(user=user, transaction_id=entry.pk, amount=D("2.00"), occurred_on=entry.occurred_on,
                                  category=salary)
    # An own category for income only cannot become "expense" while it holds income.
    bonus = services.category_create(user=user, name="Bonus", kind="income")
    f.income(checking, "9.00", category=bonus)
    with pytest.raises(ValidationError, match="has incomes"):
        services.category_update(user=user, category_id=bonus.pk, name="Bonus", kind="expense")


def test_another_users_category_answers_404_on_every_new_url(client, user, user_factory, frozen_now):
    theirs = f.category("secret", user=user_factory())
    client.force_login(user)
    for name in ("category_update", "category_merge", "category_delete"):
        url = reverse(f"transactions:{name}", args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "x", "target": theirs.pk}).status_code == 404
    # A default category is addressed by name (everyone has it); a name that is none answers 404.
    assert client.get(reverse("transactions:default_category_merge", args=["secret"])).status_code == 404
    mine = f.category("mine", user=user)
    # Another user's category as the target: 404 too, nothing moved.
    response = client.post(reverse("transactions:category_merge", args=[mine.pk]), {"target": theirs.pk})
    assert response.status_code == 404
    assert Category.objects.filter(pk=mine.pk).exists()


def test_category_pages(client, user, setup):
    checking, groceries, food = setup
    client.force_login(user)
    page = client.get(reverse("transactions:categories"))
    assert page.status_code == 200
    assert f'href="{reverse("transactions:category_merge", args=[groceries.pk])}"' in page.content.decode()
    assert 'href="/transactions/categories/default/food/merge/"' in page.content.decode()
    assert b"category-swatch" in page.content and b"Groceries" in page.content
    response = client.post(reverse("transactions:categories"),
                           {"name": "Pets", "kind": "expense", "colour": "#fd7e14"})
    assert response.status_code == 302
    pets = Category.objects.get(owner=user, name="Pets")
    assert (pets.kind, pets.colour) == ("expense", "#fd7e14")
    merge_page = client.get(reverse("transactions:category_merge", args=[groceries.pk]))
    assert "2 entries" in merge_page.content.decode()
    response = client.post(reverse("transactions:category_merge", args=[groceries.pk]), {"target": pets.pk})
    assert response.status_code == 302
    assert Transaction.objects.filter(owner=user, category=pets).count() == 2
    response = client.post(reverse("transactions:category_delete", args=[pets.pk]), {})
    assert response.status_code == 200 and "Choose the category that takes them." in response.content.decode()
    response = client.post(reverse("transactions:default_category_update", args=["food"]),
                           {"name": "Meals", "colour": ""})
    assert response.status_code == 302
    assert Category.objects.filter(owner=user, name="Meals").exists()


def test_colours_reach_the_dashboard_and_insights_chart_data(client, user, setup):
    checking, groceries, food = setup
    f.expense(checking, "4.00", category=groceries, on=date(2025, 12, 2))
    f.expense(checking, "6.00", category=food, on=date(2025, 12, 3))
    services.category_update(user=user, category_id=groceries.pk, name="groceries", colour="#20c997")
    services.category_update(user=user, category_id=food.pk, name="food", colour="#d63384")
    client.force_login(user)
    chart = client.get("/").context["chart_data"]["categories"][0]
    assert dict(zip(chart["labels"], chart["colours"], strict=True)) == {"Food": "#d63384", "Groceries": "#20c997"}
    series = client.get("/insights/").context["chart_data"]["charts"][0]["categories"]["series"]
    assert {s["name"]: s["colour"] for s in series} == {"Food": "#d63384", "Groceries": "#20c997"}


def test_a_category_whose_entries_were_all_deleted_can_be_deleted(user, setup):
    checking, groceries, food = setup
    for entry in Transaction.objects.filter(owner=user, category=groceries):
        services.transaction_delete(user=user, transaction_id=entry.pk)
    assert MonthlyTotal.objects.filter(category=groceries, count=0).exists()  # emptied buckets stay at zero
    services.category_delete(user=user, category_id=groceries.pk)
    assert not Category.objects.filter(pk=groceries.pk).exists()


def test_a_moved_budget_is_checked_against_what_the_target_holds(user, setup):
    from apps.alerts.models import Alert

    checking, groceries, food = setup
    empty = f.category("snacks", user=user)
    budget = f.budget(user, empty, "10.00")
    f.expense(checking, "25.00", category=groceries, on=date(2025, 12, 5))  # this month: over the limit once moved
    assert not Alert.objects.filter(budget=budget).exists()
    services.category_merge(user=user, source_id=empty.pk, target_id=groceries.pk)
    assert Budget.objects.get(pk=budget.pk).category_id == groceries.pk
    assert Alert.objects.filter(budget=budget, kind=Alert.Kind.BUDGET_EXCEEDED).exists()
