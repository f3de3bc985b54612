from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from apps.users.security import client_ip

from .. import services
from ..forms import EmailPasswordResetForm


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        session = self.request.session
        old_key = session.session_key
        services.password_set(user=form.user, password=form.cleaned_data["new_password1"], how="change",
                              keep_session_key=old_key)
        update_session_auth_hash(self.request, form.user)  # this browser's session goes on, under a new key
        services.signed_in_session_rekey(old_key=old_key, new_key=session.session_key)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        services.password_set(user=form.user, password=form.cleaned_data["new_password1"], how="reset")
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per client IP and per email address (the normal form,
    the same the login and its lockout use), in the shared store of apps.users.throttle."""

    form_class = EmailPasswordResetForm

    def form_valid(self, form):
        limit, window = settings.PASSWORD_RESET_RATE_LIMIT
        seconds = int(window.total_seconds())
        allowed = services.password_reset_throttle(email=form.cleaned_data["email"], ip=client_ip(self.request),
                                                   limit=limit, window_seconds=seconds)
        if not allowed:
            form.add_error(None, _("Too many password reset requests. Please wait %(minutes)s minutes "
                                   "and try again.") % {"minutes": seconds // 60})
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
