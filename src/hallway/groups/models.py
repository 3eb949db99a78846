from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hallway.core.permissions import NETWORK_LABEL


class Group(models.Model):
    """A place where people share: visibility, join policy, sensitivity label, hints.

    Its content's permission label (DESIGN §5, ADR 0004) is ``group:<id>``, except for a
    public group that admits no guests: every member may read it and nobody else, which is
    exactly the ``network`` label, so its content carries that label.
    """

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: every member can see and join"
        PRIVATE = "private", "Private: listed; content for members; join by request"
        SECRET = "secret", "Secret: unlisted; invite only"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Anyone who can see the group can join"
        REQUEST = "request", "People ask to join; owners and moderators approve"
        INVITE = "invite", "Only by invitation"

    class Sensitivity(models.TextChoices):
        GENERAL = "general", "General"
        INTERNAL = "internal", "Internal"
        CONFIDENTIAL = "confidential", "Confidential"
        RESTRICTED = "restricted", "Restricted"

    class Hints(models.TextChoices):
        OFF = "off", "Off: search never mentions this group's content"
        COUNT = "count", "Count: search may tell members how many items match"
        TITLES = "titles", "Titles: search may show titles of matching posts"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True, max_length=4000)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        max_length=8, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    sensitivity = models.CharField(
        max_length=12, choices=Sensitivity.choices, default=Sensitivity.GENERAL
    )
    hints = models.CharField(max_length=6, choices=Hints.choices, default=Hints.OFF)
    is_external = models.BooleanField(default=False)
    companies = models.ManyToManyField(
        "companies.Company", blank=True, related_name="external_groups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["visibility"], name="group_visibility")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The permission label of this group's content (see the class docstring)."""
        if self.visibility == self.Visibility.PUBLIC and not self.is_external:
            return NETWORK_LABEL
        return f"group:{self.pk}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    """A person's place in a group: role, and whether invited, requested or active.

    ``declined`` is a join request an owner or moderator turned down; it grants nothing.
    """

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MODERATOR = "moderator", "Moderator"
        MEMBER = "member", "Member"

    class State(models.TextChoices):
        INVITED = "invited", "Invited"
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Request declined"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    reason = models.CharField(max_length=500, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_closely = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    # A declined join request stays as a record the requester can see: when, and why
    # (``reason`` then holds the moderator's reason).
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")
        ]
        indexes = [
            models.Index(fields=["user", "state"], name="membership_user_state"),
            models.Index(fields=["group", "state", "role"], name="membership_group_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def can_moderate(self) -> bool:
        return self.is_active and self.role in {self.Role.OWNER, self.Role.MODERATOR}


class BreakGlassAccess(models.Model):
    """A network admin's explicit, audited, time-limited read access to a private or secret
    group's content. Shown to the group's owners."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="break_glass")
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["admin", "expires_at"], name="breakglass_admin")]

    def __str__(self) -> str:
        return f"break-glass {self.admin_id} → {self.group_id}"


class NetworkSettings(models.Model):
    """The network's settings: one row."""

    members_can_create_groups = models.BooleanField(default=True)
    announcement_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="network_settings_singleton")]

    def __str__(self) -> str:
        return "network settings"

    @classmethod
    def load(cls) -> NetworkSettings:
        obj, _ = cls.objects.get_or_create(id=1)
        return obj
