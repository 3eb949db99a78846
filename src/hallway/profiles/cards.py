"""What a person card shows, with only the fields the viewer may read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hallway.accounts.models import User
from hallway.core.permissions import Viewer
from hallway.profiles.models import Profile, Topic
from hallway.profiles.org import visible_fields


@dataclass(frozen=True)
class PersonCard:
    person: User
    profile: Profile | None
    fields: frozenset[str]

    @property
    def title(self) -> str:
        return self.profile.title if self.profile and "title" in self.fields else ""

    @property
    def team(self) -> object | None:
        return self.profile.team if self.profile and "team" in self.fields else None

    @property
    def location(self) -> object | None:
        return self.profile.location if self.profile and "location" in self.fields else None

    @property
    def skills(self) -> list[Topic]:
        if self.profile is None or "skills" not in self.fields or self.profile.pk is None:
            return []
        return list(self.profile.skills.all())[:5]

    @property
    def is_external(self) -> bool:
        return self.person.is_guest


def person_cards(viewer: Viewer, people: Iterable[User]) -> list[PersonCard]:
    """Cards for people already fetched with ``with_profile_data`` (no further queries)."""
    cards = []
    for person in people:
        try:
            profile: Profile | None = person.profile
        except Profile.DoesNotExist:
            profile = None
        cards.append(
            PersonCard(person=person, profile=profile, fields=visible_fields(viewer, person))
        )
    return cards
