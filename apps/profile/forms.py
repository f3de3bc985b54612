from django import forms


class CloseProfileForm(forms.Form):
    confirmation = forms.CharField(
        label="Your email address or your password", strip=False, max_length=254,
        help_text="Typed in full, to show that it is you and that you mean it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}))
