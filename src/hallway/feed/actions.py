"""Mutes: hide a person's, a group's or a topic's posts from my home feed.

Callers resolve the target through the permission layer first (``access_person_by_id``,
``access_group_by_id``, ``access_topic_by_slug``), so nobody can learn that a hidden group
exists by muting it.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from hallway.accounts.models import User
from hallway.core.errors import ActionError
from hallway.feed.models import Mute
from hallway.groups.models import Group
from hallway.profiles.models import Topic


def _target(person: User | None, group: Group | None, topic: Topic | None) -> dict[str, Any]:
    given: dict[str, Any] = {
        name: value
        for name, value in (("person", person), ("group", group), ("topic", topic))
        if value is not None
    }
    if len(given) != 1:
        raise ActionError("Mute exactly one person, group or topic.")
    return given


def do_mute(
    *,
    user: User,
    person: User | None = None,
    group: Group | None = None,
    topic: Topic | None = None,
) -> Mute:
    """Mute one person, group or topic for ``user`` (muting twice changes nothing)."""
    target = _target(person, group, topic)
    if person is not None and person.pk == user.pk:
        raise ActionError("You cannot mute yourself.", field="person_id")
    try:
        with transaction.atomic():
            mute, _ = Mute.objects.get_or_create(user=user, **target)
    except IntegrityError:  # a concurrent identical mute won
        mute = Mute.objects.get(user=user, **target)
    return mute


def do_unmute(
    *,
    user: User,
    person: User | None = None,
    group: Group | None = None,
    topic: Topic | None = None,
) -> None:
    """Unmute one person, group or topic (unmuting what is not muted changes nothing)."""
    target = _target(person, group, topic)
    Mute.objects.filter(user=user, **target).delete()
