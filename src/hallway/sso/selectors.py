"""Reads for sign-in routing: which provider an email address belongs to."""

from __future__ import annotations

from typing import Any

from hallway.sso.models import OidcProvider, SignInPolicy, SsoDomain

DEFAULT_CLAIMS = {
    "name": "name",
    "title": "title",
    "department": "department",
    "manager_email": "manager_email",
    "location": "address.locality",
    "picture": "picture",
}
CLAIM_FIELDS = tuple(DEFAULT_CLAIMS)


def email_domain(email: str) -> str:
    return (email or "").strip().lower().rpartition("@")[2]


def provider_for_email(email: str) -> OidcProvider | None:
    """The enabled provider whose routed domains include this address's domain."""
    domain = email_domain(email)
    if not domain:
        return None
    row = (
        SsoDomain.objects.select_related("provider")
        .filter(domain=domain, provider__is_enabled=True)
        .first()
    )
    return row.provider if row is not None else None


def provider_by_slug(slug: str) -> OidcProvider | None:
    return OidcProvider.objects.filter(slug=slug).first()


def enabled_providers() -> list[OidcProvider]:
    return list(OidcProvider.objects.filter(is_enabled=True).order_by("name"))


def password_sign_in_refused(email: str, *, is_guest: bool) -> OidcProvider | None:
    """The provider that members of this address's domain must use, if SSO is enforced.

    Guests keep email and password (with MFA) whatever their domain.
    """
    if is_guest:
        return None
    provider = provider_for_email(email)
    if provider is not None and provider.enforce_for_members:
        return provider
    return None


def sign_in_policy() -> SignInPolicy:
    return SignInPolicy.load()


def claim_names(provider: OidcProvider) -> dict[str, str]:
    """The claim each profile field comes from: the provider's overrides over the defaults."""
    names = dict(DEFAULT_CLAIMS)
    for field, claim in (provider.claim_map or {}).items():
        if field in names and isinstance(claim, str) and claim.strip():
            names[field] = claim.strip()
    return names


def claim_value(claims: dict[str, Any], path: str) -> str:
    """A claim as text; ``address.locality`` reads nested objects unless a claim has that
    very name. "" when absent."""
    value: Any = claims
    if path in claims:  # a flat name, e.g. a SAML attribute URI with dots in it
        value = claims[path]
    else:
        for part in path.split("."):
            if not isinstance(value, dict):
                return ""
            value = value.get(part)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()
