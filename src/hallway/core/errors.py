"""Errors of the permission layer and the actions, shared by pages and the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404


class NotFound(Http404):
    """Missing, or hidden from this viewer: the two must look the same (DESIGN §5)."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class PermissionDenied(DjangoPermissionDenied):
    """The viewer may see the object but not do this to it."""

    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message)


class ActionError(Exception):
    """Bad input for an action: shown to the person as a form error or a 4xx JSON body."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
