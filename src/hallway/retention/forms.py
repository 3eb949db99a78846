from __future__ import annotations

from typing import Any

from django import forms

from hallway.retention.actions import MAX_DAYS
from hallway.retention.models import SENSITIVITIES


class RulesForm(forms.Form):
    """Days to keep each label's posts; empty keeps them forever."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for label in SENSITIVITIES:
            self.fields[label] = forms.IntegerField(
                label=f"{label.capitalize()}: keep for (days)",
                min_value=1,
                max_value=MAX_DAYS,
                required=False,
                help_text="Empty: keep forever.",
            )

    def days_by_label(self) -> dict[str, int | None]:
        return {label: self.cleaned_data.get(label) for label in SENSITIVITIES}


class HoldForm(forms.Form):
    group = forms.SlugField(
        label="Group (its address, e.g. bid-team)", required=False, max_length=140
    )
    email = forms.EmailField(label="Or a person (email)", required=False)
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("group")) == bool(data.get("email")):
            raise forms.ValidationError("Hold either a group or a person.")
        return data
