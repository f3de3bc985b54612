"""A customer's own categorisation rules: "when the description or payee looks like this
(and the amount, account and kind fit), set this category and/or this payee"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

PATTERN_MAX_LENGTH = 200
NAME_MAX_LENGTH = 100


class RuleField(models.TextChoices):
    DESCRIPTION = "description", _("Description")
    PAYEE = "payee", _("Payee")
    EITHER = "either", _("Description or payee")


class RuleOperator(models.TextChoices):
    CONTAINS = "contains", _("contains")
    STARTS_WITH = "starts_with", _("starts with")
    MATCHES = "matches", _("matches the pattern")


class RuleKind(models.TextChoices):
    EITHER = "either", _("Income or expense")
    INCOME = "income", _("Income only")
    EXPENSE = "expense", _("Expenses only")


class Rule(models.Model):
    """Rules are tried in ``position`` order (then id); the first that matches wins."""

    Field = RuleField
    Operator = RuleOperator
    Kind = RuleKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    field = models.CharField(max_length=20, choices=RuleField.choices, default=RuleField.EITHER)
    operator = models.CharField(max_length=20, choices=RuleOperator.choices, default=RuleOperator.CONTAINS)
    pattern = models.CharField(max_length=PATTERN_MAX_LENGTH)
    min_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    kind = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.EITHER)
    set_category = models.ForeignKey("transactions.Category", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    set_payee = models.CharField(max_length=100, blank=True, default="")
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["owner", "position", "id"], name="rule_owner_position_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(field__in=RuleField.values), name="rule_field_valid"),
            models.CheckConstraint(condition=Q(operator__in=RuleOperator.values), name="rule_operator_valid"),
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="rule_kind_valid"),
            models.CheckConstraint(condition=~Q(pattern=""), name="rule_pattern_not_empty"),
            models.CheckConstraint(condition=Q(min_amount__isnull=True) | Q(min_amount__gt=0),
                                   name="rule_min_amount_positive"),
            models.CheckConstraint(condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                                   name="rule_max_amount_positive"),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True) | Q(max_amount__isnull=True) | Q(min_amount__lte=F("max_amount")),
                name="rule_min_not_above_max",
            ),
            models.CheckConstraint(condition=Q(set_category__isnull=False) | ~Q(set_payee=""),
                                   name="rule_has_an_action"),
        ]

    def __str__(self):
        return self.name


class RulePreferences(models.Model):
    """Per-user choices about rules (one row per user, created on first change)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_preferences")
    apply_on_manual_entry = models.BooleanField(
        default=False, help_text="Let my rules choose the category when I add an income or expense by hand.")

    def __str__(self):
        return f"Rule preferences of {self.owner_id}"
