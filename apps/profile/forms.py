from django import forms
from django.utils.translation import gettext_lazy


class CloseProfileForm(forms.Form):
    confirmation = forms.CharField(
        label=gettext_lazy("Your email address or your password"), strip=False, max_length=254,
        help_text=gettext_lazy("Typed in full, to show that it is you and that you mean it."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}))
