"""Forms for the account pages. They parse input only; the ``do_*`` actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.errors import ActionError

STATE_CHOICES = [
    ("", "Everyone"),
    ("invited", "Invited"),
    ("active", "Active"),
    ("deactivated", "Deactivated"),
]


def add_action_error(form: forms.Form, error: ActionError) -> None:
    """Show an action's error on the field it names, or on the whole form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label="Name or email",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(label="State", choices=STATE_CHOICES, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(
        label="Name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    kind = forms.ChoiceField(
        label="Joins as",
        choices=User.Kind.choices,
        initial=User.Kind.MEMBER,
        widget=forms.RadioSelect,
    )
    company = forms.ModelChoiceField(
        label="External company (guests only)",
        queryset=Company.objects.none(),
        required=False,
        empty_label="— choose for a guest —",
        help_text="Guests belong to exactly one external company. Members join the host company.",
    )

    def __init__(self, *args: Any, companies: QuerySet[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == User.Kind.GUEST and not data.get("company"):
            self.add_error("company", "Choose the external company this guest belongs to.")
        if data.get("kind") == User.Kind.MEMBER:
            data["company"] = None
        return data


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Reason (kept in the audit log)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RolesForm(forms.Form):
    is_network_admin = forms.BooleanField(label="Network admin", required=False)
    is_compliance_officer = forms.BooleanField(label="Compliance officer", required=False)


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 10 characters; not a common password and not only digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password (again)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "You must type the same password each time.")
        return data


class NameForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, such as “build server”, so you can recognise it later.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
