from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.core.forms import add_service_errors

from .forms import PointsAdjustForm
from .models import PointsEntry
from .services import ADJUST_PERMISSION, points_adjust


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """Read-only: points are append-only. Staff with ``rewards.add_pointsentry`` grant or
    remove points through "Grant or remove points" (a new entry with a reason, audited)."""

    list_display = ("created_at", "owner", "points", "kind", "reason", "actor")
    list_filter = ("kind", "created_at")
    search_fields = ("owner__email", "reason", "actor__email")
    date_hierarchy = "created_at"
    list_select_related = ("owner", "actor")
    readonly_fields = ("created_at", "owner", "points", "kind", "reason", "occurrence_id", "actor")
    fields = readonly_fields
    change_list_template = "admin/rewards/pointsentry/change_list.html"

    def has_add_permission(self, request):
        return False  # the standard add form would skip the service: adjust_view instead

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.adjust_view)
        return [path("adjust/", view, name="rewards_points_adjust"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_adjust_points": request.user.has_perm(ADJUST_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def adjust_view(self, request):
        if not request.user.has_perm(ADJUST_PERMISSION):
            raise PermissionDenied
        form = PointsAdjustForm(request.POST or None, initial={"email": request.GET.get("email", "")})
        if request.method == "POST" and form.is_valid():
            try:
                entry = points_adjust(actor=request.user, owner_id=form.owner.pk, points=form.signed_points(),
                                      reason=form.cleaned_data["reason"])
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error, {"owner": "email"})
            else:
                verb = "granted to" if entry.points > 0 else "removed from"
                messages.success(request, f"{abs(entry.points):,} points {verb} {form.owner.email}.")
                return redirect(reverse("admin:rewards_pointsentry_changelist") + f"?q={form.owner.email}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Grant or remove points",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/rewards/pointsentry/adjust.html", context)
