"""Role × visibility matrix for every groups access function.

Roles: anonymous; a guest of an admitted company (in the group / not); a guest of another
company (holding a stale active membership); members (not in the group, invited, requested,
active, moderator, owner); a network admin with and without break-glass; a deactivated
former member. Groups: public / private / secret × external or not × archived or not.
The expected answers are written from the rules in plain Python, not from the ORM.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hallway.core.errors import NotFound
from hallway.core.permissions import ANONYMOUS, viewer_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
    host_company,
)
from hallway.groups import access
from hallway.groups.models import BreakGlassAccess

pytestmark = pytest.mark.django_db

VISIBILITIES = ("public", "private", "secret")
JOIN_POLICY = {"public": "open", "private": "request", "secret": "invite"}
ROLES = (
    "anonymous",
    "guest_in_group",
    "guest_not_in_group",
    "guest_other_company",
    "member_outside",
    "member_invited",
    "member_requested",
    "member_active",
    "moderator",
    "owner",
    "admin",
    "admin_break_glass",
    "deactivated",
)
# role → (membership state, role in group) given to that person in every group
MEMBERSHIPS = {
    "guest_in_group": ("active", "member"),
    "guest_other_company": ("active", "member"),
    "member_invited": ("invited", "member"),
    "member_requested": ("requested", "member"),
    "member_active": ("active", "member"),
    "moderator": ("active", "moderator"),
    "owner": ("active", "owner"),
    "deactivated": ("active", "member"),
}
MEMBER_KINDS = {
    "member_outside",
    "member_invited",
    "member_requested",
    "member_active",
    "moderator",
    "owner",
    "admin",
    "admin_break_glass",
}
ACTIVE_MEMBERS = {"member_active", "moderator", "owner"}


@dataclass(frozen=True)
class Case:
    visibility: str
    external: bool
    archived: bool


CASES = [Case(*combo) for combo in itertools.product(VISIBILITIES, (False, True), (False, True))]


# --- the rules, in plain Python ------------------------------------------------------------------
def expect_visible(role: str, case: Case) -> bool:
    if role in {"anonymous", "deactivated", "guest_not_in_group", "guest_other_company"}:
        return False
    if role in {"admin", "admin_break_glass"}:
        return True
    if role == "guest_in_group":
        return case.external
    if case.visibility in {"public", "private"}:
        return True
    return role in ACTIVE_MEMBERS | {"member_invited"}


def expect_read(role: str, case: Case) -> bool:
    if role == "guest_in_group":
        return case.external
    if role in MEMBER_KINDS and case.visibility == "public":
        return True
    if role == "admin_break_glass":
        return True
    return role in ACTIVE_MEMBERS


def expect_post(role: str, case: Case) -> bool:
    if case.archived:
        return False
    return (role in ACTIVE_MEMBERS) or (role == "guest_in_group" and case.external)


def expect_moderate(role: str, case: Case) -> bool:
    return role in {"moderator", "owner"}


def expect_manage(role: str, case: Case) -> bool:
    return role in {"owner", "admin", "admin_break_glass"}


def expect_join(role: str, case: Case) -> bool:
    return role in MEMBER_KINDS and not case.archived and case.visibility == "public"


def expect_request(role: str, case: Case) -> bool:
    return role in MEMBER_KINDS and not case.archived and case.visibility != "secret"


def expect_see_members(role: str, case: Case) -> bool:
    if not expect_visible(role, case):
        return False
    if role in {"admin", "admin_break_glass"}:
        return True
    if case.visibility == "public" and role in MEMBER_KINDS:
        return True
    return role in ACTIVE_MEMBERS or (role == "guest_in_group" and case.external)


def expect_manage_members(role: str, case: Case) -> bool:
    return expect_moderate(role, case) or expect_manage(role, case)


def expect_break_glass(role: str, case: Case) -> bool:
    return role in {"admin"} and case.visibility != "public"


# --- the world -----------------------------------------------------------------------------------
@pytest.fixture
def world() -> dict[str, Any]:
    host_company()
    acme = CompanyFactory(name="Acme", slug="acme")
    globex = CompanyFactory(name="Globex", slug="globex")
    people = {
        "guest_in_group": GuestFactory(company=acme),
        "guest_not_in_group": GuestFactory(company=acme),
        "guest_other_company": GuestFactory(company=globex),
        "admin": UserFactory(is_network_admin=True),
        "admin_break_glass": UserFactory(is_network_admin=True),
        **{
            role: UserFactory()
            for role in ROLES
            if role.startswith("member_") or role in {"moderator", "owner", "deactivated"}
        },
    }
    groups = {}
    for case in CASES:
        group = GroupFactory(
            visibility=case.visibility,
            join_policy=JOIN_POLICY[case.visibility],
            is_external=case.external,
            companies=[acme] if case.external else [],
            archived_at=timezone.now() if case.archived else None,
        )
        for role, (state, group_role) in MEMBERSHIPS.items():
            add_member(group, people[role], role=group_role, state=state)
        BreakGlassAccess.objects.create(
            group=group,
            admin=people["admin_break_glass"],
            reason="Legal hold on this group",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        # An expired break-glass gives nothing.
        BreakGlassAccess.objects.create(
            group=group,
            admin=people["admin"],
            reason="An old investigation",
            expires_at=timezone.now() - timedelta(minutes=1),
        )
        groups[case] = group
    deactivated = people["deactivated"]
    deactivated.is_active = False
    deactivated.save()
    return {"people": people, "groups": groups}


def _viewer(world: dict[str, Any], role: str):
    if role == "anonymous":
        return ANONYMOUS
    return viewer_for(world["people"][role])


def _check(world: dict[str, Any], check, expect) -> None:
    wrong = []
    for role in ROLES:
        viewer = _viewer(world, role)
        for case, group in world["groups"].items():
            got = check(viewer, group)
            if got != expect(role, case):
                wrong.append(f"{role} / {case}: got {got}")
    assert not wrong, "\n".join(wrong)


def test_groups_visible_to(world):
    def check(viewer, group):
        return access.groups_visible_to(viewer).filter(pk=group.pk).exists()

    _check(world, check, expect_visible)


def test_access_group_by_id_and_slug(world):
    def check(viewer, group):
        try:
            found = access.access_group_by_id(viewer, group.pk)
        except NotFound:
            with pytest.raises(NotFound):
                access.access_group_by_slug(viewer, group.slug)
            return False
        assert access.access_group_by_slug(viewer, group.slug) == found == group
        return True

    _check(world, check, expect_visible)


def test_missing_group_is_not_found_for_everyone(world):
    for role in ROLES:
        with pytest.raises(NotFound):
            access.access_group_by_id(_viewer(world, role), 987654)
        with pytest.raises(NotFound):
            access.access_group_by_slug(_viewer(world, role), "no-such-group")


def test_can_read_group_content(world):
    _check(world, access.can_read_group_content, expect_read)


def test_can_post_in_group(world):
    _check(world, access.can_post_in_group, expect_post)


def test_can_moderate_group(world):
    _check(world, access.can_moderate_group, expect_moderate)


def test_can_manage_group(world):
    _check(world, access.can_manage_group, expect_manage)


def test_can_join_group(world):
    _check(world, access.can_join_group, expect_join)


def test_can_request_to_join(world):
    _check(world, access.can_request_to_join, expect_request)


def test_can_see_group_members(world):
    def check(viewer, group):
        visible = access.groups_visible_to(viewer).filter(pk=group.pk).exists()
        return visible and access.can_see_group_members(viewer, group)

    _check(world, check, expect_see_members)


def test_can_manage_members(world):
    _check(world, access.can_manage_members, expect_manage_members)


def test_can_open_break_glass(world):
    _check(world, access.can_open_break_glass, expect_break_glass)


def test_can_create_group_by_role(world):
    from hallway.groups.models import NetworkSettings

    expected = {role: role in MEMBER_KINDS for role in ROLES}
    for role in ROLES:
        assert access.can_create_group(_viewer(world, role)) is expected[role], role
    settings = NetworkSettings.load()
    settings.members_can_create_groups = False
    settings.save()
    for role in ROLES:
        allowed = role in {"admin", "admin_break_glass"}
        assert access.can_create_group(_viewer(world, role)) is allowed, role
