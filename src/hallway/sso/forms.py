"""Forms for the SSO pages. They parse input only; the ``do_*`` actions validate and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from hallway.sso.models import OidcProvider
from hallway.sso.selectors import DEFAULT_CLAIMS


class SsoStartForm(forms.Form):
    email = forms.EmailField(
        label="Work email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class _DomainsAndClaims(forms.Form):
    def domain_list(self) -> list[str]:
        return [d for d in re.split(r"[\s,;]+", self.cleaned_data["domains"]) if d]

    def claim_map(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"claim_{key}", "")
            for key in DEFAULT_CLAIMS
            if self.cleaned_data.get(f"claim_{key}")
        }


class ProviderForm(_DomainsAndClaims):
    name = forms.CharField(
        label="Name shown on the sign-in page", max_length=100, help_text="e.g. “Northwind Okta”"
    )
    issuer = forms.CharField(
        label="Issuer (discovery) URL",
        max_length=500,
        help_text="The issuer URL; /.well-known/openid-configuration is added for you.",
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    client_id = forms.CharField(label="Client ID", max_length=300)
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=False,
        help_text="Stored encrypted. Leave empty to keep the current secret.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    domains = forms.CharField(
        label="Email domains",
        help_text="One per line (or separated by commas), e.g. northwind.example.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_enabled = forms.BooleanField(label="Enabled", required=False, initial=True)
    enforce_for_members = forms.BooleanField(
        label="Members of these domains must use single sign-on (password sign-in is refused)",
        required=False,
    )
    trust_email_without_verified_claim = forms.BooleanField(
        label="Trust addresses without an email_verified claim (Entra ID)",
        required=False,
        help_text="An address the provider marks as not verified is always refused.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, default in DEFAULT_CLAIMS.items():
            self.fields[f"claim_{key}"] = forms.CharField(
                label=f"Claim for {key.replace('_', ' ')}",
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": default, "autocomplete": "off"}),
            )

    @staticmethod
    def initial_for(provider: OidcProvider) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": provider.name,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "domains": "\n".join(d.domain for d in provider.domains.all()),
            "is_enabled": provider.is_enabled,
            "enforce_for_members": provider.enforce_for_members,
            "trust_email_without_verified_claim": provider.trust_email_without_verified_claim,
        }
        for key, value in (provider.claim_map or {}).items():
            initial[f"claim_{key}"] = value
        return initial


class SamlProviderForm(_DomainsAndClaims):
    name = forms.CharField(
        label="Name shown on the sign-in page",
        max_length=100,
        help_text="e.g. “Northwind Entra ID”",
    )
    entity_id = forms.CharField(
        label="Identity provider entity ID (issuer)",
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    metadata_url = forms.CharField(
        label="Metadata URL",
        required=False,
        max_length=500,
        help_text="The IdP's federation metadata URL. Or upload the metadata file below.",
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    metadata_file = forms.FileField(
        label="Metadata file (XML)",
        required=False,
        help_text="Used when no metadata URL is given. Leave empty to keep the current file.",
    )
    domains = ProviderForm.base_fields["domains"]
    is_enabled = ProviderForm.base_fields["is_enabled"]
    enforce_for_members = ProviderForm.base_fields["enforce_for_members"]
    trust_email_without_verified_claim = forms.BooleanField(
        label="Trust addresses without an email_verified attribute (usual for SAML)",
        required=False,
        initial=True,
        help_text="An address the provider marks as not verified is always refused.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, default in DEFAULT_CLAIMS.items():
            self.fields[f"claim_{key}"] = forms.CharField(
                label=f"Attribute for {key.replace('_', ' ')}",
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": default, "autocomplete": "off"}),
            )

    @staticmethod
    def initial_for(provider: OidcProvider) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": provider.name,
            "entity_id": provider.saml_entity_id,
            "metadata_url": provider.saml_metadata_url,
            "domains": "\n".join(d.domain for d in provider.domains.all()),
            "is_enabled": provider.is_enabled,
            "enforce_for_members": provider.enforce_for_members,
            "trust_email_without_verified_claim": provider.trust_email_without_verified_claim,
        }
        for key, value in (provider.claim_map or {}).items():
            initial[f"claim_{key}"] = value
        return initial

    def metadata_xml(self) -> str | None:
        """The uploaded metadata as text, None when no file was sent."""
        upload = self.cleaned_data.get("metadata_file")
        if not upload:
            return None
        data = upload.read(1_000_001)
        if len(data) > 1_000_000:
            self.add_error("metadata_file", "The metadata file is too large.")
            return None
        try:
            return str(data.decode("utf-8"))
        except UnicodeDecodeError:
            self.add_error("metadata_file", "The metadata file is not UTF-8 XML.")
            return None


class SignInPolicyForm(forms.Form):
    guests_must_use_mfa = forms.BooleanField(
        label="Guests must set up two-factor authentication", required=False
    )
