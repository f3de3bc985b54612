from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from .two_factor import staff_two_factor_satisfied


class BankDashAdminSite(admin.AdminSite):
    """The admin, for active staff whose session passed a second factor.

    There is one login page (with the lockout and the second factor): the admin's own
    login redirects there, or to the two-factor page a staff member still has to pass.
    A customer is refused outright.
    """

    site_header = "BankDash administration"
    site_title = "BankDash admin"
    index_title = "Back office"

    def has_permission(self, request):
        return super().has_permission(request) and staff_two_factor_satisfied(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
        if user.is_active and user.is_staff:
            if self.has_permission(request):
                return redirect(next_url)
            # The second factor is missing: pass it, or set it up first.
            step = "login_verify" if user_has_device(user) else "two_factor"
            return redirect_to_login(next_url, reverse(step))
        raise PermissionDenied("The admin is for BankDash staff.")

    def password_change(self, request, extra_context=None):
        # One password-change page for everyone: the site's (it is audited and styled).
        return redirect("password_change")
