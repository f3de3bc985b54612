import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_CATEGORIES = (
    "salary", "food", "rent", "transport", "utilities", "health", "shopping", "entertainment", "other",
)
# Income-only and either-way default categories; every other default one is for expenses.
DEFAULT_INCOME_CATEGORIES = ("salary",)
DEFAULT_EITHER_CATEGORIES = ("other",)


# The default categories' names as a customer reads them, in their language (the stored name
# stays the English key: rules, imports and the API refer to it).
DEFAULT_CATEGORY_LABELS = {
    "salary": pgettext_lazy("category", "Salary"), "food": pgettext_lazy("category", "Food"),
    "rent": pgettext_lazy("category", "Rent"), "transport": pgettext_lazy("category", "Transport"),
    "utilities": pgettext_lazy("category", "Utilities"), "health": pgettext_lazy("category", "Health"),
    "shopping": pgettext_lazy("category", "Shopping"),
    "entertainment": pgettext_lazy("category", "Entertainment"), "other": pgettext_lazy("category", "Other"),
}


def category_label(name: str, *, is_default: bool) -> str:
    """A category's name as pages, charts, messages and alert texts show it: a default one in
    the reader's language, a customer's own as they wrote it, with a capital first letter."""
    if is_default and name in DEFAULT_CATEGORY_LABELS:
        return str(DEFAULT_CATEGORY_LABELS[name])
    return name[:1].upper() + name[1:]


def default_category_kind(name: str) -> str:
    if name in DEFAULT_INCOME_CATEGORIES:
        return "income"
    return "both" if name in DEFAULT_EITHER_CATEGORIES else "expense"


# Bootstrap 5's palette (its named colours): each keeps a 3:1 contrast against white in a chart.
CATEGORY_COLOURS = (
    ("#0d6efd", _("Blue")), ("#6610f2", _("Indigo")), ("#6f42c1", _("Purple")), ("#d63384", _("Pink")),
    ("#dc3545", _("Red")), ("#fd7e14", _("Orange")), ("#ffc107", _("Yellow")), ("#198754", _("Green")),
    ("#20c997", _("Teal")), ("#0dcaf0", _("Cyan")), ("#6c757d", _("Grey")),
)
COLOUR_VALUES = tuple(value for value, _ in CATEGORY_COLOURS)


