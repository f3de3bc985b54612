from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import Account
from apps.bills import selectors, services
from apps.bills.models import Occurrence, RecurringItem
from apps.transactions import services as ledger
from apps.transactions.models import Transaction
from tests.factories import UserFactory, account, category, expense

from .conftest import TODAY, make_bill

pytestmark = pytest.mark.django_db
D = Decimal


def at(time_machine, day: date):
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def current(user, item):
    [row] = [r for r in selectors.recurring_list(user=user) if r.item.pk == item.pk]
    return row


# --- create ----------------------------------------------------------------------------------

def test_create_a_bill_starts_its_schedule(user, checking):
    bill = make_bill(checking, starts_on=date(2025, 12, 31), remind_days=5)
    assert (bill.kind, bill.amount, bill.currency, bill.next_due_on, bill.day) == (
        "bill", D("850.00"), "USD", date(2025, 12, 31), 31)
    assert (bill.autopay, bill.remind_days, bill.is_paused) == (False, 5, False)
    assert not bill.occurrences.exists()  # nothing happened yet: nothing stored
    row = current(user, bill)
    assert (row.current.due_on, row.current.amount, row.current.state) == (date(2025, 12, 31), D("850.00"), "upcoming")


def test_income_and_transfers_always_post_automatically(user, checking, savings):
    salary = make_bill(checking, name="Salary", kind="income", cat="salary", amount="3000.00", autopay=False)
    saving = make_bill(checking, name="Savings", kind="transfer", to_account_id=savings.pk, amount="200.00")
    assert salary.autopay and saving.autopay and salary.remind_days is None
    assert saving.category is None and saving.to_account == savings


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"starts_on": date(2025, 12, 14)}, "starts_on"),  # yesterday: a schedule applies from today on
    ({"amount": "0"}, "amount"),
    ({"amount": "12.345"}, "amount"),
    ({"amount_min": D("900.00"), "amount_max": D("1000.00")}, "amount"),  # 850 not in the range
    ({"amount_min": D("800.00")}, "amount_max"),
    ({"frequency": "semimonthly"}, "second_day"),
    ({"frequency": "fortnightly"}, "frequency"),
    ({"until": date(2025, 12, 1)}, "until"),
    ({"count": 0}, "count"),
    ({"remind_days": 61}, "remind_days"),
    ({"name": "  "}, "name"),
])
def test_create_refuses_bad_input_with_a_message_by_field(checking, kwargs, field):
    with pytest.raises(ValidationError) as error:
        make_bill(checking, **kwargs)
    assert field in error.value.message_dict


def test_only_bills_have_an_estimated_amount(checking):
    with pytest.raises(ValidationError) as error:
        make_bill(checking, kind="income", cat="salary", amount_min=D("1.00"), amount_max=D("900.00"))
    assert "amount_min" in error.value.message_dict


def test_transfers_need_two_different_accounts_in_one_currency(user, checking):
    euros = account(user, "Euros", currency="EUR")
    for target, message in ((checking, "two different accounts"), (euros, "same currency")):
        with pytest.raises(ValidationError, match=message):
            make_bill(checking, kind="transfer", to_account_id=target.pk)


def test_another_customers_account_or_category_is_refused(user, checking):
    other = UserFactory()
    theirs = account(other, "Theirs")
    with pytest.raises(ValidationError, match="Choose one of your accounts"):
        services.recurring_create(user=user, name="Rent", amount=D("1.00"), account_id=theirs.pk, starts_on=TODAY,
                                  category=category("rent"))
    with pytest.raises(ValidationError, match="Choose one of your categories"):
        make_bill(checking, category=category("their own", user=other))


def test_a_closed_account_is_refused(user):
    closed = account(user, "Old")
    Account.objects.filter(pk=closed.pk).update(closed_on=TODAY)
    with pytest.raises(ValidationError, match="closed"):
        make_bill(closed)


