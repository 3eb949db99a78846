"""What happens to feeds when a post is created.

Home feeds are merged at read time (docs/adr/0003-home-feed.md): a new post is in the feed
of everyone who may read it as soon as its transaction commits, with nothing to copy. What
is left to do here is to tell the "new posts" indicator that something was posted, so that
the indicator's polling (every open tab, every 30 s) costs no SQL while nothing is new.
"""

from __future__ import annotations

from django.core.cache import cache

from hallway.feed.selectors import NEWEST_POST_CACHE_KEY, NEWEST_POST_CACHE_SECONDS


def on_post_created(post_id: int) -> None:
    """Record ``post_id`` as the newest post (called by the posts app after commit).

    The cache is shared by the web workers of a machine (file or Redis cache). The value
    expires, so a post created without this call (an import) is noticed within a minute.
    """
    current = cache.get(NEWEST_POST_CACHE_KEY)
    if not isinstance(current, int) or post_id > current:
        cache.set(NEWEST_POST_CACHE_KEY, post_id, NEWEST_POST_CACHE_SECONDS)
