"""A small network for post tests: members, guests, an admin, groups of every visibility."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hallway.accounts.models import User
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
    host_company,
)


@dataclass
class World:
    admin: User
    alice: User  # member; owner of every group
    bob: User  # member; member of public, private and secret groups
    carol: User  # member; in no group
    guest: User  # acme guest, in the external group
    outsider: User  # globex guest, in no group
    gone: User  # deactivated member
    acme: Any
    public: Any
    private: Any
    secret: Any
    external: Any


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def build_world() -> World:
    host_company()
    acme = CompanyFactory(name="Acme", slug="acme")
    globex = CompanyFactory(name="Globex", slug="globex")
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    alice = UserFactory(name="Alice Author")
    bob = UserFactory(name="Bob Builder")
    carol = UserFactory(name="Carol Casual")
    guest = GuestFactory(name="Gina Guest", company=acme)
    outsider = GuestFactory(name="Otto Outsider", company=globex)
    gone = UserFactory(name="Dee Gone", is_active=False)
    public = GroupFactory(name="Public", slug="public")
    private = GroupFactory(
        name="Private", slug="private", visibility="private", join_policy="request"
    )
    secret = GroupFactory(name="Secret", slug="secret", visibility="secret", join_policy="invite")
    external = GroupFactory(
        name="External",
        slug="external",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[acme],
    )
    for group in (public, private, secret, external):
        add_member(group, alice, role="owner")
    for group in (public, private, secret):
        add_member(group, bob)
    add_member(external, guest)
    add_member(private, gone)
    return World(
        admin=admin,
        alice=alice,
        bob=bob,
        carol=carol,
        guest=guest,
        outsider=outsider,
        gone=gone,
        acme=acme,
        public=public,
        private=private,
        secret=secret,
        external=external,
    )


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "pic.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def mention(user: User) -> str:
    return f"@[{user.name}](user:{user.pk})"
