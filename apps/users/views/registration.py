from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView

from apps.core.forms import add_service_errors

from .. import services
from ..forms import DUPLICATE_EMAIL_MESSAGE, RegistrationForm

# The email column's own unique index and the case-insensitive one (models.User.Meta).
EMAIL_UNIQUE_CONSTRAINTS = ("users_user_email_key", "users_user_email_ci_unique")


def _is_email_conflict(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) in EMAIL_UNIQUE_CONSTRAINTS


@method_decorator(login_not_required, name="dispatch")
class RegisterView(FormView):
    template_name = "users/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.customer_register(
                email=data["email"], display_name=data["display_name"], password=data["password1"],
                time_zone=data["time_zone"], default_currency=data["default_currency"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
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
