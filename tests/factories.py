"""All test data in one place: the model factories (factory-boy), the helpers that write
through the ledger services, and, for the cross-cutting suites (security, property),
``customer_with_everything``: one customer holding one object of every kind the pages
address by id.

One argument order for every helper:

    account(user, name="Checking", *, opening="0.00", currency=None, kind=CHECKING, opened_on=2020-01-01, **kw)
    category(name="food", *, user=None)
    expense(account, amount, *, on=DAY, category="food", **kw)
    income(account, amount, *, on=DAY, category="salary", **kw)
    transfer(source, target, amount, *, on=DAY, **kw)
    budget(user, category="food", limit="100.00", *, period="monthly", start=2020-01-01, warning_percent=80,
           currency=None)

Money movements go through the ledger services (so balances, monthly totals, the budget
check and the audit trail are the ones production keeps), acting as the account's owner;
``**kw`` goes to the service (description, form_token, ...). A category is a name (the
owner's own category of that name, else the default one every user has) or a Category.
Money is a Decimal or a string, never a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.budgets.models import Budget
from apps.transactions import services
from apps.transactions.models import Category, Transaction
from apps.users.models import User
from apps.users.roles import AUDITOR, CUSTOMER, SUPPORT

D = Decimal
PASSWORD = "correct-horse-battery-staple"
# The default date of a money movement: a fixed day, so no test depends on the clock by accident.
DAY = date(2025, 3, 10)
# Accounts and budgets start far in the past (on the 1st: monthly windows are calendar months).
LONG_AGO = date(2020, 1, 1)


def money(value) -> Decimal:
    """A Decimal from a Decimal, a string or an int; a float is a mistake in test data."""
    if isinstance(value, float):
        raise TypeError(f"money in test data is a Decimal or a string, not the float {value!r}")
    return value if isinstance(value, Decimal) else Decimal(str(value))


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------

def _join(user, create, name):
    if not create:
        return
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    if name in (SUPPORT, AUDITOR):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


class UserFactory(factory.django.DjangoModelFactory):
    """A customer (password ``PASSWORD``, UTC, USD); ``UserFactory(role=SUPPORT)`` puts the
    user in that group (staff roles get is_staff)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)
    time_zone = "UTC"
    default_currency = "USD"

    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, create, extracted or CUSTOMER))


class SupportFactory(UserFactory):
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, create, extracted or SUPPORT))


class AuditorFactory(UserFactory):
    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, create, extracted or AUDITOR))


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------

def category(name: str = "food", *, user=None) -> Category:
    """A default category (every user has them; re-created if a transactional test's flush
    removed it) or, with ``user``, the user's own one (created if needed)."""
    return Category.objects.get_or_create(owner=user, name=name)[0]


def default_category(name: str = "food") -> Category:
    return category(name)


def _category_of(user, value) -> Category:
    """``value`` as a Category: itself, or by name the user's own category, else the default one."""
    if isinstance(value, Category):
        return value
    return Category.objects.filter(owner=user, name=value).first() or category(value)


class CategoryFactory(factory.django.DjangoModelFactory):
    """A user's own category."""

    class Meta:
        model = Category

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"my category {n}")


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------

def account(user, name: str = "Checking", *, opening="0.00", currency=None, kind=Account.Kind.CHECKING,
            opened_on: date = LONG_AGO, **kwargs) -> Account:
    """An account opened through the ledger service: the opening balance is its first entry."""
    return services.account_open(user=user, name=name, kind=kind, currency=currency, opened_on=opened_on,
                                 opening_balance=money(opening), **kwargs)


class AccountFactory(factory.django.DjangoModelFactory):
    """An account opened the only way accounts are opened: through the ledger service, so
    its opening balance is its first entry and balance == ledger holds from the start."""

    class Meta:
        model = Account

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Account {n}")
    kind = Account.Kind.CHECKING
    currency = "USD"
    institution = "Test Bank"
    number_last4 = "1234"
    credit_limit = Decimal("0.00")
    opened_on = date(2020, 1, 1)  # long before any test entry: entries before the opening are refused
    opening_balance = Decimal("0.00")

    @classmethod
    def _create(cls, model_class, *args, owner, **kwargs):
        return services.account_open(user=owner, **kwargs)


