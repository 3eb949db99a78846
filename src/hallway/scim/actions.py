"""Writes for SCIM: provisioning clients and their tokens, people and teams.

People are created, deactivated and reactivated through the accounts actions and their
profiles change through the profiles action, so SCIM does what the admin pages do, with the
same checks and audit events; each SCIM write also records a ``scim.*`` audit event naming
the client.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from scim2_models import (
    ConflictException,
    InvalidValueException,
    SCIMException,
    UniquenessException,
)

from hallway.accounts.actions import (
    do_create_user,
    do_deactivate_user,
    do_reactivate_user,
)
from hallway.accounts.models import User, hash_token
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError
from hallway.profiles.actions import do_update_profile, ensure_profile
from hallway.profiles.models import Profile, Team
from hallway.scim.models import ScimClient, ScimIdentity, ScimTeamLink

TOKEN_PREFIX = "scim_"  # noqa: S105  (a public prefix, not a secret)
NAME_LIMIT = 150
TEXT_LIMIT = 254


# --- Provisioning clients -------------------------------------------------------------------


def do_create_scim_client(*, actor: User | None, name: str) -> tuple[ScimClient, str]:
    """Create a provisioning client with a new bearer token, returned once and stored hashed."""
    name = (name or "").strip()
    if not name:
        raise ActionError("Give the client a name, such as “Entra ID”.", field="name")
    if len(name) > 100:
        raise ActionError("A client name has at most 100 characters.", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ScimClient.objects.create(
            name=name, prefix=raw[:12], key_hash=hash_token(raw), created_by=actor
        )
        record_audit_event(actor=actor, action="scim.client.create", target=client, name=name)
    return client, raw


def do_revoke_scim_client(*, actor: User | None, client: ScimClient) -> ScimClient:
    """Revoke a client's token: its next request answers 401."""
    if client.revoked_at is None:
        with transaction.atomic():
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            record_audit_event(actor=actor, action="scim.client.revoke", target=client)
    return client


