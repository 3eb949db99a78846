"""A small network for notification tests, built through the real actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from hallway.accounts.models import User
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
    host_company,
)
from hallway.groups.models import Group, NetworkSettings
from hallway.notifications.models import Notification


def mention(user: User) -> str:
    return f"@[{user.name}](user:{user.pk})"


@dataclass
class World:
    ana: User  # an author
    ben: User  # a colleague
    cleo: User  # another colleague
    dan: User  # member outside the private group
    admin: User
    guest: User
    public: Group
    private: Group
    confidential: Group
    external: Group


@pytest.fixture
def world(db: Any) -> World:
    host_company()
    acme = CompanyFactory(name="Acme", slug="acme")
    ana = UserFactory(name="Ana Author", email="ana@northwind.example")
    ben = UserFactory(name="Ben Colleague", email="ben@northwind.example")
    cleo = UserFactory(name="Cleo Colleague", email="cleo@northwind.example")
    dan = UserFactory(name="Dan Outside", email="dan@northwind.example")
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    guest = GuestFactory(name="Gus Guest", company=acme)
    public = GroupFactory(name="Open Forum", slug="open-forum")
    private = GroupFactory(
        name="Bid Team", slug="bid-team", visibility="private", join_policy="request"
    )
    confidential = GroupFactory(
        name="Merger Room",
        slug="merger-room",
        visibility="private",
        join_policy="invite",
        sensitivity="confidential",
    )
    external = GroupFactory(
        name="Partner Room",
        slug="partner-room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[acme],
    )
    for group in (public, private, confidential, external):
        add_member(group, ana, role="owner")
        add_member(group, ben)
    add_member(private, cleo)
    add_member(external, guest)
    NetworkSettings.load().announcement_leaders.add(ana)
    return World(ana, ben, cleo, dan, admin, guest, public, private, confidential, external)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """``with after_commit():`` runs the tasks queued inside (they are eager in tests)."""

    def run() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return run


def notes(user: User, **filters: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, **filters).order_by("pk"))
