"""The settings page (/settings/): the profile (name, currency, time zone, number and date
format), the email change, confirmed from the new address, and where one is signed in. The password and two-factor
pages are linked from it; exporting all one's data and closing the profile live in
apps.profile, which may read every app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.core import formats
from apps.core.forms import add_service_errors

from .. import selectors, services
from ..forms import EmailChangeForm, ProfileSettingsForm, time_zone_names


class SettingsView(TemplateView):
    """GET shows the page; POST saves the profile block (the email block posts to EmailChangeView)."""

    template_name = "users/settings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("profile_form", ProfileSettingsForm(initial={
            field: getattr(user, field) for field in services.PROFILE_FIELDS}))
        kwargs.setdefault("email_form", EmailChangeForm())
        sessions, sessions_total = selectors.signed_in_sessions(user=user,
                                                                current_key=self.request.session.session_key)
        return super().get_context_data(time_zone_names=time_zone_names(),
                                        two_factor_enabled=selectors.two_factor_enabled(user=user),
                                        sessions=sessions, sessions_more=sessions_total - len(sessions),
                                        other_sessions=sessions_total - sum(line.current for line in sessions),
                                        **kwargs)

    def post(self, request):
        form = ProfileSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # In the language just chosen: the page it shows on is already in it.
                request.user.refresh_from_db(fields=["locale"])
                with formats.for_user(request.user):
                    messages.success(request, _("Your settings are saved."))
                return redirect("settings")
        return self.render_to_response(self.get_context_data(profile_form=form), status=400)


class EmailChangeView(TemplateView):
    """POST only from the settings page: emails the confirmation link to the new address."""

    template_name = SettingsView.template_name
    http_method_names = ["post"]

    def post(self, request):
        form = EmailChangeForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                new_email = services.email_change_request(
                    user=request.user, new_email=form.cleaned_data["new_email"],
                    password=form.cleaned_data["password"], site_url=request.build_absolute_uri("/").rstrip("/"))
            except ValidationError as error:
                status = 429 if getattr(error, "code", None) == "throttled" else 400
                add_service_errors(form, error, {"email": "new_email"})
            else:
                messages.success(request, _("We sent a link to %(new_email)s. Open it to confirm the change; until "
                                            "then your address stays %(email)s.")
                                 % {"new_email": new_email, "email": request.user.email})
                return redirect("settings")
        view = SettingsView(request=request, args=(), kwargs={})
        return view.render_to_response(view.get_context_data(email_form=form), status=status)


@method_decorator(login_not_required, name="dispatch")
class EmailChangeConfirmView(TemplateView):
    """The emailed link, opened logged in or not: a page whose button (a POST, so a mail
    scanner that opens links changes nothing) moves the profile to the new address."""

    template_name = "users/email_change_confirm.html"

    def get(self, request, token):
        try:
            link = services.email_change_link_check(token=token)
        except ValidationError as error:
            return self.render_to_response({"refused": error.messages[0]}, status=400)
        return self.render_to_response({"new_email": link.new_email})

    def post(self, request, token):
        try:
            user = services.email_change_confirm(token=token)
        except ValidationError as error:
            return self.render_to_response({"refused": error.messages[0]}, status=400)
        if request.user.is_authenticated and request.user.pk == user.pk:
            messages.success(request, _("Your email address is now %(email)s.") % {"email": user.email})
            return redirect("settings")
        return self.render_to_response({"done": True, "new_email": user.email})
