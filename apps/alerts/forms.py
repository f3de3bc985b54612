from django import forms
from django.contrib.auth import get_user_model

from .services import MESSAGE_MAX_LENGTH, customers


class SystemAlertForm(forms.Form):
    """Staff's system alert: to every customer, or to one customer by email."""

    ALL, ONE = "all", "one"

    message = forms.CharField(max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    audience = forms.ChoiceField(
        choices=[(ALL, "All customers"), (ONE, "One customer")], initial=ALL, widget=forms.RadioSelect,
    )
    email = forms.EmailField(required=False, label="Customer email", help_text="Only for “One customer”.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == self.ONE:
            email = get_user_model().objects.normalize_email(cleaned.get("email"))
            if not email:
                self.add_error("email", "Enter the email of the customer to send the alert to.")
            else:
                cleaned["user"] = customers().filter(email=email).first()  # stored in its normal form
                if cleaned["user"] is None:
                    self.add_error("email", "No active customer has this email address.")
        return cleaned

    def recipients(self):
        """None for all customers, else the one customer."""
        return None if self.cleaned_data["audience"] == self.ALL else [self.cleaned_data["user"]]
