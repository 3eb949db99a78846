from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hallway.core.tests.factories import GroupFactory, UserFactory, add_member, host_company
from hallway.posts.actions import do_create_comment, do_create_post
from hallway.posts.models import Post


def aged(post: Post, *, days: int) -> Post:
    """Pretend the post was written ``days`` days ago."""
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days))
    post.refresh_from_db()
    return post


@dataclass
class World:
    officer: Any
    admin: Any
    ana: Any
    ben: Any
    general: Any
    confidential: Any
    secret: Any


@pytest.fixture
def world(db: Any) -> World:
    host_company()
    officer = UserFactory(name="Cora Compliance", is_compliance_officer=True)
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    ana = UserFactory(name="Ana Author")
    ben = UserFactory(name="Ben Bystander")
    general = GroupFactory(name="Lunch", slug="lunch")
    confidential = GroupFactory(
        name="Deals", slug="deals", visibility="private", sensitivity="confidential"
    )
    secret = GroupFactory(name="Vault", slug="vault", visibility="secret", sensitivity="restricted")
    for group in (general, confidential, secret):
        add_member(group, ana)
        add_member(group, ben)
    return World(officer, admin, ana, ben, general, confidential, secret)


def post(author: Any, *, days: int, group: Any = None, body: str = "Hello") -> Post:
    return aged(do_create_post(author=author, body=body, group=group), days=days)


def comment(author: Any, target: Post, body: str = "A reply") -> Any:
    return do_create_comment(author=author, post=target, body=body)
