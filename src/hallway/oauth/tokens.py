"""OAuth token strings: a public prefix tells the API which kind of bearer token it holds.

Personal API tokens start with ``hw_``, SCIM tokens with ``scim_``, OAuth access tokens with
``hwo_`` and refresh tokens with ``hwr_``; each authentication class only looks up its own.
"""

from __future__ import annotations

import secrets
from typing import Any

ACCESS_PREFIX = "hwo_"
REFRESH_PREFIX = "hwr_"


def access_token(request: Any = None, refresh_token: bool = False) -> str:
    del request, refresh_token
    return ACCESS_PREFIX + secrets.token_urlsafe(32)


def refresh_token(request: Any = None, refresh_token: bool = False) -> str:
    del request, refresh_token
    return REFRESH_PREFIX + secrets.token_urlsafe(32)
