"""``/groups``: the groups you may see, creating and changing them, members, joining,
requests, archive and the admins' break-glass. ``/groups/{id}/posts`` is the feed's.

A group you may not see (a secret group you are not in) answers 404 exactly like one that
does not exist. The web pages and this API share the actions and selectors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hallway.accounts.models import User
from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams
from hallway.api.schemas import CompanyRef, Id, LongText, PersonRef, ShortText, responses
from hallway.api.serializers import company_ref, person_ref
from hallway.companies.access import companies_visible_to
from hallway.companies.models import Company
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.groups import actions
from hallway.groups.access import (
    access_group_by_id,
    can_join_group,
    can_manage_group,
    can_manage_members,
    can_read_group_content,
    can_request_to_join,
    can_see_group_members,
)
from hallway.groups.models import Group, Membership
from hallway.groups.selectors import (
    GroupFilters,
    group_directory,
    group_members,
    group_with_details,
    viewer_membership,
)
from hallway.profiles.access import access_person_by_id

router = Router(tags=["groups"])

Visibility = Literal["public", "private", "secret"]
JoinPolicy = Literal["open", "request", "invite"]
Sensitivity = Literal["general", "internal", "confidential", "restricted"]
Hints = Literal["off", "count", "titles"]
Role = Literal["owner", "moderator", "member"]


# --- shapes -------------------------------------------------------------------------------------
class MyMembershipOut(Schema):
    state: Literal["invited", "requested", "active", "declined"]
    role: Role
    reason: str = Field(description="Your request's reason, or why it was declined.")


class GroupOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    visibility: Visibility
    join_policy: JoinPolicy
    sensitivity: Sensitivity
    hints: Hints
    external: bool
    companies: list[CompanyRef]
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    member_count: int
    membership: MyMembershipOut | None = Field(description="Your own place in the group, if any.")


class GroupDetailOut(GroupOut):
    can_read: bool = Field(description="Whether you may read the group's posts.")
    can_join: bool
    can_request: bool
    can_manage: bool
    can_manage_members: bool


class GroupPage(Schema):
    results: list[GroupOut]
    next: str | None


class GroupIn(Schema):
    name: ShortText
    description: LongText = ""
    visibility: Visibility = "public"
    join_policy: JoinPolicy | None = Field(
        None, description="Defaults to open (public), request (private) or invite (secret)."
    )
    external: bool = False
    companies: list[Id | ShortText] = Field(
        [], max_length=100, description="External companies admitted, by id or slug."
    )
    sensitivity: Sensitivity = "general"
    hints: Hints = "off"


class GroupPatchIn(Schema):
    """Only the fields sent change."""

    name: ShortText | None = None
    description: LongText | None = None
    visibility: Visibility | None = None
    join_policy: JoinPolicy | None = None
    external: bool | None = None
    companies: list[Id | ShortText] | None = Field(None, max_length=100)
    sensitivity: Sensitivity | None = None
    hints: Hints | None = None
    reason: ShortText = Field(
        "", description="Required to open the visibility or loosen the sensitivity label."
    )


class MemberOut(Schema):
    person: PersonRef
    kind: Literal["member", "guest"]
    company: CompanyRef
    role: Role


class MemberPage(Schema):
    results: list[MemberOut]
    next: str | None


class MemberIn(Schema):
    user_id: Id
    role: Role = "member"


class MembershipOut(Schema):
    user_id: int
    role: Role
    state: Literal["invited", "requested", "active", "declined"]


class ReasonIn(Schema):
    reason: ShortText = ""


class DecisionIn(Schema):
    decision: Literal["approve", "decline"]
    reason: ShortText = ""


class ArchiveIn(Schema):
    archived: bool = True


class BreakGlassIn(Schema):
    reason: ShortText


class BreakGlassOut(Schema):
    group_id: int
    reason: str
    expires_at: datetime


class GroupParams(PageParams):
    q: ShortText = Field("", description="Part of the group's name.")
    scope: Literal["", "mine", "public", "private", "secret", "archived"] = Field(
        "", description="Only my groups, one visibility, or archived groups."
    )


class MemberParams(PageParams):
    q: ShortText = Field("", description="Part of the member's name.")


# --- helpers ------------------------------------------------------------------------------------
def _actor(viewer: Viewer) -> User:
    assert viewer.user is not None  # the API's auth lets only active people in
    return viewer.user


def _my_membership(group: Group) -> dict[str, Any] | None:
    state = getattr(group, "my_state", None)
    if state is None:
        return None
    return {"state": state, "role": group.my_role, "reason": ""}  # type: ignore[attr-defined]


def group_json(group: Group) -> dict[str, Any]:
    """A group from ``group_directory``/``group_with_details`` (annotated, companies loaded)."""
    return {
        "id": group.pk,
        "name": group.name,
        "slug": group.slug,
        "description": group.description,
        "visibility": group.visibility,
        "join_policy": group.join_policy,
        "sensitivity": group.sensitivity,
        "hints": group.hints,
        "external": group.is_external,
        "companies": [company_ref(c) for c in group.companies.all()],
        "archived": group.is_archived,
        "archived_at": group.archived_at,
        "created_at": group.created_at,
        "member_count": getattr(group, "member_count", 0),
        "membership": _my_membership(group),
    }


def group_detail_json(viewer: Viewer, group: Group) -> dict[str, Any]:
    details = group_with_details(viewer, group)
    data = group_json(details)
    membership = viewer_membership(viewer, details)
    if membership is not None:
        data["membership"] = {
            "state": membership.state,
            "role": membership.role,
            "reason": membership.reason,
        }
    return {
        **data,
        "can_read": can_read_group_content(viewer, details),
        "can_join": can_join_group(viewer, details),
        "can_request": can_request_to_join(viewer, details),
        "can_manage": can_manage_group(viewer, details),
        "can_manage_members": can_manage_members(viewer, details),
    }


def _companies(viewer: Viewer, refs: list[int | str]) -> list[Company]:
    """Companies by id or slug, through the permission layer; an unknown one is a 400."""
    ids = [ref for ref in refs if isinstance(ref, int)]
    slugs = [ref for ref in refs if isinstance(ref, str)]
    found = list(companies_visible_to(viewer).filter(pk__in=ids)) if ids else []
    found += list(companies_visible_to(viewer).filter(slug__in=slugs)) if slugs else []
    known = {c.pk for c in found} | {c.slug for c in found}
    missing = [str(ref) for ref in refs if ref not in known]
    if missing:
        raise ActionError(f"No such company: {', '.join(missing[:5])}.", field="companies")
    return found


def _membership_json(membership: Membership) -> dict[str, Any]:
    return {"user_id": membership.user_id, "role": membership.role, "state": membership.state}


def _person(viewer: Viewer, user_id: int) -> User:
    """A person the caller may see; anyone else answers 404 like a missing person."""
    return access_person_by_id(viewer, user_id)


# --- groups -------------------------------------------------------------------------------------
@router.get("/groups", response=responses({200: GroupPage}), summary="Groups")
def list_groups(request: HttpRequest, params: Query[GroupParams]) -> dict[str, Any]:
    """The groups you may see, by name. Secret groups appear only to their members."""
    viewer = api_viewer(request)
    page = group_directory(
        viewer,
        GroupFilters(scope=params.scope, q=params.q),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"results": [group_json(g) for g in page.results], "next": page.next_cursor}


@router.post("/groups", response=responses({201: GroupDetailOut}), summary="Create a group")
def create_group(request: HttpRequest, payload: GroupIn) -> Status[dict[str, Any]]:
    """Create a group; you become its owner. Members only (unless the network lets only
    admins). External groups need at least one company; secret groups are invite-only."""
    viewer = api_viewer(request)
    group = actions.do_create_group(
        actor=_actor(viewer),
        name=payload.name,
        description=payload.description,
        visibility=payload.visibility,
        join_policy=payload.join_policy,
        is_external=payload.external,
        companies=_companies(viewer, payload.companies),
        sensitivity=payload.sensitivity,
        hints=payload.hints,
    )
    return Status(201, group_detail_json(viewer, group))


@router.get("/groups/{group_id}", response=responses({200: GroupDetailOut}), summary="One group")
def get_group(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    viewer = api_viewer(request)
    return group_detail_json(viewer, access_group_by_id(viewer, group_id))


@router.patch(
    "/groups/{group_id}", response=responses({200: GroupDetailOut}), summary="Change a group"
)
def update_group(request: HttpRequest, group_id: Id, payload: GroupPatchIn) -> dict[str, Any]:
    """Owners and network admins. Opening the visibility or loosening the sensitivity label
    needs ``reason``. Dropping a company removes its guests from the group at once."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if not can_manage_group(viewer, group):
        raise PermissionDenied("Only the group's owners and network admins can change it.")
    actions.do_update_group(
        actor=_actor(viewer),
        group=group,
        name=payload.name,
        description=payload.description,
        visibility=payload.visibility,
        join_policy=payload.join_policy,
        is_external=payload.external,
        companies=_companies(viewer, payload.companies) if payload.companies is not None else None,
        sensitivity=payload.sensitivity,
        hints=payload.hints,
        reason=payload.reason,
    )
    return group_detail_json(viewer, group)


