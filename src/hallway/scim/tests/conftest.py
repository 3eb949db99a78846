from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hallway.core.tests.factories import host_company
from hallway.scim.actions import do_create_scim_client

SCIM_JSON = "application/scim+json"


class ScimClient:
    """A test client that speaks SCIM with a bearer token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.http = Client()

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        kwargs.update(headers)
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = SCIM_JSON
        response = self.http.generic(method, "/scim/v2" + path, **kwargs)
        response.data = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **kw: str) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body)

    def patch(self, path: str, *operations: dict[str, Any]) -> Any:
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": list(operations),
        }
        return self.request("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)


@pytest.fixture
def scim_token(db: None) -> str:
    host_company()
    _, raw = do_create_scim_client(actor=None, name="Test IdP")
    return raw


@pytest.fixture
def scim(scim_token: str) -> ScimClient:
    return ScimClient(scim_token)


def user_body(user_name: str = "alice@northwind.example", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "name": {"givenName": "Alice", "familyName": "Liddell"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body
