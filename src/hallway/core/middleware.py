"""Answer 503 with Retry-After while the database is unreachable, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

_UNAVAILABLE_MARKERS = (
    "connection",
    "could not connect",
    "server closed",
    "terminating",
    "database is locked",
    "the database system is",
)


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and any(
        marker in str(exc).lower() for marker in _UNAVAILABLE_MARKERS
    )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DatabaseError as exc:
            if not _is_unavailable(exc):
                raise
            return self._unavailable(request, exc)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DatabaseError) and _is_unavailable(exc):
            return self._unavailable(request, exc)
        return None

    def _unavailable(self, request: HttpRequest, exc: BaseException) -> HttpResponse:
        logger.warning("database unavailable: %s", exc)
        message = "Hallway is briefly unavailable. Please try again in a few seconds."
        response: HttpResponse
        if request.path.startswith(("/api/", "/scim/")):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response
