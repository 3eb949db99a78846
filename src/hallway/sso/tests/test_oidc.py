"""Single sign-on round trips against OpenID Connect providers running on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from hallway.accounts.actions import do_deactivate_user
from hallway.accounts.models import User
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import TEST_PASSWORD, GuestFactory, UserFactory
from hallway.sso.models import OidcProvider
from hallway.sso.tests.conftest import (
    CLIENT_SECRET,
    authorize_at_mock,
    configure,
    follow_forged,
    set_claims,
    start_sso,
)

pytestmark = pytest.mark.django_db(transaction=False)

NINA = {
    "email": "nina@northwind.example",
    "email_verified": True,
    "name": "Nina North",
    "title": "Platform engineer",
    "department": "Platform",
    "manager_email": "max@northwind.example",
    "office": "Berlin",
}


def _with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def _refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action="sso.login_refused", data__reason=reason).count()


def test_secret_is_stored_encrypted(admin, oidc_provider) -> None:
    provider = configure(admin, oidc_provider.url)
    stored = OidcProvider.objects.get(pk=provider.pk).client_secret_encrypted
    assert CLIENT_SECRET not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    event = AuditEvent.objects.get(action="sso.provider_create")
    assert CLIENT_SECRET not in str(event.data)
    assert event.data["secret_changed"] is True


def test_happy_path_creates_member_with_mapped_profile(admin, oidc_provider) -> None:
    manager = UserFactory(name="Max Manager", email="max@northwind.example")
    configure(admin, oidc_provider.url, claim_map={"location": "office"})
    set_claims(oidc_provider, "nina-sub", NINA)
    client = Client()

    authorize_url = start_sso(client, "nina@northwind.example")
    assert authorize_url.startswith(f"{oidc_provider.url}/oauth2/authorize?")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["nonce"][0] and query["state"][0] and query["code_challenge"][0]
    assert query["login_hint"] == ["nina@northwind.example"]

    response = client.get(authorize_at_mock(authorize_url, "nina-sub"))
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == "/"

    nina = User.objects.get(email="nina@northwind.example")
    assert nina.is_member and nina.is_active and nina.name == "Nina North"
    assert not nina.has_usable_password()
    profile = nina.profile
    assert profile.title == "Platform engineer"
    assert profile.team is not None and profile.team.name == "Platform"
    assert profile.manager_id == manager.pk
    assert profile.location is not None and profile.location.name == "Berlin"
    assert SocialAccount.objects.filter(user=nina, uid="nina-sub").exists()
    assert int(client.session["_auth_user_id"]) == nina.pk
    assert AuditEvent.objects.filter(action="sso.jit_create", target_id=str(nina.pk)).exists()
    assert AuditEvent.objects.filter(action="sso.login", actor=nina).count() == 1

    assert client.session["hallway_sso"]["end_session_endpoint"], dict(client.session)
    # Single logout: signing out here continues at the provider end_session_endpoint.
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    logout = urlsplit(response["Location"])
    assert f"{logout.scheme}://{logout.netloc}" == oidc_provider.url
    assert logout.path == "/oauth2/end_session"
    params = parse_qs(logout.query)
    assert params["id_token_hint"][0].count(".") == 2
    assert params["post_logout_redirect_uri"][0].endswith("/accounts/login/")
    assert "_auth_user_id" not in client.session

    # Signing in again finds the linked account and follows changed attributes.
    set_claims(oidc_provider, "nina-sub", {**NINA, "title": "Staff engineer"})
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, nina.email), "nina-sub"))
    assert response.status_code == 302
    assert User.objects.filter(email=nina.email).count() == 1
    nina.profile.refresh_from_db()
    assert nina.profile.title == "Staff engineer"


def test_existing_member_is_linked_by_verified_email(admin, oidc_provider) -> None:
    member = UserFactory(name="Mo Member", email="mo@northwind.example")
    configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "mo-sub", {"email": member.email, "email_verified": True})
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, member.email), "mo-sub"))
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == member.pk
    assert SocialAccount.objects.get(uid="mo-sub").user_id == member.pk
    assert AuditEvent.objects.filter(action="sso.link", actor=member).exists()


def test_unverified_email_is_refused_and_not_linked(admin, oidc_provider) -> None:
    member = UserFactory(name="Mo Member", email="mo@northwind.example")
    configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "evil-sub", {"email": member.email, "email_verified": False})
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, member.email), "evil-sub"))
    assert response.status_code == 403
    assert "not verified" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert _refusals("email_not_verified") == 1


def test_missing_email_verified_is_refused_unless_trusted(admin, oidc_provider) -> None:
    provider = configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "e-sub", {"email": "eve@northwind.example"})
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, "eve@northwind.example"), "e-sub"))
    assert response.status_code == 403
    assert not User.objects.filter(email="eve@northwind.example").exists()

    provider.trust_email_without_verified_claim = True
    provider.save()
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, "eve@northwind.example"), "e-sub"))
    assert response.status_code == 302
    assert User.objects.filter(email="eve@northwind.example").exists()


def test_address_outside_the_routed_domains_is_refused(admin, oidc_provider) -> None:
    configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "x-sub", {"email": "boss@globex.example", "email_verified": True})
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, "x@northwind.example"), "x-sub"))
    assert response.status_code == 403
    assert not User.objects.filter(email="boss@globex.example").exists()
    assert _refusals("domain_not_routed") == 1


def test_deactivated_person_is_refused(admin, oidc_provider) -> None:
    gone = UserFactory(name="Dee Gone", email="dee@northwind.example")
    configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "dee-sub", {"email": gone.email, "email_verified": True})
    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, gone.email), "dee-sub"))
    assert response.status_code == 302  # the first sign-in links the account
    client.post("/accounts/logout/")
    do_deactivate_user(actor=admin, user=gone)

    client = Client()
    response = client.get(authorize_at_mock(start_sso(client, gone.email), "dee-sub"))
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _refusals("deactivated") == 1


def test_state_mismatch_is_refused(admin, oidc_provider) -> None:
    configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "nina-sub", NINA)
    client = Client()
    callback = authorize_at_mock(start_sso(client, NINA["email"]), "nina-sub")
    response = client.get(_with_query(callback, state="forged-state"))
    assert response.status_code == 401
    assert "failed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email=NINA["email"]).exists()


@pytest.mark.parametrize("nonce", ["wrong-nonce", None])
def test_wrong_or_missing_nonce_is_refused(admin, oidc_provider, nonce) -> None:
    configure(admin, oidc_provider.url)
    set_claims(oidc_provider, "nina-sub", NINA)
    client = Client()
    authorize_url = _with_query(start_sso(client, NINA["email"]), nonce=nonce)
    response = client.get(authorize_at_mock(authorize_url, "nina-sub"))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email=NINA["email"]).exists()
    assert _refusals("nonce") == 1


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("iss", "https://attacker.example"),
        ("aud", "someone-else"),
        ("exp", 1_000_000),  # long expired
    ],
)
def test_forged_id_token_is_refused(admin, forged_provider, change, value) -> None:
    configure(admin, forged_provider.url)
    forged_provider.claims = {"sub": "f-sub", **NINA}
    forged_provider.overrides = {change: value}
    client = Client()
    response = client.get(follow_forged(start_sso(client, NINA["email"])))
    assert "_auth_user_id" not in client.session
    assert response.status_code == 401 and "failed" in response.content.decode()
    assert not User.objects.filter(email=NINA["email"]).exists()
    assert AuditEvent.objects.filter(action="sso.login_failed").count() == 1


def test_id_token_signed_by_another_key_is_refused(admin, forged_provider) -> None:
    configure(admin, forged_provider.url)
    forged_provider.claims = {"sub": "f-sub", **NINA}
    forged_provider.sign_with_other_key = True
    client = Client()
    client.get(follow_forged(start_sso(client, NINA["email"])))
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email=NINA["email"]).exists()


def test_forged_provider_accepts_a_correct_token(admin, forged_provider) -> None:
    """The fixture itself works: the refusals above come from the changed claim."""
    configure(admin, forged_provider.url)
    forged_provider.claims = {"sub": "f-sub", **NINA}
    client = Client()
    response = client.get(follow_forged(start_sso(client, NINA["email"])))
    assert response.status_code == 302, response.content[:1000]
    assert User.objects.filter(email=NINA["email"]).exists()


def test_password_sign_in_is_refused_for_members_when_enforced(admin, oidc_provider) -> None:
    member = UserFactory(name="Mo Member", email="mo@northwind.example")
    guest = GuestFactory(name="Gus Guest", email="gus@northwind.example")
    configure(admin, oidc_provider.url, enforce_for_members=True)
    client = Client()
    response = client.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "sign in with their company account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Guests keep email and password, even on a routed domain.
    response = client.post("/accounts/login/", {"login": guest.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_unrouted_domain_gets_a_clear_answer(admin, oidc_provider) -> None:
    configure(admin, oidc_provider.url)
    response = Client().post("/accounts/sso/", {"email": "someone@elsewhere.example"})
    assert response.status_code == 400
    assert "does not use single sign-on" in response.content.decode()


def test_sign_in_page_offers_company_account_only_when_configured(admin, oidc_provider) -> None:
    assert (
        "Continue with your company account"
        not in Client().get("/accounts/login/").content.decode()
    )
    configure(admin, oidc_provider.url)
    assert "Continue with your company account" in Client().get("/accounts/login/").content.decode()
