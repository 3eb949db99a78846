"""``/users``: network admins create, invite, deactivate and reactivate people, and set roles.

Every route here answers 403 to anyone signed in who is not a network admin, before it
looks at the request's body or at who exists.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from hallway.accounts.access import (
    access_user_for_admin_by_id,
    email_in_use,
    users_visible_to_admin,
)
from hallway.accounts.actions import (
    do_create_user,
    do_deactivate_user,
    do_invite_user,
    do_reactivate_user,
    do_set_roles,
)
from hallway.accounts.models import User
from hallway.accounts.selectors import filter_people_for_admin
from hallway.api.auth import api_viewer, network_admin
from hallway.api.pagination import PageParams, page_by_name
from hallway.api.schemas import (
    AdminPersonOut,
    AdminPersonPage,
    DeactivateIn,
    Id,
    RolesIn,
    ShortText,
    UserCreateIn,
    responses,
)
from hallway.api.serializers import admin_people_json
from hallway.companies.access import access_company_by_id, access_company_by_slug
from hallway.companies.models import Company
from hallway.core.errors import ActionError, NotFound
from hallway.core.permissions import Viewer
from hallway.profiles.selectors import with_profile_data

router = Router(tags=["admin"], auth=network_admin, exclude_unset=True)


class UserParams(PageParams):
    q: ShortText = Field("", description="Part of the name or email address.")
    state: Literal["invited", "active", "deactivated"] | None = None


def _admin_person(viewer: Viewer, user_id: int) -> dict[str, Any]:
    """The person in any state, re-read with their profile so the answer is current."""
    person = with_profile_data(users_visible_to_admin(viewer)).filter(pk=user_id).first()
    if person is None:
        raise NotFound
    return admin_people_json(viewer, [person])[0]


def _company(viewer: Viewer, ref: int | str | None) -> Company | None:
    if ref is None or ref == "":
        return None
    try:
        if isinstance(ref, int) or ref.isdigit():
            return access_company_by_id(viewer, int(ref))
        return access_company_by_slug(viewer, ref.strip())
    except NotFound as exc:
        raise ActionError("No such company.", field="company") from exc


@router.get("/users", response=responses({200: AdminPersonPage}), summary="Everyone (admins)")
def list_users(request: HttpRequest, params: Query[UserParams]) -> dict[str, Any]:
    """Everyone on the network in any state, by name, with email and roles."""
    viewer = api_viewer(request)
    people = filter_people_for_admin(
        users_visible_to_admin(viewer), query=params.q.strip(), state=params.state or ""
    )
    rows, next_cursor = page_by_name(with_profile_data(people), params)
    return {"results": admin_people_json(viewer, rows), "next": next_cursor}


@router.get(
    "/users/{user_id}", response=responses({200: AdminPersonOut}), summary="One person (admins)"
)
def get_user(request: HttpRequest, user_id: Id) -> dict[str, Any]:
    """A person in any state (invited, active, deactivated), with email and roles."""
    viewer = api_viewer(request)
    return _admin_person(viewer, access_user_for_admin_by_id(viewer, user_id).pk)


@router.post(
    "/users",
    response=responses({201: AdminPersonOut}, conflict=True),
    summary="Create or invite a person (admins)",
)
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status[dict[str, Any]]:
    """Invite a member or a guest by email (``invite``: true, the default), or create an
    active person without a password (``invite``: false, for single sign-on).

    A guest needs ``company``: an external company's id or slug. An email address already
    on the network answers 409.
    """
    viewer = api_viewer(request)
    actor = viewer.user
    assert actor is not None
    company = _company(viewer, payload.company)
    if email_in_use(viewer, payload.email):
        raise ActionError(
            "Someone with this email address is already on the network.", field="email", status=409
        )
    user: User
    if payload.invite:
        user, _key = do_invite_user(
            actor=actor, email=payload.email, name=payload.name, kind=payload.kind, company=company
        )
    else:
        user = do_create_user(
            actor=actor, email=payload.email, name=payload.name, kind=payload.kind, company=company
        )
    return Status(201, _admin_person(viewer, user.pk))


@router.post(
    "/users/{user_id}/deactivate",
    response=responses({200: AdminPersonOut}, conflict=True),
    summary="Deactivate a person (admins)",
)
def deactivate_user(
    request: HttpRequest, user_id: Id, payload: DeactivateIn | None = None
) -> dict[str, Any]:
    """Sign-in, sessions and API tokens end at once; their content stays. Optional
    ``reason`` goes to the audit log."""
    viewer = api_viewer(request)
    person = access_user_for_admin_by_id(viewer, user_id)
    reason = payload.reason if payload is not None else ""
    do_deactivate_user(actor=viewer.user, user=person, reason=reason)
    return _admin_person(viewer, person.pk)


@router.post(
    "/users/{user_id}/reactivate",
    response=responses({200: AdminPersonOut}, conflict=True),
    summary="Reactivate a person (admins)",
)
def reactivate_user(request: HttpRequest, user_id: Id) -> dict[str, Any]:
    """Let a deactivated person sign in again. Their old API tokens stay revoked."""
    viewer = api_viewer(request)
    person = access_user_for_admin_by_id(viewer, user_id)
    do_reactivate_user(actor=viewer.user, user=person)
    return _admin_person(viewer, person.pk)


@router.patch(
    "/users/{user_id}/roles",
    response=responses({200: AdminPersonOut}),
    summary="Set a person's roles (admins)",
)
def set_roles(request: HttpRequest, user_id: Id, payload: RolesIn) -> dict[str, Any]:
    """Grant or remove network admin and compliance officer; omitted roles stay as they are."""
    viewer = api_viewer(request)
    actor = viewer.user
    assert actor is not None
    person = access_user_for_admin_by_id(viewer, user_id)
    do_set_roles(
        actor=actor,
        user=person,
        is_network_admin=payload.is_network_admin,
        is_compliance_officer=payload.is_compliance_officer,
    )
    return _admin_person(viewer, person.pk)