@router.post(
    "/groups/{group_id}/archive",
    response=responses({200: GroupDetailOut}),
    summary="Archive or unarchive a group",
)
def archive_group(
    request: HttpRequest, group_id: Id, payload: ArchiveIn | None = None
) -> dict[str, Any]:
    """Owners and network admins. ``{"archived": false}`` brings the group back."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if not can_manage_group(viewer, group):
        raise PermissionDenied("Only the group's owners and network admins can archive it.")
    if payload is None or payload.archived:
        actions.do_archive_group(actor=_actor(viewer), group=group)
    else:
        actions.do_unarchive_group(actor=_actor(viewer), group=group)
    return group_detail_json(viewer, group)


# --- members ------------------------------------------------------------------------------------
@router.get("/groups/{group_id}/members", response=responses({200: MemberPage}), summary="Members")
def list_members(request: HttpRequest, group_id: Id, params: Query[MemberParams]) -> dict[str, Any]:
    """Active members by name. Private and secret groups show them only to their members
    and to network admins (403 for others who can see the group)."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if not can_see_group_members(viewer, group):
        raise PermissionDenied("Only this group's members can see who is in it.")
    page = group_members(viewer, group, cursor=params.cursor, limit=params.limit, q=params.q)
    return {
        "results": [
            {
                "person": person_ref(person),
                "kind": person.kind,
                "company": company_ref(person.company),
                "role": person.group_role,
            }
            for person in page.results
        ],
        "next": page.next_cursor,
    }


