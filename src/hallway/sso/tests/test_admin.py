"""The admin's SSO pages: network admins only; the secret never comes back."""

from __future__ import annotations

import pytest
from django.test import Client

from hallway.core.models import AuditEvent
from hallway.core.tests.factories import UserFactory
from hallway.sso.models import OidcProvider

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Northwind Okta",
    "issuer": "https://northwind.okta.example/oauth2/default",
    "client_id": "0oa1",
    "client_secret": "very-secret-value",
    "domains": "northwind.example\nnorthwind.example.org",
    "is_enabled": "on",
    "enforce_for_members": "on",
    "claim_title": "jobTitle",
}


def test_admin_configures_a_provider_in_the_ui(admin) -> None:
    client = Client()
    client.force_login(admin)
    assert client.get("/accounts/admin/sso/").status_code == 200
    response = client.post("/accounts/admin/sso/new/", FORM)
    assert response.status_code == 302, response.content[:2000]
    provider = OidcProvider.objects.get()
    assert provider.enforce_for_members and provider.claim_map == {"title": "jobTitle"}
    assert sorted(d.domain for d in provider.domains.all()) == [
        "northwind.example",
        "northwind.example.org",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "very-secret-value" not in page
    assert f"/accounts/oidc/{provider.slug}/login/callback/" in page

    # Saving without a secret keeps the stored one.
    stored = provider.client_secret_encrypted
    response = client.post(
        f"/accounts/admin/sso/{provider.pk}/", {**FORM, "client_secret": "", "name": "Okta"}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Okta" and provider.client_secret_encrypted == stored
    assert AuditEvent.objects.filter(action="sso.provider_update").count() == 1

    response = client.post(f"/accounts/admin/sso/{provider.pk}/delete/")
    assert response.status_code == 302
    assert not OidcProvider.objects.exists()
    assert AuditEvent.objects.filter(action="sso.provider_delete").exists()


def test_plain_http_issuer_and_taken_domains_are_refused(admin) -> None:
    client = Client()
    client.force_login(admin)
    response = client.post("/accounts/admin/sso/new/", {**FORM, "issuer": "http://idp.example.com"})
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert client.post("/accounts/admin/sso/new/", FORM).status_code == 302
    response = client.post("/accounts/admin/sso/new/", {**FORM, "name": "Second"})
    assert response.status_code == 400
    assert "Already routed" in response.content.decode()


def test_members_cannot_configure_sso(admin) -> None:
    member = UserFactory(name="Mo Member")
    client = Client()
    client.force_login(member)
    assert client.get("/accounts/admin/sso/").status_code == 403
    assert client.post("/accounts/admin/sso/new/", FORM).status_code == 403
    assert not OidcProvider.objects.exists()
