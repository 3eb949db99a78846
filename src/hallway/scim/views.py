"""SCIM 2.0 endpoints under /scim/v2/ (RFC 7644), and the admin page for provisioning clients.

SCIM views answer ``application/scim+json`` and SCIM errors only; they authenticate with a
provisioning client's bearer token and nothing else (no session, no API token).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    MutabilityException,
    NotFoundException,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    UnauthorizedException,
)

from hallway.core.errors import ActionError
from hallway.core.permissions import request_viewer
from hallway.scim import actions, selectors
from hallway.scim.access import (
    access_scim_client_by_id,
    access_scim_team_by_id,
    access_scim_user_by_id,
    scim_clients_visible_to,
)
from hallway.scim.models import ScimClient
from hallway.scim.resources import (
    group_state_from_resource,
    group_to_resource,
    user_state_from_resource,
    user_to_resource,
)
from hallway.scim.schemas import CONFIG, PROVIDER, GroupResource, UserResource

SCIM_CONTENT_TYPE = "application/scim+json"
MAX_BODY_BYTES = 1024 * 1024
ScimView = Callable[..., HttpResponse]


def _response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    return HttpResponse(
        json.dumps(data), status=status, content_type=SCIM_CONTENT_TYPE, headers=headers
    )


def _error(exc: SCIMException) -> HttpResponse:
    error = exc.to_error()
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if error.status == 401 else None
    return _response(error.model_dump(), status=int(error.status or 400), headers=headers)


def _plain_error(status: int, detail: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return _response(
        Error(status=status, detail=detail).model_dump(), status=status, headers=headers
    )


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def scim_endpoint(*methods: str) -> Callable[[ScimView], Callable[..., HttpResponse]]:
    """Bearer-token auth, method check, SCIM errors for everything that goes wrong."""

    def decorate(view: ScimView) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            client = actions.client_for_token(_bearer(request))
            if client is None:
                return _error(UnauthorizedException(detail="A valid SCIM bearer token is needed."))
            if request.method not in methods:
                return _plain_error(
                    405, f"{request.method} is not allowed here.", {"Allow": ", ".join(methods)}
                )
            try:
                with PROVIDER:
                    return view(request, client, *args, **kwargs)
            except SCIMException as exc:
                return _error(exc)
            except ValidationError as exc:
                return _error(InvalidValueException(detail=_validation_detail(exc)))
            except ActionError as exc:
                return _error(actions._scim_error(exc))

        return wrapper

    return decorate


def _validation_detail(exc: ValidationError) -> str:
    parts = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()))
        parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    return "; ".join(parts) or "Invalid resource."


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY_BYTES:
        raise InvalidValueException(detail="The request body is too large.")
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSyntaxException(detail="The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail="The request body must be a JSON object.")
    return data


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _response_parameters(source: dict[str, Any]) -> ResponseParameters[Any] | None:
    attributes = _split(source.get("attributes"))
    excluded = _split(source.get("excludedAttributes"))
    if not attributes and not excluded:
        return None
    if attributes and excluded:
        raise InvalidValueException(
            detail="attributes and excludedAttributes cannot be used together."
        )
    return ResponseParameters.model_validate(
        {"attributes": attributes or None, "excludedAttributes": excluded or None}
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2").rstrip("/")


def _dump(resource: Any, context: Context, params: ResponseParameters[Any] | None) -> Any:
    return resource.model_dump(scim_ctx=context, response_parameters=params)


# --- Discovery ------------------------------------------------------------------------------


@scim_endpoint("GET")
def service_provider_config(request: HttpRequest, client: ScimClient) -> HttpResponse:
    data = CONFIG.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    data["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": request.build_absolute_uri(),
    }
    return _response(data)


def _discovery_list(kind: Any, items: list[Any]) -> HttpResponse:
    listing = ListResponse[kind](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return _response(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


def _with_meta(obj: Any, kind: str, request: HttpRequest, path: str) -> Any:
    copy = obj.model_copy(deep=True)
    copy.meta = {"resourceType": kind, "location": request.build_absolute_uri(path)}
    return copy


@scim_endpoint("GET")
def resource_types(request: HttpRequest, client: ScimClient) -> HttpResponse:
    return _discovery_list(
        ResourceType,
        [
            _with_meta(rt, "ResourceType", request, f"/scim/v2/ResourceTypes/{rt.id}")
            for rt in PROVIDER.resource_types
        ],
    )


@scim_endpoint("GET")
def resource_type(request: HttpRequest, client: ScimClient, type_id: str) -> HttpResponse:
    for rt in PROVIDER.resource_types:
        if rt.id == type_id:
            item: ResourceType = _with_meta(rt, "ResourceType", request, request.path)
            return _response(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail="No such resource type.")


@scim_endpoint("GET")
def schemas(request: HttpRequest, client: ScimClient) -> HttpResponse:
    return _discovery_list(
        Schema,
        [_with_meta(s, "Schema", request, f"/scim/v2/Schemas/{s.id}") for s in PROVIDER.schemas],
    )


@scim_endpoint("GET")
def schema(request: HttpRequest, client: ScimClient, schema_id: str) -> HttpResponse:
    for item in PROVIDER.schemas:
        if item.id == schema_id:
            described: Schema = _with_meta(item, "Schema", request, request.path)
            return _response(described.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail="No such schema.")


@scim_endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request: HttpRequest, client: ScimClient, rest: str = "") -> HttpResponse:
    raise NotFoundException(detail="There is no such SCIM endpoint.")


# --- Users ----------------------------------------------------------------------------------


def _user_list(request: HttpRequest, client: ScimClient, source: dict[str, Any]) -> HttpResponse:
    params = _response_parameters(source)
    page = selectors.user_page(
        client,
        filter_text=source.get("filter"),
        sort_by=source.get("sortBy"),
        sort_order=source.get("sortOrder"),
        start_index=source.get("startIndex"),
        count=source.get("count"),
    )
    base = _base_url(request)
    listing = ListResponse[UserResource](
        total_results=page.total,
        start_index=page.start_index,
        items_per_page=len(page.items),
        resources=[user_to_resource(user, base_url=base) for user in page.items] or None,
    )
    return _response(_dump(listing, Context.SEARCH_RESPONSE, params))


@scim_endpoint("GET", "POST")
def users(request: HttpRequest, client: ScimClient) -> HttpResponse:
    if request.method == "GET":
        return _user_list(request, client, request.GET.dict())
    params = _response_parameters(request.GET.dict())
    resource = UserResource.model_validate(
        _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    user = actions.do_scim_create_user(client=client, state=user_state_from_resource(resource))
    created = user_to_resource(
        access_scim_user_by_id(client, str(user.pk)), base_url=_base_url(request)
    )
    return _response(
        _dump(created, Context.RESOURCE_CREATION_RESPONSE, params),
        status=201,
        headers={"Location": created.meta.location},
    )


@scim_endpoint("POST")
def users_search(request: HttpRequest, client: ScimClient) -> HttpResponse:
    return _user_list(request, client, _body(request))


def _checked_patch(body: dict[str, Any]) -> dict[str, Any]:
    # Entra ID sends "Add"/"Replace"/"Remove"; RFC 7644 §3.5.2 spells them in lower case.
    for operation in body.get("Operations") or []:
        if isinstance(operation, dict) and isinstance(operation.get("op"), str):
            operation["op"] = operation["op"].lower()
    return body


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, client: ScimClient, user_id: str) -> HttpResponse:
    base = _base_url(request)
    params = _response_parameters(request.GET.dict())
    if request.method == "GET":
        person = access_scim_user_by_id(client, user_id)
        return _response(
            _dump(user_to_resource(person, base_url=base), Context.RESOURCE_QUERY_RESPONSE, params)
        )
    if request.method == "DELETE":
        person = access_scim_user_by_id(client, user_id)
        actions.do_scim_delete_user(client=client, user=person)
        return HttpResponse(status=204)
    person = access_scim_user_by_id(client, user_id)
    original = user_to_resource(person, base_url=base)
    if request.method == "PUT":
        replacement = UserResource.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        replacement.replace(original)
        context = Context.RESOURCE_REPLACEMENT_RESPONSE
    else:
        patch = PatchOp[UserResource].model_validate(
            _checked_patch(_body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        replacement = original.model_copy(deep=True)
        patch.patch(replacement)
        if replacement.active is None:
            raise MutabilityException(detail="active cannot be removed; set it to true or false.")
        context = Context.RESOURCE_PATCH_RESPONSE
    actions.do_scim_update_user(
        client=client, user=person, state=user_state_from_resource(replacement)
    )
    updated = user_to_resource(access_scim_user_by_id(client, user_id), base_url=base)
    return _response(_dump(updated, context, params))


# --- Groups ---------------------------------------------------------------------------------


def _group_resource(team: Any, base: str) -> Any:
    members = selectors.member_ids_by_team([team])
    return group_to_resource(team, members.get(team.pk, []), base_url=base)


def _group_list(request: HttpRequest, client: ScimClient, source: dict[str, Any]) -> HttpResponse:
    params = _response_parameters(source)
    page = selectors.group_page(
        client,
        filter_text=source.get("filter"),
        sort_by=source.get("sortBy"),
        sort_order=source.get("sortOrder"),
        start_index=source.get("startIndex"),
        count=source.get("count"),
    )
    base = _base_url(request)
    members = selectors.member_ids_by_team(page.items)
    listing = ListResponse[GroupResource](
        total_results=page.total,
        start_index=page.start_index,
        items_per_page=len(page.items),
        resources=[
            group_to_resource(team, members.get(team.pk, []), base_url=base) for team in page.items
        ]
        or None,
    )
    return _response(_dump(listing, Context.SEARCH_RESPONSE, params))


@scim_endpoint("GET", "POST")
def groups(request: HttpRequest, client: ScimClient) -> HttpResponse:
    if request.method == "GET":
        return _group_list(request, client, request.GET.dict())
    params = _response_parameters(request.GET.dict())
    resource = GroupResource.model_validate(
        _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    team = actions.do_scim_create_group(client=client, state=group_state_from_resource(resource))
    created = _group_resource(access_scim_team_by_id(client, str(team.pk)), _base_url(request))
    return _response(
        _dump(created, Context.RESOURCE_CREATION_RESPONSE, params),
        status=201,
        headers={"Location": created.meta.location},
    )


@scim_endpoint("POST")
def groups_search(request: HttpRequest, client: ScimClient) -> HttpResponse:
    return _group_list(request, client, _body(request))


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, client: ScimClient, group_id: str) -> HttpResponse:
    base = _base_url(request)
    params = _response_parameters(request.GET.dict())
    team = access_scim_team_by_id(client, group_id)
    if request.method == "GET":
        return _response(
            _dump(_group_resource(team, base), Context.RESOURCE_QUERY_RESPONSE, params)
        )
    if request.method == "DELETE":
        actions.do_scim_delete_group(client=client, team=team)
        return HttpResponse(status=204)
    original = _group_resource(team, base)
    if request.method == "PUT":
        replacement = GroupResource.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        replacement.replace(original)
        context = Context.RESOURCE_REPLACEMENT_RESPONSE
    else:
        patch = PatchOp[GroupResource].model_validate(
            _checked_patch(_body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        replacement = original.model_copy(deep=True)
        patch.patch(replacement)
        context = Context.RESOURCE_PATCH_RESPONSE
    actions.do_scim_update_group(
        client=client, team=team, state=group_state_from_resource(replacement)
    )
    updated = _group_resource(access_scim_team_by_id(client, group_id), base)
    return _response(_dump(updated, context, params))


# --- Search across resource types (RFC 7644 §3.4.3, POST /.search at the root) --------------


@scim_endpoint("POST")
def root_search(request: HttpRequest, client: ScimClient) -> HttpResponse:
    """Users then Groups, each filtered and sorted on its own, paged as one list."""
    source = _body(request)
    params = _response_parameters(source)
    start, size = selectors.page_bounds(source.get("startIndex"), source.get("count"))
    options = {
        "filter_text": source.get("filter"),
        "sort_by": source.get("sortBy"),
        "sort_order": source.get("sortOrder"),
    }
    # Count both first, then fetch only the rows of the requested window.
    users_total = selectors.user_page(client, start_index=1, count=0, **options).total
    groups_total = selectors.group_page(client, start_index=1, count=0, **options).total
    base = _base_url(request)
    resources: list[Any] = []
    if size and start <= users_total:
        users_page = selectors.user_page(client, start_index=start, count=size, **options)
        resources += [user_to_resource(user, base_url=base) for user in users_page.items]
    remaining = size - len(resources)
    if remaining > 0:
        group_start = max(start - users_total, 1)
        groups_page = selectors.group_page(
            client, start_index=group_start, count=remaining, **options
        )
        members = selectors.member_ids_by_team(groups_page.items)
        resources += [
            group_to_resource(team, members.get(team.pk, []), base_url=base)
            for team in groups_page.items
        ]
    listing = ListResponse[UserResource | GroupResource](
        total_results=users_total + groups_total,
        start_index=start,
        items_per_page=len(resources),
        resources=resources or None,
    )
    return _response(_dump(listing, Context.SEARCH_RESPONSE, params))


# --- Admin page: provisioning clients (network admins only) ---------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def admin_clients(request: HttpRequest) -> HttpResponse:
    """List provisioning clients; POST creates one and shows its token once."""
    viewer = request_viewer(request)
    clients = scim_clients_visible_to(viewer)
    error, created, raw = "", None, ""
    if request.method == "POST":
        try:
            created, raw = actions.do_create_scim_client(
                actor=viewer.user, name=request.POST.get("name", "")
            )
        except ActionError as exc:
            error = exc.message
    return render(
        request,
        "scim/admin_clients.html",
        {
            "clients": list(clients),
            "error": error,
            "created": created,
            "raw_token": raw,
            "scim_url": request.build_absolute_uri("/scim/v2/"),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def admin_client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    client = access_scim_client_by_id(viewer, client_id)
    actions.do_revoke_scim_client(actor=viewer.user, client=client)
    return redirect("scim_admin_clients")
