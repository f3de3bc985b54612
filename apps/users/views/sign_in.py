from urllib.parse import urlsplit

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from .. import selectors, services, two_factor
from ..forms import EmailAuthenticationForm, TwoFactorCodeForm
from .common import safe_next


class EmailLoginView(auth_views.LoginView):
    """Email and password; a user with two-factor authentication then gives a code
    (LoginVerifyView) before the session is logged in."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """``next``, unless it is the logout or the idle logout: a visitor sent here from them
        (a bookmark, a tab left open) logged in to use the app, not to log out again."""
        url = super().get_redirect_url()
        if url and urlsplit(url).path in (reverse("logout"), reverse("idle_logout")):
            return ""
        return url

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
            self.next_url = safe_next(request)
        elif request.user.is_authenticated:
            return redirect(safe_next(request))
        else:
            messages.info(request, _("Please log in again."))
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
        device = services.two_factor_verify(user=self.user, code=form.cleaned_data["code"], request=request)
        if device is None:
            return self._wrong_code(form)
        if self.pending is not None:
            two_factor.clear(request)
            login(request, self.user, backend=self.pending.backend)
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = selectors.recovery_codes_left(user=self.user)
            messages.warning(request, ngettext("You used a recovery code; %(left)s left. Create new ones from the "
                                               "two-factor page if you are running low.",
                                               "You used a recovery code; %(left)s left. Create new ones from the "
                                               "two-factor page if you are running low.", left) % {"left": left})
        return redirect(self.next_url)

    def _wrong_code(self, form):
        if self.pending is not None and two_factor.count_failure(self.request) >= two_factor.MAX_CODE_FAILURES:
            messages.error(self.request, _("Too many wrong codes. Please log in again."))
            return redirect("login")
        form.add_error("code", _("That code is not valid. Codes change every 30 seconds; "
                                 "a recovery code works only once."))
        return self.form_invalid(form)
