from django.contrib import admin

from apps.core.admin_columns import money_column

from .models import Budget


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    """Support staff look budgets up (view permission); customers manage their own on the site."""

    list_display = ("owner", "category", "period",
                    money_column("limit", "currency", description="Limit", ordering="limit"),
                    "start_date", "warning_percent", "is_active")
    list_filter = ("period", "is_active", "currency")
    search_fields = ("owner__email", "category__name")
    list_select_related = ("owner", "category")
    raw_id_fields = ("owner", "category")