class CreditCardFactory(AccountFactory):
    kind = Account.Kind.CREDIT_CARD
    credit_limit = Decimal("1000.00")


# ---------------------------------------------------------------------------
# Money movements (through the ledger services, as the account's owner)
# ---------------------------------------------------------------------------

def expense(account: Account, amount, *, on: date = DAY, category="food", **kwargs) -> Transaction:
    return services.expense_post(user=account.owner, account_id=account.pk, amount=money(amount),
                                 category=_category_of(account.owner, category), occurred_on=on, **kwargs)


def income(account: Account, amount, *, on: date = DAY, category="salary", **kwargs) -> Transaction:
    return services.income_post(user=account.owner, account_id=account.pk, amount=money(amount),
                                category=_category_of(account.owner, category), occurred_on=on, **kwargs)


def transfer(source: Account, target: Account, amount, *, on: date = DAY, **kwargs) -> Transaction:
    """A transfer between two of the owner's accounts; returns the outgoing leg."""
    return services.transfer_create(user=source.owner, from_account_id=source.pk, to_account_id=target.pk,
                                    amount=money(amount), occurred_on=on, **kwargs)


# ---------------------------------------------------------------------------
# Budgets and alerts
# ---------------------------------------------------------------------------

def budget(user, category="food", limit="100.00", *, period=Budget.Period.MONTHLY, start: date = LONG_AGO,
           warning_percent: int = 80, currency: str | None = None) -> Budget:
    """A budget row written directly (no budget check runs: no alert for spending already there)."""
    return Budget.objects.create(owner=user, category=_category_of(user, category), period=period,
                                 limit=money(limit), start_date=start, warning_percent=warning_percent,
                                 currency=currency or user.default_currency)


class BudgetFactory(factory.django.DjangoModelFactory):
    """A budget row written directly (no budget check), monthly from LONG_AGO, in the owner's currency."""

    class Meta:
        model = Budget

    owner = factory.SubFactory(UserFactory)
    category = factory.LazyFunction(category)
    period = Budget.Period.MONTHLY
    limit = Decimal("100.00")
    currency = factory.LazyAttribute(lambda budget: budget.owner.default_currency)
    start_date = LONG_AGO
    warning_percent = 80


class AlertFactory(factory.django.DjangoModelFactory):
    """A system alert (budget alerts come from the budget check: spend over a budget)."""

    class Meta:
        model = Alert

    owner = factory.SubFactory(UserFactory)
    kind = Alert.Kind.SYSTEM
    message = factory.Sequence(lambda n: f"System notice {n}")


# ---------------------------------------------------------------------------
# One customer with one object of every kind
# ---------------------------------------------------------------------------


@dataclass
class Holdings:
    """A customer's objects by role; the same roles exist for every customer made here."""

    user: object
    objects: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, role):
        return self.objects[role]


