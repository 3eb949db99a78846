"""Background work for posts: the link preview of a post's first link."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.utils import timezone

from hallway.core.tasks import task
from hallway.posts.models import LinkPreview, Post
from hallway.posts.previews import PreviewFailedError, PreviewRefusedError, fetch_preview

logger = logging.getLogger(__name__)


def previews_enabled() -> bool:
    """Off in the test suite unless a test turns it on, so tests never touch the internet."""
    return bool(getattr(settings, "HALLWAY_LINK_PREVIEWS", not settings.TESTING))


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@task
def fetch_link_preview(*, post_id: int) -> None:
    """Fetch (or reuse) the preview of the post's first link and attach it. Idempotent."""
    from hallway.posts.actions import _first_link

    post = Post.objects.filter(pk=post_id, deleted_at__isnull=True).first()
    if post is None or not previews_enabled():
        return
    url = _first_link(post.body)
    if url is None:
        return
    preview, _created = LinkPreview.objects.get_or_create(
        url_hash=url_hash(url), defaults={"url": url}
    )
    if preview.status == "pending":
        try:
            data = fetch_preview(url)
        except (PreviewRefusedError, PreviewFailedError) as exc:
            logger.info("no preview for post %s: %s", post_id, exc)
            preview.status = "failed"
        else:
            preview.title = data.title
            preview.description = data.description
            preview.site_name = data.site_name
            preview.status = "ok" if (data.title or data.description) else "failed"
        preview.fetched_at = timezone.now()
        preview.save()
    Post.objects.filter(pk=post_id).update(link_preview=preview)
