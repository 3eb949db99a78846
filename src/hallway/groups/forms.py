"""Forms for group pages: they parse input; the actions validate the rules and write."""

from __future__ import annotations

from typing import Any

from django import forms

from hallway.groups.models import Group, Membership


class CompanyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class GroupForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the group is for; everyone who can see the group reads this.",
    )
    visibility = forms.ChoiceField(
        label="Visibility", choices=Group.Visibility.choices, widget=forms.RadioSelect
    )
    join_policy = forms.ChoiceField(
        label="How people join",
        choices=Group.JoinPolicy.choices,
        widget=forms.RadioSelect,
        help_text="Private groups are joined by request or invitation; secret groups by "
        "invitation only.",
    )
    sensitivity = forms.ChoiceField(
        label="Sensitivity label",
        choices=Group.Sensitivity.choices,
        help_text="How confidential the group's content is.",
    )
    hints = forms.ChoiceField(
        label="Search hints",
        choices=Group.Hints.choices,
        help_text="Whether search may tell people that this group has matching content. "
        "Must be off for secret groups.",
    )
    is_external = forms.BooleanField(
        label="External: guests of the companies below may be invited", required=False
    )
    companies = CompanyChoiceField(
        label="Companies admitted",
        required=False,
        queryset=None,  # set by the view from companies_visible_to
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Reason for opening up",
        required=False,
        max_length=500,
        help_text="Needed when you make the group more visible or lower its sensitivity "
        "label; kept in the audit log.",
    )

    def __init__(self, *args: Any, companies: Any, with_reason: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["companies"].queryset = companies  # type: ignore[attr-defined]
        if not with_reason:
            del self.fields["reason"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to read this group?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. The group's owners will see your name, the time and this reason; "
        "it is also kept in the audit log. Access lasts one hour.",
    )


class InviteForm(forms.Form):
    query = forms.CharField(
        label="Find a person",
        required=False,
        max_length=200,
        help_text="Part of their name or their email address.",
    )
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        required=False,
    )


class NetworkSettingsForm(forms.Form):
    members_can_create_groups = forms.BooleanField(
        label="Members may create groups", required=False
    )
    announcement_leaders = forms.CharField(
        label="Announcement leaders",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Email addresses of the members who may post announcements besides network "
            "admins, one per line or separated by commas."
        ),
    )

    def clean_announcement_leaders(self) -> list[str]:
        raw = self.cleaned_data.get("announcement_leaders") or ""
        emails = [part.strip().lower() for part in raw.replace(",", "\n").splitlines()]
        emails = list(dict.fromkeys(email for email in emails if email))
        if len(emails) > 200:
            raise forms.ValidationError("At most 200 announcement leaders.")
        return emails
