from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy

from apps.transactions.services import adjustment_post

from .forms import CorrectionForm
from .models import AuditEvent
from .services import Action, audit_record
from .summaries import summarise


class SummarisedChangeList(ChangeList):
    """Summarises the page's events together (one query for the whole page, not one per row)."""

    def get_results(self, request):
        super().get_results(request)
        summaries = summarise(self.result_list)
        for event in self.result_list:
            event.summary_text = summaries[event.pk]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only. Each row reads as
    one line (who, what, amount, account); the raw details stay on the event's page."""

    list_display = ("created_at", "summary", "action", "ip_address")
    list_filter = ("action", "created_at")
    search_fields = ("actor_email", "object_id", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    readonly_fields = ("created_at", "summary", "action", "actor", "actor_email", "object_type", "object_id",
                       "ip_address", "details")
    fields = readonly_fields
    change_list_template = "admin/audit/auditevent/change_list.html"

    def get_changelist(self, request, **kwargs):
        return SummarisedChangeList

    @admin.display(description="What happened")
    def summary(self, obj):
        text = getattr(obj, "summary_text", None)
        return text if text is not None else summarise([obj])[obj.pk]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.correction_view)
        return [path("correction/", view, name="audit_correction"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_post_correction": request.user.has_perm("audit.post_correction")}
        return super().changelist_view(request, extra_context)

    def correction_view(self, request):
        """Superusers (the audit.post_correction permission) post a ledger correction."""
        if not request.user.has_perm("audit.post_correction"):
            raise PermissionDenied
        form = CorrectionForm(request.POST or None, initial={"account": request.GET.get("account")})
        if request.method == "POST" and form.is_valid():
            try:
                row = adjustment_post(staff_user=request.user, account_id=form.cleaned_data["account"],
                                      amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                account = form.account_obj
                messages.success(request, f"Correction of {form.cleaned_data['amount']} {account.currency} posted "
                                          f"to “{account.name}” ({account.owner.email}); entry #{row.pk}.")
                return redirect(reverse("admin:audit_auditevent_changelist") + f"?action={Action.CORRECTION}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Post a ledger correction",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/audit/auditevent/correction.html", context)


@admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
def audited_delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, recorded in the audit trail: it writes its admin log with
    bulk_create (no post_save) when more than one object goes."""
    going = [(obj.pk, str(obj)) for obj in queryset] if request.POST.get("post") else []
    response = delete_selected(modeladmin, request, queryset)
    if response is None and len(going) > 1:  # deleted; a single one was logged via post_save
        for pk, text in going:
            audit_record(action=Action.ADMIN_CHANGE, request=request, object_type=queryset.model._meta.label_lower,
                         object_id=pk, details={"operation": "deletion", "object": text, "message": ""})
    return response


admin.site.add_action(audited_delete_selected, "delete_selected")
