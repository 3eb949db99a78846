"""Audit sign-ins and failed sign-ins (connected in ``AccountsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from hallway.core.audit import record_audit_event


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in, dispatch_uid="hallway.accounts.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_audit_event(actor=user, action="auth.login", target=user, ip_address=client_ip(request))


@receiver(user_logged_out, dispatch_uid="hallway.accounts.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None):
        record_audit_event(
            actor=user, action="auth.logout", target=user, ip_address=client_ip(request)
        )


@receiver(user_login_failed, dispatch_uid="hallway.accounts.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``; keep only the address.
    email = str(credentials.get("email") or credentials.get("username") or "")[:254].lower()
    record_audit_event(
        actor=None, action="auth.login_failed", ip_address=client_ip(request), email=email
    )
