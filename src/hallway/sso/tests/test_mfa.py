"""Two-factor authentication (allauth.mfa, TOTP) for local accounts, and the guest policy."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.test import Client

from hallway.accounts.models import User
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import TEST_PASSWORD, GuestFactory, UserFactory
from hallway.sso.actions import do_set_sign_in_policy

pytestmark = pytest.mark.django_db


def totp(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 with SHA-1, written out here so the test does not trust allauth's code."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _sign_in(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:1000]


def _activate_totp(client: Client) -> str:
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and "/accounts/reauthenticate/" in page["Location"]:
        # allauth asks for the password again before a security change.
        response = client.post(page["Location"], {"password": TEST_PASSWORD})
        assert response.status_code == 302, response.content[:1000]
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode())
    assert secret, page.content.decode()[:2000]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret.group(1))})
    assert response.status_code == 302, response.content[:2000]
    return secret.group(1)


@pytest.fixture
def member(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(name="Max Member", email="max@northwind.example")


def test_enabling_totp_then_sign_in_needs_the_code(
    member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _sign_in(client, member)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        secret = _activate_totp(client)
    assert AuditEvent.objects.filter(action="mfa.enable", actor=member, data__type="totp").exists()
    client.post("/accounts/logout/")

    browser = Client()
    response = browser.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in browser.session

    wrong = str((int(totp(secret)) + 1) % 1_000_000).zfill(6)
    response = browser.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session

    response = browser.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert response.status_code == 302
    assert int(browser.session["_auth_user_id"]) == member.pk


def test_turning_totp_off_is_audited(member: User) -> None:
    client = Client()
    _sign_in(client, member)
    _activate_totp(client)
    response = client.post("/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 302, response.content[:2000]
    assert AuditEvent.objects.filter(action="mfa.disable", actor=member).exists()


def test_guests_must_set_up_mfa_when_the_policy_says_so(member: User) -> None:
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    guest = GuestFactory(name="Gus Guest", email="gus@acme.example")
    client = Client()
    _sign_in(client, guest)
    assert client.get("/").status_code == 200

    do_set_sign_in_policy(actor=admin, guests_must_use_mfa=True)
    assert AuditEvent.objects.filter(action="sso.policy_update").exists()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    _activate_totp(client)
    assert client.get("/").status_code == 200

    # Members are not affected by the guest policy.
    member_client = Client()
    _sign_in(member_client, member)
    assert member_client.get("/").status_code == 200


def test_admin_page_sets_the_policy_and_others_are_refused(member: User) -> None:
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    client = Client()
    client.force_login(admin)
    response = client.post("/accounts/admin/sso/policy/", {"guests_must_use_mfa": "on"})
    assert response.status_code == 302
    from hallway.sso.models import SignInPolicy

    assert SignInPolicy.load().guests_must_use_mfa is True
    other = Client()
    other.force_login(member)
    assert other.post("/accounts/admin/sso/policy/", {}).status_code == 403
    assert SignInPolicy.load().guests_must_use_mfa is True