class CategoryKind(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")
    BOTH = "both", _("Income and expense")


# A kind inside a sentence ("a default category (income)"): lower case in English, as
# German writes its nouns.
CATEGORY_KIND_IN_SENTENCE = {
    CategoryKind.INCOME: pgettext_lazy("category kind in a sentence", "income"),
    CategoryKind.EXPENSE: pgettext_lazy("category kind in a sentence", "expense"),
    CategoryKind.BOTH: pgettext_lazy("category kind in a sentence", "income and expense"),
}


def _hidden_by(user):
    """The ids of the categories ``user`` has hidden (a subquery)."""
    return CategoryPreference.objects.filter(owner=user, hidden=True).values("category_id")


class CategoryQuerySet(models.QuerySet):
    def for_user(self, user):
        """The default set every user has, plus the user's own (hidden ones included: entries
        and old figures still name them)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))

    def usable_by(self, user):
        """What the user may choose for a new entry, budget, bill or rule: their own and the
        default ones they have not hidden."""
        return self.for_user(user).exclude(pk__in=_hidden_by(user))

    def with_hidden_flag(self, user):
        """``for_user`` with ``is_hidden`` on each: the ones ``usable_by`` leaves out (a page
        that offers both kinds reads them once)."""
        return self.for_user(user).annotate(
            is_hidden=ExpressionWrapper(Q(pk__in=_hidden_by(user)), output_field=models.BooleanField()))

    def colours_for(self, user) -> dict[int, str]:
        """Category id -> the colour ``user`` sees it in (only those with one): the user's own
        categories' colours and their preferences for default ones; two queries."""
        colours = dict(self.filter(owner=user).exclude(colour="").values_list("pk", "colour"))
        colours.update(CategoryPreference.objects.filter(owner=user).exclude(colour="")
                       .values_list("category_id", "colour"))
        return colours

    def for_entry_kind(self, kind: str):
        """Categories an income (``"income"``) or an expense (``"expense"``) may have."""
        return self.filter(kind__in=[kind, CategoryKind.BOTH])


class Category(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="categories",
        help_text=_("Empty for the default categories every user has."),
    )
    name = models.CharField(max_length=50)
    kind = models.CharField(max_length=10, choices=CategoryKind.choices, default=CategoryKind.BOTH,
                            db_default=CategoryKind.BOTH,
                            help_text=_("Which entries may use it: income, expenses, or both."))
    # The owner's colour for their own category; a default one's colour per user is a CategoryPreference.
    colour = models.CharField(max_length=7, blank=True, db_default="", choices=CATEGORY_COLOURS)

    objects = CategoryQuerySet.as_manager()

    Kind = CategoryKind

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="transactions_category_unique_per_owner",
                                    nulls_distinct=False),
            models.CheckConstraint(condition=Q(kind__in=CategoryKind.values), name="transactions_category_kind_valid"),
            models.CheckConstraint(condition=Q(colour="") | Q(colour__in=COLOUR_VALUES),
                                   name="transactions_category_colour_in_palette"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return category_label(self.name, is_default=self.is_default)

    @property
    def is_default(self) -> bool:
        return self.owner_id is None

    def fits(self, entry_kind: str) -> bool:
        """Whether an entry of ``entry_kind`` ("income" or "expense") may use this category."""
        return self.kind in (entry_kind, CategoryKind.BOTH)

    @property
    def kind_in_sentence(self) -> str:
        """What the category is for, as a sentence says it: "income and expense"."""
        words = CATEGORY_KIND_IN_SENTENCE.get(self.kind)  # get_kind_display() rebuilds the choices: only if needed
        return str(words) if words is not None else self.get_kind_display()


class CategoryPreference(models.Model):
    """One user's view of a DEFAULT category (shared rows nobody may change for others):
    hidden from their lists and forms, and/or drawn in their own colour."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="preferences")
    hidden = models.BooleanField(default=False)
    colour = models.CharField(max_length=7, blank=True, default="", choices=CATEGORY_COLOURS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "category"], name="category_preference_once_per_user"),
            models.CheckConstraint(condition=Q(colour="") | Q(colour__in=COLOUR_VALUES),
                                   name="category_preference_colour_in_palette"),
        ]

    def __str__(self):
        return f"{self.category} for user {self.owner_id}"


TRANSACTION_KINDS = ("opening", "income", "expense", "transfer_in", "transfer_out", "adjustment_in", "adjustment_out")


class Transaction(models.Model):
    """One ledger entry on one account. ``amount`` is always > 0; the kind gives
    its sign. A transfer is two rows (out and in) sharing ``transfer_id``. A split entry (one
    payment shared out over categories) is its parts, income or expense rows of one account,
    date, payee and description sharing ``split_id``; what the bank shows is their sum.

    Invariant: account.balance == sum(+amount for CREDIT_KINDS) - sum(amount for DEBIT_KINDS)
    """

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        ADJUSTMENT_IN = "adjustment_in", _("Correction (credit)")
        ADJUSTMENT_OUT = "adjustment_out", _("Correction (debit)")

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
        help_text=_("Who was paid or who paid: one name per merchant (apps.transactions.payees). Bills, import, "
                    "categorisation rules and insights read it."),
    )
    occurred_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)
    transfer_id = models.UUIDField(null=True, blank=True, db_index=True)
    split_id = models.UUIDField(null=True, blank=True,
                                help_text=_("The parts of one split payment share it (services.splits)."))

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # The list's order, with the kind carried in the index (issue 17): the list leaves out
            # the incoming leg of each transfer, so its capped count and the ids of a deep page
            # are read from the index alone (no visit to the 5,000 rows before page 200).
            models.Index(fields=["owner", "-occurred_on", "-id"], include=["kind"], name="tx_owner_date_kind_idx"),
            models.Index(fields=["account", "-occurred_on", "-id"], name="tx_account_date_idx"),
            models.Index(fields=["owner", "category", "occurred_on"], name="tx_owner_cat_date_idx"),
            models.Index(fields=["owner", "payee", "occurred_on"], name="tx_owner_payee_date_idx"),
            # A split's parts, found from any one of them (few entries are split: a partial index).
            models.Index(fields=["split_id"], condition=Q(split_id__isnull=False), name="tx_split_idx"),
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
                condition=Q(split_id__isnull=True) | Q(kind__in=["income", "expense"]),
                name="transactions_split_id_only_on_income_expense",
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

    @property
    def is_split(self):
        return self.split_id is not None

    @property
    def kind_in_sentence(self) -> str:
        """The kind as a sentence says it ("Delete this expense?"): lower case in English."""
        words = ENTRY_KIND_IN_SENTENCE.get(self.kind)  # get_kind_display() rebuilds the choices: only if needed
        return str(words) if words is not None else self.get_kind_display()


# An entry's kind inside a sentence: lower case in English, as German writes its nouns.
ENTRY_KIND_IN_SENTENCE = {
    Transaction.Kind.OPENING: pgettext_lazy("entry kind in a sentence", "opening balance"),
    Transaction.Kind.INCOME: pgettext_lazy("entry kind in a sentence", "income"),
    Transaction.Kind.EXPENSE: pgettext_lazy("entry kind in a sentence", "expense"),
    Transaction.Kind.TRANSFER_IN: pgettext_lazy("entry kind in a sentence", "transfer in"),
    Transaction.Kind.TRANSFER_OUT: pgettext_lazy("entry kind in a sentence", "transfer out"),
    Transaction.Kind.ADJUSTMENT_IN: pgettext_lazy("entry kind in a sentence", "correction (credit)"),
    Transaction.Kind.ADJUSTMENT_OUT: pgettext_lazy("entry kind in a sentence", "correction (debit)"),
}


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class MonthlyTotalKind(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class MonthlyTotal(models.Model):
    """Running totals per account, category, month and kind (income/expense),
    kept up to date in the same database transaction as every ledger entry, so
    monthly figures never need to sum a user's whole history."""

    Kind = MonthlyTotalKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="monthly_totals")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text=_("First day of the month."))
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


