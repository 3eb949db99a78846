"""Shared helpers of the account commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from hallway.accounts.models import User


def person_by_email(email: str) -> User:
    """The person with this email in any state (operators manage everyone), or CommandError."""
    user = (
        User.objects.filter(email__iexact=(email or "").strip()).select_related("company").first()
    )
    if user is None:
        raise CommandError(f"Nobody with the email address {email!r} is on the network.")
    return user
