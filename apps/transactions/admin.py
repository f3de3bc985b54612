from django.contrib import admin

from .models import Category, MonthlyTotal, Transaction


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    """Read-only ledger for staff. Adding, changing or deleting a row here would move money
    without moving the balance (and skip the locks, monthly totals and budget checks), so
    no one may; a superuser may only correct a description. Corrections of money go
    through apps.transactions.services (or `recalculate_balances`)."""

    list_display = ("occurred_on", "owner", "account", "kind", "amount", "category", "payee", "description",
                    "created_at")
    list_filter = ("kind", "category", "occurred_on", "account__currency")
    search_fields = ("description", "payee", "owner__email", "account__name", "=transfer_id")
    date_hierarchy = "occurred_on"
    list_select_related = ("owner", "account", "category")
    ordering = ("-occurred_on", "-id")
    fields = ("owner", "account", "kind", "amount", "category", "occurred_on", "description", "transfer_id",
              "created_at")
    readonly_fields = ("owner", "account", "kind", "amount", "category", "occurred_on", "transfer_id", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Staff (support, auditors) only view; every money field stays read-only for superusers too.
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the description: Model.save() would rewrite every column from this page's copy.
        Transaction.objects.filter(pk=obj.pk).update(description=obj.description)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "owner")
    list_filter = (("owner", admin.EmptyFieldListFilter),)
    search_fields = ("name", "owner__email")
    list_select_related = ("owner",)
    ordering = ("owner__email", "name")


@admin.register(MonthlyTotal)
class MonthlyTotalAdmin(admin.ModelAdmin):
    """Derived figures (rebuilt by `recalculate_balances`): view only."""

    list_display = ("month", "owner", "account", "category", "kind", "total", "count")
    list_filter = ("kind", "month")
    search_fields = ("owner__email", "account__name", "category__name")
    date_hierarchy = "month"
    list_select_related = ("owner", "account", "category")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
