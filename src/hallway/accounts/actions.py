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
from django.utils.text import slugify

from hallway.accounts.models import ApiToken, Invitation, User, UserSession, hash_token
from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.email import queue_email
from hallway.core.errors import ActionError
from hallway.profiles.actions import ensure_profile

INVITATION_DAYS = 14
TOKEN_PREFIX = "hw_"  # noqa: S105  (a public prefix, not a secret)


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
    # Stored emails are lower-cased (UserManager.create_user): an exact match uses the index.
    if User.objects.filter(email=email).exists():
        raise ActionError(
            "Someone with this email address is already on the network.", field="email", status=409
        )
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
        _emit_person_event("person.created", user)
    return user


def _emit_person_event(event: str, user: User) -> None:
    """Outgoing webhooks (hallway.webhooks); imported late: accounts load first."""
    from hallway.webhooks.triggers import emit_webhook_event

    emit_webhook_event(event, user_id=user.pk)


def invitation_url(raw_key: str) -> str:
    """The absolute link an invitation email carries."""
    return settings.HALLWAY_BASE_URL + reverse("accept_invitation", args=[raw_key])


def _queue_invitation_email(
    *, actor: User | None, user: User, invitation: Invitation, raw_key: str
) -> None:
    context = {
        "inviter": actor,
        "invitee": user,
        "company": user.company,
        "url": invitation_url(raw_key),
        "network_name": settings.HALLWAY_NETWORK_NAME,
        "days": INVITATION_DAYS,
    }
    subject = (
        f"{actor.name} invited you to {settings.HALLWAY_NETWORK_NAME}"
        if actor is not None
        else f"You are invited to {settings.HALLWAY_NETWORK_NAME}"
    )
    queue_email(
        subject=subject,
        to=[user.email],
        text=render_to_string("accounts/email/invitation.txt", context),
        html=render_to_string("accounts/email/invitation.html", context),
        # One email per key: a resent invitation has a new key and gets its own email.
        idempotency_key=f"invitation:{invitation.pk}:{invitation.key_hash[:16]}",
    )


def do_invite_user(
    *,
    actor: User | None,
    email: str,
    name: str,
    kind: str = User.Kind.MEMBER,
    company: Company | None = None,
) -> tuple[User, str]:
    """Create an invited (inactive) person and email them a link to join.

    Returns the person and the raw invitation key (only its hash is stored).
    ``actor`` is None when an operator invites from the command line.
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
        _queue_invitation_email(actor=actor, user=user, invitation=invitation, raw_key=raw_key)
    return user, raw_key


def do_resend_invitation(*, actor: User | None, user: User) -> str:
    """Send a fresh invitation link to a person who has not joined yet.

    The old link stops working (a new key replaces it) and the new one is valid for
    ``INVITATION_DAYS`` days. Returns the raw key.
    """
    if user.state != "invited":
        raise ActionError(
            "Only people who have not joined yet can be sent an invitation.", status=409
        )
    raw_key = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation, _ = Invitation.objects.select_for_update().update_or_create(
            user=user,
            defaults={
                "email": user.email,
                "invited_by": actor,
                "key_hash": hash_token(raw_key),
                "expires_at": timezone.now() + timedelta(days=INVITATION_DAYS),
                "accepted_at": None,
            },
        )
        record_audit_event(actor=actor, action="user.invite_resend", target=user)
        _queue_invitation_email(actor=actor, user=user, invitation=invitation, raw_key=raw_key)
    return raw_key


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
        _emit_person_event("person.created", user)
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


def do_deactivate_user(*, actor: User | None, user: User, reason: str = "") -> User:
    """Deactivate a person: sign-in, sessions and API tokens end at once; content stays.

    ``actor`` is None when an operator runs ``hallway deactivate``.
    """
    if user.deactivated_at is not None:
        raise ActionError("This person is already deactivated.", status=409)
    if actor is not None and actor.pk == user.pk:
        raise ActionError("You cannot deactivate yourself.", status=400)
    with transaction.atomic():
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        end_sessions(user)
        record_audit_event(
            actor=actor, action="user.deactivate", target=user, reason=(reason or "").strip()[:500]
        )
        # No group is left without an owner (issue 5).
        from hallway.groups.succession import hand_over_owned_groups

        hand_over_owned_groups(actor=actor, user=user)
        _emit_person_event("person.deactivated", user)
    return user


def do_reactivate_user(*, actor: User | None, user: User) -> User:
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
        record_audit_event(actor=actor, action="user.roles", target=user, changes=changes)
    return user


def do_end_session(*, user: User, session_key: str) -> bool:
    """Sign out one of a person's own browser sessions. False if it was not theirs."""
    with transaction.atomic():
        if not UserSession.objects.filter(user=user, session_key=session_key).exists():
            return False
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore(session_key=session_key).delete()
        UserSession.objects.filter(user=user, session_key=session_key).delete()
        record_audit_event(actor=user, action="session.end", target=user)
    return True