@pytest.mark.parametrize(("field", "value"), [
    ("amount", D("0.00")), ("amount_min", D("900.00")), ("kind", "loan"), ("frequency", "daily"),
    ("autopay", False), ("second_day", 12),
])
def test_the_database_refuses_what_the_service_refuses(user, checking, field, value):
    item = make_bill(checking, kind="income", cat="salary", amount="100.00")
    changes = {field: value}
    if field == "amount_min":
        changes["amount_max"] = D("1000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringItem.objects.filter(pk=item.pk).update(**changes)


def test_an_occurrence_is_stored_once_per_date(checking):
    bill = make_bill(checking)
    Occurrence.objects.create(item=bill, due_on=TODAY, amount=D("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.create(item=bill, due_on=TODAY, amount=D("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():  # paid means: by a ledger entry
        Occurrence.objects.filter(item=bill).update(state="paid")


# --- edit: the future only ------------------------------------------------------------------

def test_editing_the_amount_keeps_past_payments_and_unpaid_dates_as_they_were(user, checking, time_machine):
    bill = make_bill(checking, starts_on=date(2025, 12, 16))
    services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=date(2025, 12, 16), post=True)
    at(time_machine, date(2026, 2, 20))  # 16 Jan and 16 Feb passed unpaid
    services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, amount=D("900.00"),
                                                                        starts_on=date(2026, 3, 16)))
    stored = dict(Occurrence.objects.filter(item=bill).values_list("due_on", "amount"))
    assert stored == {date(2025, 12, 16): D("850.00"), date(2026, 1, 16): D("850.00"),
                      date(2026, 2, 16): D("850.00")}
    row = current(user, bill)
    assert (row.current.due_on, row.current.amount, row.current.state, row.past_open) == (
        date(2026, 1, 16), D("850.00"), "overdue", 2)
    assert selectors.upcoming_dates(item=RecurringItem.objects.get(pk=bill.pk)) == [
        date(2026, 3, 16), date(2026, 4, 16), date(2026, 5, 16)]
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=date(2026, 1, 16))
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=date(2026, 2, 16))
    assert (current(user, bill).current.due_on, current(user, bill).current.amount) == (date(2026, 3, 16), D("900.00"))


def edit_kwargs(item, **changes):
    kwargs = selectors.edit_initial(item=item)
    kwargs["account_id"] = kwargs.pop("account")
    kwargs.pop("to_account")
    if item.kind == "transfer":
        kwargs["to_account_id"] = item.to_account_id
    kwargs["category"] = item.category
    return {**kwargs, **changes}


def test_editing_the_schedule_starts_again_from_the_next_date(user, checking, time_machine):
    bill = make_bill(checking, starts_on=date(2025, 12, 31), count=6)  # 31 Dec .. 31 May
    services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=date(2025, 12, 31), post=True)
    at(time_machine, date(2026, 1, 10))
    initial = selectors.edit_initial(item=bill)
    assert (initial["starts_on"], initial["count"]) == (date(2026, 1, 31), 5)  # the payments left
    bill = services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, day=15,
                                                                               starts_on=date(2026, 2, 1)))
    bill.refresh_from_db()
    assert selectors.upcoming_dates(item=bill, limit=10) == [
        date(2026, 2, 15), date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 15), date(2026, 6, 15)]
    # Paid before the change: still paid, with its amount.
    assert Occurrence.objects.get(item=bill, due_on=date(2025, 12, 31)).state == "paid"


def test_an_unchanged_edit_keeps_clamped_month_ends(user, checking, time_machine):
    bill = make_bill(checking, starts_on=date(2026, 1, 31))
    at(time_machine, date(2026, 2, 1))
    services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill))  # starts on 28 Feb, day 31
    bill.refresh_from_db()
    assert selectors.upcoming_dates(item=bill) == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_editing_drops_reminded_dates_the_new_schedule_lacks_and_reprices_the_others(user, checking, time_machine):
    bill = make_bill(checking, starts_on=date(2025, 12, 16), frequency="weekly")
    services.bill_reminders_send(today=TODAY)  # remembers 16 Dec and nothing else (3 days ahead)
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=date(2025, 12, 23))
    services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, amount=D("10.00"),
                                                                        starts_on=date(2025, 12, 17)))
    stored = {o.due_on: (o.state, o.amount) for o in Occurrence.objects.filter(item=bill)}
    # 16 Dec (reminded, open) is not a date of the new schedule (weekly from the 17th): gone.
    # 23 Dec was skipped before the change: it stays in the history.
    assert stored == {date(2025, 12, 23): ("skipped", D("850.00"))}
    services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, amount=D("10.00"),
                                                                        starts_on=date(2025, 12, 17)))
    services.bill_reminders_send(today=TODAY)
    services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, amount=D("12.00"),
                                                                        starts_on=date(2025, 12, 17)))
    assert Occurrence.objects.get(item=bill, due_on=date(2025, 12, 17)).amount == D("12.00")


