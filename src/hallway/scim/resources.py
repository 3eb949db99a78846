"""Hallway records ↔ SCIM resources (scim2-models objects)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scim2_models import InvalidValueException, Meta

from hallway.accounts.models import User
from hallway.profiles.models import Team
from hallway.scim.actions import GroupState, UserState
from hallway.scim.models import ScimIdentity, ScimTeamLink
from hallway.scim.schemas import (
    Email,
    EnterpriseUser,
    GroupMember,
    GroupMembership,
    GroupResource,
    Manager,
    Name,
    UserResource,
)

NAME_PARTS = {
    "formatted": "formatted",
    "family_name": "familyName",
    "given_name": "givenName",
    "middle_name": "middleName",
    "honorific_prefix": "honorificPrefix",
    "honorific_suffix": "honorificSuffix",
}


def _ref(value: str) -> Any:
    """A URI or enum value as text: scim2-models validates it on the way out."""
    return value


def _identity(user: User) -> ScimIdentity | None:
    try:
        return user.scim
    except ScimIdentity.DoesNotExist:
        return None


def user_to_resource(user: User, *, base_url: str) -> Any:
    """The SCIM User for a person, as the client last wrote it where Hallway has no column."""
    identity = _identity(user)
    profile = getattr(user, "profile", None)
    location = f"{base_url}/Users/{user.pk}"
    name = None
    if identity is not None and identity.name:
        name = Name(**{key: identity.name.get(part) for key, part in NAME_PARTS.items()})
    display_name = user.name if identity is None or identity.display_name_set else None
    email_type = (identity.email_type if identity is not None else "") or "work"
    email_primary = identity.email_primary if identity is not None else True
    team = profile.team if profile is not None else None
    resource = UserResource(
        id=str(user.pk),
        external_id=identity.external_id if identity is not None else None,
        user_name=identity.user_name if identity is not None else user.email,
        name=name,
        display_name=display_name,
        title=(profile.title if profile is not None else "") or None,
        active=user.deactivated_at is None,
        emails=[Email(value=user.email, type=_ref(email_type), primary=email_primary)],
        groups=[
            GroupMembership(
                value=str(team.pk), ref=_ref(f"{base_url}/Groups/{team.pk}"), display=team.name
            )
        ]
        if team is not None
        else None,
        meta=Meta(
            resource_type="User",
            created=user.date_joined,
            last_modified=max(
                [
                    stamp
                    for stamp in (
                        user.date_joined,
                        profile.updated_at if profile is not None else None,
                        identity.updated_at if identity is not None else None,
                    )
                    if stamp is not None
                ]
            ),
            location=location,
        ),
    )
    manager_id = profile.manager_id if profile is not None else None
    employee_number = identity.employee_number if identity is not None else ""
    if team is not None or manager_id is not None or employee_number:
        resource[EnterpriseUser] = EnterpriseUser(
            employee_number=employee_number or None,
            department=team.name if team is not None else None,
            manager=Manager(value=str(manager_id), ref=_ref(f"{base_url}/Users/{manager_id}"))
            if manager_id is not None
            else None,
        )
    return resource


def _primary_email(resource: Any) -> Any:
    emails = list(resource.emails or [])
    for email in emails:
        if email.primary:
            return email
    for email in emails:
        if email.type and str(email.type) == "work":
            return email
    return emails[0] if emails else None


def user_state_from_resource(resource: Any) -> UserState:
    """What a validated SCIM User asks for. One email is kept: the primary (or work) one."""
    email = _primary_email(resource)
    if email is None or not email.value:
        raise InvalidValueException(detail="A user needs an email address (emails).")
    extension = resource[EnterpriseUser]
    name: dict[str, str] = {}
    if resource.name is not None:
        name = {
            part: value
            for key, part in NAME_PARTS.items()
            if (value := getattr(resource.name, key)) is not None
        }
    manager_id = None
    if extension is not None and extension.manager is not None:
        manager_id = extension.manager.value
        if manager_id is None and extension.manager.ref:
            manager_id = str(extension.manager.ref).rstrip("/").rsplit("/", 1)[-1]
    return UserState(
        user_name=str(resource.user_name or ""),
        email=str(email.value),
        active=True if resource.active is None else bool(resource.active),
        external_id=resource.external_id,
        name=name,
        display_name=resource.display_name,
        title=(resource.title or "").strip(),
        email_type=str(email.type.value if hasattr(email.type, "value") else email.type or ""),
        email_primary=email.primary,
        employee_number=(extension.employee_number or "") if extension is not None else "",
        department=(extension.department or None) if extension is not None else None,
        manager_id=manager_id,
    )


def group_to_resource(team: Team, members: Iterable[int], *, base_url: str) -> Any:
    try:
        link: ScimTeamLink | None = team.scim
    except ScimTeamLink.DoesNotExist:
        link = None
    meta = Meta(resource_type="Group", location=f"{base_url}/Groups/{team.pk}")
    if link is not None:
        meta.created = link.created_at
        meta.last_modified = link.updated_at
    member_list = [
        GroupMember(value=str(pk), ref=_ref(f"{base_url}/Users/{pk}"), type="User")
        for pk in members
    ]
    return GroupResource(
        id=str(team.pk),
        external_id=link.external_id if link is not None else None,
        display_name=team.name,
        members=member_list or None,
        meta=meta,
    )


def group_state_from_resource(resource: Any) -> GroupState:
    member_ids = []
    for member in resource.members or []:
        if member.type and str(member.type) not in {"User", "user"}:
            raise InvalidValueException(detail="Groups hold users only, not other groups.")
        value = member.value
        if value is None and member.ref:
            value = str(member.ref).rstrip("/").rsplit("/", 1)[-1]
        if value is None:
            raise InvalidValueException(detail="Each member needs a value (a user id).")
        member_ids.append(str(value))
    return GroupState(
        display_name=str(resource.display_name or ""),
        external_id=resource.external_id,
        member_ids=member_ids,
    )