def do_end_other_sessions(*, user: User, current_session_key: str | None) -> int:
    """Sign out every browser session of a person except the current one."""
    with transaction.atomic():
        ended = end_sessions(user, except_session_key=current_session_key)
        if ended:
            record_audit_event(actor=user, action="session.end_others", target=user, count=ended)
    return ended


def do_change_name(*, actor: User, user: User, name: str) -> User:
    """Change the name a person is shown by (their profile's search text follows)."""
    from hallway.profiles.actions import do_update_profile

    name = _check_name(name)
    if name != user.name:
        with transaction.atomic():
            do_update_profile(actor=actor, profile=ensure_profile(user), changes={"name": name})
            user.name = name
    return user


def _check_password(password: str, user: User) -> None:
    if not password:
        raise ActionError("Enter a password.", field="password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), field="password") from exc


def ensure_host_company(*, name: str) -> Company:
    """The host company, created with this name if the network has none yet."""
    company = Company.objects.filter(kind=Company.Kind.HOST).first()
    if company is not None:
        return company
    name = (name or "").strip() or "Hallway"
    slug = slugify(name)[:200] or "hallway"
    if Company.objects.filter(slug=slug).exists():
        slug = f"{slug[:190]}-host"
    company = Company(name=name[:200], slug=slug, kind=Company.Kind.HOST)
    company.full_clean()
    company.save()
    record_audit_event(actor=None, action="company.create", target=company, kind="host")
    return company


def do_create_or_promote_admin(
    *, email: str, name: str, password: str, host_company_name: str
) -> tuple[User, bool]:
    """Make sure ``email`` is an active network admin of the host company with this password.

    Creates the person (and the host company, if the network has none) or promotes an
    existing member. Returns the person and whether they were created. All or nothing.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ActionError("Enter a valid email address.", field="email") from exc
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is None:
            name = _check_name(name)
            _check_password(password, User(email=email, name=name))
            ensure_host_company(name=host_company_name)
            user = do_create_user(
                actor=None, email=email, name=name, password=password, is_network_admin=True
            )
            return user, True
        if existing.is_guest:
            raise ActionError(
                "This email belongs to a guest; guests cannot be network admins.", field="email"
            )
        if existing.deactivated_at is not None:
            raise ActionError(
                "This person is deactivated; reactivate them first (hallway reactivate).",
                field="email",
            )
        if name and name.strip():
            existing.name = _check_name(name)
        _check_password(password, existing)
        existing.set_password(password)
        existing.is_network_admin = True
        if not existing.is_active:
            # An invited person becomes active; their invitation link is used up.
            existing.is_active = True
            Invitation.objects.filter(user=existing, accepted_at__isnull=True).update(
                accepted_at=timezone.now()
            )
        existing.save(update_fields=["name", "password", "is_network_admin", "is_active"])
        ensure_profile(existing)
        record_audit_event(actor=None, action="user.promote_admin", target=existing)
        return existing, False


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
