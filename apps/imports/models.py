"""Statement imports: a batch per uploaded file, its rows as previewed (kept here so the confirm
step never trusts the browser for amounts), the ledger entries a posted batch made, and the
CSV column mappings a customer saved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    OFX = "ofx", "OFX / QFX"
    QIF = "qif", "QIF"
    CAMT = "camt", "CAMT.053"


class BatchStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    PREVIEWED = "previewed", _("Previewed")
    POSTED = "posted", _("Imported")
    UNDONE = "undone", _("Undone")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatch(models.Model):
    """One uploaded file, from upload to posted (or cancelled, or undone)."""

    Status = BatchStatus
    Format = ImportFormat

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.MAPPING)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The account of a single-account file.")
    # The file itself until the batch is posted or cancelled (the mapping step reads it again).
    content = models.BinaryField(null=True, blank=True, editable=False)
    mapping = models.JSONField(default=dict, blank=True)
    date_format = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="The currency the statement says it is in.")
    statement_balance = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="The bank's balance of the account at the end of statement_balance_on, where the file says it.")
    statement_balance_on = models.DateField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    posted_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_batch_owner_idx")]
        constraints = [
            # Re-importing a file that is already in the ledger posts nothing new.
            models.UniqueConstraint(fields=["owner", "sha256"], condition=Q(status="posted"),
                                    name="import_batch_file_posted_once"),
            models.CheckConstraint(condition=Q(status__in=BatchStatus.values), name="import_batch_status_valid"),
            models.CheckConstraint(condition=Q(statement_balance__isnull=True, statement_balance_on__isnull=True)
                                   | Q(statement_balance__isnull=False, statement_balance_on__isnull=False),
                                   name="import_batch_statement_balance_has_its_day"),
            models.CheckConstraint(condition=Q(format__in=ImportFormat.values), name="import_batch_format_valid"),
            models.CheckConstraint(condition=Q(posted_at__isnull=True) | ~Q(status__in=["mapping", "previewed"]),
                                   name="import_batch_posted_at_only_when_posted"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class RowOutcome(models.TextChoices):
    NEW = "new", _("New")
    DUPLICATE = "duplicate", _("Duplicate")
    OVERDRAW = "overdraw", _("Would overdraw")
    ERROR = "error", _("Cannot be read")
    TRANSFER = "transfer", _("Transfer")


class ImportRow(models.Model):
    """One row of the file as the preview shows it: what it would post, and why not."""

    Outcome = RowOutcome

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(help_text="Order in the file (0-based).")
    line = models.PositiveIntegerField()
    occurred_on = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="Signed: + money in, - money out.")
    description = models.CharField(max_length=255, blank=True)
    payee = models.CharField(max_length=100, blank=True)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    account_ref = models.CharField(max_length=100, blank=True, help_text="How the file names the account.")
    category = models.ForeignKey("transactions.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    category_changed = models.BooleanField(default=False, help_text="The customer chose the category in the preview.")
    rule_name = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, blank=True,
                                help_text="The row's currency where the file names it; a row in another currency than "
                                          "its account's cannot be imported.")
    fingerprint = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, choices=RowOutcome.choices)
    # Written for the customer in their language when the preview is built: text only, never
    # read back by the code (``selectable`` says what may be posted).
    reason = models.CharField(max_length=300, blank=True)
    selected = models.BooleanField(default=True)
    selectable = models.BooleanField(
        default=True, help_text="False: never posted (it cannot be read, or the bank's id is already in the ledger "
                                "or earlier in the file).")
    pair_position = models.PositiveIntegerField(
        null=True, blank=True, help_text="The other row of a transfer between two of the customer's accounts.")

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="import_row_unique_position"),
            models.CheckConstraint(condition=Q(outcome__in=RowOutcome.values), name="import_row_outcome_valid"),
            models.CheckConstraint(condition=~Q(outcome="error") | Q(selected=False),
                                   name="import_row_error_never_selected"),
            models.CheckConstraint(condition=Q(selectable=True) | Q(selected=False),
                                   name="import_row_unselectable_never_selected"),
            models.CheckConstraint(condition=Q(currency="") | Q(currency__regex=r"^[A-Z]{3}$"),
                                   name="import_row_currency_iso4217"),
        ]

    def __str__(self):
        return f"line {self.line}: {self.get_outcome_display()}"


class ImportedEntry(models.Model):
    """A ledger entry a posted batch made (its undo removes them). SET_NULL: an entry the customer
    deleted by hand is no longer the batch's, and its external id may be imported again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="entries")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    transaction = models.ForeignKey("transactions.Transaction", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    line = models.PositiveIntegerField()
    external_id = models.CharField(max_length=100, blank=True)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # The bank's own id (OFX FITID, CAMT reference) enters an account's ledger once.
            models.UniqueConstraint(fields=["account", "external_id"],
                                    condition=~Q(external_id="") & Q(transaction__isnull=False),
                                    name="imported_entry_external_id_once"),
        ]
        indexes = [models.Index(fields=["account", "fingerprint"], name="imported_entry_fp_idx")]

    def __str__(self):
        return f"line {self.line} of batch {self.batch_id}"


class MappingProfile(models.Model):
    """A saved CSV column mapping, offered again for a file with the same header."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_profiles")
    name = models.CharField(max_length=100)
    header_signature = models.CharField(max_length=64)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    date_format = models.CharField(max_length=20, default="auto")
    decimal_separator = models.CharField(max_length=4, default="auto")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="mapping_profile_unique_name"),
            models.CheckConstraint(condition=Q(decimal_separator__in=["auto", ".", ","]),
                                   name="mapping_profile_decimal_valid"),
        ]
        indexes = [models.Index(fields=["owner", "header_signature"], name="mapping_profile_header_idx")]

    def __str__(self):
        return self.name
