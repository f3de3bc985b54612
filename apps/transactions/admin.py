from django.contrib import admin
from django.template.defaultfilters import filesizeformat

from apps.core.admin_columns import money_column

from .models import Attachment, Category, MonthlyTotal, Transaction


class CategoryOwnerFilter(admin.SimpleListFilter):
    """The category filter names whose category each is: the defaults everyone has, and, once
    the list is narrowed to one customer (the owner's email in the search, or ?owner__id__exact=),
    that customer's own. Listing every customer's "Groceries" would be thousands of look-alikes."""

    title = "category"
    parameter_name = "category__id__exact"

    def lookups(self, request, model_admin):
        defaults = [(c.pk, f"{c.name} (default)") for c in Category.objects.filter(owner__isnull=True).order_by("name")]
        owner_id = request.GET.get("owner__id__exact", "")
        own = []
        if owner_id.isdigit():
            own = [(c.pk, f"{c.name} ({c.owner.email})") for c in
                   Category.objects.filter(owner_id=int(owner_id)).select_related("owner").order_by("name")]
        return defaults + own

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(category_id=int(value))
        return queryset


class AttachmentInline(admin.TabularInline):
    """The receipts kept with an entry (on a transfer's or a split entry's first row): what
    they are, not what they say. Staff never download a customer's files here; the customer
    has them on the entry's page and in their data export."""

    model = Attachment
    fields = ("name", "content_type", "size_text", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "receipt or invoice"
    verbose_name_plural = "receipts and invoices (kept on the first row of a transfer or a split entry)"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")  # never the bytes

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="size")
    def size_text(self, obj):
        return filesizeformat(obj.size)


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    """Read-only ledger for staff. Adding, changing or deleting a row here would move money
    without moving the balance (and skip the locks, monthly totals and budget checks), so
    no one may; a superuser may only correct a description. Corrections of money go
    through apps.transactions.services (or `recalculate_balances`)."""

    list_display = ("occurred_on", "owner", "account", "kind",
                    money_column("signed_amount", "account.currency", description="Amount", ordering="amount",
                                 signed=True),
                    "category", "payee", "description", "created_at")
    list_filter = ("kind", CategoryOwnerFilter, "occurred_on", "account__currency")
    search_fields = ("description", "payee", "owner__email", "account__name", "=transfer_id", "=split_id")
    date_hierarchy = "occurred_on"
    list_select_related = ("owner", "account", "category")
    ordering = ("-occurred_on", "-id")
    fields = ("owner", "account", "kind", "amount", "category", "occurred_on", "description", "transfer_id", "split_id",
              "created_at")
    readonly_fields = ("owner", "account", "kind", "amount", "category", "occurred_on", "transfer_id", "split_id",
                       "created_at")
    inlines = (AttachmentInline,)

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
    list_display = ("name", "whose", "kind")
    list_filter = (("owner", admin.EmptyFieldListFilter), "kind")
    search_fields = ("name", "owner__email")
    list_select_related = ("owner",)
    ordering = ("owner__email", "name")

    @admin.display(description="Whose", ordering="owner__email")
    def whose(self, obj):
        return obj.owner.email if obj.owner_id else "Default (every customer)"


@admin.register(MonthlyTotal)
class MonthlyTotalAdmin(admin.ModelAdmin):
    """Derived figures (rebuilt by `recalculate_balances`): view only."""

    list_display = ("month", "owner", "account", "category", "kind",
                    money_column(lambda row: -row.total if row.kind == Transaction.Kind.EXPENSE else row.total,
                                 "account.currency", description="Total", ordering="total", signed=True),
                    "count")
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
