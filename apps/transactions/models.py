import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

DEFAULT_CATEGORIES = (
    "salary", "food", "rent", "transport", "utilities", "health", "shopping", "entertainment", "other",
)


class CategoryQuerySet(models.QuerySet):
    def for_user(self, user):
        """The default set every user has, plus the user's own."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class Category(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="categories",
        help_text="Empty for the default categories every user has.",
    )
    name = models.CharField(max_length=50)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="transactions_category_unique_per_owner",
                                    nulls_distinct=False),
        ]

    def __str__(self):
        return self.name


TRANSACTION_KINDS = ("opening", "income", "expense", "transfer_in", "transfer_out", "adjustment_in", "adjustment_out")


class Transaction(models.Model):
    """One ledger entry on one account. ``amount`` is always > 0; the kind gives
    its sign. A transfer is two rows (out and in) sharing ``transfer_id``.

    Invariant: account.balance == sum(+amount for CREDIT_KINDS) - sum(amount for DEBIT_KINDS)
    """

    class Kind(models.TextChoices):
        OPENING = "opening", "Opening balance"
        INCOME = "income", "Income"
        EXPENSE = "expense", "Expense"
        TRANSFER_IN = "transfer_in", "Transfer in"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        ADJUSTMENT_IN = "adjustment_in", "Correction (credit)"
        ADJUSTMENT_OUT = "adjustment_out", "Correction (debit)"

    CREDIT_KINDS = (Kind.OPENING, Kind.INCOME, Kind.TRANSFER_IN, Kind.ADJUSTMENT_IN)
    DEBIT_KINDS = (Kind.EXPENSE, Kind.TRANSFER_OUT, Kind.ADJUSTMENT_OUT)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transactions")
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="transactions")
    description = models.CharField(max_length=255, blank=True)
    payee = models.CharField(
        max_length=100, blank=True, db_default="",
        help_text="Who was paid or who paid: one name per merchant (apps.transactions.payees). Bills, import, "
                  "categorisation rules and insights read it.",
    )
    occurred_on = models.DateField("date")
    created_at = models.DateTimeField(auto_now_add=True)
    transfer_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["owner", "-occurred_on", "-id"], name="tx_owner_date_idx"),
            models.Index(fields=["account", "-occurred_on", "-id"], name="tx_account_date_idx"),
            models.Index(fields=["owner", "category", "occurred_on"], name="tx_owner_cat_date_idx"),
            models.Index(fields=["owner", "payee", "occurred_on"], name="tx_owner_payee_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transactions_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=TRANSACTION_KINDS), name="transactions_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(transfer_id__isnull=True) | Q(kind__in=["transfer_in", "transfer_out"]),
                name="transactions_transfer_id_only_on_transfers",
            ),
            models.CheckConstraint(
                condition=Q(transfer_id__isnull=False) | ~Q(kind__in=["transfer_in", "transfer_out"]),
                name="transactions_transfers_have_transfer_id",
            ),
            models.CheckConstraint(
                condition=Q(category__isnull=False) | ~Q(kind__in=["income", "expense"]),
                name="transactions_income_expense_have_category",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} on {self.occurred_on}"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind in self.CREDIT_KINDS else -self.amount

    @property
    def description_beyond_payee(self) -> str:
        """The description where it says more than the payee made from it ("" otherwise)."""
        from .payees import normalise_payee

        return "" if normalise_payee(self.description) == self.payee else self.description

    @property
    def is_transfer(self):
        return self.transfer_id is not None


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class MonthlyTotalKind(models.TextChoices):
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"


class MonthlyTotal(models.Model):
    """Running totals per account, category, month and kind (income/expense),
    kept up to date in the same database transaction as every ledger entry, so
    monthly figures never need to sum a user's whole history."""

    Kind = MonthlyTotalKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="monthly_totals")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    total = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["owner", "month"], name="monthly_owner_month_idx")]
        constraints = [
            models.UniqueConstraint(fields=["account", "category", "month", "kind"],
                                    name="monthly_total_unique_bucket"),
            models.CheckConstraint(condition=Q(total__gte=0) & Q(count__gte=0), name="monthly_total_non_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_total_first_of_month"),
            models.CheckConstraint(condition=Q(kind__in=MonthlyTotalKind.values), name="monthly_total_kind_valid"),
        ]


class FormSubmission(models.Model):
    """A money form's one-time token: the unique constraint makes a double
    click, a browser retry or a replayed POST create one transaction only."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField(default=uuid.uuid4)
    transaction = models.ForeignKey(Transaction, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "token"], name="form_submission_unique_token")]
