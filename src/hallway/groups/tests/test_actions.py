"""Group actions: what they write, who may call them, and that bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.models import AuditEvent
from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GuestFactory,
    UserFactory,
    add_member,
    host_company,
)
from hallway.groups import actions
from hallway.groups.access import can_read_group_content, groups_visible_to
from hallway.groups.models import BreakGlassAccess, Group, Membership, NetworkSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db):
    host_company()
    return CompanyFactory(name="Acme", slug="acme")


@pytest.fixture
def owner(acme):
    return UserFactory(name="Olive Owner")


@pytest.fixture
def admin(acme):
    return UserFactory(name="Amira Admin", is_network_admin=True)


def snapshot():
    return (
        list(Group.objects.values().order_by("pk")),
        list(Membership.objects.values().order_by("pk")),
        AuditEvent.objects.count(),
        BreakGlassAccess.objects.count(),
    )


def test_create_makes_the_creator_owner_and_audits(owner, acme):
    group = actions.do_create_group(
        actor=owner,
        name="  Bid team   Acme ",
        visibility="private",
        is_external=True,
        companies=[acme],
        sensitivity="confidential",
        hints="count",
    )
    assert group.name == "Bid team Acme"
    assert group.slug == "bid-team-acme"
    assert group.join_policy == "request"
    assert list(group.companies.all()) == [acme]
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role, membership.state) == (owner, "owner", "active")
    assert AuditEvent.objects.filter(action="group.create", target_id=str(group.pk)).exists()


def test_slugs_are_unique_and_secret_groups_never_take_a_plain_name(owner):
    first = actions.do_create_group(actor=owner, name="Design")
    second = actions.do_create_group(actor=owner, name="Design")
    secret = actions.do_create_group(actor=owner, name="Skunkworks", visibility="secret")
    new = actions.do_create_group(actor=owner, name="New")
    assert first.slug == "design"
    assert second.slug.startswith("design-") and second.slug != first.slug
    assert secret.slug.startswith("skunkworks-")
    assert new.slug.startswith("new-")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "G", "visibility": "hidden"}, "visibility"),
        ({"name": "G", "visibility": "secret", "join_policy": "request"}, "join_policy"),
        ({"name": "G", "visibility": "private", "join_policy": "open"}, "join_policy"),
        ({"name": "G", "visibility": "secret", "hints": "titles"}, "hints"),
        ({"name": "G", "sensitivity": "top-secret"}, "sensitivity"),
        ({"name": "G", "hints": "all"}, "hints"),
        ({"name": "G", "is_external": True}, "companies"),
        ({"name": "G", "description": "x" * 4001}, "description"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(owner, kwargs, field):
    before = snapshot()
    with pytest.raises(ActionError) as error:
        actions.do_create_group(actor=owner, **kwargs)
    assert error.value.field == field
    assert error.value.message
    assert snapshot() == before


def test_create_refuses_host_company_and_companies_on_internal_groups(owner, acme):
    host = host_company()
    with pytest.raises(ActionError, match="external companies"):
        actions.do_create_group(actor=owner, name="G", is_external=True, companies=[host])
    with pytest.raises(ActionError, match="Only external groups"):
        actions.do_create_group(actor=owner, name="G", companies=[acme])
    assert not Group.objects.exists()


def test_who_may_create(owner, admin, acme):
    guest = GuestFactory(company=acme)
    with pytest.raises(PermissionDenied):
        actions.do_create_group(actor=guest, name="G")
    settings = NetworkSettings.load()
    settings.members_can_create_groups = False
    settings.save()
    with pytest.raises(PermissionDenied):
        actions.do_create_group(actor=owner, name="G")
    assert actions.do_create_group(actor=admin, name="Admins only").pk
    assert Group.objects.count() == 1


def test_loosening_needs_a_reason_and_is_audited(owner):
    group = actions.do_create_group(
        actor=owner, name="Deals", visibility="secret", sensitivity="restricted"
    )
    before = snapshot()
    with pytest.raises(ActionError, match="reason") as error:
        actions.do_update_group(actor=owner, group=group, visibility="private")
    assert error.value.field == "reason"
    with pytest.raises(ActionError, match="reason"):
        actions.do_update_group(actor=owner, group=group, sensitivity="internal")
    group.refresh_from_db()
    assert snapshot() == before
    actions.do_update_group(
        actor=owner,
        group=group,
        visibility="private",
        sensitivity="internal",
        reason="Deal closed; the team grows",
    )
    group.refresh_from_db()
    assert (group.visibility, group.join_policy, group.sensitivity) == (
        "private",
        "invite",
        "internal",
    )
    changed = AuditEvent.objects.get(action="group.visibility_changed")
    assert changed.data["reason"] == "Deal closed; the team grows"
    assert changed.data["old"] == "secret" and changed.data["opened"] is True
    assert AuditEvent.objects.get(action="group.label_loosened").data["new"] == "internal"
    # Tightening needs no reason, and is still recorded.
    actions.do_update_group(actor=owner, group=group, visibility="secret")
    assert AuditEvent.objects.filter(action="group.visibility_changed").count() == 2


def test_dropping_a_company_removes_its_guests_at_once(owner, acme):
    globex = CompanyFactory(name="Globex", slug="globex")
    group = actions.do_create_group(
        actor=owner, name="Partners", is_external=True, companies=[acme, globex]
    )
    acme_guest = GuestFactory(company=acme)
    globex_guest = GuestFactory(company=globex)
    invited = GuestFactory(company=acme)
    add_member(group, acme_guest)
    add_member(group, globex_guest)
    add_member(group, invited, state="invited")
    assert can_read_group_content(viewer_for(acme_guest), group)
    actions.do_update_group(actor=owner, group=group, companies=[globex])
    assert not Membership.objects.filter(user__in=[acme_guest, invited]).exists()
    assert Membership.objects.filter(user=globex_guest, state="active").exists()
    assert not can_read_group_content(viewer_for(acme_guest), group)
    actions.do_update_group(actor=owner, group=group, is_external=False)
    group.refresh_from_db()
    assert not group.is_external and not group.companies.exists()
    assert not Membership.objects.filter(user=globex_guest).exists()
    assert Membership.objects.filter(user=owner, role="owner").exists()


def test_only_owners_and_admins_update_and_archive(owner, admin):
    group = actions.do_create_group(actor=owner, name="G")
    stranger = UserFactory()
    moderator = UserFactory()
    add_member(group, moderator, role="moderator")
    for person in (stranger, moderator):
        with pytest.raises(PermissionDenied):
            actions.do_update_group(actor=person, group=group, name="Mine now")
        with pytest.raises(PermissionDenied):
            actions.do_archive_group(actor=person, group=group)
    actions.do_archive_group(actor=admin, group=group)
    assert group.is_archived
    with pytest.raises(ActionError, match="archived"):
        actions.do_update_group(actor=owner, group=group, name="New name")
    actions.do_unarchive_group(actor=owner, group=group)
    group.refresh_from_db()
    assert not group.is_archived
    assert AuditEvent.objects.filter(action__in=["group.archive", "group.unarchive"]).count() == 2


def test_join_open_public_group_only(owner):
    public = actions.do_create_group(actor=owner, name="Open")
    private = actions.do_create_group(actor=owner, name="Closed", visibility="private")
    person = UserFactory()
    membership = actions.do_join_group(actor=person, group=public)
    assert membership.state == "active" and membership.joined_at
    assert actions.do_join_group(actor=person, group=public).pk == membership.pk
    with pytest.raises(PermissionDenied):
        actions.do_join_group(actor=person, group=private)
    assert not Membership.objects.filter(group=private, user=person).exists()


def test_request_decline_keeps_a_record_then_ask_again(owner):
    group = actions.do_create_group(actor=owner, name="Closed", visibility="private")
    person = UserFactory()
    actions.do_request_to_join(actor=person, group=group, reason="I run the Acme account")
    with pytest.raises(ActionError, match="already asked"):
        actions.do_request_to_join(actor=person, group=group)
    with pytest.raises(ActionError, match="Say why"):
        actions.do_decide_join_request(actor=owner, group=group, user=person, approve=False)
    assert Membership.objects.get(user=person).state == "requested"
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.do_decide_join_request(actor=stranger, group=group, user=person, approve=True)
    actions.do_decide_join_request(
        actor=owner, group=group, user=person, approve=False, reason="Team only"
    )
    declined = Membership.objects.get(user=person)
    assert (declined.state, declined.reason) == ("declined", "Team only")
    assert declined.decided_at is not None
    assert not can_read_group_content(viewer_for(person), group)
    event = AuditEvent.objects.get(action="group.join_declined")
    assert event.data["request_reason"] == "I run the Acme account"
    actions.do_request_to_join(actor=person, group=group, reason="Please reconsider")
    actions.do_decide_join_request(actor=owner, group=group, user=person, approve=True)
    assert Membership.objects.get(user=person).state == "active"
    assert can_read_group_content(viewer_for(person), group)


def test_secret_groups_take_no_requests(owner):
    group = actions.do_create_group(actor=owner, name="S", visibility="secret")
    person = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.do_request_to_join(actor=person, group=group)
    assert not Membership.objects.filter(user=person).exists()


def test_invitations_accept_and_decline(owner, acme):
    group = actions.do_create_group(actor=owner, name="S", visibility="secret")
    person = UserFactory()
    other = UserFactory()
    membership = actions.do_invite_to_group(actor=owner, group=group, user=person)
    assert membership.state == "invited" and membership.invited_by == owner
    assert groups_visible_to(viewer_for(person)).filter(pk=group.pk).exists()
    assert not can_read_group_content(viewer_for(person), group)
    with pytest.raises(ActionError, match="already invited"):
        actions.do_invite_to_group(actor=owner, group=group, user=person)
    actions.do_accept_group_invitation(actor=person, group=group)
    assert can_read_group_content(viewer_for(person), group)
    actions.do_invite_to_group(actor=owner, group=group, user=other)
    actions.do_decline_group_invitation(actor=other, group=group)
    assert not Membership.objects.filter(user=other).exists()
    assert not groups_visible_to(viewer_for(other)).filter(pk=group.pk).exists()
    with pytest.raises(ActionError):
        actions.do_accept_group_invitation(actor=other, group=group)


def test_guests_only_into_external_groups_of_their_company(owner, acme):
    guest = GuestFactory(company=acme)
    internal = actions.do_create_group(actor=owner, name="Internal")
    globex = CompanyFactory(name="Globex", slug="globex")
    other_external = actions.do_create_group(
        actor=owner, name="Globex room", is_external=True, companies=[globex]
    )
    acme_room = actions.do_create_group(
        actor=owner, name="Acme room", is_external=True, companies=[acme]
    )
    before = snapshot()
    for group in (internal, other_external):
        with pytest.raises(ActionError, match="Guests"):
            actions.do_invite_to_group(actor=owner, group=group, user=guest)
    with pytest.raises(ActionError, match="Guests can be members"):
        actions.do_invite_to_group(actor=owner, group=acme_room, user=guest, role="moderator")
    assert snapshot() == before
    actions.do_invite_to_group(actor=owner, group=acme_room, user=guest)
    actions.do_accept_group_invitation(actor=guest, group=acme_room)
    assert can_read_group_content(viewer_for(guest), acme_room)


def test_moderators_invite_people_they_can_see(owner, acme):
    group = actions.do_create_group(actor=owner, name="G", visibility="private")
    moderator = UserFactory()
    add_member(group, moderator, role="moderator")
    deactivated = UserFactory(is_active=False)
    with pytest.raises(ActionError):
        actions.do_invite_to_group(actor=moderator, group=group, user=deactivated)
    with pytest.raises(PermissionDenied):
        actions.do_invite_to_group(actor=moderator, group=group, user=UserFactory(), role="owner")
    invited = actions.do_invite_to_group(actor=moderator, group=group, user=UserFactory())
    assert invited.state == "invited"
    # A guest cannot see (so cannot invite) people outside their company and groups.
    room = actions.do_create_group(actor=owner, name="Room", is_external=True, companies=[acme])
    guest = GuestFactory(company=acme)
    add_member(room, guest)
    with pytest.raises(PermissionDenied):
        actions.do_invite_to_group(actor=guest, group=room, user=UserFactory())


def test_last_owner_cannot_leave_or_be_demoted(owner):
    group = actions.do_create_group(actor=owner, name="G")
    with pytest.raises(ActionError, match="only owner"):
        actions.do_leave_group(actor=owner, group=group)
    with pytest.raises(ActionError, match="at least one owner"):
        actions.do_set_member_role(actor=owner, group=group, user=owner, role="member")
    second = UserFactory()
    add_member(group, second)
    actions.do_set_member_role(actor=owner, group=group, user=second, role="owner")
    assert AuditEvent.objects.filter(action="group.role_changed").count() == 1
    actions.do_leave_group(actor=owner, group=group)
    assert list(Membership.objects.filter(group=group).values_list("user", flat=True)) == [
        second.pk
    ]


def test_remove_member_rules(owner):
    group = actions.do_create_group(actor=owner, name="G")
    moderator, member, other_moderator = UserFactory(), UserFactory(), UserFactory()
    add_member(group, moderator, role="moderator")
    add_member(group, other_moderator, role="moderator")
    add_member(group, member)
    with pytest.raises(PermissionDenied):
        actions.do_remove_member(actor=member, group=group, user=moderator)
    with pytest.raises(PermissionDenied):
        actions.do_remove_member(actor=moderator, group=group, user=other_moderator)
    actions.do_remove_member(actor=moderator, group=group, user=member)
    assert not Membership.objects.filter(user=member).exists()
    assert not can_read_group_content(viewer_for(member), group) or group.visibility == "public"
    assert AuditEvent.objects.filter(action="group.member_removed").count() == 1


def test_leaving_a_private_group_ends_access_at_once(owner):
    group = actions.do_create_group(actor=owner, name="G", visibility="private")
    person = UserFactory()
    add_member(group, person)
    assert can_read_group_content(viewer_for(person), group)
    actions.do_leave_group(actor=person, group=group)
    assert not can_read_group_content(viewer_for(person), group)


def test_break_glass(owner, admin):
    group = actions.do_create_group(actor=owner, name="S", visibility="secret")
    before = snapshot()
    with pytest.raises(ActionError, match="Say why"):
        actions.do_open_break_glass(actor=admin, group=group, reason="  ")
    with pytest.raises(ActionError, match="at least"):
        actions.do_open_break_glass(actor=admin, group=group, reason="because")
    with pytest.raises(PermissionDenied):
        actions.do_open_break_glass(actor=UserFactory(), group=group, reason="Curious about it")
    assert snapshot() == before
    assert not can_read_group_content(viewer_for(admin), group)
    access = actions.do_open_break_glass(
        actor=admin, group=group, reason="Legal hold, case 42 from HR"
    )
    assert timedelta(minutes=59) < access.expires_at - timezone.now() <= timedelta(hours=1)
    assert can_read_group_content(viewer_for(admin), group)
    event = AuditEvent.objects.get(action="group.break_glass")
    assert event.data["reason"] == "Legal hold, case 42 from HR"
    with pytest.raises(ActionError, match="already read"):
        actions.do_open_break_glass(actor=admin, group=group, reason="Legal hold, case 42 again")
    access.expires_at = timezone.now() - timedelta(seconds=1)
    access.save()
    assert not can_read_group_content(viewer_for(admin), group)
    public = actions.do_create_group(actor=owner, name="P")
    with pytest.raises(ActionError, match="already read"):
        actions.do_open_break_glass(actor=admin, group=public, reason="Nothing to open here")


def test_network_settings(admin, owner, acme):
    with pytest.raises(PermissionDenied):
        actions.do_set_network_settings(actor=owner, members_can_create_groups=False)
    with pytest.raises(ActionError):
        actions.do_set_network_settings(
            actor=admin, announcement_leaders=[GuestFactory(company=acme)]
        )
    actions.do_set_network_settings(
        actor=admin, members_can_create_groups=False, announcement_leaders=[owner]
    )
    settings = NetworkSettings.load()
    assert settings.members_can_create_groups is False
    assert list(settings.announcement_leaders.all()) == [owner]
    assert AuditEvent.objects.filter(action="network.settings").count() == 1


def test_add_member_directly_by_owner(owner, acme):
    group = actions.do_create_group(actor=owner, name="G", visibility="private")
    person = UserFactory()
    membership = actions.do_add_member(actor=owner, group=group, user=person, role="moderator")
    assert (membership.state, membership.role) == ("active", "moderator")
    moderator = person
    with pytest.raises(PermissionDenied):
        actions.do_add_member(actor=moderator, group=group, user=UserFactory())
