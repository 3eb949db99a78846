"""API of sensitivity label actions (hallway.labels, ADR 0014).

- ``POST /posts/{id}/shares`` ``{"group_id", "comment"}``: share a post you can read into a
  group you may post in; its text is quoted only when that group's label is the same or
  stricter (``quoted`` says which).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.schemas import Id, Text, responses
from hallway.groups.access import access_group_by_id
from hallway.labels.sharing import do_share_post, may_quote
from hallway.posts.access import access_post_by_id

router = Router(tags=["posts"])


class ShareIn(Schema):
    group_id: Id
    comment: Text = Field("", max_length=2000)


class ShareOut(Schema):
    id: int = Field(description="The new post in the target group.")
    group_id: int
    quoted: bool = Field(description="Whether the original text was quoted.")


@router.post(
    "/posts/{post_id}/shares", response=responses({201: ShareOut}), summary="Share to a group"
)
def share_post(request: HttpRequest, post_id: Id, payload: ShareIn) -> Status:
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    group = access_group_by_id(viewer, payload.group_id)
    quoted = may_quote(post, group)
    shared = do_share_post(
        actor=viewer.user,  # type: ignore[arg-type]
        post=post,
        group=group,
        comment=payload.comment,
    )
    return Status(201, {"id": shared.pk, "group_id": group.pk, "quoted": quoted})