def client_for_token(raw: str) -> ScimClient | None:
    """The live provisioning client a bearer token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    client = ScimClient.objects.filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=1):
        ScimClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def _audit(client: ScimClient, action: str, target: Any, **data: Any) -> None:
    record_audit_event(
        actor=None, action=action, target=target, client_id=client.pk, client=client.name, **data
    )


# --- Teams (departments and Groups) -----------------------------------------------------------


def _unique_team_slug(name: str) -> str:
    base = slugify(name)[:140] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def team_for_department(name: str) -> Team:
    """The team with this name (case-insensitive), created as a top-level team if new."""
    name = name.strip()[:NAME_LIMIT]
    team = Team.objects.filter(name__iexact=name).order_by("pk").first()
    if team is None:
        team = Team.objects.create(name=name, slug=_unique_team_slug(name))
        record_audit_event(actor=None, action="team.create", target=team, name=name)
    return team


# --- People -----------------------------------------------------------------------------------


@dataclass
class UserState:
    """What a SCIM User resource says a person should look like."""

    user_name: str
    email: str
    active: bool
    external_id: str | None = None
    name: dict[str, str] = field(default_factory=dict)
    display_name: str | None = None
    title: str = ""
    email_type: str = ""
    email_primary: bool | None = None
    employee_number: str = ""
    department: str | None = None
    manager_id: str | None = None

    def person_name(self) -> str:
        """The name Hallway shows: displayName, else the formatted or composed name."""
        composed = " ".join(
            part for part in (self.name.get("givenName"), self.name.get("familyName")) if part
        )
        for candidate in (self.display_name, self.name.get("formatted"), composed):
            if candidate and candidate.strip():
                return candidate.strip()[:NAME_LIMIT]
        return self.user_name.split("@")[0][:NAME_LIMIT] or self.user_name[:NAME_LIMIT]


def _check_state(state: UserState) -> None:
    if not state.user_name.strip():
        raise InvalidValueException(detail="userName must not be empty.")
    for label, value in (("userName", state.user_name), ("externalId", state.external_id)):
        if value is not None and len(value) > TEXT_LIMIT:
            raise InvalidValueException(detail=f"{label} has at most {TEXT_LIMIT} characters.")
    if len(state.title) > NAME_LIMIT:
        raise InvalidValueException(detail=f"title has at most {NAME_LIMIT} characters.")


def _check_user_name_free(state: UserState, user: User | None) -> None:
    key = state.user_name.strip().lower()
    taken = ScimIdentity.objects.filter(user_name_key=key)
    others = User.objects.filter(email=key, scim__isnull=True)
    if user is not None:
        taken = taken.exclude(user=user)
        others = others.exclude(pk=user.pk)
    if taken.exists() or others.exists():
        raise UniquenessException(detail="Another user already has this userName.")


def _check_email_free(email: str, user: User | None) -> None:
    # Emails are stored lower-cased (UserManager.create_user, _apply): an exact match uses
    # the unique index, where ``iexact`` scanned the whole table (UPPER() or LIKE).
    taken = User.objects.filter(email=email.strip().lower())
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise UniquenessException(detail="Another person already has this email address.")


def _manager_for(state: UserState, user: User | None) -> User | None:
    if not state.manager_id:
        return None
    raw = state.manager_id
    manager = None
    if raw.isdigit() and 0 < int(raw) < 2**63:
        manager = (
            User.objects.filter(pk=int(raw), kind=User.Kind.MEMBER)
            .exclude(scim__deleted_at__isnull=False)
            .first()
        )
    if manager is None:
        raise InvalidValueException(detail="manager.value is not the id of a user here.")
    if user is not None and manager.pk == user.pk:
        raise InvalidValueException(detail="A person cannot be their own manager.")
    return manager


def _save_identity(client: ScimClient, user: User, state: UserState) -> ScimIdentity:
    identity, _ = ScimIdentity.objects.update_or_create(
        user=user,
        defaults={
            "user_name": state.user_name.strip(),
            "user_name_key": state.user_name.strip().lower(),
            "external_id": state.external_id,
            "name": {k: v for k, v in state.name.items() if v is not None},
            "display_name_set": bool(state.display_name),
            "email_type": state.email_type,
            "email_primary": state.email_primary,
            "employee_number": state.employee_number,
            "client": client,
            "deleted_at": None,
        },
    )
    return identity


def _apply_profile(client: ScimClient, user: User, state: UserState, profile: Profile) -> list[str]:
    manager = _manager_for(state, user)
    team = team_for_department(state.department) if state.department else None
    wanted: dict[str, Any] = {
        "name": state.person_name(),
        "title": state.title,
        "team": team,
        "manager": manager,
    }
    current = {
        "name": user.name,
        "title": profile.title,
        "team": profile.team,
        "manager": profile.manager,
    }
    changes = {k: v for k, v in wanted.items() if v != current[k]}
    if changes:
        # Directory data comes from the company's identity provider: a policy *warning* on
        # a title is acknowledged in its name (and recorded); a block still refuses it.
        changes["policy_justification"] = f"Provisioned by SCIM client {client.name}"
        # The person is the author of their profile text for the content policy.
        do_update_profile(actor=user, profile=profile, changes=changes)
    return sorted(k for k in changes if k != "policy_justification")


def do_scim_create_user(*, client: ScimClient, state: UserState) -> User:
    """Provision a new member of the host company from a SCIM User; all or nothing."""
    _check_state(state)
    with transaction.atomic():
        deleted = User.objects.filter(
            email=state.email.strip().lower(), scim__deleted_at__isnull=False
        ).first()
        if deleted is not None:
            # Provisioned again after a SCIM DELETE: the same account comes back.
            _check_user_name_free(state, deleted)
            _apply(client, deleted, state)
            _audit(client, "scim.user.restore", deleted, user_name=state.user_name)
            return deleted
        _check_user_name_free(state, None)
        _check_email_free(state.email, None)
        try:
            user = do_create_user(actor=None, email=state.email, name=state.person_name())
        except ActionError as error:
            raise _scim_error(error) from error
        _apply(client, user, state)
        _audit(client, "scim.user.create", user, user_name=state.user_name)
    return user


def do_scim_update_user(*, client: ScimClient, user: User, state: UserState) -> User:
    """Make a person match a SCIM User (PUT, or the result of a PATCH); all or nothing."""
    _check_state(state)
    with transaction.atomic():
        _check_user_name_free(state, user)
        changed = _apply(client, user, state)
        if changed:
            _audit(client, "scim.user.update", user, changed=changed)
    return user


def _apply(client: ScimClient, user: User, state: UserState) -> list[str]:
    changed: list[str] = []
    email = state.email.strip().lower()
    if email != user.email:
        _check_email_free(email, user)
        old = user.email
        user.email = email
        user.save(update_fields=["email"])
        record_audit_event(actor=None, action="user.email_change", target=user, old=old)
        changed.append("email")
    try:
        changed += _apply_profile(client, user, state, ensure_profile(user))
    except ActionError as error:
        raise _scim_error(error) from error
    _save_identity(client, user, state)
    if state.active and user.deactivated_at is not None:
        do_reactivate_user(actor=None, user=user)
        changed.append("active")
    elif not state.active and user.deactivated_at is None:
        do_deactivate_user(actor=None, user=user, reason=f"SCIM client {client.name}")
        changed.append("active")
    return changed


def do_scim_delete_user(*, client: ScimClient, user: User) -> None:
    """SCIM DELETE: deactivate at once (sessions and tokens end, content stays) and hide."""
    with transaction.atomic():
        if user.deactivated_at is None:
            do_deactivate_user(actor=None, user=user, reason=f"SCIM client {client.name}")
        identity = ScimIdentity.objects.filter(user=user).first()
        if identity is None:
            identity = ScimIdentity(
                user=user, user_name=user.email, user_name_key=user.email.lower()
            )
        # The userName is freed for a new account, as after a real delete.
        identity.user_name_key = f"deleted:{user.pk}:{identity.user_name_key}"[:254]
        identity.deleted_at = timezone.now()
        identity.client = client
        identity.save()
        _audit(client, "scim.user.delete", user)


def _scim_error(error: ActionError) -> SCIMException:
    if error.status == 409:
        return UniquenessException(detail=error.message)
    return InvalidValueException(detail=error.message)


# --- Groups (teams) ---------------------------------------------------------------------------


@dataclass
class GroupState:
    display_name: str
    external_id: str | None = None
    member_ids: list[str] = field(default_factory=list)


def _check_group(state: GroupState, team: Team | None) -> str:
    name = (state.display_name or "").strip()
    if not name:
        raise InvalidValueException(detail="displayName must not be empty.")
    if len(name) > NAME_LIMIT:
        raise InvalidValueException(detail=f"displayName has at most {NAME_LIMIT} characters.")
    clash = Team.objects.filter(name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise UniquenessException(detail="Another group already has this displayName.")
    return name


def _members_for(state: GroupState) -> list[User]:
    ids: set[int] = set()
    for raw in state.member_ids:
        if not raw.isdigit() or not 0 < int(raw) < 2**63:
            raise InvalidValueException(detail=f"Member {raw} is not a user here.")
        ids.add(int(raw))
    people = list(
        User.objects.filter(pk__in=ids, kind=User.Kind.MEMBER).exclude(
            scim__deleted_at__isnull=False
        )
    )
    if len(people) != len(ids):
        raise InvalidValueException(detail="A member is not a user here (groups hold users).")
    return people


def _set_members(team: Team, people: list[User]) -> tuple[int, int]:
    wanted = {person.pk for person in people}
    current = set(Profile.objects.filter(team=team).values_list("user_id", flat=True))
    for person in people:
        if person.pk not in current:
            do_update_profile(actor=person, profile=ensure_profile(person), changes={"team": team})
    for profile in Profile.objects.filter(team=team, user_id__in=current - wanted).select_related(
        "user"
    ):
        do_update_profile(actor=profile.user, profile=profile, changes={"team": None})
    return len(wanted - current), len(current - wanted)


def do_scim_create_group(*, client: ScimClient, state: GroupState) -> Team:
    """A SCIM Group becomes a top-level team; its members move into it."""
    with transaction.atomic():
        name = _check_group(state, None)
        people = _members_for(state)
        team = Team.objects.create(name=name, slug=_unique_team_slug(name))
        ScimTeamLink.objects.create(team=team, external_id=state.external_id, client=client)
        added, _ = _set_members(team, people)
        _audit(client, "scim.group.create", team, name=name, added=added)
    return team


def do_scim_update_group(*, client: ScimClient, team: Team, state: GroupState) -> Team:
    """Rename a team and set its members to exactly the given people."""
    with transaction.atomic():
        name = _check_group(state, team)
        people = _members_for(state)
        if name != team.name:
            team.name = name
            team.save(update_fields=["name"])
        ScimTeamLink.objects.update_or_create(
            team=team, defaults={"external_id": state.external_id, "client": client}
        )
        added, removed = _set_members(team, people)
        _audit(client, "scim.group.update", team, name=name, added=added, removed=removed)
    return team


def do_scim_delete_group(*, client: ScimClient, team: Team) -> None:
    """Delete a team; its people keep their accounts and simply have no team."""
    with transaction.atomic():
        _audit(client, "scim.group.delete", team, name=team.name)
        try:
            team.delete()
        except ProtectedError as exc:
            raise ConflictException(detail="This team has sub-teams; move them first.") from exc
