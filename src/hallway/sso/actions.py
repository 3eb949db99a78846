"""Writes for single sign-on: provider configuration, the sign-in policy, and SSO sign-ins
(just-in-time creation, linking, profile attribute mapping).

Each ``do_*`` runs in one transaction with its audit event; the profile photo from the
identity provider is fetched after commit by a task.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hallway.accounts.actions import do_create_user
from hallway.accounts.models import Invitation, User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError
from hallway.core.tasks import enqueue
from hallway.profiles.actions import ProfileValidationError, do_update_profile, ensure_profile
from hallway.profiles.models import Location
from hallway.sso.crypto import encrypt_secret
from hallway.sso.models import OidcProvider, SignInPolicy, SsoDomain
from hallway.sso.selectors import CLAIM_FIELDS, claim_names, claim_value, email_domain

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialAccount

logger = logging.getLogger(__name__)

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Slugs that are allauth provider ids (a provider row's slug is its allauth ``provider_id``).
RESERVED_SLUGS = {"saml", "openid_connect"}


class SsoRefusedError(ActionError):
    """A sign-in through single sign-on that Hallway does not accept; ``reason`` is audited."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, status=403)
        self.reason = reason


# --- Configuration ------------------------------------------------------------------------


def _check_issuer(issuer: str) -> str:
    issuer = (issuer or "").strip().rstrip("/")
    for suffix in ("/.well-known/openid-configuration",):
        if issuer.endswith(suffix):
            issuer = issuer[: -len(suffix)]
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    ):
        raise ActionError(
            "The issuer must be an https:// URL (http:// only for a provider on this machine).",
            field="issuer",
        )
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ActionError("Enter the issuer URL of the provider.", field="issuer")
    return issuer


def _check_domains(domains: list[str], provider: OidcProvider | None) -> list[str]:
    clean = sorted({d.strip().lower().lstrip("@") for d in domains if d and d.strip()})
    for domain in clean:
        if not DOMAIN_RE.match(domain):
            raise ActionError(f"“{domain}” is not an email domain.", field="domains")
    taken = SsoDomain.objects.filter(domain__in=clean)
    if provider is not None:
        taken = taken.exclude(provider=provider)
    if taken.exists():
        names = ", ".join(sorted(taken.values_list("domain", flat=True)))
        raise ActionError(f"Already routed to another provider: {names}.", field="domains")
    return clean


def _check_claim_map(claim_map: dict[str, str]) -> dict[str, str]:
    clean = {}
    for key, value in (claim_map or {}).items():
        if key not in CLAIM_FIELDS:
            raise ActionError(f"Unknown profile field “{key}”.", field="claim_map")
        value = (value or "").strip()
        if value:
            if not re.fullmatch(r"[A-Za-z0-9_:./-]{1,200}", value):
                raise ActionError(f"“{value}” is not a claim name.", field="claim_map")
            clean[key] = value
    return clean


