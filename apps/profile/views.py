"""The settings page's two blocks that reach into every app: "export all my data" and
"close my profile" (apps.profile.services)."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView, View

from apps.core.dates import user_today
from apps.core.forms import add_service_errors

from . import services
from .forms import CloseProfileForm


class ExportView(View):
    """POST (from the settings page): the zip, as a download. POST, so a link prefetch
    or a crawler never builds one; the audit trail records each."""

    http_method_names = ["post"]

    def post(self, request):
        archive = services.data_export(user=request.user)
        name = f"bankdash-export-{user_today(request.user):%Y-%m-%d}.zip"
        return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")


class CloseView(FormView):
    """The confirmation page; refused, with the accounts listed, while money remains."""

    template_name = "profile/close.html"
    form_class = CloseProfileForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(accounts_with_money=services.accounts_with_money(user=self.request.user),
                                        **kwargs)

    def form_valid(self, form):
        try:
            services.profile_close(user=self.request.user, confirmation=form.cleaned_data["confirmation"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        logout(self.request)
        return redirect("profile:closed")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(login_not_required, name="dispatch")
class ClosedView(TemplateView):
    template_name = "profile/closed.html"

