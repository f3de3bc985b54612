import io

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from . import services, two_factor
from .forms import (
    DUPLICATE_EMAIL_MESSAGE,
    EmailAuthenticationForm,
    RegistrationForm,
    TOTPConfirmForm,
    TwoFactorCodeForm,
)
from .security import client_ip
from .services import customer_register
from .signals import password_changed, password_reset_requested, two_factor_changed
from .throttle import hit

# The email column's own unique index and the case-insensitive one (models.User.Meta).
EMAIL_UNIQUE_CONSTRAINTS = ("users_user_email_key", "users_user_email_ci_unique")


def _is_email_conflict(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) in EMAIL_UNIQUE_CONSTRAINTS


def _safe_next(request, default=None) -> str:
    """The ``next`` parameter if it stays on this site, else ``default`` (the dashboard)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)


@method_decorator(login_not_required, name="dispatch")
class RegisterView(FormView):
    template_name = "users/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            user = customer_register(form=form)
        except IntegrityError as error:
            # Two registrations with the same email raced past clean_email(); the
            # unique index let one through and refused this one.
            if not _is_email_conflict(error):
                raise
            form.add_error("email", DUPLICATE_EMAIL_MESSAGE)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome to BankDash, {user.display_name}!")
        return redirect("dashboard:home")


class EmailLoginView(auth_views.LoginView):
    """Email and password; a user with two-factor authentication then gives a code
    (LoginVerifyView) before the session is logged in."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if user_has_device(user):
            two_factor.begin(self.request, user, next_url=self.get_success_url())
            return redirect("login_verify")
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class LoginVerifyView(FormView):
    """The second factor: after the password (pending login), or later in a session that
    has not passed it yet (a staff member on the way to the admin)."""

    template_name = "registration/login_verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = two_factor.pending(request)
        if self.pending is not None:
            self.user = self.pending.user
            self.next_url = self.pending.next_url
        elif request.user.is_authenticated and user_has_device(request.user) \
                and not two_factor.is_verified(request.user):
            self.user = request.user
            self.next_url = _safe_next(request)
        elif request.user.is_authenticated:
            return redirect(_safe_next(request))
        else:
            messages.info(request, "Please log in again.")
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url, **kwargs)

    def form_valid(self, form):
        request = self.request
        credentials = {"username": self.user.email}
        if not AxesProxyHandler.is_allowed(request, credentials):
            two_factor.clear(request)
            return get_lockout_response(request, None, credentials)
        device = services.two_factor_verify(user=self.user, code=form.cleaned_data["code"])
        if device is None:
            return self._wrong_code(form, credentials)
        if self.pending is not None:
            two_factor.clear(request)
            login(request, self.user, backend=self.pending.backend)
        otp_login(request, device)
        two_factor_changed.send(sender=self.__class__, user=self.user, request=request, action="verified",
                                device=device.__class__.__name__)
        if isinstance(device, StaticDevice):
            left = services.recovery_codes_left(user=self.user)
            messages.warning(request, f"You used a recovery code; {left} left. "
                                      "Create new ones from the two-factor page if you are running low.")
        return redirect(self.next_url)

    def _wrong_code(self, form, credentials):
        # A wrong code counts as a failed login: django-axes locks out after the same 5.
        user_login_failed.send(sender=__name__, credentials={**credentials, "factor": "two-factor code"},
                               request=self.request)
        if self.pending is not None and two_factor.count_failure(self.request) >= two_factor.MAX_CODE_FAILURES:
            messages.error(self.request, "Too many wrong codes. Please log in again.")
            return redirect("login")
        form.add_error("code", "That code is not valid. Codes change every 30 seconds; "
                               "a recovery code works only once.")
        return self.form_invalid(form)


