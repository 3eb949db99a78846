"""Deactivating a person never leaves a group without an owner (issue 5 part 5)."""

from __future__ import annotations

import pytest

from hallway.accounts.actions import do_deactivate_user
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member
from hallway.groups.models import Membership
from hallway.profiles.actions import ensure_profile

pytestmark = pytest.mark.django_db


def _owners(group):
    return set(
        Membership.objects.filter(
            group=group, role="owner", state="active", user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _handovers():
    return list(
        AuditEvent.objects.filter(action="group.owner_handover")
        .order_by("pk")
        .values_list("target_id", "data")
    )


def _with_manager(person, manager):
    profile = ensure_profile(person)
    profile.manager = manager
    profile.save(update_fields=["manager"])


def test_co_owner_keeps_the_group_manager_gets_the_others():
    admin = UserFactory(is_network_admin=True)
    leaver, co_owner, manager, member = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    _with_manager(leaver, manager)
    shared = GroupFactory(name="Shared")
    alone = GroupFactory(name="Alone", visibility="secret", join_policy="invite")
    add_member(shared, leaver, role="owner")
    add_member(shared, co_owner, role="owner")
    add_member(alone, leaver, role="owner")
    add_member(alone, manager)  # already a member: promoted
    add_member(alone, member)
    do_deactivate_user(actor=admin, user=leaver, reason="left")
    assert _owners(shared) == {co_owner.pk}
    assert _owners(alone) == {manager.pk}
    events = _handovers()
    assert [(target, data["via"], data["new_owner_id"]) for target, data in events] == [
        (str(shared.pk), "co_owner", co_owner.pk),
        (str(alone.pk), "manager", manager.pk),
    ]
    assert AuditEvent.objects.filter(action="group.owner_handover", actor=admin).count() == 2


def test_network_admin_when_no_active_manager():
    admin = UserFactory(is_network_admin=True)
    leaver, gone_manager = UserFactory(), UserFactory(is_active=False)
    _with_manager(leaver, gone_manager)
    group = GroupFactory(name="Orphan")
    add_member(group, leaver, role="owner")
    inactive_co_owner = UserFactory(is_active=False)
    add_member(group, inactive_co_owner, role="owner")  # does not count
    do_deactivate_user(actor=None, user=leaver)
    assert _owners(group) == {admin.pk}
    [(_target, data)] = _handovers()
    assert data["via"] == "network_admin" and data["former_owner_id"] == leaver.pk


def test_guest_manager_is_skipped_and_nothing_else_changes():
    leaver = UserFactory()
    guest = GuestFactory()
    profile = ensure_profile(leaver)
    profile.manager = guest  # imported data may say so; a guest never becomes owner
    profile.save(update_fields=["manager"])
    group = GroupFactory()
    add_member(group, leaver, role="moderator")  # not an owner: nothing to hand over
    owned = GroupFactory()
    add_member(owned, leaver, role="owner")
    do_deactivate_user(actor=None, user=leaver)
    assert _owners(group) == set()
    [(target, data)] = _handovers()
    # No admin and no usable manager: recorded, so an operator can fix it.
    assert target == str(owned.pk) and data["via"] == "none" and data["new_owner_id"] is None
    assert not Membership.objects.filter(user=guest).exists()
