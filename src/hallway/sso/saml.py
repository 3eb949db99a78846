"""SAML 2.0 sign-in through allauth's ``saml`` provider (python3-saml), configured from our
provider rows (ADR 0013, update "SAML 2.0").

The allauth app is built in memory from an ``OidcProvider`` row whose protocol is SAML, with
strict checking (audience, recipient, destination, validity window), signed assertions
required and IdP-initiated sign-in refused. ``HallwaySamlProvider`` leaves what the assertion
said (ID, expiry, attributes) on the request for ``HallwaySocialAccountAdapter``, which
refuses a replayed assertion before ``do_sso_sign_in``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from hallway.sso.models import OidcProvider, SamlAssertionSeen

PROVIDER = "saml"
# Where the provider leaves the assertion's facts for the sign-in hook.
REQUEST_ATTRIBUTE = "_hallway_saml"
# Attributes read for the email address and its verification (the first one present wins);
# the NameID is used when its format is emailAddress.
EMAIL_ATTRIBUTES = [
    "email",
    "mail",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
]
EMAIL_VERIFIED_ATTRIBUTES = ["email_verified", "http://schemas.auth0.com/email_verified"]
# An assertion without an expiry is remembered this long; python3-saml accepts an assertion
# up to CLOCK_DRIFT after its NotOnOrAfter, so IDs are kept that much longer.
DEFAULT_REPLAY_WINDOW = timedelta(hours=1)
CLOCK_DRIFT = timedelta(minutes=5)


class SamlMetadataError(ValueError):
    pass


def parse_idp_metadata(xml: str, entity_id: str) -> dict[str, Any]:
    """The IdP's entity ID, sign-in URL, logout URL and signing certificate from its
    metadata. Raises ``SamlMetadataError`` when one of the first three is missing."""
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(
            xml,
            required_sso_binding=OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            entity_id=entity_id or None,
        )
    except Exception as error:  # lxml, defusedxml and parser errors alike
        raise SamlMetadataError(f"The metadata could not be read: {error}") from error
    idp = parsed.get("idp") or {}
    cert = idp.get("x509cert") or ""
    if not cert:
        signing = (idp.get("x509certMulti") or {}).get("signing") or []
        cert = signing[0] if signing else ""
    sso_url = (idp.get("singleSignOnService") or {}).get("url") or ""
    if not idp.get("entityId"):
        raise SamlMetadataError("The metadata does not describe this identity provider.")
    if not sso_url:
        raise SamlMetadataError("The metadata has no sign-in URL for the HTTP-Redirect binding.")
    if not cert:
        raise SamlMetadataError("The metadata has no signing certificate.")
    return {
        "entity_id": idp["entityId"],
        "sso_url": sso_url,
        "slo_url": (idp.get("singleLogoutService") or {}).get("url") or "",
        "x509cert": cert,
    }


def saml_app_for(provider: OidcProvider) -> SocialApp:
    """An in-memory allauth SAML app for one provider row (never saved)."""
    if provider.saml_metadata_url:
        idp: dict[str, Any] = {
            "entity_id": provider.saml_entity_id,
            "metadata_url": provider.saml_metadata_url,
        }
    else:
        try:
            idp = parse_idp_metadata(provider.saml_metadata_xml, provider.saml_entity_id)
        except SamlMetadataError:
            idp = {"entity_id": provider.saml_entity_id, "sso_url": "", "x509cert": ""}
        if not idp.get("slo_url"):
            idp.pop("slo_url", None)
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.slug,
        settings={
            "idp": idp,
            "attribute_mapping": {
                "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
                "email": EMAIL_ATTRIBUTES,
                "email_verified": EMAIL_VERIFIED_ATTRIBUTES,
                "first_name": [
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                    "urn:oid:2.5.4.42",
                    "given_name",
                    "firstName",
                ],
                "last_name": [
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                    "urn:oid:2.5.4.4",
                    "family_name",
                    "lastName",
                ],
            },
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                "want_attribute_statement": False,
                "reject_deprecated_algorithm": True,
                "allow_single_label_domains": True,  # intranet hosts like http://hallway/
            },
        },
    )


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value, tz=UTC)
    return None


class HallwaySamlProvider(SAMLProvider):
    package = "allauth.socialaccount.providers.saml"  # its URLs and views

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> Any:
        common = self._extract(response)
        raw = response.get_attributes() or {}
        attributes = {
            name: str(values[0]) for name, values in raw.items() if values and values[0] is not None
        }
        setattr(
            request,
            REQUEST_ATTRIBUTE,
            {
                "assertion_id": response.get_last_assertion_id() or "",
                "not_on_or_after": _as_datetime(response.get_last_assertion_not_on_or_after()),
                "attributes": attributes,
                "email": str(common.get("email") or ""),
                "email_verified": common.get("email_verified"),
                "given_name": str(common.get("first_name") or ""),
                "family_name": str(common.get("last_name") or ""),
            },
        )
        return super().sociallogin_from_response(request, response)


def remember_assertion(provider: OidcProvider, assertion_id: str, expires: datetime | None) -> bool:
    """Record an accepted assertion ID until it expires; False if it was seen before."""
    now = timezone.now()
    if not assertion_id:
        return False
    SamlAssertionSeen.objects.filter(expires_at__lt=now).delete()
    expires_at = max(expires or now + DEFAULT_REPLAY_WINDOW, now) + CLOCK_DRIFT
    try:
        with transaction.atomic():
            SamlAssertionSeen.objects.create(
                provider=provider, assertion_id=assertion_id[:255], expires_at=expires_at
            )
    except IntegrityError:
        return False
    return True
