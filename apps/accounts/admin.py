from django import forms
from django.contrib import admin

from apps.core.admin_columns import money_column

from . import services
from .models import Account


class AccountAdminForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ("name", "institution", "number_last4")

    def clean_number_last4(self):
        value = self.cleaned_data["number_last4"]
        if value and not services.LAST4_RE.match(value):
            raise forms.ValidationError("Enter exactly four digits, or leave it empty.")
        return value


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    form = AccountAdminForm
    list_display = ("name", "owner", "kind", "masked_number",
                    money_column("balance", "currency", description="Balance", ordering="balance"),
                    "opened_on", "closed_on")
    list_filter = ("kind", "currency", ("closed_on", admin.EmptyFieldListFilter), "opened_on")
    search_fields = ("name", "institution", "number_last4", "owner__email", "owner__display_name")
    date_hierarchy = "opened_on"
    list_select_related = ("owner",)
    ordering = ("-created_at",)
    # Money and ownership move only through the ledger services: staff see them, never edit them.
    # The customer's own check against their bank is shown too (support is asked about it), never edited.
    readonly_fields = ("owner", "kind", "currency", "balance", "credit_limit", "checked_on", "checked_balance",
                       "goal_amount", "goal_on", "opened_on", "closed_on", "created_at")
    fields = ("owner", "name", "institution", "number_last4", "kind", "currency", "balance", "credit_limit",
              "checked_on", "checked_balance", "goal_amount", "goal_on", "opened_on", "closed_on", "created_at")

    def has_add_permission(self, request):
        # An account is opened through apps.transactions.services.account_open (its opening
        # balance is a ledger entry), not by inserting a row.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are closed, never deleted: their ledger stays

    def save_model(self, request, obj, form, change):
        # Save only the descriptive columns: Model.save() would write back the balance read
        # when the page was loaded and undo any posting made since (a lost update).
        services.account_update(user=obj.owner, account_id=obj.pk, name=obj.name, institution=obj.institution,
                                number_last4=obj.number_last4)
