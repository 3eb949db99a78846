"""Authentication (tokens and sessions), CSRF, and the JSON answers outside any endpoint."""

import pytest
from django.test import Client

from hallway.accounts.actions import do_deactivate_user, do_revoke_api_token
from hallway.accounts.models import ApiToken
from hallway.api.tests.conftest import API, ApiClient, client_for, token_for

pytestmark = pytest.mark.django_db


def test_token_authenticates(network):
    response = client_for(network.member).get("me")
    assert response.status == 200
    assert response.data["id"] == network.member.pk
    assert response.data["email"] == network.member.email


def test_no_credentials_is_401_json(anonymous, network):
    response = anonymous.get("people")
    assert response.status == 401
    assert "Bearer" in response.detail
    assert response.raw["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer hw_not-a-real-token", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "hw_abc"],
)
def test_bad_authorization_header_is_401(network, header):
    response = ApiClient().get("me", headers={"Authorization": header})
    assert response.status == 401
    assert response.detail


def test_revoked_token_is_401(network):
    raw = token_for(network.member)
    token = ApiToken.objects.get(user=network.member)
    assert ApiClient(token=raw).get("me").status == 200
    do_revoke_api_token(actor=network.member, token=token)
    response = ApiClient(token=raw).get("me")
    assert response.status == 401
    assert "revoked" in response.detail


def test_deactivated_persons_token_stops_at_once(network):
    raw = token_for(network.engineer)
    assert ApiClient(token=raw).get("people").status == 200
    do_deactivate_user(actor=network.admin, user=network.engineer)
    assert ApiClient(token=raw).get("people").status == 401


def test_token_of_inactive_person_fails_even_if_not_revoked(network):
    """If a person is made inactive by any path, their live tokens stop working."""
    raw = token_for(network.engineer)
    network.engineer.is_active = False
    network.engineer.save(update_fields=["is_active"])
    assert ApiClient(token=raw).get("me").status == 401


def test_invalid_token_wins_over_a_valid_session(network):
    client = Client()
    client.force_login(network.member)
    response = ApiClient(client=client, token="hw_wrong").get("me")
    assert response.status == 401


def test_session_reads_without_csrf(network):
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.member)
    response = ApiClient(client=client).get("me")
    assert response.status == 200
    assert response.data["id"] == network.member.pk


def test_session_writes_need_csrf(network):
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.member)
    api = ApiClient(client=client)
    refused = api.patch("me", {"title": "Sneaky"})
    assert refused.status == 403
    assert "CSRF" in refused.detail
    assert api.get("me").data["title"] == ""

    client.get("/api/v1/me")  # any page can set the cookie; make sure there is one
    from django.middleware.csrf import _get_new_csrf_string

    csrf = _get_new_csrf_string()
    client.cookies["csrftoken"] = csrf
    accepted = api.patch("me", {"title": "Honest"}, headers={"X-CSRFToken": csrf})
    assert accepted.status == 200
    assert accepted.data["title"] == "Honest"


def test_token_writes_need_no_csrf(network):
    response = client_for(network.member).patch("me", {"title": "Token writer"})
    assert response.status == 200


def test_deactivated_session_is_401(network):
    client = Client()
    client.force_login(network.engineer)
    do_deactivate_user(actor=network.admin, user=network.engineer)
    assert ApiClient(client=client).get("me").status == 401


def test_openapi_document_is_public_and_describes_auth(anonymous):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    schemes = document["components"]["securitySchemes"]
    assert {"BearerTokenAuth", "SessionCookieAuth"} <= set(schemes)
    assert schemes["BearerTokenAuth"]["scheme"] == "bearer"


def test_unknown_route_is_json_404(network):
    client = client_for(network.member)
    for path in ("nope", "people/1/nothing", "me/", "v2/people"):
        response = client.get(path)
        assert response.status == 404, path
        assert response.data == {"detail": "Not found."}
    assert ApiClient().post("whatever", {"x": 1}).status == 404


def test_wrong_method_is_json_405(network):
    response = client_for(network.member).put("me", {"title": "x"})
    assert response.status == 405
    assert "PUT" in response.detail
    assert "PATCH" in response.raw["Allow"]


def test_malformed_json_body_is_400(network):
    response = client_for(network.member).patch("me", raw_body="{not json")
    assert response.status == 400
    assert "JSON" in response.detail


def test_wrong_json_type_is_422_with_readable_detail(network):
    response = client_for(network.member).patch("me", {"skills": "not a list"})
    assert response.status == 422
    assert "skills" in response.detail
    assert response.data["errors"][0]["loc"][-1] == "skills"


def test_api_docs_load_their_scripts_from_this_server(client):
    """The Swagger UI works on a network without internet access: no CDN."""
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
