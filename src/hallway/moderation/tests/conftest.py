from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member
from hallway.posts.actions import do_create_comment, do_create_post, do_upload_attachment


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """A private group with an owner, a moderator, an author, a reader and a reporter; a
    compliance officer and a network admin outside it; a network post."""
    owner = UserFactory(name="Olga Owner")
    moderator = UserFactory(name="Mo Moderator")
    author = UserFactory(name="Ann Author")
    reader = UserFactory(name="Rita Reader")
    reporter = UserFactory(name="Rex Reporter")
    officer = UserFactory(name="Chloe Compliance", is_compliance_officer=True)
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    outsider = UserFactory(name="Otto Outsider")
    guest = GuestFactory(name="Gil Guest")
    group = GroupFactory(name="Bid team", slug="bid-team", visibility="private")
    add_member(group, owner, role="owner")
    add_member(group, moderator, role="moderator")
    for person in (author, reader, reporter):
        add_member(group, person)
    upload = do_upload_attachment(
        uploader=author,
        upload=SimpleUploadedFile("plan.txt", b"zebrafile plan\n", content_type="text/plain"),
    )
    post = do_create_post(
        author=author,
        body="Offending zebraword post #zebratopic",
        group=group,
        attachment_ids=[upload.pk],
    )
    comment = do_create_comment(author=reader, post=post, body="A reply zebracomment")
    own_comment = do_create_comment(author=author, post=post, body="Rude zebrarude comment")
    network_post = do_create_post(author=author, body="Network zebranet post")
    return {
        "owner": owner,
        "moderator": moderator,
        "author": author,
        "reader": reader,
        "reporter": reporter,
        "officer": officer,
        "admin": admin,
        "outsider": outsider,
        "guest": guest,
        "group": group,
        "post": post,
        "file": upload,
        "comment": comment,
        "own_comment": own_comment,
        "network_post": network_post,
    }