class DailyTotal(models.Model):
    """Running totals per account, category, day and kind (income/expense), kept by the same
    ledger services and in the same database transaction as the monthly totals. A window
    that is not made of whole calendar months (a budget starting on the 15th, a weekly one)
    sums a few of these rows per day instead of every ledger row of those days."""

    Kind = MonthlyTotalKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="daily_totals")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    total = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["owner", "category", "kind", "day"], name="daily_owner_cat_kind_day_idx")]
        constraints = [
            models.UniqueConstraint(fields=["account", "category", "day", "kind"], name="daily_total_unique_bucket"),
            models.CheckConstraint(condition=Q(total__gte=0) & Q(count__gte=0), name="daily_total_non_negative"),
            models.CheckConstraint(condition=Q(kind__in=MonthlyTotalKind.values), name="daily_total_kind_valid"),
        ]


class LedgerVersion(models.Model):
    """A counter per user, raised in the same database transaction as every change of their
    ledger (``services.ledger.announce``): what a cache of figures read from the ledger is
    keyed by, so a cached figure is never one from before a committed change."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                 related_name="+")
    version = models.BigIntegerField(default=0)

    # Raised with every posting, whose own rows raise the user's data version anyway (apps.core.versions).
    data_version_tracked = False

    def __str__(self):
        return f"ledger version {self.version} of user {self.owner_id}"


class FormSubmission(models.Model):
    """A money form's one-time token: the unique constraint makes a double
    click, a browser retry or a replayed POST create one transaction only."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField(default=uuid.uuid4)
    transaction = models.ForeignKey(Transaction, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "token"], name="form_submission_unique_token")]


# A receipt's largest size: a phone photo or a PDF invoice, not a scan of a whole year.
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# At most this many on one entry.
ATTACHMENTS_PER_ENTRY = 5


class AttachmentType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    WEBP = "image/webp", "WebP"


class Attachment(models.Model):
    """A receipt or an invoice kept with a ledger entry (services.attachments), in PostgreSQL
    with the entry: every web server reads it, a backup holds it, and it goes when the entry
    goes. A transfer's or a split entry's files are kept on its first row (``entry_anchor``).

    The foreign key cascades in the database (migration 0011): deleting entries, one or a
    batch, costs no extra statement to find their files."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    transaction = models.ForeignKey(Transaction, on_delete=models.DO_NOTHING, db_constraint=False,
                                    related_name="attachments")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=30, choices=AttachmentType.choices)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(content_type__in=AttachmentType.values),
                                   name="attachments_type_known"),
            models.CheckConstraint(condition=Q(size__gt=0, size__lte=ATTACHMENT_MAX_BYTES),
                                   name="attachments_size_within_limit"),
        ]

    def __str__(self):
        return self.name
