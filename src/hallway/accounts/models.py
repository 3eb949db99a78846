from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_network_admin", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """A member of the host company or a guest of an external company.

    States: *invited* (not yet active, never deactivated), *active*, *deactivated*
    (``deactivated_at`` set; content kept, sessions and tokens ended).
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        GUEST = "guest", "Guest"

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.MEMBER)
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="people"
    )
    is_active = models.BooleanField(default=True)
    is_network_admin = models.BooleanField(default=False)
    is_compliance_officer = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "name"], name="user_active_name")]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def state(self) -> str:
        if self.deactivated_at is not None:
            return "deactivated"
        return "active" if self.is_active else "invited"

    @property
    def is_member(self) -> bool:
        return self.kind == self.Kind.MEMBER

    @property
    def is_guest(self) -> bool:
        return self.kind == self.Kind.GUEST

    # Django admin is not used; these keep third-party code that asks working.
    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token: shown once, stored hashed, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
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


class UserSession(models.Model):
    """One signed-in browser session, so a person can list and end their sessions."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.session_key[:6]}…"


class Invitation(models.Model):
    """An emailed invitation: a member of the host company, or a guest of an external one."""

    email = models.EmailField()
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invitation")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation for {self.email}"
