"""Writes for groups: create, settings, archive, membership, invitations, join requests,
roles, break-glass and the network's group settings.

Every action is atomic, checks who may do it (``PermissionDenied``) and what it is given
(``ActionError`` with the field at fault; nothing is written then), and writes an audit event
for privileged changes. Arguments are keyword-only.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer, viewer_for
from hallway.groups.access import (
    can_create_group,
    can_join_group,
    can_manage_group,
    can_manage_members,
    can_open_break_glass,
    can_request_to_join,
    groups_visible_to,
)
from hallway.groups.models import BreakGlassAccess, Group, Membership, NetworkSettings
from hallway.labels.rules import may_be_external
from hallway.notifications.triggers import notify, stamp
from hallway.profiles.access import people_visible_to

if TYPE_CHECKING:
    from hallway.accounts.models import User

NAME_MAX = 120
DESCRIPTION_MAX = 4000
REASON_MAX = 500
BREAK_GLASS_REASON_MIN = 10
BREAK_GLASS_DURATION = timedelta(hours=1)
BREAK_GLASS_MAX_DURATION = timedelta(hours=8)
SLUG_MAX = 140
# Paths under /groups/ that are pages, not groups.
RESERVED_SLUGS = frozenset({"new", "network-settings"})

# From the most open to the most closed.
VISIBILITY_OPENNESS = {
    Group.Visibility.SECRET: 0,
    Group.Visibility.PRIVATE: 1,
    Group.Visibility.PUBLIC: 2,
}
SENSITIVITY_RANK = {
    Group.Sensitivity.GENERAL: 0,
    Group.Sensitivity.INTERNAL: 1,
    Group.Sensitivity.CONFIDENTIAL: 2,
    Group.Sensitivity.RESTRICTED: 3,
}
ALLOWED_JOIN_POLICIES = {
    Group.Visibility.PUBLIC: {
        Group.JoinPolicy.OPEN,
        Group.JoinPolicy.REQUEST,
        Group.JoinPolicy.INVITE,
    },
    Group.Visibility.PRIVATE: {Group.JoinPolicy.REQUEST, Group.JoinPolicy.INVITE},
    Group.Visibility.SECRET: {Group.JoinPolicy.INVITE},
}
DEFAULT_JOIN_POLICY = {
    Group.Visibility.PUBLIC: Group.JoinPolicy.OPEN,
    Group.Visibility.PRIVATE: Group.JoinPolicy.REQUEST,
    Group.Visibility.SECRET: Group.JoinPolicy.INVITE,
}


# --- checks ------------------------------------------------------------------------------------
def _viewer(actor: User) -> Viewer:
    viewer = viewer_for(actor)
    if viewer.user is None:
        raise PermissionDenied("This account is not active.")
    return viewer


def _choice(value: str, choices: Any, field: str) -> str:
    allowed = [str(v) for v in choices.values]
    if value not in allowed:
        label = field.replace("_", " ").capitalize()
        raise ActionError(f"{label} must be one of: {', '.join(allowed)}.", field=field)
    return value


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("Enter the group's name.", field="name")
    if len(name) > NAME_MAX:
        raise ActionError(f"A group name has at most {NAME_MAX} characters.", field="name")
    return name


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if "\x00" in description:
        raise ActionError(
            "The description contains characters Hallway cannot store.", field="description"
        )
    if len(description) > DESCRIPTION_MAX:
        raise ActionError(
            f"A description has at most {DESCRIPTION_MAX} characters.", field="description"
        )
    return description


def _clean_reason(reason: str, *, field: str = "reason", required: str | None = None) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ActionError(required, field=field)
    if len(reason) > REASON_MAX:
        raise ActionError(f"A reason has at most {REASON_MAX} characters.", field=field)
    return reason


def _check_companies(companies: Iterable[Company]) -> list[Company]:
    chosen = list({company.pk: company for company in companies}.values())
    for company in chosen:
        if company.kind == Company.Kind.HOST:
            raise ActionError(
                "Members of the host company can join any group; choose only external "
                "companies (customers, partners, suppliers).",
                field="companies",
            )
    return chosen


def _check_settings(
    *,
    visibility: str,
    join_policy: str,
    sensitivity: str,
    hints: str,
    is_external: bool,
    companies: list[Company],
) -> None:
    """The rules a group's settings must satisfy together."""
    _choice(visibility, Group.Visibility, "visibility")
    _choice(join_policy, Group.JoinPolicy, "join_policy")
    _choice(sensitivity, Group.Sensitivity, "sensitivity")
    _choice(hints, Group.Hints, "hints")
    if join_policy not in ALLOWED_JOIN_POLICIES[Group.Visibility(visibility)]:
        if visibility == Group.Visibility.SECRET:
            message = "A secret group is invite-only: set the join policy to invite."
        else:
            message = "A private group is joined by request or invitation, not openly."
        raise ActionError(message, field="join_policy")
    if visibility == Group.Visibility.SECRET and hints != Group.Hints.OFF:
        raise ActionError(
            "Search hints must be off for a secret group: it never appears in search.",
            field="hints",
        )
    if is_external and not companies:
        raise ActionError(
            "An external group needs at least one external company whose guests it admits.",
            field="companies",
        )
    if not is_external and companies:
        raise ActionError(
            "Only external groups admit companies; tick “external” or choose no company.",
            field="companies",
        )
    if is_external and not may_be_external(sensitivity):
        raise ActionError(
            f"A {sensitivity} group cannot admit guests: the network's label rules keep groups "
            "with this label internal. Untick “external” or choose a looser label.",
            field="is_external",
        )