def _qr_svg(data: str) -> str:
    """An inline SVG (no script, no style attribute, so the strict CSP allows it)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


class TwoFactorView(LoginRequiredMixin, View):
    """Status and set-up of two-factor authentication: a QR code for an authenticator
    app, confirmed with a code; then ten recovery codes, shown once."""

    template_name = "users/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user_has_device(user) and not two_factor.is_verified(user):
            # Changing the second factor needs it first.
            return redirect_to_login(request.get_full_path(), reverse("login_verify"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(TOTPConfirmForm())

    def post(self, request):
        if services.two_factor_enabled(user=request.user):
            return redirect("two_factor")
        form = TOTPConfirmForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        device = services.totp_device_for_setup(user=request.user)
        try:
            codes = services.two_factor_enable(user=request.user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(form)
        otp_login(request, device)
        two_factor_changed.send(sender=self.__class__, user=request.user, request=request, action="enabled")
        messages.success(request, "Two-factor authentication is on. Your next login will ask for a code.")
        return _show_recovery_codes(request, codes)

    def _render(self, form):
        user = self.request.user
        context = {
            "enabled": services.two_factor_enabled(user=user),
            "form": form,
            "next": _safe_next(self.request, default=""),
            "required_for_staff": user.is_staff and settings.STAFF_REQUIRE_TWO_FACTOR,
        }
        if context["enabled"]:
            context["recovery_codes_left"] = services.recovery_codes_left(user=user)
        else:
            device = services.totp_device_for_setup(user=user)
            context["qr_svg"] = _qr_svg(device.config_url)
            context["secret"] = _grouped_base32(device.bin_key)
        return render(self.request, self.template_name, context)


def _grouped_base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def _show_recovery_codes(request, codes):
    return render(request, "users/recovery_codes.html",
                  {"codes": codes, "next": _safe_next(request, default=reverse("two_factor"))})


class RecoveryCodesView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if not (services.two_factor_enabled(user=request.user) and two_factor.is_verified(request.user)):
            return redirect("two_factor")
        codes = services.recovery_codes_generate(user=request.user)
        two_factor_changed.send(sender=self.__class__, user=request.user, request=request,
                                action="recovery_codes_generated")
        messages.success(request, "New recovery codes created; the old ones no longer work.")
        return _show_recovery_codes(request, codes)


class TwoFactorDisableView(LoginRequiredMixin, FormView):
    """Turning two-factor off asks for a current code (a stolen session alone cannot)."""

    template_name = "users/two_factor_disable.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not services.two_factor_enabled(user=user):
            return redirect("two_factor")
        if user.is_authenticated and user.is_staff and settings.STAFF_REQUIRE_TWO_FACTOR:
            messages.error(request, "Staff accounts must keep two-factor authentication on.")
            return redirect("two_factor")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        if services.two_factor_verify(user=user, code=form.cleaned_data["code"]) is None:
            form.add_error("code", "That code is not valid.")
            return self.form_invalid(form)
        services.two_factor_disable(user=user)
        two_factor_changed.send(sender=self.__class__, user=user, request=self.request, action="disabled")
        messages.success(self.request, "Two-factor authentication is off.")
        return redirect("two_factor")


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed.send(sender=self.__class__, user=form.user, request=self.request, how="change")
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed.send(sender=self.__class__, user=form.user, request=self.request, how="reset")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per client IP and per email address."""

    def form_valid(self, form):
        limit, window = settings.PASSWORD_RESET_RATE_LIMIT
        seconds = int(window.total_seconds())
        email = form.cleaned_data["email"].strip().lower()
        # Both counters move on every request, so alternating addresses does not help.
        ip_ok = hit(scope="pwreset-ip", key=client_ip(self.request) or "-", limit=limit, window_seconds=seconds)
        email_ok = hit(scope="pwreset-email", key=email, limit=limit, window_seconds=seconds)
        throttled = not (ip_ok and email_ok)
        password_reset_requested.send(sender=self.__class__, request=self.request, email=email, throttled=throttled)
        if throttled:
            form.add_error(None, f"Too many password reset requests. Please wait {seconds // 60} minutes "
                                 "and try again.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