def do_save_oidc_provider(
    *,
    actor: User,
    provider: OidcProvider | None,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    domains: list[str],
    is_enabled: bool = True,
    enforce_for_members: bool = False,
    trust_email_without_verified_claim: bool = False,
    claim_map: dict[str, str] | None = None,
) -> OidcProvider:
    """Create (``provider=None``) or change an OpenID Connect provider and its domains.

    ``client_secret=None`` keeps the stored secret; the secret is stored encrypted and never
    written to the audit log.
    """
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ActionError("Enter a name of at most 100 characters.", field="name")
    issuer = _check_issuer(issuer)
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 300:
        raise ActionError("Enter the client ID the provider gave you.", field="client_id")
    if provider is None and not client_secret:
        raise ActionError("Enter the client secret.", field="client_secret")
    clean_domains = _check_domains(domains, provider)
    clean_map = _check_claim_map(claim_map or {})
    with transaction.atomic():
        created = provider is None
        if provider is None:
            provider = OidcProvider(slug=_new_slug(name))
        before = {
            "name": provider.name,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "is_enabled": provider.is_enabled,
            "enforce_for_members": provider.enforce_for_members,
            "trust_email_without_verified_claim": provider.trust_email_without_verified_claim,
            "claim_map": provider.claim_map,
        }
        provider.name = name
        provider.issuer = issuer
        provider.client_id = client_id
        provider.is_enabled = is_enabled
        provider.enforce_for_members = enforce_for_members
        provider.trust_email_without_verified_claim = trust_email_without_verified_claim
        provider.claim_map = clean_map
        if client_secret:
            provider.client_secret_encrypted = encrypt_secret(client_secret)
        provider.full_clean()
        provider.save()
        old_domains = sorted(provider.domains.values_list("domain", flat=True))
        if old_domains != clean_domains:
            provider.domains.exclude(domain__in=clean_domains).delete()
            SsoDomain.objects.bulk_create(
                [
                    SsoDomain(domain=d, provider=provider)
                    for d in clean_domains
                    if d not in old_domains
                ]
            )
        after = {key: getattr(provider, key) for key in before}
        changes = {key: after[key] for key in before if before[key] != after[key]}
        if old_domains != clean_domains:
            changes["domains"] = clean_domains
        record_audit_event(
            actor=actor,
            action="sso.provider_create" if created else "sso.provider_update",
            target=provider,
            changes=changes,
            secret_changed=bool(client_secret),
        )
    return provider


def _new_slug(name: str) -> str:
    base = slugify(name)[:30] or "sso"
    if base in RESERVED_SLUGS:
        base = f"{base}-idp"
    slug, n = base, 1
    while OidcProvider.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_metadata_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    ):
        raise ActionError(
            "The metadata URL must be an https:// URL (http:// only for a provider on this "
            "machine).",
            field="metadata_url",
        )
    if not parts.hostname or parts.username:
        raise ActionError("Enter the metadata URL of the identity provider.", field="metadata_url")
    return url


def do_save_saml_provider(
    *,
    actor: User,
    provider: OidcProvider | None,
    name: str,
    entity_id: str,
    metadata_url: str,
    metadata_xml: str | None,
    domains: list[str],
    is_enabled: bool = True,
    enforce_for_members: bool = False,
    trust_email_without_verified_claim: bool = True,
    claim_map: dict[str, str] | None = None,
) -> OidcProvider:
    """Create (``provider=None``) or change a SAML 2.0 identity provider and its domains.

    The IdP is described by a metadata URL (allauth fetches and caches it) or by uploaded
    metadata XML (``metadata_xml``; None keeps the stored document). Uploaded metadata must
    name the entity ID, a sign-in URL and a signing certificate.
    """
    from hallway.sso.saml import SamlMetadataError, parse_idp_metadata

    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ActionError("Enter a name of at most 100 characters.", field="name")
    entity_id = (entity_id or "").strip()
    if not entity_id or len(entity_id) > 500:
        raise ActionError("Enter the identity provider's entity ID.", field="entity_id")
    metadata_url = (metadata_url or "").strip()
    if metadata_url:
        metadata_url = _check_metadata_url(metadata_url)
        metadata_xml = ""
    elif metadata_xml is None:
        metadata_xml = provider.saml_metadata_xml if provider is not None else ""
    if not metadata_url:
        if not metadata_xml:
            raise ActionError(
                "Enter the metadata URL or upload the metadata file.", field="metadata_url"
            )
        try:
            parse_idp_metadata(metadata_xml, entity_id)
        except SamlMetadataError as error:
            raise ActionError(str(error), field="metadata_file") from error
    clean_domains = _check_domains(domains, provider)
    clean_map = _check_claim_map(claim_map or {})
    with transaction.atomic():
        created = provider is None
        if provider is None:
            provider = OidcProvider(slug=_new_slug(name), protocol=OidcProvider.Protocol.SAML)
        elif not provider.is_saml:
            raise ActionError("This provider uses OpenID Connect.")
        before = {
            "name": provider.name,
            "saml_entity_id": provider.saml_entity_id,
            "saml_metadata_url": provider.saml_metadata_url,
            "is_enabled": provider.is_enabled,
            "enforce_for_members": provider.enforce_for_members,
            "trust_email_without_verified_claim": provider.trust_email_without_verified_claim,
            "claim_map": provider.claim_map,
        }
        metadata_changed = provider.saml_metadata_xml != metadata_xml
        provider.name = name
        provider.saml_entity_id = entity_id
        provider.saml_metadata_url = metadata_url
        provider.saml_metadata_xml = metadata_xml
        provider.is_enabled = is_enabled
        provider.enforce_for_members = enforce_for_members
        provider.trust_email_without_verified_claim = trust_email_without_verified_claim
        provider.claim_map = clean_map
        provider.full_clean()
        provider.save()
        old_domains = sorted(provider.domains.values_list("domain", flat=True))
        if old_domains != clean_domains:
            provider.domains.exclude(domain__in=clean_domains).delete()
            SsoDomain.objects.bulk_create(
                [
                    SsoDomain(domain=d, provider=provider)
                    for d in clean_domains
                    if d not in old_domains
                ]
            )
        after = {key: getattr(provider, key) for key in before}
        changes = {key: after[key] for key in before if before[key] != after[key]}
        if old_domains != clean_domains:
            changes["domains"] = clean_domains
        record_audit_event(
            actor=actor,
            action="sso.provider_create" if created else "sso.provider_update",
            target=provider,
            protocol="saml",
            changes=changes,
            metadata_changed=metadata_changed,
        )
    return provider