def _unique_slug(name: str, *, secret: bool) -> str:
    """A free slug for the group. On a clash, and always for secret groups, a random suffix
    is added, so a slug never tells whether a group one cannot see has a similar name."""
    base = slugify(name)[: SLUG_MAX - 8].strip("-") or "group"
    candidates = [] if secret or base in RESERVED_SLUGS else [base]
    candidates += [f"{base}-{secrets.token_hex(3)}" for _ in range(5)]
    taken = set(Group.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    for slug in candidates:
        if slug not in taken:
            return slug
    raise ActionError("Could not make an address for this group; try again.", field="name")


def _manageable(actor: User, group: Group) -> Viewer:
    viewer = _viewer(actor)
    if not groups_visible_to(viewer).filter(pk=group.pk).exists():
        raise PermissionDenied("You cannot see this group.")
    if not can_manage_group(viewer, group):
        raise PermissionDenied("Only the group's owners and network admins can do this.")
    return viewer


def _not_archived(group: Group) -> None:
    if group.is_archived:
        raise ActionError("This group is archived and read-only; unarchive it first.", status=409)


def _membership(group: Group, user: User) -> Membership | None:
    return Membership.objects.select_for_update().filter(group=group, user=user).first()


def _guest_admitted(group: Group, user: User) -> bool:
    if not user.is_guest:
        return True
    return group.is_external and group.companies.filter(pk=user.company_id).exists()


def _check_candidate(viewer: Viewer, group: Group, user: User, *, field: str = "user_id") -> None:
    """May ``user`` be invited or added to ``group`` by this viewer?"""
    if not user.is_active:
        raise ActionError("Only active people can be added to a group.", field=field)
    if not people_visible_to(viewer).filter(pk=user.pk).exists():
        # The same words as for a missing person: one may only invite people one can see.
        raise ActionError("There is no such person.", field=field, status=404)
    if not _guest_admitted(group, user):
        raise ActionError(
            "Guests can only join external groups that admit their company.", field=field
        )


def _owner_count(group: Group) -> int:
    return Membership.objects.filter(
        group=group, role=Membership.Role.OWNER, state=Membership.State.ACTIVE
    ).count()


def _check_role(role: str, user: User) -> str:
    _choice(role, Membership.Role, "role")
    if user.is_guest and role != Membership.Role.MEMBER:
        raise ActionError(
            "Guests can be members of a group, not owners or moderators.", field="role"
        )
    return role


# --- groups ------------------------------------------------------------------------------------
def do_create_group(
    *,
    actor: User,
    name: str,
    description: str = "",
    visibility: str = Group.Visibility.PUBLIC,
    join_policy: str | None = None,
    is_external: bool = False,
    companies: Iterable[Company] = (),
    sensitivity: str = Group.Sensitivity.GENERAL,
    hints: str = Group.Hints.OFF,
) -> Group:
    """Create a group; its creator becomes its first owner.

    Members only (and only when the network lets members create groups, unless the actor is
    a network admin). The join policy defaults to what fits the visibility (open, request,
    invite). ``companies`` come from ``companies_visible_to``. Audited as ``group.create``.
    """
    viewer = _viewer(actor)
    if not can_create_group(viewer):
        if viewer.is_guest:
            raise PermissionDenied("Guests cannot create groups.")
        raise PermissionDenied("On this network only network admins can create groups.")
    name = _clean_name(name)
    description = _clean_description(description)
    _choice(visibility, Group.Visibility, "visibility")
    join_policy = join_policy or DEFAULT_JOIN_POLICY[Group.Visibility(visibility)]
    chosen = _check_companies(companies)
    _check_settings(
        visibility=visibility,
        join_policy=join_policy,
        sensitivity=sensitivity,
        hints=hints,
        is_external=bool(is_external),
        companies=chosen,
    )
    with transaction.atomic():
        group = Group.objects.create(
            name=name,
            slug=_unique_slug(name, secret=visibility == Group.Visibility.SECRET),
            description=description,
            visibility=visibility,
            join_policy=join_policy,
            sensitivity=sensitivity,
            hints=hints,
            is_external=bool(is_external),
            created_by=actor,
        )
        if chosen:
            group.companies.set(chosen)
        Membership.objects.create(
            group=group,
            user=actor,
            role=Membership.Role.OWNER,
            state=Membership.State.ACTIVE,
            joined_at=timezone.now(),
        )
        record_audit_event(
            actor=actor,
            action="group.create",
            target=group,
            visibility=visibility,
            sensitivity=sensitivity,
            external=bool(is_external),
            companies=[c.pk for c in chosen],
        )
    return group


def do_update_group(
    *,
    actor: User,
    group: Group,
    name: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    join_policy: str | None = None,
    sensitivity: str | None = None,
    hints: str | None = None,
    is_external: bool | None = None,
    companies: Iterable[Company] | None = None,
    reason: str = "",
) -> Group:
    """Change a group's settings; ``None`` leaves a setting as it is. Owners and admins.

    Loosening the sensitivity label, or opening the visibility (secret → private → public),
    needs a ``reason`` and is audited as ``group.label_loosened`` / ``group.visibility_changed``
    (tightening is audited too). Making a group non-external, or dropping a company, removes
    the memberships, invitations and requests of that company's guests at once.
    """
    _manageable(actor, group)
    _not_archived(group)
    new_name = _clean_name(name) if name is not None else group.name
    new_description = (
        _clean_description(description) if description is not None else group.description
    )
    new_visibility = visibility if visibility is not None else group.visibility
    _choice(new_visibility, Group.Visibility, "visibility")
    new_join = join_policy if join_policy is not None else group.join_policy
    if (
        visibility is not None
        and join_policy is None
        and new_join not in ALLOWED_JOIN_POLICIES[Group.Visibility(new_visibility)]
    ):
        new_join = DEFAULT_JOIN_POLICY[Group.Visibility(new_visibility)]
    new_sensitivity = sensitivity if sensitivity is not None else group.sensitivity
    new_hints = hints if hints is not None else group.hints
    if hints is None and new_visibility == Group.Visibility.SECRET:
        new_hints = Group.Hints.OFF
    new_external = bool(is_external) if is_external is not None else group.is_external
    old_companies = list(group.companies.all())
    if companies is not None:
        new_companies = _check_companies(companies)
    elif is_external is False:
        new_companies = []
    else:
        new_companies = old_companies
    _check_settings(
        visibility=new_visibility,
        join_policy=new_join,
        sensitivity=new_sensitivity,
        hints=new_hints,
        is_external=new_external,
        companies=new_companies,
    )
    opened = (
        VISIBILITY_OPENNESS[Group.Visibility(new_visibility)]
        > VISIBILITY_OPENNESS[Group.Visibility(group.visibility)]
    )
    loosened = (
        SENSITIVITY_RANK[Group.Sensitivity(new_sensitivity)]
        < SENSITIVITY_RANK[Group.Sensitivity(group.sensitivity)]
    )
    clean_reason = _clean_reason(
        reason,
        required=(
            "Say why: opening a group's visibility or loosening its sensitivity label needs "
            "a reason, which is kept in the audit log."
            if opened or loosened
            else None
        ),
    )
    changes = {
        "name": new_name,
        "description": new_description,
        "visibility": new_visibility,
        "join_policy": new_join,
        "sensitivity": new_sensitivity,
        "hints": new_hints,
        "is_external": new_external,
    }
    changed = sorted(field for field, value in changes.items() if getattr(group, field) != value)
    old_ids = {c.pk for c in old_companies}
    new_ids = {c.pk for c in new_companies}
    with transaction.atomic():
        old_visibility, old_sensitivity = group.visibility, group.sensitivity
        old_label = group.label
        for field in changed:
            setattr(group, field, changes[field])
        if changed:
            group.save(update_fields=changed)
        if group.label != old_label:
            from hallway.posts.actions import relabel_group_content

            relabel_group_content(group=group, old_label=old_label)
        if new_ids != old_ids:
            group.companies.set(new_companies)
            changed.append("companies")
        removed_guests: list[int] = []
        if old_ids - new_ids or (not new_external and old_ids):
            guests = Membership.objects.filter(group=group, user__kind="guest").exclude(
                user__company_id__in=new_ids if new_external else []
            )
            removed_guests = list(guests.values_list("user_id", flat=True))
            guests.delete()
        if not changed:
            return group
        if "visibility" in changed:
            record_audit_event(
                actor=actor,
                action="group.visibility_changed",
                target=group,
                old=old_visibility,
                new=new_visibility,
                opened=opened,
                reason=clean_reason,
            )
        if loosened:
            record_audit_event(
                actor=actor,
                action="group.label_loosened",
                target=group,
                old=old_sensitivity,
                new=new_sensitivity,
                reason=clean_reason,
            )
        record_audit_event(
            actor=actor,
            action="group.update",
            target=group,
            fields=changed,
            companies=sorted(new_ids),
            removed_guests=removed_guests,
            reason=clean_reason,
        )
    return group


def do_archive_group(*, actor: User, group: Group) -> Group:
    """Archive a group: its content stays readable to those who could read it, nothing new
    can be posted, and it stays findable. Owners and network admins; audited."""
    _manageable(actor, group)
    if group.is_archived:
        return group
    with transaction.atomic():
        group.archived_at = timezone.now()
        group.save(update_fields=["archived_at"])
        record_audit_event(actor=actor, action="group.archive", target=group)
    return group


def do_unarchive_group(*, actor: User, group: Group) -> Group:
    """Bring an archived group back to life. Owners and network admins; audited."""
    _manageable(actor, group)
    if not group.is_archived:
        return group
    with transaction.atomic():
        group.archived_at = None
        group.save(update_fields=["archived_at"])
        record_audit_event(actor=actor, action="group.unarchive", target=group)
    return group


# --- joining -----------------------------------------------------------------------------------
def _activate(membership: Membership) -> Membership:
    membership.state = Membership.State.ACTIVE
    membership.joined_at = timezone.now()
    membership.decided_at = None
    membership.save(update_fields=["state", "joined_at", "decided_at", "reason"])
    _emit_member_event("member.joined", membership)
    return membership


def _emit_member_event(event: str, membership: Membership) -> None:
    from hallway.webhooks.triggers import emit_webhook_event

    emit_webhook_event(event, group_id=membership.group_id, user_id=membership.user_id)


def do_join_group(*, actor: User, group: Group) -> Membership:
    """Join an open public group (or accept a pending invitation to any group one sees).

    Joining is also following: the group's posts reach the person's home feed.
    """
    viewer = _viewer(actor)
    if not groups_visible_to(viewer).filter(pk=group.pk).exists():
        raise PermissionDenied("You cannot see this group.")
    with transaction.atomic():
        membership = _membership(group, actor)
        if membership is not None and membership.is_active:
            return membership
        if membership is not None and membership.state == Membership.State.INVITED:
            return _accept(group, actor, membership)
        if not can_join_group(viewer, group):
            if group.is_archived:
                raise ActionError("This group is archived; no one can join it.", status=409)
            raise PermissionDenied(
                "This group is not open to join directly: ask to join or wait for an invitation."
            )
        if membership is None:
            membership = Membership(group=group, user=actor, role=Membership.Role.MEMBER)
        membership.reason = ""
        try:
            with transaction.atomic():
                if membership.pk is None:
                    membership.state = Membership.State.ACTIVE
                    membership.joined_at = timezone.now()
                    membership.save()
                    _emit_member_event("member.joined", membership)
                else:
                    _activate(membership)
        except IntegrityError as exc:  # joined twice at once
            raise ActionError("You are already a member of this group.", status=409) from exc
    return membership


def do_request_to_join(*, actor: User, group: Group, reason: str = "") -> Membership:
    """Ask to join a listed group; its owners and moderators approve or decline.

    Asking again after a decline replaces the old answer with a new request.
    """
    viewer = _viewer(actor)
    if not groups_visible_to(viewer).filter(pk=group.pk).exists():
        raise PermissionDenied("You cannot see this group.")
    clean_reason = _clean_reason(reason)
    with transaction.atomic():
        membership = _membership(group, actor)
        if membership is not None:
            if membership.is_active:
                raise ActionError("You are already a member of this group.", status=409)
            if membership.state == Membership.State.INVITED:
                raise ActionError(
                    "You are already invited: accept the invitation to join.", status=409
                )
            if membership.state == Membership.State.REQUESTED:
                raise ActionError(
                    "You have already asked to join; the owners will answer.", status=409
                )
        if not can_request_to_join(viewer, group):
            if group.is_archived:
                raise ActionError("This group is archived; no one can join it.", status=409)
            raise PermissionDenied("This group takes new members by invitation only.")
        if membership is None:
            membership = Membership(group=group, user=actor, role=Membership.Role.MEMBER)
        membership.state = Membership.State.REQUESTED
        membership.reason = clean_reason
        membership.decided_at = None
        membership.save()
        notify("join_request", group_id=group.pk, actor_id=actor.pk, stamp=stamp())
    return membership


def do_decide_join_request(
    *, actor: User, group: Group, user: User, approve: bool, reason: str = ""
) -> Membership:
    """Approve or decline a request to join. Owners, moderators and network admins.

    A declined request stays as a record the requester can see (with the reason, which is
    required). Audited as ``group.join_approved`` / ``group.join_declined``.
    """
    viewer = _viewer(actor)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can answer requests.")
    clean_reason = _clean_reason(
        reason,
        required=None if approve else "Say why the request is declined; the person will see it.",
    )
    with transaction.atomic():
        membership = _membership(group, user)
        if membership is None or membership.state != Membership.State.REQUESTED:
            raise ActionError(
                "There is no pending request from this person.", status=404, field="user_id"
            )
        if approve:
            _not_archived(group)
            if not user.is_active or not _guest_admitted(group, user):
                raise ActionError("This person can no longer join this group.", field="user_id")
            request_reason = membership.reason
            membership.reason = ""
            _activate(membership)
            record_audit_event(
                actor=actor,
                action="group.join_approved",
                target=group,
                user_id=user.pk,
                request_reason=request_reason,
                reason=clean_reason,
            )
        else:
            request_reason = membership.reason
            membership.state = Membership.State.DECLINED
            membership.reason = clean_reason
            membership.decided_at = timezone.now()
            membership.save(update_fields=["state", "reason", "decided_at"])
            record_audit_event(
                actor=actor,
                action="group.join_declined",
                target=group,
                user_id=user.pk,
                request_reason=request_reason,
                reason=clean_reason,
            )
        notify(
            "join_request_decided",
            group_id=group.pk,
            user_id=user.pk,
            actor_id=actor.pk,
            approved=approve,
            stamp=stamp(),
        )
    return membership


def do_invite_to_group(
    *, actor: User, group: Group, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Invite a person one can see; they accept or decline. Owners, moderators, admins.

    Guests only into external groups that admit their company. Inviting someone who asked
    to join approves the request. Only owners and admins invite future owners.
    """
    viewer = _viewer(actor)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can invite people.")
    _not_archived(group)
    _check_role(role, user)
    if role == Membership.Role.OWNER and not can_manage_group(viewer, group):
        raise PermissionDenied("Only owners can invite someone as an owner.")
    _check_candidate(viewer, group, user)
    with transaction.atomic():
        membership = _membership(group, user)
        if membership is not None and membership.is_active:
            raise ActionError(f"{user.name} is already a member.", field="user_id", status=409)
        if membership is not None and membership.state == Membership.State.INVITED:
            raise ActionError(f"{user.name} is already invited.", field="user_id", status=409)
        if membership is not None and membership.state == Membership.State.REQUESTED:
            membership.role = role
            membership.save(update_fields=["role"])
            membership.reason = ""
            _activate(membership)
            record_audit_event(
                actor=actor,
                action="group.join_approved",
                target=group,
                user_id=user.pk,
                role=role,
            )
            notify(
                "join_request_decided",
                group_id=group.pk,
                user_id=user.pk,
                actor_id=actor.pk,
                approved=True,
                stamp=stamp(),
            )
            return membership
        if membership is None:
            membership = Membership(group=group, user=user)
        membership.role = role
        membership.state = Membership.State.INVITED
        membership.invited_by = actor
        membership.reason = ""
        membership.decided_at = None
        membership.save()
        record_audit_event(
            actor=actor, action="group.invite", target=group, user_id=user.pk, role=role
        )
        notify(
            "group_invitation", group_id=group.pk, user_id=user.pk, actor_id=actor.pk, stamp=stamp()
        )
    return membership


def do_add_member(
    *, actor: User, group: Group, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Add a person directly (no invitation to accept). Owners and network admins only.

    Same rules as invitations: a person the actor can see, guests only where their company
    is admitted. An existing membership gets the new role. Audited as ``group.member_added``.
    """
    viewer = _manageable(actor, group)
    _not_archived(group)
    _check_role(role, user)
    _check_candidate(viewer, group, user)
    with transaction.atomic():
        membership = _membership(group, user)
        if membership is None:
            membership = Membership(group=group, user=user)
        was_owner = membership.is_active and membership.role == Membership.Role.OWNER
        if was_owner and role != Membership.Role.OWNER and _owner_count(group) <= 1:
            raise ActionError("A group needs at least one owner.", field="role", status=409)
        membership.role = role
        membership.invited_by = actor
        membership.reason = ""
        if membership.pk is None:
            membership.state = Membership.State.ACTIVE
            membership.joined_at = timezone.now()
            membership.save()
            _emit_member_event("member.joined", membership)
        else:
            membership.save(update_fields=["role", "invited_by", "reason"])
            if not membership.is_active:
                _activate(membership)
        record_audit_event(
            actor=actor, action="group.member_added", target=group, user_id=user.pk, role=role
        )
    return membership


def _accept(group: Group, user: User, membership: Membership) -> Membership:
    if group.is_archived:
        raise ActionError("This group is archived; no one can join it.", status=409)
    if not _guest_admitted(group, user):
        raise ActionError("Guests can only join external groups that admit their company.")
    return _activate(membership)


def do_accept_group_invitation(*, actor: User, group: Group) -> Membership:
    """Accept one's invitation: become an active member (with the invited role)."""
    _viewer(actor)
    with transaction.atomic():
        membership = _membership(group, actor)
        if membership is None or membership.state != Membership.State.INVITED:
            raise ActionError("You have no invitation to this group.", status=404)
        return _accept(group, actor, membership)


def do_decline_group_invitation(*, actor: User, group: Group) -> None:
    """Decline one's invitation: it is removed."""
    _viewer(actor)
    with transaction.atomic():
        membership = _membership(group, actor)
        if membership is None or membership.state != Membership.State.INVITED:
            raise ActionError("You have no invitation to this group.", status=404)
        membership.delete()


def do_leave_group(*, actor: User, group: Group) -> None:
    """Leave a group (or withdraw one's request). Access to its content ends at once.

    The last owner cannot leave: they pass ownership to someone first.
    """
    with transaction.atomic():
        membership = _membership(group, actor)
        if membership is None or membership.state == Membership.State.DECLINED:
            raise ActionError("You are not a member of this group.", status=404)
        if (
            membership.is_active
            and membership.role == Membership.Role.OWNER
            and _owner_count(group) <= 1
        ):
            raise ActionError(
                "You are this group's only owner: make someone else an owner before you leave.",
                status=409,
            )
        if membership.is_active:
            _emit_member_event("member.left", membership)
        membership.delete()


def do_set_member_role(*, actor: User, group: Group, user: User, role: str) -> Membership:
    """Make an active member an owner, moderator or member. Owners and network admins;
    a group keeps at least one owner. Audited as ``group.role_changed``."""
    _manageable(actor, group)
    _check_role(role, user)
    with transaction.atomic():
        membership = _membership(group, user)
        if membership is None or not membership.is_active:
            raise ActionError(
                "This person is not a member of the group.", field="user_id", status=404
            )
        if membership.role == role:
            return membership
        if membership.role == Membership.Role.OWNER and _owner_count(group) <= 1:
            raise ActionError(
                "A group needs at least one owner: make someone else an owner first.",
                field="role",
                status=409,
            )
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record_audit_event(
            actor=actor,
            action="group.role_changed",
            target=group,
            user_id=user.pk,
            old=old,
            new=role,
        )
    return membership


def do_remove_member(*, actor: User, group: Group, user: User) -> None:
    """Remove someone from a group, or cancel their invitation or request.

    Moderators remove members; owners and network admins remove anyone but the last owner.
    Audited as ``group.member_removed``.
    """
    viewer = _viewer(actor)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can remove members.")
    with transaction.atomic():
        membership = _membership(group, user)
        if membership is None:
            raise ActionError("This person is not in the group.", field="user_id", status=404)
        privileged = membership.is_active and membership.role != Membership.Role.MEMBER
        if privileged and not can_manage_group(viewer, group):
            raise PermissionDenied("Only owners can remove owners and moderators.")
        if (
            membership.is_active
            and membership.role == Membership.Role.OWNER
            and _owner_count(group) <= 1
        ):
            raise ActionError("A group needs at least one owner.", field="user_id", status=409)
        state = membership.state
        if membership.is_active:
            _emit_member_event("member.left", membership)
        membership.delete()
        record_audit_event(
            actor=actor,
            action="group.member_removed",
            target=group,
            user_id=user.pk,
            state=state,
        )


# --- break-glass and network settings ------------------------------------------------------------
def do_open_break_glass(
    *,
    actor: User,
    group: Group,
    reason: str,
    duration: timedelta = BREAK_GLASS_DURATION,
) -> BreakGlassAccess:
    """A network admin opens a private or secret group's content for a limited time.

    Needs a reason; audited as ``group.break_glass`` and shown to the group's owners.
    The actor's permission labels change on their next request.
    """
    viewer = _viewer(actor)
    if not viewer.is_network_admin:
        raise PermissionDenied("Only network admins can open a group's content this way.")
    if not can_open_break_glass(viewer, group):
        raise ActionError("You can already read this group's content.", status=409)
    clean_reason = _clean_reason(reason, required="Say why you need to read this group.")
    if len(clean_reason) < BREAK_GLASS_REASON_MIN:
        raise ActionError(
            f"Explain the reason in at least {BREAK_GLASS_REASON_MIN} characters.",
            field="reason",
        )
    if duration <= timedelta(0) or duration > BREAK_GLASS_MAX_DURATION:
        raise ActionError("Access lasts between a minute and eight hours.", field="duration")
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            group=group,
            admin=actor,
            reason=clean_reason,
            expires_at=timezone.now() + duration,
        )
        record_audit_event(
            actor=actor,
            action="group.break_glass",
            target=group,
            reason=clean_reason,
            expires_at=access.expires_at.isoformat(),
        )
    return access


def do_set_network_settings(
    *,
    actor: User,
    members_can_create_groups: bool | None = None,
    announcement_leaders: Iterable[User] | None = None,
) -> NetworkSettings:
    """Change whether members may create groups, and who may post announcements (active
    members only). Network admins; audited as ``network.settings``."""
    viewer = _viewer(actor)
    if not viewer.is_network_admin:
        raise PermissionDenied("Only network admins can change the network's settings.")
    leaders = list(announcement_leaders) if announcement_leaders is not None else None
    if leaders is not None:
        for leader in leaders:
            if not leader.is_active or not leader.is_member:
                raise ActionError(
                    "Announcement leaders must be active members of the host company.",
                    field="announcement_leaders",
                )
    with transaction.atomic():
        settings = NetworkSettings.load()
        data: dict[str, Any] = {}
        if members_can_create_groups is not None:
            settings.members_can_create_groups = bool(members_can_create_groups)
            settings.save(update_fields=["members_can_create_groups"])
            data["members_can_create_groups"] = bool(members_can_create_groups)
        if leaders is not None:
            settings.announcement_leaders.set(leaders)
            data["announcement_leaders"] = sorted(leader.pk for leader in leaders)
        if data:
            record_audit_event(actor=actor, action="network.settings", target=settings, **data)
    return settings
