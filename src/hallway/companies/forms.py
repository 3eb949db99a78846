"""Forms for company pages: they parse input; the actions validate and write."""

from __future__ import annotations

from django import forms


class CompanyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website = forms.CharField(
        label="Website",
        required=False,
        max_length=200,
        help_text="A full address such as https://example.com.",
        widget=forms.URLInput(),
    )
    email_domain = forms.CharField(
        label="Email domain",
        required=False,
        max_length=200,
        help_text="People with addresses at this domain belong to this company.",
    )
    logo = forms.FileField(
        label="New logo",
        required=False,
        help_text="JPEG, PNG, WebP or GIF, at most 5 MB. Leave empty to keep the current one.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
