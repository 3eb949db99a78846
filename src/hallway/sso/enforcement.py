"""Password sign-in refused for members whose domain must use single sign-on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from hallway.accounts.models import User
from hallway.accounts.signals import client_ip
from hallway.core.audit import record_audit_event
from hallway.sso.selectors import email_domain, password_sign_in_refused


def refuse_password_if_sso_enforced(request: HttpRequest, email: str) -> None:
    """Raise ValidationError (shown on the sign-in form) when this address must use SSO.

    Guests keep email and password. The answer depends on the domain only, so it tells
    nothing about who has an account.
    """
    email = (email or "").strip().lower()
    if not email:
        return
    kind = User.objects.filter(email__iexact=email).values_list("kind", flat=True).first()
    provider = password_sign_in_refused(email, is_guest=kind == User.Kind.GUEST)
    if provider is None:
        return
    record_audit_event(
        actor=None,
        action="auth.password_refused_sso",
        ip_address=client_ip(request),
        email=email[:254],
        provider=provider.slug,
    )
    raise ValidationError(
        f"People at {email_domain(email)} sign in with their company account: "
        f"use “Continue with your company account” ({provider.name})."
    )
