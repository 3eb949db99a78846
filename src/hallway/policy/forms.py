"""Forms of the policy pages: they parse input; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from hallway.policy.detectors import NATIONAL_ID_COUNTRIES
from hallway.policy.models import SENSITIVITY_ORDER, PolicyRule

SENSITIVITY_CHOICES = [("", "—")] + [(label, label.capitalize()) for label in SENSITIVITY_ORDER]


class RuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=500, required=False)
    detector = forms.ChoiceField(choices=PolicyRule.Detector.choices)
    words = forms.CharField(
        label="Words and phrases",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a word list: one per line; matched whole-word, ignoring case.",
    )
    pattern = forms.CharField(
        label="Regular expression",
        required=False,
        max_length=500,
        help_text="For a regular expression; checked for catastrophic backtracking on save.",
    )
    countries = forms.MultipleChoiceField(
        required=False,
        choices=[(c, c.upper()) for c in sorted(NATIONAL_ID_COUNTRIES)],
        widget=forms.CheckboxSelectMultiple,
        help_text="For national ids (none ticked: all).",
    )
    allowed_domains = forms.CharField(
        label="Email domains not flagged",
        required=False,
        help_text="For email addresses: space-separated, e.g. your own domain.",
    )
    destination = forms.ChoiceField(choices=PolicyRule.Destination.choices)
    max_sensitivity = forms.ChoiceField(
        label="Highest label (for “at or below”)", choices=SENSITIVITY_CHOICES, required=False
    )
    action = forms.ChoiceField(choices=PolicyRule.Action.choices)
    position = forms.IntegerField(label="Order", min_value=0, max_value=100000, required=False)
    enabled = forms.BooleanField(required=False, initial=True)

    @classmethod
    def for_rule(cls, rule: PolicyRule) -> RuleForm:
        config = rule.config or {}
        return cls(
            initial={
                "name": rule.name,
                "description": rule.description,
                "detector": rule.detector,
                "words": "\n".join(config.get("words") or []),
                "pattern": config.get("pattern", ""),
                "countries": config.get("countries") or [],
                "allowed_domains": " ".join(config.get("allowed_domains") or []),
                "destination": rule.destination,
                "max_sensitivity": rule.max_sensitivity,
                "action": rule.action,
                "position": rule.position,
                "enabled": rule.enabled,
            }
        )

    def rule_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "detector": data["detector"],
            "config": {
                "words": data["words"],
                "pattern": data["pattern"],
                "countries": data["countries"],
                "allowed_domains": data["allowed_domains"],
            },
            "destination": data["destination"],
            "max_sensitivity": data["max_sensitivity"],
            "action": data["action"],
            "position": data["position"],
            "enabled": data["enabled"],
        }


class TrialForm(forms.Form):
    text = forms.CharField(
        label="Sample text", max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    destination = forms.ChoiceField(
        label="Posted to",
        choices=[("network", "The network stream"), ("external", "An external group")],
        initial="network",
    )


class AuditFilterForm(forms.Form):
    actor = forms.IntegerField(label="Actor (person id)", required=False, min_value=1)
    action = forms.CharField(
        required=False, max_length=100, help_text="Exact, or a prefix ending in “.” (policy.)."
    )
    target_type = forms.CharField(label="Target type", required=False, max_length=50)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("release", "Release"), ("reject", "Reject")])
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
