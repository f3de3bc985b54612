from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .forms import SystemAlertForm
from .models import Alert
from .services import system_alert_broadcast


class ReadListFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", "Unread"), ("yes", "Read")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "owner", "kind", "message", "period_start", "read_at")
    list_filter = ("kind", ReadListFilter, "created_at")
    search_fields = ("message", "owner__email", "owner__display_name")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = ("owner", "kind", "message", "budget", "period_start", "created_at", "read_at")
    raw_id_fields = ("owner", "budget")

    def get_urls(self):
        custom = [path("broadcast/", self.admin_site.admin_view(self.broadcast_view), name="alerts_alert_broadcast")]
        return custom + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        # Budget alerts come from the budget check; the only alert staff write is a system alert.
        return redirect("admin:alerts_alert_broadcast")

    def has_change_permission(self, request, obj=None):
        return False  # alerts are a record of what a customer was told

    def broadcast_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SystemAlertForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = system_alert_broadcast(message=form.cleaned_data["message"], users=form.recipients())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"System alert sent to {count} customer{'s' if count != 1 else ''}.")
                return redirect(reverse("admin:alerts_alert_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Send a system alert",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/alerts/alert/broadcast.html", context)
