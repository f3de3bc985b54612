from django.contrib import admin

from apps.core.money import format_money, format_signed

from .models import Occurrence, RecurringItem


def _signed(item: RecurringItem, amount):
    """What the item does to the customer's money: an income adds (+), a bill takes (−); a
    transfer between their own accounts does neither, so it has no sign."""
    if item.kind == RecurringItem.Kind.TRANSFER:
        return format_money(amount, item.currency)
    return format_signed(amount if item.kind == RecurringItem.Kind.INCOME else -amount, item.currency)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look bills up; changes go through apps.bills.services (the schedule's cursor,
    the ledger postings and the reminders depend on it), never through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ("due_on", "amount", "state", "transaction", "failure_reason", "reminded_at", "overdue_alerted_at")
    readonly_fields = fields
    raw_id_fields = ("transaction",)
    ordering = ("-due_on",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(RecurringItem)
class RecurringItemAdmin(ReadOnlyAdmin):
    list_display = ("name", "owner", "kind",
                    "amount_signed",
                    "frequency", "next_due_on", "autopay",
                    "paused_on", "is_active")
    list_filter = ("kind", "frequency", "autopay", "is_active", ("paused_on", admin.EmptyFieldListFilter))
    search_fields = ("name", "owner__email", "account__name")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "account", "to_account", "category")
    inlines = [OccurrenceInline]

    @admin.display(description="Amount", ordering="amount")
    def amount_signed(self, obj):
        return _signed(obj, obj.amount)


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdmin):
    list_display = ("due_on", "item", "owner",
                    "amount_signed",
                    "state", "transaction", "reminded_at", "overdue_alerted_at")
    list_filter = ("state", "item__kind", "due_on")
    search_fields = ("item__name", "item__owner__email", "=transaction__id")
    date_hierarchy = "due_on"
    list_select_related = ("item", "item__owner", "transaction")
    raw_id_fields = ("item", "transaction")

    @admin.display(description="Amount", ordering="amount")
    def amount_signed(self, obj):
        return _signed(obj.item, obj.amount)

    @admin.display(ordering="item__owner__email")
    def owner(self, obj):
        return obj.item.owner
