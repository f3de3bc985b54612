from django import forms
from django.contrib.auth import get_user_model

from .models import MAX_STAFF_POINTS

GRANT, REMOVE = "grant", "remove"


class PointsAdjustForm(forms.Form):
    """Staff grant or remove a customer's points, with the reason on record."""

    email = forms.CharField(label="Customer's email", max_length=254)
    change = forms.ChoiceField(label="Change", choices=[(GRANT, "Grant points"), (REMOVE, "Remove points")],
                               widget=forms.RadioSelect, initial=GRANT)
    points = forms.IntegerField(min_value=1, max_value=MAX_STAFF_POINTS,
                                help_text=f"A whole number from 1 to {MAX_STAFF_POINTS:,}.")
    reason = forms.CharField(
        max_length=500, min_length=10, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Shown to the customer on their rewards page and kept in the audit trail.",
    )

    def clean_email(self):
        User = get_user_model()
        email = User.objects.normalize_email(self.cleaned_data["email"])
        self.owner = User.objects.filter(email=email).first()
        if self.owner is None:
            raise forms.ValidationError("There is no user with this email.")
        return email

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 10:
            raise forms.ValidationError("Explain the change in at least 10 characters.")
        return reason

    def signed_points(self) -> int:
        points = self.cleaned_data["points"]
        return points if self.cleaned_data["change"] == GRANT else -points
