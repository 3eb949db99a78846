"""``/me``: the caller's own profile, roles, and profile edits."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hallway.api.auth import api_viewer
from hallway.api.schemas import MeOut, MeUpdateIn, responses
from hallway.api.serializers import TEXT_FIELDS, person_detail_json
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.profiles.access import (
    access_person_by_id,
    access_team_by_id,
    locations_visible_to,
)
from hallway.profiles.actions import ProfileValidationError, do_update_profile, ensure_profile
from hallway.profiles.org import profile_of

router = Router(tags=["me"], exclude_unset=True)


def me_json(viewer: Viewer) -> dict[str, Any]:
    user = viewer.user
    assert user is not None
    me = access_person_by_id(viewer, user.pk)
    profile = profile_of(me)
    return {
        **person_detail_json(viewer, me, profile=profile),
        "email": me.email,
        "is_network_admin": me.is_network_admin,
        "is_compliance_officer": me.is_compliance_officer,
        "guest_visible_fields": list(profile.guest_visible_fields or []),
    }


@router.get("/me", response=responses({200: MeOut}), summary="Who I am")
def get_me(request: HttpRequest) -> dict[str, Any]:
    """Your own person, with every profile field, your roles and which fields guests see."""
    return me_json(api_viewer(request))


def _profile_changes(viewer: Viewer, payload: MeUpdateIn) -> dict[str, Any]:
    """The sent fields, with ids resolved through the permission layer."""
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name in sent:
            changes[name] = sent[name] or ""
    if "name" in sent:
        changes["name"] = sent["name"] or ""
    if "skills" in sent:
        changes["skills"] = sent["skills"] or []
    if "guest_visible_fields" in sent:
        changes["guest_visible_fields"] = sent["guest_visible_fields"] or []
    if "team_id" in sent:
        changes["team"] = None
        if sent["team_id"] is not None:
            try:
                changes["team"] = access_team_by_id(viewer, sent["team_id"])
            except NotFound:
                errors["team_id"] = "No such team."
    if "location_id" in sent:
        changes["location"] = None
        if sent["location_id"] is not None:
            location = locations_visible_to(viewer).filter(pk=sent["location_id"]).first()
            if location is None:
                errors["location_id"] = "No such location."
            changes["location"] = location
    if "manager_id" in sent:
        changes["manager"] = None
        if sent["manager_id"] is not None:
            try:
                changes["manager"] = access_person_by_id(viewer, sent["manager_id"])
            except NotFound:
                errors["manager_id"] = "No such person."
    if errors:
        raise ProfileValidationError(errors)
    return changes


@router.patch("/me", response=responses({200: MeOut}), summary="Edit my profile")
def update_me(request: HttpRequest, payload: MeUpdateIn) -> dict[str, Any]:
    """Change the fields sent; leave the others. All or nothing: on an error nothing changes."""
    viewer = api_viewer(request)
    user = viewer.user
    assert user is not None
    changes = _profile_changes(viewer, payload)
    if changes:
        do_update_profile(actor=user, profile=ensure_profile(user), changes=changes)
    return me_json(viewer)