@router.post(
    "/groups/{group_id}/members",
    response=responses({201: MembershipOut}, conflict=True),
    summary="Add, invite or join",
)
def add_member(request: HttpRequest, group_id: Id, payload: MemberIn) -> Status[dict[str, Any]]:
    """With your own ``user_id``: join an open group (or accept your invitation). Owners and
    network admins add a person directly; moderators invite them (they accept or decline)."""
    viewer = api_viewer(request)
    actor = _actor(viewer)
    group = access_group_by_id(viewer, group_id)
    if payload.user_id == actor.pk:
        if payload.role != Membership.Role.MEMBER and not can_manage_group(viewer, group):
            raise PermissionDenied("You cannot give yourself a role.")
        if can_manage_group(viewer, group):
            membership = actions.do_add_member(
                actor=actor, group=group, user=actor, role=payload.role
            )
        else:
            membership = actions.do_join_group(actor=actor, group=group)
        return Status(201, _membership_json(membership))
    person = _person(viewer, payload.user_id)
    if can_manage_group(viewer, group):
        membership = actions.do_add_member(actor=actor, group=group, user=person, role=payload.role)
    else:
        membership = actions.do_invite_to_group(
            actor=actor, group=group, user=person, role=payload.role
        )
    return Status(201, _membership_json(membership))


@router.delete(
    "/groups/{group_id}/members/{user_id}",
    response=responses({204: None}, conflict=True),
    summary="Leave, or remove a member",
)
def remove_member(request: HttpRequest, group_id: Id, user_id: Id) -> Status[None]:
    """Your own id: leave (or withdraw a request, or decline an invitation). Someone else's:
    owners, moderators and admins remove them or cancel their invitation."""
    viewer = api_viewer(request)
    actor = _actor(viewer)
    group = access_group_by_id(viewer, group_id)
    if user_id == actor.pk:
        actions.do_leave_group(actor=actor, group=group)
    else:
        actions.do_remove_member(actor=actor, group=group, user=_person(viewer, user_id))
    return Status(204, None)


@router.post(
    "/groups/{group_id}/join",
    response=responses({200: MembershipOut}, conflict=True),
    summary="Join a group",
)
def join_group(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    """Join an open public group, or accept your invitation to any group."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    return _membership_json(actions.do_join_group(actor=_actor(viewer), group=group))


@router.post(
    "/groups/{group_id}/requests",
    response=responses({201: MembershipOut}, conflict=True),
    summary="Ask to join",
)
def request_to_join(
    request: HttpRequest, group_id: Id, payload: ReasonIn | None = None
) -> Status[dict[str, Any]]:
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    membership = actions.do_request_to_join(
        actor=_actor(viewer), group=group, reason=payload.reason if payload else ""
    )
    return Status(201, _membership_json(membership))


@router.post(
    "/groups/{group_id}/requests/{user_id}",
    response=responses({200: MembershipOut}),
    summary="Approve or decline a request",
)
def decide_request(
    request: HttpRequest, group_id: Id, user_id: Id, payload: DecisionIn
) -> dict[str, Any]:
    """Owners, moderators and admins. Declining needs a reason, which the person sees."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can answer requests.")
    membership = actions.do_decide_join_request(
        actor=_actor(viewer),
        group=group,
        user=_person(viewer, user_id),
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
    return _membership_json(membership)


@router.post(
    "/groups/{group_id}/break-glass",
    response=responses({201: BreakGlassOut}, conflict=True),
    summary="Open a group's content (network admins)",
)
def break_glass(
    request: HttpRequest, group_id: Id, payload: BreakGlassIn
) -> Status[dict[str, Any]]:
    """A network admin reads a private or secret group's content for one hour. Needs a
    reason; audited and shown to the group's owners."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if not viewer.is_network_admin:
        raise PermissionDenied("Only network admins can open a group's content this way.")
    access = actions.do_open_break_glass(actor=_actor(viewer), group=group, reason=payload.reason)
    return Status(
        201, {"group_id": group.pk, "reason": access.reason, "expires_at": access.expires_at}
    )