def do_delete_oidc_provider(*, actor: User, provider: OidcProvider) -> None:
    """Remove a provider: its domains go back to password sign-in. Linked accounts stay."""
    with transaction.atomic():
        record_audit_event(
            actor=actor,
            action="sso.provider_delete",
            target=provider,
            name=provider.name,
            domains=sorted(provider.domains.values_list("domain", flat=True)),
        )
        provider.delete()


def do_set_sign_in_policy(*, actor: User, guests_must_use_mfa: bool) -> SignInPolicy:
    """Require (or stop requiring) guests to set up two-factor authentication."""
    with transaction.atomic():
        policy = SignInPolicy.load()
        if policy.guests_must_use_mfa != guests_must_use_mfa:
            policy.guests_must_use_mfa = guests_must_use_mfa
            policy.save()
            record_audit_event(
                actor=actor, action="sso.policy_update", guests_must_use_mfa=guests_must_use_mfa
            )
    return policy


# --- Sign-in ------------------------------------------------------------------------------


@dataclass
class SsoIdentity:
    """What a provider asserted about a person, after the ID token was verified."""

    provider: OidcProvider
    subject: str
    email: str
    email_verified: bool | None
    claims: dict[str, Any] = field(default_factory=dict)


def check_sso_identity(identity: SsoIdentity) -> None:
    """Refuse identities Hallway must not accept (raises ``SsoRefusedError``)."""
    email = identity.email
    if not email or "@" not in email:
        raise SsoRefusedError("The provider did not send an email address.", reason="no_email")
    routed = SsoDomain.objects.filter(domain=email_domain(email)).values_list(
        "provider_id", flat=True
    )
    if identity.provider.pk not in list(routed):
        raise SsoRefusedError(
            f"{identity.provider.name} may not sign in addresses at {email_domain(email)}.",
            reason="domain_not_routed",
        )
    if identity.email_verified is False or (
        identity.email_verified is None and not identity.provider.trust_email_without_verified_claim
    ):
        raise SsoRefusedError(
            "Your company account's email address is not verified, so it cannot be used "
            "to sign in here. Ask your identity provider's administrator.",
            reason="email_not_verified",
        )


def _refuse_if_unusable(user: User) -> None:
    if user.deactivated_at is not None:
        raise SsoRefusedError("This account is deactivated.", reason="deactivated")
    if user.is_guest:
        raise SsoRefusedError(
            "Guests sign in with their email address and password.", reason="guest"
        )


