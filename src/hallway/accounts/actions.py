"""Writes for people's accounts: create, invite, deactivate, roles, tokens, sessions.

Each ``do_*`` runs in one transaction, writes its audit event in it, and queues side
effects (email) on commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from hallway.accounts.models import ApiToken, Invitation, User, UserSession, hash_token
from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.email import queue_email
from hallway.core.errors import ActionError
from hallway.profiles.actions import ensure_profile

INVITATION_DAYS = 14
TOKEN_PREFIX = "hw_"


def host_company() -> Company:
    company = Company.objects.filter(kind=Company.Kind.HOST).first()
    if company is None:
        raise ActionError("The network has no host company yet; run `hallway demo` or set one up.")
    return company


def _check_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ActionError("Enter a valid email address.", field="email") from exc
    if User.objects.filter(email__iexact=email).exists():
        raise ActionError("Someone with this email address is already on the network.", field="email")
    return email


def _check_company(kind: str, company: Company | None) -> Company:
    if kind == User.Kind.MEMBER:
        host = host_company()
        if company is not None and company.pk != host.pk:
            raise ActionError("Members belong to the host company.", field="company")
        return host
    if kind == User.Kind.GUEST:
        if company is None:
            raise ActionError("A guest must belong to an external company.", field="company")
        if company.is_host:
            raise ActionError(
                "A guest must belong to an external company, not the host company.",
                field="company",
            )
        return company
    raise ActionError("Kind must be 'member' or 'guest'.", field="kind")


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError("Enter a name.", field="name")
    if len(name) > 150:
        raise ActionError("A name has at most 150 characters.", field="name")
    return name


def do_create_user(
    *,
    actor: User | None,
    email: str,
    name: str,
    kind: str = User.Kind.MEMBER,
    company: Company | None = None,
    password: str | None = None,
    is_network_admin: bool = False,
    is_compliance_officer: bool = False,
) -> User:
    """Create an active person with an empty profile. Raises ActionError on bad input."""
    email = _check_email(email)
    name = _check_name(name)
    company = _check_company(kind, company)
    if password is not None:
        try:
            validate_password(password, User(email=email, name=name))
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages), field="password") from exc
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            name=name,
            kind=kind,
            company=company,
            is_network_admin=is_network_admin,
            is_compliance_officer=is_compliance_officer,
        )
        ensure_profile(user)
        record_audit_event(actor=actor, action="user.create", target=user, kind=kind)
    return user


def _invitation_url(raw_key: str) -> str:
    return settings.HALLWAY_BASE_URL + reverse("accept_invitation", args=[raw_key])


def do_invite_user(
    *,
    actor: User,
    email: str,
    name: str,
    kind: str = User.Kind.MEMBER,
    company: Company | None = None,
) -> tuple[User, str]:
    """Create an invited (inactive) person and email them a link to join.

    Returns the person and the raw invitation key (only its hash is stored).
    """
    email = _check_email(email)
    name = _check_name(name)
    company = _check_company(kind, company)
    raw_key = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = User.objects.create_user(email, None, name=name, kind=kind, company=company)
        user.is_active = False
        user.save(update_fields=["is_active"])
        ensure_profile(user)
        invitation = Invitation.objects.create(
            email=email,
            user=user,
            invited_by=actor,
            key_hash=hash_token(raw_key),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        record_audit_event(actor=actor, action="user.invite", target=user, kind=kind)
        context = {
            "inviter": actor,
            "invitee": user,
            "company": company,
            "url": _invitation_url(raw_key),
            "network_name": settings.HALLWAY_NETWORK_NAME,
            "days": INVITATION_DAYS,
        }
        queue_email(
            subject=f"{actor.name} invited you to {settings.HALLWAY_NETWORK_NAME}",
            to=[email],
            text=render_to_string("accounts/email/invitation.txt", context),
            html=render_to_string("accounts/email/invitation.html", context),
            idempotency_key=f"invitation:{invitation.pk}",
        )
    return user, raw_key


def find_invitation(raw_key: str) -> Invitation | None:
    """The pending, unexpired invitation for this key, or None."""
    return (
        Invitation.objects.select_related("user", "user__company", "invited_by")
        .filter(
            key_hash=hash_token(raw_key or ""),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__deactivated_at__isnull=True,
        )
        .first()
    )


def do_accept_invitation(*, raw_key: str, name: str, password: str) -> User:
    """Activate an invited person with the name and password they chose."""
    name = _check_name(name)
    with transaction.atomic():
        invitation = find_invitation(raw_key)
        if invitation is None:
            raise ActionError("This invitation link is invalid or has expired.", status=404)
        user = invitation.user
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ActionError(" ".join(exc.messages), field="password") from exc
        user.name = name
        user.is_active = True
        user.date_joined = timezone.now()
        user.set_password(password)
        user.save(update_fields=["name", "is_active", "date_joined", "password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record_audit_event(actor=user, action="user.accept_invitation", target=user)
    return user


def end_sessions(user: User, *, except_session_key: str | None = None) -> int:
    """End a person's browser sessions now (all, or all but one)."""
    engine = import_module(settings.SESSION_ENGINE)
    rows = UserSession.objects.filter(user=user)
    if except_session_key:
        rows = rows.exclude(session_key=except_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        engine.SessionStore(session_key=key).delete()
    rows.delete()
    return len(keys)


def do_deactivate_user(*, actor: User, user: User, reason: str = "") -> User:
    """Deactivate a person: sign-in, sessions and API tokens end at once; content stays."""
    if user.deactivated_at is not None:
        raise ActionError("This person is already deactivated.", status=409)
    if actor.pk == user.pk:
        raise ActionError("You cannot deactivate yourself.", status=400)
    with transaction.atomic():
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        end_sessions(user)
        record_audit_event(actor=actor, action="user.deactivate", target=user, reason=reason)
    return user


def do_reactivate_user(*, actor: User, user: User) -> User:
    """Reactivate a deactivated person. Their old tokens stay revoked."""
    if user.deactivated_at is None:
        raise ActionError("This person is not deactivated.", status=409)
    with transaction.atomic():
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
        record_audit_event(actor=actor, action="user.reactivate", target=user)
    return user


def do_set_roles(
    *,
    actor: User,
    user: User,
    is_network_admin: bool | None = None,
    is_compliance_officer: bool | None = None,
) -> User:
    """Grant or remove the network admin and compliance officer roles (members only)."""
    if user.is_guest and (is_network_admin or is_compliance_officer):
        raise ActionError("Guests cannot hold network roles.")
    if actor.pk == user.pk and is_network_admin is False:
        raise ActionError("You cannot remove your own admin role.")
    changes: dict[str, bool] = {}
    if is_network_admin is not None and is_network_admin != user.is_network_admin:
        changes["is_network_admin"] = is_network_admin
    if is_compliance_officer is not None and is_compliance_officer != user.is_compliance_officer:
        changes["is_compliance_officer"] = is_compliance_officer
    if not changes:
        return user
    with transaction.atomic():
        for attribute, value in changes.items():
            setattr(user, attribute, value)
        user.save(update_fields=list(changes))
        record_audit_event(actor=actor, action="user.roles", target=user, **changes)
    return user


def do_create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token. The raw token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ActionError("Give the token a name, so you can recognise it later.", field="name")
    if len(name) > 100:
        raise ActionError("A token name has at most 100 characters.", field="name")
    if not user.is_active:
        raise ActionError("Only active people can have API tokens.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw)
        )
        record_audit_event(actor=user, action="token.create", target=token, name=name)
    return token, raw


def do_revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_audit_event(actor=actor, action="token.revoke", target=token)
    return token


def user_for_api_token(raw: str) -> User | None:
    """The active person a bearer token belongs to, or None (revoked, unknown, deactivated)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__company")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
