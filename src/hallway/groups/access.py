"""Permission layer for groups (DESIGN §5).

A group's content carries the label ``group.label``: ``group:<id>``, or ``network`` for a
public group without guests (ADR 0004). Who holds ``group:<id>``:
- members of the host company: every public external group, and the groups they are
  active in;
- guests: the external groups that admit their company and that they are active in;
- a network admin: also the groups they opened with an audited, time-limited break-glass.
Secret groups are invisible to everyone else, everywhere. Network admins can *manage* every
group (settings, members) without holding its label.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.models import BreakGlassAccess, Group, Membership, NetworkSettings


def group_label(group_id: int) -> str:
    return f"group:{group_id}"


def active_memberships_of(user: User) -> dict[int, str]:
    """Group id → role of a person's active memberships."""
    return dict(
        Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values_list(
            "group_id", "role"
        )
    )


def group_labels_for(user: User, *, memberships: dict[int, str] | None = None) -> set[str]:
    """The ``group:<id>`` labels this (active) person holds; one to three indexed queries.

    ``memberships`` are the person's active memberships when already known (members only:
    a guest's are checked against the groups that admit their company)."""
    if user.is_guest:
        ids = set(
            Membership.objects.filter(
                user=user,
                state=Membership.State.ACTIVE,
                group__is_external=True,
                group__companies=user.company_id,
            ).values_list("group_id", flat=True)
        )
    elif memberships is not None:
        ids = set(memberships)
    else:
        ids = set(active_memberships_of(user))
    if user.is_member:
        # Public groups without guests are labelled ``network``, which members hold already.
        ids.update(
            Group.objects.filter(visibility=Group.Visibility.PUBLIC, is_external=True)
            .order_by()
            .values_list("pk", flat=True)
        )
        if user.is_network_admin:
            ids.update(
                BreakGlassAccess.objects.filter(
                    admin=user, expires_at__gt=timezone.now()
                ).values_list("group_id", flat=True)
            )
    return {group_label(pk) for pk in ids}


def _membership_of(viewer: Viewer) -> Exists:
    return Exists(
        Membership.objects.filter(
            group=OuterRef("pk"),
            user=viewer.user,
            state__in=[Membership.State.ACTIVE, Membership.State.INVITED],
        )
    )


def groups_visible_to(viewer: Viewer) -> QuerySet[Group]:
    """Groups whose existence this viewer may know: lists, pickers, autocomplete, counts.

    Members: public and private groups, and secret ones they belong to or are invited to.
    Guests: only the external groups of their company they belong to or are invited to.
    Network admins: every group (to manage it; reading content is separate).
    """
    if viewer.user is None:
        return Group.objects.none()
    if viewer.is_network_admin:
        return Group.objects.all()
    if viewer.is_member:
        return Group.objects.filter(
            Q(visibility__in=[Group.Visibility.PUBLIC, Group.Visibility.PRIVATE])
            | _membership_of(viewer)
        )
    return Group.objects.filter(
        _membership_of(viewer), is_external=True, companies=viewer.user.company_id
    )


def access_group_by_id(viewer: Viewer, group_id: int) -> Group:
    """The group, or NotFound whether missing or hidden (secret groups to non-members)."""
    group = groups_visible_to(viewer).filter(pk=group_id).first()
    if group is None:
        raise NotFound
    return group


def access_group_by_slug(viewer: Viewer, slug: str) -> Group:
    group = groups_visible_to(viewer).filter(slug=slug).first()
    if group is None:
        raise NotFound
    return group


def membership_of(viewer: Viewer, group: Group) -> Membership | None:
    if viewer.user is None:
        return None
    return Membership.objects.filter(group=group, user=viewer.user).first()


def can_read_group_content(viewer: Viewer, group: Group) -> bool:
    return group.label in viewer.labels


def can_post_in_group(viewer: Viewer, group: Group) -> bool:
    if viewer.user is None or group.is_archived:
        return False
    membership = membership_of(viewer, group)
    return membership is not None and membership.is_active and can_read_group_content(viewer, group)


def can_moderate_group(viewer: Viewer, group: Group) -> bool:
    """Owners and moderators: approve requests, pin, delete others' posts."""
    membership = membership_of(viewer, group)
    return membership is not None and membership.can_moderate


def can_manage_group(viewer: Viewer, group: Group) -> bool:
    """Owners, and network admins: settings, roles, archive. Never implies reading content."""
    if viewer.is_network_admin:
        return True
    membership = membership_of(viewer, group)
    return (
        membership is not None and membership.is_active and membership.role == Membership.Role.OWNER
    )


def can_join_group(viewer: Viewer, group: Group) -> bool:
    """Join directly (open groups the viewer can see), not by request or invitation."""
    if viewer.user is None or group.is_archived:
        return False
    if viewer.is_guest:
        return False  # guests are invited into external groups
    return (
        group.visibility == Group.Visibility.PUBLIC and group.join_policy == Group.JoinPolicy.OPEN
    )


def can_request_to_join(viewer: Viewer, group: Group) -> bool:
    if viewer.user is None or group.is_archived or viewer.is_guest:
        return False
    return group.visibility != Group.Visibility.SECRET and group.join_policy in {
        Group.JoinPolicy.REQUEST,
        Group.JoinPolicy.OPEN,
    }


def can_create_group(viewer: Viewer) -> bool:
    if not viewer.is_member:
        return False
    return viewer.is_network_admin or NetworkSettings.load().members_can_create_groups


def people_who_can_read(audience: str) -> QuerySet[User]:
    """Active people who hold a label: who may be mentioned or notified about content there."""
    active = User.objects.filter(is_active=True)
    if audience == "network":
        return active.filter(kind=User.Kind.MEMBER)
    if audience.startswith("group:"):
        group = Group.objects.filter(pk=int(audience.split(":", 1)[1])).first()
        if group is None:
            return User.objects.none()
        in_group = Exists(
            Membership.objects.filter(
                group=group, user=OuterRef("pk"), state=Membership.State.ACTIVE
            )
        )
        members = Q(kind=User.Kind.MEMBER)
        if group.visibility != Group.Visibility.PUBLIC:
            members &= Q(in_group)
        if not group.is_external:
            return active.filter(members)
        guests = Q(in_group, kind=User.Kind.GUEST, company__in=group.companies.all())
        return active.filter(members | guests)
    if audience.startswith("user:"):
        return active.filter(pk=int(audience.split(":", 1)[1]))
    return User.objects.none()


# --- Added for the group pages and API (issue 3) ---------------------------------------------
def can_see_group_members(viewer: Viewer, group: Group) -> bool:
    """Who may list a group's members: for a public group every member of the network and
    the group's own (guest) members; for a private or secret group only its active members
    and network admins. Call only for a group the viewer may see."""
    if viewer.user is None:
        return False
    if viewer.is_network_admin:
        return True
    if group.visibility == Group.Visibility.PUBLIC and viewer.is_member:
        return True
    membership = membership_of(viewer, group)
    return membership is not None and membership.is_active


def can_manage_members(viewer: Viewer, group: Group) -> bool:
    """Owners, moderators and network admins: invite people, decide join requests, remove
    members. Never implies reading content."""
    return can_moderate_group(viewer, group) or can_manage_group(viewer, group)


def can_open_break_glass(viewer: Viewer, group: Group) -> bool:
    """A network admin who cannot otherwise read this (private or secret) group's content."""
    return viewer.is_network_admin and not can_read_group_content(viewer, group)
