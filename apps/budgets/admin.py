from django.contrib import admin

from .models import Budget


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    """Support staff look budgets up (view permission); customers manage their own on the site."""

    list_display = ("owner", "category", "period", "limit", "start_date", "warning_percent", "is_active")
    list_filter = ("period", "is_active")
    search_fields = ("owner__email", "category__name")
    list_select_related = ("owner", "category")
    raw_id_fields = ("owner", "category")
