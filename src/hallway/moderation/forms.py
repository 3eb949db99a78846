from __future__ import annotations

from django import forms

from hallway.moderation.actions import DECISIONS, MAX_DETAILS
from hallway.moderation.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        required=False,
        max_length=MAX_DETAILS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is wrong? Required for “Something else”. The author never sees who "
        "reported.",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d) for d in DECISIONS])
    note = forms.CharField(required=False, max_length=MAX_DETAILS)
    message = forms.CharField(required=False, max_length=MAX_DETAILS)