def do_sso_sign_in(
    *, identity: SsoIdentity, linked_user: User | None, account: SocialAccount
) -> User:
    """Accept a verified SSO identity: the linked person, else the person with that email
    (linked now), else a new member created just in time. Profile fields follow the claims.

    ``account`` is allauth's SocialAccount for this provider and subject (saved here when
    new). Raises ``SsoRefusedError`` for deactivated people, guests and unverified addresses.
    """
    check_sso_identity(identity)
    provider = identity.provider
    with transaction.atomic():
        created = False
        user = linked_user
        if user is None:
            user = User.objects.select_for_update().filter(email__iexact=identity.email).first()
            if user is not None:
                _refuse_if_unusable(user)
            else:
                user = do_create_user(
                    actor=None,
                    email=identity.email,
                    name=_name_from(identity),
                    kind=User.Kind.MEMBER,
                )
                created = True
                record_audit_event(
                    actor=None, action="sso.jit_create", target=user, provider=provider.slug
                )
            account.user = user
            account.save()
            if not created:
                record_audit_event(
                    actor=user, action="sso.link", target=user, provider=provider.slug
                )
        _refuse_if_unusable(user)
        if not user.is_active:
            # An invited person who signs in through SSO has joined.
            user.is_active = True
            user.date_joined = timezone.now()
            user.save(update_fields=["is_active", "date_joined"])
            Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
                accepted_at=timezone.now()
            )
            record_audit_event(actor=user, action="user.accept_invitation", target=user)
        picture = _sync_profile(user, identity)
        record_audit_event(
            actor=user,
            action="sso.login",
            target=user,
            provider=provider.slug,
            created=created,
        )
        if picture and (created or not ensure_profile(user).photo):
            from hallway.sso.tasks import fetch_sso_picture

            enqueue(fetch_sso_picture, user_id=user.pk, url=picture)
    return user


def _name_from(identity: SsoIdentity) -> str:
    names = claim_names(identity.provider)
    name = claim_value(identity.claims, names["name"])
    if not name:
        given = claim_value(identity.claims, "given_name")
        family = claim_value(identity.claims, "family_name")
        name = f"{given} {family}".strip()
    return (name or identity.email.partition("@")[0])[:150]


def _sync_profile(user: User, identity: SsoIdentity) -> str:
    """Map the claims onto the profile (name, title, team, location, manager).

    Returns the picture URL claim, fetched later. A value the profile refuses (a manager
    loop, a title the content policy blocks) is logged and left out; sign-in goes on.
    """
    from hallway.scim.actions import team_for_department

    names = claim_names(identity.provider)
    values = {key: claim_value(identity.claims, names[key]) for key in CLAIM_FIELDS}
    profile = ensure_profile(user)
    changes: dict[str, Any] = {}
    if values["name"] and values["name"] != user.name:
        changes["name"] = values["name"][:150]
    if values["title"] and values["title"] != profile.title:
        changes["title"] = values["title"][:150]
    if values["department"] and (
        profile.team is None or profile.team.name.lower() != values["department"].lower()
    ):
        changes["team"] = team_for_department(values["department"])
    if values["location"] and (
        profile.location is None or profile.location.name != values["location"][:120]
    ):
        changes["location"], _ = Location.objects.get_or_create(name=values["location"][:120])
    manager_email = values["manager_email"].lower()
    if manager_email and (profile.manager is None or profile.manager.email != manager_email):
        manager = User.objects.filter(email__iexact=manager_email, kind=User.Kind.MEMBER).first()
        if manager is not None and manager.pk != user.pk:
            changes["manager"] = manager
    for key in list(changes):
        try:
            with transaction.atomic():
                do_update_profile(
                    actor=user,
                    profile=profile,
                    changes={
                        key: changes[key],
                        "policy_justification": "From the company identity provider (SSO).",
                    },
                )
        except (ProfileValidationError, ActionError) as error:
            logger.warning("SSO attribute %s for user %s not applied: %s", key, user.pk, error)
            profile.refresh_from_db()
    if "name" in changes:
        user.refresh_from_db(fields=["name"])
    return values["picture"]
