"""Permission layer for people, profiles, teams and topics (DESIGN §5).

Members see every active person and every profile field. Guests see themselves, the
people of their own company and the people of the external groups they are in, and of
everyone only the fields marked guest-visible. Anonymous and deactivated viewers
see nobody.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from hallway.accounts.models import User
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.models import Membership
from hallway.profiles.models import Location, Profile, Team, Topic

ALWAYS_VISIBLE_FIELDS = frozenset({"name", "photo", "company"})


def people_visible_to(viewer: Viewer) -> QuerySet[User]:
    """Active people this viewer may find: the queryset every list and search starts from."""
    if viewer.user is None:
        return User.objects.none()
    active = User.objects.filter(is_active=True)
    if viewer.is_member:
        return active
    # Guests: themselves, their own company, and the people of the external groups they are in.
    group_ids = [int(label[6:]) for label in viewer.labels if label.startswith("group:")]
    shares_a_group = Exists(
        Membership.objects.filter(
            user=OuterRef("pk"), group_id__in=group_ids, state=Membership.State.ACTIVE
        )
    )
    return active.filter(
        Q(pk=viewer.user.pk) | Q(company_id=viewer.user.company_id) | shares_a_group
    )


def access_person_by_id(viewer: Viewer, user_id: int) -> User:
    """The person, or NotFound whether they are missing or hidden from this viewer.

    Members may also open a deactivated person's profile (their content stays), never an
    invited one who has not joined yet.
    """
    if viewer.user is None:
        raise NotFound
    if viewer.is_member:
        candidates = User.objects.filter(Q(is_active=True) | Q(deactivated_at__isnull=False))
    else:
        candidates = people_visible_to(viewer)
    person = candidates.select_related("company").filter(pk=user_id).first()
    if person is None:
        raise NotFound
    return person


def can_see_person(viewer: Viewer, person: User) -> bool:
    if viewer.user is None:
        return False
    try:
        access_person_by_id(viewer, person.pk)
    except NotFound:
        return False
    return True


def profile_fields_visible_to(viewer: Viewer, profile: Profile) -> frozenset[str]:
    """Which profile fields this viewer may read. Call only for a person they may see."""
    if viewer.user is None:
        return frozenset()
    if viewer.is_member or viewer.user.pk == profile.user_id:
        return ALWAYS_VISIBLE_FIELDS | frozenset(Profile.FIELDS_WITH_VISIBILITY)
    allowed = frozenset(profile.guest_visible_fields or ()) & frozenset(
        Profile.FIELDS_WITH_VISIBILITY
    )
    return ALWAYS_VISIBLE_FIELDS | allowed


def can_edit_profile(viewer: Viewer, profile: Profile) -> bool:
    return viewer.user is not None and (
        viewer.user.pk == profile.user_id or viewer.is_network_admin
    )


def teams_visible_to(viewer: Viewer) -> QuerySet[Team]:
    """The team tree is internal: members only."""
    if not viewer.is_member:
        return Team.objects.none()
    return Team.objects.all()


def access_team_by_id(viewer: Viewer, team_id: int) -> Team:
    team = teams_visible_to(viewer).filter(pk=team_id).first()
    if team is None:
        raise NotFound
    return team


def topics_visible_to(viewer: Viewer) -> QuerySet[Topic]:
    if viewer.user is None:
        return Topic.objects.none()
    return Topic.objects.all()


def access_topic_by_slug(viewer: Viewer, slug: str) -> Topic:
    topic = topics_visible_to(viewer).filter(slug=slug).first()
    if topic is None:
        raise NotFound
    return topic


def access_team_by_slug(viewer: Viewer, slug: str) -> Team:
    """The team with this slug, or NotFound whether missing or hidden (guests see no teams)."""
    team = teams_visible_to(viewer).filter(slug=slug).first()
    if team is None:
        raise NotFound
    return team


def locations_visible_to(viewer: Viewer) -> QuerySet[Location]:
    """Office locations, for filters and the profile form: any signed-in person."""
    if viewer.user is None:
        return Location.objects.none()
    return Location.objects.all()
