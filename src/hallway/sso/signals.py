"""Audit two-factor changes (allauth.mfa signals), connected in ``SsoConfig.ready``."""

from __future__ import annotations

from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import receiver

from hallway.accounts.signals import client_ip
from hallway.core.audit import record_audit_event


@receiver(authenticator_added, dispatch_uid="hallway.sso.audit_mfa_added")
def audit_mfa_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    record_audit_event(
        actor=user,
        action="mfa.enable",
        target=user,
        ip_address=client_ip(request),
        type=authenticator.type,
    )


@receiver(authenticator_removed, dispatch_uid="hallway.sso.audit_mfa_removed")
def audit_mfa_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    record_audit_event(
        actor=user,
        action="mfa.disable",
        target=user,
        ip_address=client_ip(request),
        type=authenticator.type,
    )


@receiver(authenticator_reset, dispatch_uid="hallway.sso.audit_mfa_reset")
def audit_mfa_reset(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    record_audit_event(
        actor=user,
        action="mfa.reset",
        target=user,
        ip_address=client_ip(request),
        type=authenticator.type,
    )