def customer_with_everything(user, *, today: date | None = None) -> Holdings:
    """Accounts (checking, savings, credit card, closed), income, expense (with a receipt), a transfer,
    an own category, a budget, an alert, a bill, a categorisation rule, an import and a
    column mapping: each through its service where one exists.
    ``today`` defaults to the user's today, which the services use too (tests freeze the
    clock with the ``frozen_now`` fixture, so it is tests.clock.TODAY)."""
    from django.utils import timezone

    from apps.accounts.models import OnboardingProgress
    from apps.bills import services as bill_services
    from apps.budgets import services as budget_services
    from apps.core.dates import user_today
    from apps.imports.models import ImportBatch, MappingProfile
    from apps.notifications.models import PushSubscription, Webhook
    from apps.rules import services as rule_services
    from apps.transactions.models import CATEGORY_COLOURS, CategoryPreference
    from apps.users import services as user_services

    today = today or user_today(user)
    opened = today.replace(day=1)
    food = Category.objects.create(owner=user, name="groceries")
    salary = Category.objects.get_or_create(owner=None, name="salary")[0]
    checking = services.account_open(user=user, name="Checking", opened_on=opened, opening_balance=D("1000.00"))
    savings = services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS, opened_on=opened,
                                    opening_balance=D("250.00"))
    card = services.account_open(user=user, name="Card", kind=Account.Kind.CREDIT_CARD, opened_on=opened,
                                 credit_limit=D("500.00"))
    closed = services.account_open(user=user, name="Old account", opened_on=opened)
    Account.objects.filter(pk=closed.pk).update(closed_on=today)
    archived = services.account_open(user=user, name="Archived account", opened_on=opened)
    Account.objects.filter(pk=archived.pk).update(closed_on=today, archived_on=today)
    income = services.income_post(user=user, account_id=checking.pk, amount=D("2000.00"), category=salary,
                                  occurred_on=today, description="Salary")
    expense = services.expense_post(user=user, account_id=checking.pk, amount=D("80.25"), category=food,
                                    occurred_on=today, description="Market")
    transfer_out = services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk,
                                     amount=D("100.00"), occurred_on=today, description="Saving")
    transfer_in = Transaction.objects.get(transfer_id=transfer_out.transfer_id, kind=Transaction.Kind.TRANSFER_IN)
    budget = budget_services.budget_create(user=user, category=food, limit=D("50.00"), start_date=opened)
    budget_alert = Alert.objects.filter(owner=user, budget=budget).first()
    system_alert = Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message="Scheduled maintenance")
    # A manual bill due today (so the mark-paid page has an occurrence) and a recurring transfer.
    bill = bill_services.recurring_create(user=user, kind="bill", name="Market box", amount=D("30.00"),
                                          account_id=checking.pk, category=food, starts_on=today)
    standing_order = bill_services.recurring_create(user=user, kind="transfer", name="Saving", amount=D("10.00"),
                                                    account_id=checking.pk, to_account_id=savings.pk,
                                                    frequency="weekly", starts_on=today)
    # A default category this customer hid and coloured, and the dashboard checklist dismissed.
    hidden_default = CategoryPreference.objects.create(
        owner=user, category=Category.objects.get(owner=None, name="entertainment"), hidden=True,
        colour=CATEGORY_COLOURS[0][0])
    onboarding = OnboardingProgress.objects.create(owner=user, checklist_dismissed_at=timezone.now())
    # A statement import waiting for its preview to be confirmed, and a saved column mapping.
    import_batch = ImportBatch.objects.create(owner=user, file_name="statement.csv", sha256="0" * 64, format="csv",
                                              status="previewed")
    mapping = MappingProfile.objects.create(owner=user, name="My bank", header_signature="x",
                                            mapping={"date": 0, "amount": 1})
    rule = rule_services.rule_create(user=user, name="Market", pattern="market", set_category=food,
                                     set_payee="Market")
    # A browser this customer signed in from (apps.users.models.KnownDevice).
    known_device, _ = user_services.known_device_record(
        user=user, user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ip="203.0.113.7")
    # A webhook, turned off (so every webhook page serves it); its address is never connected to.
    webhook = Webhook.objects.create(owner=user, url="https://192.0.2.10/bankdash", secret="0" * 64, is_active=False,
                                     disabled_at=timezone.now(), consecutive_failures=10)
    # A browser registered for push (its endpoint is never contacted: nothing is sent in these tests).
    push_subscription = PushSubscription.objects.create(
        owner=user, endpoint=f"https://push.example.com/send/{user.pk}", p256dh="B" + "A" * 86, auth="A" * 22,
        user_agent="Firefox on Linux")
    # A receipt kept with the expense.
    receipt = services.attachment_add(user=user, transaction_id=expense.pk, name="receipt.pdf",
                                      data=b"%PDF-1.4\n%%EOF\n")
    objects = {
        "checking": checking, "savings": savings, "credit_card": card, "closed_account": closed, "receipt": receipt,
        "income": income, "expense": expense, "transfer_out": transfer_out, "transfer_in": transfer_in,
        "category": food, "budget": budget, "system_alert": system_alert, "bill": bill,
        "standing_order": standing_order, "rule": rule, "import_batch": import_batch, "mapping": mapping,
        "archived_account": archived, "hidden_default": hidden_default, "onboarding": onboarding,
        "known_device": known_device, "webhook": webhook, "push_subscription": push_subscription,
    }
    if budget_alert is not None:
        objects["budget_alert"] = budget_alert
    return Holdings(user=user, objects=objects)

