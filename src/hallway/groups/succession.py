"""No group without an owner: when a person is deactivated, the groups they own pass on
(issue 5). Called inside ``accounts.actions.do_deactivate_user`` (SCIM, the admin page and
``hallway deactivate`` all use it).

For each group the person owns: if an active co-owner remains, the group is theirs already;
otherwise the person's manager (their profile's) becomes an owner, else the first active
network admin. The deactivated person keeps their membership and role (so a reactivation
restores things as they were). Each hand-over is audited (``group.owner_handover``).
"""

from __future__ import annotations

import logging

from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.groups.models import Group, Membership
from hallway.profiles.models import Profile

logger = logging.getLogger(__name__)


def _successor_outside(user: User) -> tuple[User | None, str]:
    """The manager (an active member, not a guest), else the first active network admin."""
    manager_id = Profile.objects.filter(user=user).values_list("manager_id", flat=True).first()
    if manager_id is not None:
        manager = User.objects.filter(pk=manager_id, is_active=True, kind=User.Kind.MEMBER).first()
        if manager is not None and manager.pk != user.pk:
            return manager, "manager"
    admin = (
        User.objects.filter(is_active=True, is_network_admin=True, kind=User.Kind.MEMBER)
        .exclude(pk=user.pk)
        .order_by("pk")
        .first()
    )
    return admin, ("network_admin" if admin is not None else "none")


def hand_over_owned_groups(*, actor: User | None, user: User) -> list[tuple[Group, User | None]]:
    """Give each group ``user`` owns to a co-owner, their manager or a network admin (in the
    caller's transaction). Returns (group, new owner) for the groups that needed one."""
    owned = list(
        Group.objects.filter(
            memberships__user=user,
            memberships__role=Membership.Role.OWNER,
            memberships__state=Membership.State.ACTIVE,
        ).order_by("pk")
    )
    if not owned:
        return []
    co_owners: dict[int, int] = {}
    for group_id, owner_id in (
        Membership.objects.filter(
            group__in=owned,
            role=Membership.Role.OWNER,
            state=Membership.State.ACTIVE,
            user__is_active=True,
        )
        .exclude(user=user)
        .order_by("pk")
        .values_list("group_id", "user_id")
    ):
        co_owners.setdefault(group_id, owner_id)
    handed: list[tuple[Group, User | None]] = []
    successor: User | None = None
    how = ""
    for group in owned:
        if group.pk in co_owners:
            record_audit_event(
                actor=actor,
                action="group.owner_handover",
                target=group,
                former_owner_id=user.pk,
                new_owner_id=co_owners[group.pk],
                via="co_owner",
            )
            continue
        if not how:
            successor, how = _successor_outside(user)
        if successor is None:
            logger.warning("Group %s has no owner left after deactivating %s", group.pk, user.pk)
        else:
            Membership.objects.update_or_create(
                group=group,
                user=successor,
                defaults={
                    "role": Membership.Role.OWNER,
                    "state": Membership.State.ACTIVE,
                    "joined_at": timezone.now(),
                    "decided_at": None,
                },
            )
        record_audit_event(
            actor=actor,
            action="group.owner_handover",
            target=group,
            former_owner_id=user.pk,
            new_owner_id=successor.pk if successor is not None else None,
            via=how,
        )
        handed.append((group, successor))
    return handed
