"""OAuth 2.0 apps: the authorization-code flow with PKCE through the test client, the API's
scope enforcement, revocation, deactivation, the admin and account pages, and the audit."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from hallway.accounts.actions import do_deactivate_user
from hallway.api.tests.conftest import API, ApiClient, Network
from hallway.core.models import AuditEvent
from hallway.oauth.actions import do_register_oauth_app
from hallway.scim.actions import do_create_scim_client

REDIRECT = "https://crm.example.com/oauth/callback"

pytestmark = pytest.mark.django_db


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 §4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


@dataclass
class App:
    client_id: str
    secret: str
    pk: int


def register(network: Network, *, client_type: str = "confidential") -> App:
    app, secret = do_register_oauth_app(
        actor=network.admin, name="CRM", client_type=client_type, redirect_uris=REDIRECT
    )
    return App(client_id=app.client_id, secret=secret, pk=app.pk)


def authorize(browser: Client, app: App, *, scope: str, challenge: str, allow: bool = True) -> str:
    """Walk the consent page as the signed-in person; return the authorization code."""
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st4te",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = browser.get("/oauth/authorize/", query)
    assert page.status_code == 200
    assert b"Let \xe2\x80\x9cCRM\xe2\x80\x9d use Hallway as you?" in page.content
    form = {**page.context["form"].initial, "scope": scope}
    form = {key: value for key, value in form.items() if value is not None}
    if allow:
        form["allow"] = "Authorize"
    answer = browser.post("/oauth/authorize/", form)
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = parse_qs(location.query)
    assert params["state"] == ["st4te"]
    if not allow:
        assert params["error"] == ["access_denied"]
        return ""
    return params["code"][0]


def exchange(app: App, code: str, verifier: str, *, redirect_uri: str = REDIRECT) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": app.client_id,
        "code_verifier": verifier,
    }
    if app.secret:
        data["client_secret"] = app.secret
    return Client().post("/oauth/token/", data)


def tokens_for(network: Network, user: Any, app: App, scope: str) -> dict[str, Any]:
    browser = Client()
    browser.force_login(user)
    verifier, challenge = pkce_pair()
    code = authorize(browser, app, scope=scope, challenge=challenge)
    response = exchange(app, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def test_full_authorization_code_round_trip_with_pkce(network):
    app = register(network)
    tokens = tokens_for(network, network.member, app, "read write")
    assert tokens["access_token"].startswith("hwo_")
    assert tokens["refresh_token"].startswith("hwr_")
    assert set(tokens["scope"].split()) == {"read", "write"}
    api = ApiClient(token=tokens["access_token"])
    me = api.get("me")
    assert me.status == 200
    assert me.data["id"] == network.member.pk
    assert api.patch("me", {"title": "Via OAuth"}).status == 200
    assert api.get("me").data["title"] == "Via OAuth"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"oauth.app.register", "oauth.consent"} <= actions


def test_public_client_round_trip_without_secret(network):
    app = register(network, client_type="public")
    assert app.secret == ""
    tokens = tokens_for(network, network.member, app, "read")
    assert ApiClient(token=tokens["access_token"]).get("me").status == 200


def test_wrong_verifier_is_refused(network):
    app = register(network)
    browser = Client()
    browser.force_login(network.member)
    _verifier, challenge = pkce_pair()
    code = authorize(browser, app, scope="read", challenge=challenge)
    other_verifier, _ = pkce_pair()
    response = exchange(app, code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_pkce_is_required(network):
    app = register(network)
    browser = Client()
    browser.force_login(network.member)
    page = browser.get(
        "/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": REDIRECT,
            "scope": "read",
            "state": "s",
        },
    )
    # No code_challenge: sent back to the app with an error, never a consent page.
    assert page.status_code == 302
    assert "error=invalid_request" in page["Location"]


def test_wrong_redirect_uri_is_refused(network):
    app = register(network)
    browser = Client()
    browser.force_login(network.member)
    _verifier, challenge = pkce_pair()
    for wrong in (REDIRECT + "/extra", REDIRECT + "?x=1", "https://evil.example.com/cb"):
        page = browser.get(
            "/oauth/authorize/",
            {
                "response_type": "code",
                "client_id": app.client_id,
                "redirect_uri": wrong,
                "scope": "read",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        # Never redirected to an unregistered URI: an error page on our side instead.
        assert page.status_code == 400, wrong
        assert b"mismatching_redirect_uri" in page.content or b"invalid" in page.content


def test_token_exchange_with_another_redirect_uri_is_refused(network):
    app = register(network)
    browser = Client()
    browser.force_login(network.member)
    verifier, challenge = pkce_pair()
    code = authorize(browser, app, scope="read", challenge=challenge)
    response = exchange(app, code, verifier, redirect_uri="https://crm.example.com/other")
    assert response.status_code == 400


def test_implicit_and_password_grants_are_refused(network):
    app = register(network)
    browser = Client()
    browser.force_login(network.member)
    _verifier, challenge = pkce_pair()
    implicit = browser.get(
        "/oauth/authorize/",
        {
            "response_type": "token",
            "client_id": app.client_id,
            "redirect_uri": REDIRECT,
            "scope": "read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert implicit.status_code == 302
    assert "access_token" not in implicit["Location"]
    assert "error=unauthorized_client" in implicit["Location"]
    network.member.set_password("a long password 42")
    network.member.save()
    password = Client().post(
        "/oauth/token/",
        {
            "grant_type": "password",
            "username": network.member.email,
            "password": "a long password 42",
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )
    assert password.status_code in (400, 401)
    assert "access_token" not in password.json()


def test_denied_consent_issues_nothing_and_is_audited(network):
    app = register(network)
    browser = Client()
    browser.force_login(network.member)
    _verifier, challenge = pkce_pair()
    assert authorize(browser, app, scope="read", challenge=challenge, allow=False) == ""
    event = AuditEvent.objects.get(action="oauth.consent")
    assert event.data["allowed"] is False


def test_read_token_cannot_write(network):
    app = register(network)
    api = ApiClient(token=tokens_for(network, network.member, app, "read")["access_token"])
    assert api.get("me").status == 200
    refused = api.patch("me", {"title": "Nope"})
    assert refused.status == 403
    assert "write" in refused.detail
    assert api.post("posts", {"body": "Not allowed"}).status == 403


def test_write_token_without_read_cannot_read(network):
    app = register(network)
    api = ApiClient(token=tokens_for(network, network.member, app, "write")["access_token"])
    assert api.get("me").status == 403
    assert api.post("posts", {"body": "Write only"}).status == 201


def test_admin_scope_without_admin_role_is_403(network):
    app = register(network)
    api = ApiClient(
        token=tokens_for(network, network.member, app, "read write admin")["access_token"]
    )
    response = api.get("users")
    assert response.status == 403
    assert response.detail == "Only network admins can do this."


def test_admin_routes_need_the_admin_scope_even_for_admins(network):
    app = register(network)
    plain = ApiClient(token=tokens_for(network, network.admin, app, "read")["access_token"])
    refused = plain.get("users")
    assert refused.status == 403
    assert "admin" in refused.detail
    full = ApiClient(token=tokens_for(network, network.admin, app, "read admin")["access_token"])
    assert full.get("users").status == 200


def test_revoked_authorisation_is_401_and_audited(network):
    app = register(network)
    tokens = tokens_for(network, network.member, app, "read")
    api = ApiClient(token=tokens["access_token"])
    assert api.get("me").status == 200
    browser = Client()
    browser.force_login(network.member)
    page = browser.get("/accounts/apps/")
    assert page.status_code == 200
    assert b"CRM" in page.content
    assert browser.post(f"/accounts/apps/{app.pk}/revoke/").status_code == 302
    assert api.get("me").status == 401
    refresh = Client().post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )
    assert refresh.status_code == 400
    assert b"CRM" not in browser.get("/accounts/apps/").content
    assert AuditEvent.objects.filter(action="oauth.authorisation.revoke").count() == 1
    # Someone else cannot revoke (or even see) an app they did not authorise: 404.
    other = Client()
    other.force_login(network.engineer)
    assert other.post(f"/accounts/apps/{app.pk}/revoke/").status_code == 404


def test_deactivated_user_token_is_401_at_once(network):
    app = register(network)
    api = ApiClient(token=tokens_for(network, network.engineer, app, "read")["access_token"])
    assert api.get("me").status == 200
    do_deactivate_user(actor=network.admin, user=network.engineer)
    assert api.get("me").status == 401


def test_refresh_tokens_rotate(network):
    app = register(network)
    tokens = tokens_for(network, network.member, app, "read")

    def refresh(raw: str) -> Any:
        return Client().post(
            "/oauth/token/",
            {
                "grant_type": "refresh_token",
                "refresh_token": raw,
                "client_id": app.client_id,
                "client_secret": app.secret,
            },
        )

    renewed = refresh(tokens["refresh_token"])
    assert renewed.status_code == 200
    fresh = renewed.json()
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert fresh["refresh_token"].startswith("hwr_")
    assert ApiClient(token=fresh["access_token"]).get("me").status == 200
    assert ApiClient(token=tokens["access_token"]).get("me").status == 401
    assert refresh(tokens["refresh_token"]).status_code == 400  # the old one is spent


def test_unknown_oauth_token_is_401():
    assert ApiClient(token="hwo_" + "x" * 40).get("me").status == 401


def test_oauth_tokens_stay_out_of_scim_and_scim_tokens_out_of_the_api(network):
    app = register(network)
    access = tokens_for(network, network.admin, app, "read write admin")["access_token"]
    scim = Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {access}"})
    assert scim.status_code == 401
    _client, scim_token = do_create_scim_client(actor=network.admin, name="IdP")
    assert ApiClient(token=scim_token).get("me").status == 401


def test_admin_registers_an_app_in_the_admin_page(network):
    browser = Client()
    browser.force_login(network.admin)
    page = browser.post(
        "/accounts/admin/oauth-apps/",
        {"name": "Ticketing", "client_type": "confidential", "redirect_uris": REDIRECT},
    )
    assert page.status_code == 200
    assert page.context["client_secret"]
    assert page.context["created"].name == "Ticketing"
    event = AuditEvent.objects.get(action="oauth.app.register")
    assert event.actor_id == network.admin.pk
    bad = browser.post(
        "/accounts/admin/oauth-apps/",
        {"name": "Bad", "client_type": "public", "redirect_uris": "http://crm.example.com/cb"},
    )
    assert bad.status_code == 400
    assert "https" in bad.context["error"]
    wildcard = browser.post(
        "/accounts/admin/oauth-apps/",
        {"name": "Bad", "client_type": "public", "redirect_uris": "https://*.example.com/cb"},
    )
    assert wildcard.status_code == 400
    member = Client()
    member.force_login(network.member)
    assert member.get("/accounts/admin/oauth-apps/").status_code == 403
    created = page.context["created"]
    assert member.post(f"/accounts/admin/oauth-apps/{created.pk}/delete/").status_code == 403
    assert browser.post(f"/accounts/admin/oauth-apps/{created.pk}/delete/").status_code == 302
    assert AuditEvent.objects.filter(action="oauth.app.delete").count() == 1


def test_openapi_documents_the_oauth_scheme():
    document = Client().get(f"{API}/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["OAuthTokenAuth"]
    assert scheme["type"] == "oauth2"
    flow = scheme["flows"]["authorizationCode"]
    assert set(flow["scopes"]) == {"read", "write", "admin"}
    assert flow["tokenUrl"] == "/oauth/token/"
