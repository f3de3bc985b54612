from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from apps.core.forms import add_service_errors
from apps.users.security import client_ip

from .. import selectors, services
from ..forms import ActivationForm, RegistrationForm, time_zone_names
from ..locales import currency_from_accept_language, locale_from_accept_language
from ..models import default_currency


@method_decorator(login_not_required, name="dispatch")
class RegisterView(FormView):
    """The same answer for a free and a taken address (the check-your-email page): the
    email that follows says which it was, to the address's owner only."""

    template_name = "users/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard:home")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # The browser's language picks the format and suggests the currency (its country's:
        # a German customer starts with EUR, not the site's default); static/js/register-timezone.js
        # picks its time zone. The customer can change each here or later in their settings.
        header = self.request.headers.get("Accept-Language")
        return {**super().get_initial(), "locale": self._browser_locale(),
                "default_currency": currency_from_accept_language(header, default=default_currency())}

    def _browser_locale(self) -> str:
        return locale_from_accept_language(self.request.headers.get("Accept-Language"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(time_zone_names=time_zone_names(), **kwargs)

    def post(self, request, *args, **kwargs):
        if not services.registration_throttle(ip=client_ip(request)):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many registrations from your network. Please wait an hour and try again."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.customer_register(
                email=data["email"], display_name=data["display_name"], password=data["password1"],
                time_zone=data["time_zone"], default_currency=data["default_currency"],
                locale=data.get("locale") or self._browser_locale(),
                site_url=self.request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("register_done")


@method_decorator(login_not_required, name="dispatch")
class RegisterDoneView(TemplateView):
    template_name = "users/register_done.html"


@method_decorator(login_not_required, name="dispatch")
class ActivateView(TemplateView):
    """The emailed link: a page whose button (a POST, so a mail scanner that opens links
    activates nothing) activates the account and logs the customer in."""

    template_name = "users/activate.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = selectors.customer_pending_activation(uidb64=kwargs["uidb64"], token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ActivationForm())
        return super().get_context_data(pending=self.pending, **kwargs)

    def post(self, request, uidb64, token):
        if self.pending is None:
            return self.get(request, uidb64=uidb64, token=token)
        form = ActivationForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            user = services.customer_activate(user=self.pending, token=token, password=form.cleaned_data["password"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return self.get(request, uidb64=uidb64, token=token)
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to BankDash, %(name)s!") % {"name": user.display_name})
        return redirect("dashboard:home")
