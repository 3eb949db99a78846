"""API test helpers: a client that checks every response against the OpenAPI document.

``ApiClient`` sends JSON, authenticates with a token or the session, and for every response
asserts: JSON (or an empty 204), never a 5xx, the status documented for that operation, and
the body valid against the operation's response schema (``$ref``s resolved into the
document's components; object schemas closed, so an undocumented key fails too).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from django.http import HttpResponse
from django.test import Client

from hallway.accounts.actions import do_create_api_token
from hallway.accounts.models import User
from hallway.core.tests.factories import (
    CompanyFactory,
    GuestFactory,
    LocationFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
    host_company,
)
from hallway.profiles.actions import do_follow, do_update_profile, ensure_profile

API = "/api/v1"
GENERIC_ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string", "minLength": 1}},
}


def _close_objects(schema: Any) -> None:
    """Forbid keys a schema does not name, everywhere in it."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _close_objects(value)
    elif isinstance(schema, list):
        for value in schema:
            _close_objects(value)


@dataclass
class OpenApi:
    document: dict[str, Any]
    routes: list[tuple[re.Pattern[str], str]]

    @classmethod
    def load(cls, document: dict[str, Any]) -> OpenApi:
        document = copy.deepcopy(document)
        _close_objects(document.get("components", {}))
        routes = []
        for template in document["paths"]:
            regex = re.sub(
                r"\{[^}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
            )
            routes.append((re.compile(f"^{regex}$"), template))
        return cls(document=document, routes=routes)

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        path = path.split("?", 1)[0]
        for regex, template in self.routes:
            if regex.match(path):
                return self.document["paths"][template].get(method.lower())
        return None

    def check(self, method: str, path: str, response: HttpResponse) -> Any:
        status = response.status_code
        assert status < 500, f"{method} {path} answered {status}: {response.content[:500]!r}"
        if status == 204:
            assert response.content == b"", f"{method} {path}: 204 with a body"
            operation = self.operation(method, path)
            assert operation is not None and "204" in operation["responses"]
            return None
        content_type = response.get("Content-Type", "")
        assert content_type.startswith("application/json"), (
            f"{method} {path} answered {status} as {content_type}: {response.content[:300]!r}"
        )
        body = json.loads(response.content)
        operation = self.operation(method, path)
        if operation is None or status == 405:
            # Unknown path or method: answered outside any operation, as a plain error.
            assert status in (404, 405), f"{method} {path}: {status} for an unknown route"
            jsonschema.validate(body, GENERIC_ERROR)
            return body
        documented = operation["responses"].get(str(status))
        assert documented is not None, (
            f"{method} {path} answered {status}, which its OpenAPI operation does not document"
        )
        schema = documented["content"]["application/json"]["schema"]
        jsonschema.validate(
            body,
            {**schema, "components": self.document["components"]},
            cls=jsonschema.Draft202012Validator,
        )
        return body


_OPENAPI: OpenApi | None = None


def openapi() -> OpenApi:
    """The document as served at /api/v1/openapi.json, fetched once per test run."""
    global _OPENAPI
    if _OPENAPI is None:
        response = Client().get(f"{API}/openapi.json")
        assert response.status_code == 200
        _OPENAPI = OpenApi.load(response.json())
    return _OPENAPI


class ApiClient:
    """A test client for /api/v1/ that validates each response against the OpenAPI document."""

    def __init__(self, *, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        raw_body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        url = path if path.startswith("/") else f"{API}/{path}"
        extra = dict(headers or {})
        if self.token is not None and "Authorization" not in extra:
            extra["Authorization"] = f"Bearer {self.token}"
        kwargs: dict[str, Any] = {"headers": extra}
        if params is not None:
            kwargs["query_params"] = params
        data: bytes | str = b""
        if raw_body is not None:
            data = raw_body
        elif body is not None:
            data = json.dumps(body)
        # Like curl: no body unless one is given; JSON when there is one.
        response = self.client.generic(
            method.upper(), url, data, content_type="application/json" if data else "", **kwargs
        )
        checked = openapi().check(method, url, response)
        return Response(status=response.status_code, data=checked, raw=response)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("DELETE", path, body, **kwargs)


@dataclass
class Response:
    status: int
    data: Any
    raw: HttpResponse

    @property
    def detail(self) -> str:
        return str(self.data["detail"])


def token_for(user: User) -> str:
    _token, raw = do_create_api_token(user=user, name="tests")
    return raw


def client_for(user: User) -> ApiClient:
    """A client that authenticates as this person with a fresh API token."""
    return ApiClient(token=token_for(user))


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@dataclass
class Network:
    """A small network: members in a team tree, guests of two companies, odd states."""

    admin: User
    manager: User
    engineer: User
    member: User
    guest: User
    guest_colleague: User
    other_guest: User
    deactivated: User
    invited: User
    engineering: Any
    platform: Any
    berlin: Any
    python: Any
    acme: Any
    globex: Any


@pytest.fixture
def network(db: Any) -> Network:
    host_company()
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    globex = CompanyFactory(name="Globex", slug="globex", kind="partner")
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    manager = UserFactory(name="Maya Manager")
    engineer = UserFactory(name="Eli Engineer")
    member = UserFactory(name="Mo Member")
    guest = GuestFactory(name="Grace Guest", company=acme)
    guest_colleague = GuestFactory(name="Gus Guest", company=acme)
    other_guest = GuestFactory(name="Olga Outsider", company=globex)
    deactivated = UserFactory(name="Dee Deactivated")
    invited = UserFactory(name="Ivy Invited", is_active=False)
    engineering = TeamFactory(name="Engineering", slug="engineering", lead=manager)
    platform = TeamFactory(name="Platform", slug="platform", parent=engineering, depth=1)
    berlin = LocationFactory(name="Berlin", country="Germany")
    python = TopicFactory(name="Python", slug="python")
    TopicFactory(name="Kubernetes", slug="kubernetes")
    do_update_profile(
        actor=engineer,
        profile=ensure_profile(engineer),
        changes={
            "title": "Staff Engineer",
            "team": platform,
            "location": berlin,
            "manager": manager,
            "skills": ["Python", "Kubernetes"],
            "bio": "Builds the platform.",
            "phone": "+49 30 1234",
            "guest_visible_fields": ["title", "skills"],
        },
    )
    do_update_profile(
        actor=manager,
        profile=ensure_profile(manager),
        changes={"title": "Head of Engineering", "team": engineering, "location": berlin},
    )
    do_update_profile(
        actor=guest_colleague,
        profile=ensure_profile(guest_colleague),
        changes={
            "title": "Logistics Lead",
            "phone": "+1 555 0100",
            "bio": "Runs the warehouses.",
            "guest_visible_fields": ["title"],
        },
    )
    deactivated.is_active = False
    deactivated.deactivated_at = deactivated.date_joined
    deactivated.save()
    do_follow(follower=member, person=engineer)
    return Network(
        admin=admin,
        manager=manager,
        engineer=engineer,
        member=member,
        guest=guest,
        guest_colleague=guest_colleague,
        other_guest=other_guest,
        deactivated=deactivated,
        invited=invited,
        engineering=engineering,
        platform=platform,
        berlin=berlin,
        python=python,
        acme=acme,
        globex=globex,
    )
