"""Audit two-factor changes (allauth.mfa signals), connected in ``SsoConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import Signal

from hallway.accounts.signals import client_ip
from hallway.core.audit import record_audit_event


def _auditor(action: str) -> Callable[..., None]:
    def audit(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        record_audit_event(
            actor=user,
            action=action,
            target=user,
            ip_address=client_ip(request),
            type=authenticator.type,
        )

    return audit


MFA_AUDITS: dict[str, tuple[Signal, Callable[..., None]]] = {
    "added": (authenticator_added, _auditor("mfa.enable")),
    "removed": (authenticator_removed, _auditor("mfa.disable")),
    "reset": (authenticator_reset, _auditor("mfa.reset")),
}
for _name, (_signal, _receiver) in MFA_AUDITS.items():
    _signal.connect(_receiver, dispatch_uid=f"hallway.sso.audit_mfa_{_name}")
