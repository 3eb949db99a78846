from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def hallway(request: HttpRequest) -> dict[str, Any]:
    return {"network_name": settings.HALLWAY_NETWORK_NAME}
