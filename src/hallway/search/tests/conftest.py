from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from hallway.accounts.models import User
from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.groups.models import Group
from hallway.posts.actions import do_create_comment, do_create_post
from hallway.posts.models import Comment, Post


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def publish(django_capture_on_commit_callbacks: Any) -> Callable[..., Post]:
    """Create a post through the real action and run its after-commit work (indexing)."""

    def make(author: User, body: str, **extra: Any) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return do_create_post(author=author, body=body, **extra)

    return make


@pytest.fixture
def answer(django_capture_on_commit_callbacks: Any) -> Callable[..., Comment]:
    def make(author: User, post: Post, body: str) -> Comment:
        with django_capture_on_commit_callbacks(execute=True):
            return do_create_comment(author=author, post=post, body=body)

    return make


class Place:
    """A small network: an owner, a member outside the private group, a guest, groups of
    each kind with their hint settings."""

    def __init__(self) -> None:
        self.owner = UserFactory(name="Olga Owner")
        self.member = UserFactory(name="Mo Member")
        self.colleague = UserFactory(name="Cy Colleague")
        self.public = GroupFactory(name="Open Forum", slug="open-forum")
        self.bid = GroupFactory(
            name="Bid team Acme",
            slug="bid-team-acme",
            visibility="private",
            join_policy="request",
            hints=Group.Hints.COUNT,
        )
        self.titled = GroupFactory(
            name="Pricing council",
            slug="pricing-council",
            visibility="private",
            join_policy="request",
            hints=Group.Hints.TITLES,
        )
        self.quiet = GroupFactory(
            name="Quiet room", slug="quiet-room", visibility="private", join_policy="request"
        )
        self.secret = GroupFactory(
            name="Skunkworks",
            slug="skunkworks",
            visibility="secret",
            join_policy="invite",
            hints=Group.Hints.TITLES,
        )
        for group in (self.public, self.bid, self.titled, self.quiet, self.secret):
            add_member(group, self.owner, role="owner")
        add_member(self.public, self.colleague)


@pytest.fixture
def place(db: Any) -> Place:
    return Place()