def test_an_item_with_history_keeps_its_currency(user, checking):
    euros = account(user, "Euros", currency="EUR")
    bill = make_bill(checking)
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=TODAY)
    with pytest.raises(ValidationError, match="in USD"):
        services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, account_id=euros.pk))


def test_an_edit_cannot_start_in_the_past(user, checking):
    bill = make_bill(checking)
    with pytest.raises(ValidationError) as error:
        services.recurring_update(user=user, item_id=bill.pk, **edit_kwargs(bill, starts_on=date(2025, 12, 1)))
    assert "starts_on" in error.value.message_dict


# --- pause, resume, skip ----------------------------------------------------------------------

def test_pause_posts_nothing_and_resume_skips_what_passed_meanwhile(user, checking, time_machine):
    salary = make_bill(checking, name="Salary", kind="income", cat="salary", amount="100.00",
                       starts_on=date(2025, 12, 16), frequency="weekly")
    services.recurring_pause(user=user, item_id=salary.pk)
    at(time_machine, date(2025, 12, 31))
    assert services.recurring_post_due().posted == []
    services.recurring_resume(user=user, item_id=salary.pk)
    states = dict(Occurrence.objects.filter(item=salary).values_list("due_on", "state"))
    assert states == {date(2025, 12, 16): "skipped", date(2025, 12, 23): "skipped", date(2025, 12, 30): "skipped"}
    at(time_machine, date(2026, 1, 6))
    assert [o.due_on for o in services.recurring_post_due().posted] == [date(2026, 1, 6)]


def test_skip_the_next_payment(user, checking):
    bill = make_bill(checking)
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=TODAY)
    assert current(user, bill).current.due_on == date(2026, 1, 15)
    with pytest.raises(ValidationError, match="already skipped"):
        services.occurrence_skip(user=user, item_id=bill.pk, due_on=TODAY)
    with pytest.raises(ValidationError, match="no payment due"):
        services.occurrence_skip(user=user, item_id=bill.pk, due_on=date(2026, 1, 16))


def test_skipping_a_later_date_keeps_the_earlier_ones_open(user, checking):
    bill = make_bill(checking)
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=date(2026, 2, 15))
    assert current(user, bill).current.due_on == TODAY
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=TODAY)
    assert current(user, bill).current.due_on == date(2026, 1, 15)
    services.occurrence_skip(user=user, item_id=bill.pk, due_on=date(2026, 1, 15))
    assert current(user, bill).current.due_on == date(2026, 3, 15)


# --- mark paid --------------------------------------------------------------------------------

def test_mark_paid_by_linking_a_matching_expense(user):
    checking = account(user, "Checking", opening="10000.00")
    bill = make_bill(checking)
    entry = expense(checking, "850.00", on=date(2025, 12, 13), category="rent", description="RENT december")
    expense(checking, "850.00", on=date(2025, 12, 1), category="rent", description="Rent")  # too early
    expense(checking, "849.99", on=TODAY, category="rent", description="Rent")  # another amount
    expense(checking, "850.00", on=TODAY, category="rent", description="Groceries")  # another payee
    expense(account(user, "Card", opening="900.00"), "850.00", on=TODAY, category="rent",
            description="Rent")  # another account
    assert selectors.occurrence_matches(user=user, item=bill, due_on=TODAY, amount=D("850.00")) == [entry]
    occurrence = services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, transaction_id=entry.pk)
    assert (occurrence.state, occurrence.transaction, occurrence.amount) == ("paid", entry, D("850.00"))
    assert Transaction.objects.filter(owner=user).count() == 7  # 2 openings + 5 expenses: nothing posted
    # Linked once: not suggested nor accepted for the next payment.
    assert selectors.occurrence_matches(user=user, item=bill, due_on=date(2026, 1, 15), amount=D("850.00")) == []
    with pytest.raises(ValidationError, match="already pays another bill"):
        services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=date(2026, 1, 15), transaction_id=entry.pk)


