import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import user_has_device

from apps.core.forms import add_service_errors

from .. import selectors, services, two_factor
from ..forms import TOTPConfirmForm, TwoFactorCodeForm
from .common import safe_next


def _qr_svg(data: str) -> str:
    """An inline SVG (no script, no style attribute, so the strict CSP allows it)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def _grouped_base32(key: bytes) -> str:
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def _show_recovery_codes(request, codes):
    return render(request, "users/recovery_codes.html",
                  {"codes": codes, "next": safe_next(request, default=reverse("two_factor"))})


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
        if selectors.two_factor_enabled(user=request.user):
            return redirect("two_factor")
        form = TOTPConfirmForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        device = services.totp_device_get_or_create(user=request.user)
        try:
            codes = services.two_factor_enable(user=request.user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(form)
        otp_login(request, device)
        messages.success(request, _("Two-factor authentication is on. Your next login will ask for a code."))
        return _show_recovery_codes(request, codes)

    def _render(self, form):
        user = self.request.user
        context = {
            "enabled": selectors.two_factor_enabled(user=user),
            "form": form,
            "next": safe_next(self.request, default=""),
            "required_for_staff": user.is_staff and settings.STAFF_REQUIRE_TWO_FACTOR,
        }
        if context["enabled"]:
            context["recovery_codes_left"] = selectors.recovery_codes_left(user=user)
        else:
            device = services.totp_device_get_or_create(user=user)
            context["qr_svg"] = _qr_svg(device.config_url)
            context["secret"] = _grouped_base32(device.bin_key)
        return render(self.request, self.template_name, context)


class RecoveryCodesView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if not (selectors.two_factor_enabled(user=request.user) and two_factor.is_verified(request.user)):
            return redirect("two_factor")
        codes = services.recovery_codes_generate(user=request.user)
        messages.success(request, _("New recovery codes created; the old ones no longer work."))
        return _show_recovery_codes(request, codes)


class TwoFactorDisableView(LoginRequiredMixin, FormView):
    """Turning two-factor off asks for a current code (a stolen session alone cannot)."""

    template_name = "users/two_factor_disable.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not selectors.two_factor_enabled(user=user):
            return redirect("two_factor")
        if user.is_authenticated and user.is_staff and settings.STAFF_REQUIRE_TWO_FACTOR:
            messages.error(request, _("Staff accounts must keep two-factor authentication on."))
            return redirect("two_factor")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.two_factor_disable(user=self.request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Two-factor authentication is off."))
        return redirect("two_factor")
