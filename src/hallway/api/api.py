"""Hallway's REST API under ``/api/v1/``, described by OpenAPI 3 at ``/api/v1/openapi.json``.

See docs/api.md. Every route needs a signed-in caller (API token or browser session) except
the OpenAPI document and its browsable docs; every error is JSON (``hallway.api.errors``).
"""

from typing import Any

from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI

from hallway.api import (
    admin,
    companies,
    feed,
    follows,
    groups,
    labels,
    me,
    moderation,
    notifications,
    people,
    policy,
    posts,
    retention,
    search,
    teams,
    tokens,
    webhooks,
)
from hallway.api.auth import signed_in
from hallway.api.errors import install_error_handlers, json_method_not_allowed, json_not_found

DESCRIPTION = """\
Authenticate with a personal access token (`Authorization: Bearer hw_…`; create one with
`POST /api/v1/tokens`, on the account page, or `hallway token EMAIL`), with an OAuth 2.0
app's access token (`Bearer hwo_…`; authorization code + PKCE at `/oauth/authorize/` and
`/oauth/token/`; scope `read` for GET, `write` for other methods, plus `admin` on admin-only
routes), or with the browser session (unsafe methods then need the `X-CSRFToken` header).

Errors are JSON: `{"detail": "…"}`, plus `field` or `errors` for bad input. Lists answer
`{"results": […], "next": cursor-or-null}`; pass `?cursor=` for the next page and `?limit=`
(1–100, default 20). A hidden object answers 404 exactly like a missing one.

Live updates: `GET /events/` (outside `/api/v1`, signed-in browser session) is a
`text/event-stream` of messages `id: <n>` + `data: {"event": "<name>", "data": {…ids…}}`,
e.g. `post` `{"id": 42}` for a new post the person may read; events carry ids only, so fetch
the object through this API. Reconnect with `Last-Event-ID` (or `?last_event_id=`) to get
what was missed; comment lines every 15 s are heartbeats; `signed-out` ends the stream.
"""


class HallwayAPI(NinjaAPI):
    """NinjaAPI whose every answer is JSON, including 405s and unknown paths."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[URLResolver | URLPattern] = []
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern = URLPattern(
                    pattern.pattern,
                    json_method_not_allowed(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            wrapped.append(pattern)
        wrapped.append(re_path(r"^.*$", json_not_found, name="not_found"))
        return wrapped, app_name, namespace


api = HallwayAPI(
    title="Hallway API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=signed_in,
)
install_error_handlers(api)
policy.install_policy_error_handler(api)

for module in (
    me,
    people,
    teams,
    companies,
    follows,
    tokens,
    admin,
    groups,
    policy,  # before posts: /posts/audience before /posts/{post_id}
    posts,
    feed,
    notifications,
    search,
    webhooks,
    retention,
    moderation,
    labels,
):
    api.add_router("/", module.router)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document as served, for tests and tooling."""
    return dict(api.get_openapi_schema(path_prefix="/api/v1/"))