def test_matches_of_an_estimated_bill_are_within_its_range(user, checking):
    power = make_bill(checking, name="City Power", amount="100.00", amount_min=D("80.00"), amount_max=D("150.00"),
                      cat="utilities")
    inside = expense(checking, "132.17", on=date(2025, 12, 20), category="utilities", description="city power co")
    expense(checking, "150.01", on=TODAY, category="utilities", description="City Power")
    assert selectors.occurrence_matches(user=user, item=power, due_on=TODAY, amount=D("100.00")) == [inside]
    occurrence = services.occurrence_mark_paid(user=user, item_id=power.pk, due_on=TODAY, transaction_id=inside.pk)
    assert occurrence.amount == D("132.17")  # what was paid


def test_mark_paid_by_posting_through_the_ledger(user, checking):
    bill = make_bill(checking, amount="100.00")
    occurrence = services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, post=True)
    entry = occurrence.transaction
    assert (entry.kind, entry.amount, entry.occurred_on, entry.description, entry.category.name) == (
        "expense", D("100.00"), TODAY, "Rent", "rent")
    checking.refresh_from_db()
    assert checking.balance == D("900.00")


def test_posting_a_payment_that_would_overdraw_is_refused_and_changes_nothing(user, checking):
    bill = make_bill(checking, amount="1000.01")
    with pytest.raises(ValidationError, match="Not enough money"):
        services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, post=True)
    checking.refresh_from_db()
    assert checking.balance == D("1000.00")
    assert not Occurrence.objects.filter(item=bill).exists()
    assert current(user, bill).current.state == "due"


def test_another_customers_item_or_expense_is_not_found(user, checking):
    other = UserFactory()
    theirs = make_bill(account(other, "Theirs", opening="100.00"))
    their_entry = expense(theirs.account, "10.00", description="Rent")
    for call in (services.occurrence_skip, services.occurrence_mark_paid):
        with pytest.raises(RecurringItem.DoesNotExist):
            call(user=user, item_id=theirs.pk, due_on=TODAY, **({"post": True} if call is not
                                                                services.occurrence_skip else {}))
    for call in (services.recurring_pause, services.recurring_resume, services.recurring_delete):
        with pytest.raises(RecurringItem.DoesNotExist):
            call(user=user, item_id=theirs.pk)
    mine = make_bill(checking)
    with pytest.raises(ValidationError, match="one of your expenses"):
        services.occurrence_mark_paid(user=user, item_id=mine.pk, due_on=TODAY, transaction_id=their_entry.pk)


def test_deleting_the_entry_that_paid_a_bill_reopens_it(user, checking):
    bill = make_bill(checking)
    occurrence = services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, post=True)
    ledger.transaction_delete(user=user, transaction_id=occurrence.transaction_id)
    occurrence.refresh_from_db()
    assert (occurrence.state, occurrence.transaction_id) == ("upcoming", None)
    assert current(user, bill).current.state == "due"


def test_deleting_an_automatic_payment_skips_it_for_good(user, checking, savings):
    saving = make_bill(checking, name="Savings", kind="transfer", to_account_id=savings.pk, amount="50.00")
    [posted] = services.recurring_post_due().posted
    ledger.transaction_delete(user=user, transaction_id=Occurrence.objects.get(pk=posted.pk).transaction_id)
    assert Occurrence.objects.get(pk=posted.pk).state == "skipped"
    assert services.recurring_post_due().posted == []  # not posted again
    assert Transaction.objects.filter(owner=user, kind="transfer_out").count() == 0
    assert saving.pk


# --- delete -----------------------------------------------------------------------------------

def test_delete_removes_an_item_without_history_and_keeps_one_with_history(user, checking):
    fresh = make_bill(checking, name="Gym")
    services.bill_reminders_send()  # reminded only: not history
    assert services.recurring_delete(user=user, item_id=fresh.pk) is True
    assert not RecurringItem.objects.filter(pk=fresh.pk).exists()
    paid = make_bill(checking, amount="10.00")
    services.occurrence_mark_paid(user=user, item_id=paid.pk, due_on=TODAY, post=True)
    assert services.recurring_delete(user=user, item_id=paid.pk) is False
    paid.refresh_from_db()
    assert not paid.is_active and paid.occurrences.get().state == "paid"
    assert selectors.recurring_list(user=user) == []
    assert services.recurring_post_due().posted == [] and services.bill_reminders_send().reminders == 0
