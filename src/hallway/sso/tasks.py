"""Work after an SSO sign-in: the profile photo from the identity provider."""

from __future__ import annotations

import logging
import time

from django.conf import settings

from hallway.accounts.models import User
from hallway.core.errors import ActionError
from hallway.core.tasks import task
from hallway.posts.previews import (
    PreviewFailedError,
    PreviewRefusedError,
    _read_limited,
    open_pinned_connection,
)
from hallway.profiles.actions import do_set_photo, ensure_profile

logger = logging.getLogger(__name__)
TIMEOUT = 5.0


def fetch_picture_bytes(url: str) -> bytes | None:
    """The image at ``url``, fetched with the link previews' SSRF protections; None if
    refused or failed (the photo is a nicety, never a reason to fail)."""
    allow_loopback = bool(getattr(settings, "HALLWAY_PREVIEW_ALLOW_LOOPBACK", False))
    try:
        connection, path = open_pinned_connection(
            url, allow_loopback=allow_loopback, timeout=TIMEOUT
        )
        try:
            connection.request("GET", path, headers={"Accept": "image/*"})
            response = connection.getresponse()
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
            if response.status != 200 or not content_type.startswith("image/"):
                return None
            return _read_limited(response, time.monotonic() + TIMEOUT)
        finally:
            connection.close()
    except (PreviewRefusedError, PreviewFailedError, OSError) as error:
        logger.info("SSO picture %s not fetched: %s", url, error)
        return None


@task
def fetch_sso_picture(*, user_id: int, url: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    data = fetch_picture_bytes(url)
    if not data:
        return
    try:
        do_set_photo(actor=user, profile=ensure_profile(user), data=data)
    except ActionError as error:
        logger.info("SSO picture for user %s refused: %s", user_id, error)
