from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView

from .forms import EmailAuthenticationForm, RegistrationForm
from .services import customer_register


@method_decorator(login_not_required, name="dispatch")
class RegisterView(FormView):
    template_name = "users/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("dashboard:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = customer_register(form=form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome to BankDash, {user.display_name}!")
        return redirect("dashboard:home")


class EmailLoginView(LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
