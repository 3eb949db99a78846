"""SCIM provisioning: clients with their bearer token, and what SCIM keeps about people and teams.

Hallway's own records (accounts.User, profiles.Profile, profiles.Team) stay the source of truth
for everything the network uses; these rows keep only the SCIM attributes that Hallway has no
column for (userName, externalId, the parts of a name), so a provisioning client reads back
what it wrote (ADR 0007).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ScimClient(models.Model):
    """One provisioning client (Entra ID, Okta, ...) and its bearer token, stored hashed."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scim_clients_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ScimIdentity(models.Model):
    """The SCIM side of one person: userName, externalId, name parts, email type.

    ``deleted_at`` is set by a SCIM DELETE: the person is deactivated (content stays) and the
    resource answers 404 from then on, as RFC 7644 §3.6 asks.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    user_name = models.CharField(max_length=254)
    # userName is case-insensitive (RFC 7643 §4.1.1): uniqueness and ``eq`` use this key.
    user_name_key = models.CharField(max_length=254, unique=True)
    external_id = models.CharField(max_length=254, null=True, blank=True, db_index=True)
    name = models.JSONField(default=dict, blank=True)
    display_name_set = models.BooleanField(default=False)
    email_type = models.CharField(max_length=40, blank=True)
    email_primary = models.BooleanField(null=True, blank=True)
    employee_number = models.CharField(max_length=100, blank=True)
    client = models.ForeignKey(ScimClient, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.user_name


class ScimTeamLink(models.Model):
    """The SCIM side of a team served as a Group: its externalId and timestamps."""

    team = models.OneToOneField(
        "profiles.Team", on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(max_length=254, null=True, blank=True, db_index=True)
    client = models.ForeignKey(ScimClient, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"scim link of team {self.team_id}"
