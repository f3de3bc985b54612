from django import forms
from django.utils.translation import gettext_lazy as _

from apps.alerts.models import AlertKind

from .channels import CHANNELS
from .selectors import field_name


class PreferencesForm(forms.Form):
    """One checkbox per alert kind and channel (the grid on the settings page), and the quiet hours."""

    quiet_start = forms.TimeField(label=_("Quiet from"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    quiet_end = forms.TimeField(label=_("Quiet until"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in AlertKind.values:
            for channel in CHANNELS:
                self.fields[field_name(kind, channel)] = forms.BooleanField(required=False)

    def enabled(self) -> set[tuple[str, str]]:
        return {(kind, channel) for kind in AlertKind.values for channel in CHANNELS
                if self.cleaned_data.get(field_name(kind, channel))}
