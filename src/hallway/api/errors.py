"""Every API error is JSON ``{"detail": "…"}`` with a fitting status, never HTML, never a 500
for bad input. Missing and hidden objects answer the same 404 body (DESIGN §5).
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hallway.core.cursors import BadCursor
from hallway.core.errors import ActionError
from hallway.profiles.actions import ProfileValidationError

logger = logging.getLogger(__name__)

NOT_FOUND = "Not found."
SIGN_IN = "Sign in, or send an API token as `Authorization: Bearer <token>`."
BAD_VALUE = "The request contains a value Hallway cannot use. Check the parameters and body."
CONFLICT = "This conflicts with something that already exists. Reload and try again."

# The field names of the API for those of ``do_update_profile``.
PROFILE_FIELD_NAMES = {"team": "team_id", "location": "location_id", "manager": "manager_id"}


def error_body(detail: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, **{key: value for key, value in extra.items() if value is not None}}


def _readable_location(loc: Any) -> str:
    parts = [str(part) for part in loc if part not in ("", None)]
    # ninja prefixes the source (query, body, path); the last parts name the field.
    return ".".join(parts) if parts else "request"


def readable_validation_errors(errors: list[dict[str, Any]]) -> str:
    messages = []
    for error in errors[:10]:
        messages.append(
            f"{_readable_location(error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        )
    return "Invalid input. " + "; ".join(messages) if messages else "Invalid input."


def install_error_handlers(api: NinjaAPI) -> None:
    """Register one handler per kind of failure on the API."""

    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        response = api.create_response(request, error_body(detail, **extra), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="hallway"'
        return response

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 404, NOT_FOUND)

    def permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc) or "You are not allowed to do that."
        return respond(request, 403, message)

    def action_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status, exc.message, field=exc.field)

    def profile_error(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = {PROFILE_FIELD_NAMES.get(key, key): value for key, value in exc.errors.items()}
        detail = "; ".join(f"{key}: {value}" for key, value in errors.items())
        return respond(request, 400, detail or exc.message, errors=errors)

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        issues = [
            {
                "loc": [part for part in error.get("loc", ()) if isinstance(part, str | int)],
                "msg": str(error.get("msg", "invalid")),
                "type": str(error.get("type", "invalid")),
            }
            for error in exc.errors
        ]
        body = {"detail": readable_validation_errors(exc.errors), "errors": issues}
        return api.create_response(request, body, status=422)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        if isinstance(exc, AuthenticationError) and message == "Unauthorized":
            message = SIGN_IN
        elif exc.status_code == 400 and message.startswith("Cannot parse"):
            message = "The request body is not valid JSON."
        return respond(request, exc.status_code, message)

    def bad_cursor(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(
            request, 400, "This cursor is not valid; start again without it.", field="cursor"
        )

    def integrity_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.info("API conflict: %s", exc)
        return respond(request, 409, CONFLICT)

    def bad_value(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.warning("API bad input: %r", exc)
        return respond(request, 400, BAD_VALUE)

    def model_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 400, " ".join(exc.messages) or BAD_VALUE)

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, DatabaseError) and not isinstance(exc, DataError):
            raise exc  # the database middleware answers 503 while the database is away
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, "Something went wrong on our side. It has been logged.")

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(DjangoPermissionDenied, permission_denied)
    api.add_exception_handler(ActionError, action_error)
    api.add_exception_handler(ProfileValidationError, profile_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(BadCursor, bad_cursor)
    api.add_exception_handler(IntegrityError, integrity_error)
    api.add_exception_handler(DataError, bad_value)
    api.add_exception_handler(ValueError, bad_value)
    api.add_exception_handler(TypeError, bad_value)
    api.add_exception_handler(OverflowError, bad_value)
    api.add_exception_handler(DjangoValidationError, model_validation_error)
    # A response that does not fit its own schema is our bug, not bad input.
    api.add_exception_handler(pydantic.ValidationError, unexpected)
    api.add_exception_handler(Exception, unexpected)


@csrf_exempt
def json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under the API that names no endpoint."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn ninja's plain-text 405 into a JSON one, keeping the Allow header."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = response.get("Allow", "")
            replacement = JsonResponse(
                {"detail": f"Method {request.method} is not allowed here. Allowed: {allowed}."},
                status=405,
            )
            replacement["Allow"] = allowed
            return replacement
        return response

    return wrapper
