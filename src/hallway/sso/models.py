"""Single sign-on configuration: OpenID Connect providers, the email domains routed to
them, and the network's sign-in policy (ADR 0013)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OidcProvider(models.Model):
    """An identity provider: OpenID Connect (Entra ID, Okta, Google Workspace, Keycloak…)
    or SAML 2.0 (``protocol``; the ``saml_*`` fields, ADR 0013 update).

    The client secret is stored encrypted (``hallway.sso.crypto``); allauth gets an
    in-memory ``SocialApp`` built from this row (``hallway.sso.adapter``).
    """

    class Protocol(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    protocol = models.CharField(max_length=4, choices=Protocol.choices, default=Protocol.OIDC)
    issuer = models.URLField(max_length=500, blank=True)
    client_id = models.CharField(max_length=300, blank=True)
    # SAML: the IdP's entity ID, and its metadata from a URL (fetched and cached by allauth)
    # or uploaded (stored here). Assertions must be signed by a key in that metadata.
    saml_entity_id = models.CharField(max_length=500, blank=True)
    saml_metadata_url = models.URLField(max_length=500, blank=True)
    saml_metadata_xml = models.TextField(blank=True)
    client_secret_encrypted = models.TextField(blank=True)
    is_enabled = models.BooleanField(default=True)
    enforce_for_members = models.BooleanField(default=False)
    # Entra ID sends no ``email_verified`` claim; an admin may trust its addresses for the
    # routed domains. ``email_verified: false`` is refused whatever this says.
    trust_email_without_verified_claim = models.BooleanField(default=False)
    # Claim names for profile fields: {"title": "title", "department": "department", ...}.
    claim_map = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret_encrypted)

    @property
    def is_saml(self) -> bool:
        return self.protocol == self.Protocol.SAML


class SsoDomain(models.Model):
    """An email domain whose people sign in through one provider."""

    domain = models.CharField(max_length=253, unique=True)
    provider = models.ForeignKey(OidcProvider, on_delete=models.CASCADE, related_name="domains")

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class SamlAssertionSeen(models.Model):
    """A SAML assertion ID already accepted, kept until the assertion expires (replay guard)."""

    provider = models.ForeignKey(OidcProvider, on_delete=models.CASCADE, related_name="+")
    assertion_id = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "assertion_id"], name="saml_assertion_seen_once"
            )
        ]

    def __str__(self) -> str:
        return self.assertion_id


class SignInPolicy(models.Model):
    """The network's sign-in policy (one row)."""

    guests_must_use_mfa = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="sign_in_policy_singleton")]

    def __str__(self) -> str:
        return "sign-in policy"

    @classmethod
    def load(cls) -> SignInPolicy:
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy
