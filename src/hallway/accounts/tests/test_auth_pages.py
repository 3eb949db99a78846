"""Sign in, sign out, password reset and change: allauth with our templates, rate limits, audit."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from hallway.accounts.models import User
from hallway.accounts.tests.conftest import signed_in
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def test_login_page_is_accessible(client: Client) -> None:
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="#main"' in html  # our base layout, not allauth's
    assert "/accounts/password/reset/" in html


def test_sign_in_and_out_are_audited(member: User) -> None:
    client = Client()
    response = client.post(LOGIN_URL, {"login": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/accounts/settings/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=member).count() == 1

    assert client.get("/accounts/logout/").status_code == 200  # a confirmation page
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/settings/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=member).exists()


def test_wrong_password_is_refused_with_errors_linked_and_audited(
    client: Client, member: User
) -> None:
    response = client.post(LOGIN_URL, {"login": member.email, "password": "wrong password 1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "not correct" in html
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.data == {"email": member.email}
    assert event.actor is None


def test_field_errors_are_linked_with_aria_describedby(client: Client) -> None:
    html = client.post(LOGIN_URL, {"login": "not-an-email", "password": ""}).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_login_error"' in html
    assert 'id="id_login_error"' in html


def test_sign_in_is_rate_limited_after_repeated_failures(
    client: Client, member: User, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/key"}
    for attempt in range(3):
        response = client.post(LOGIN_URL, {"login": member.email, "password": f"nope {attempt}"})
        assert "Too many failed login attempts" not in response.content.decode()
    # The fourth try is refused even with the right password: the limit is per account.
    response = client.post(LOGIN_URL, {"login": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_deactivated_person_cannot_sign_in(client: Client, member: User) -> None:
    member.is_active = False
    member.save()
    response = client.post(LOGIN_URL, {"login": member.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert "not active" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for url in ["/accounts/settings/", "/accounts/sessions/", "/accounts/tokens/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)


def test_signup_is_closed(client: Client) -> None:
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign-up is closed" in response.content.decode()
    assert 'href="#main"' in response.content.decode()


def test_password_reset_by_email(
    client: Client, member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert '<label for="id_email">' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", message.body)
    assert link, message.body

    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    # allauth moves the key into the session and redirects to a key-less URL.
    if response.status_code == 302:
        path = response["Location"].lstrip("/")
        response = client.get("/" + path)
    assert response.status_code == 200
    assert "Choose a new password" in response.content.decode()
    new_password = "a brand new passphrase 42"
    response = client.post("/" + path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert "Your password is changed" in client.get(response["Location"]).content.decode()
    member.refresh_from_db()
    assert member.check_password(new_password)

    # The link works once.
    response = Client().get(link.group(0).split("testserver", 1)[-1])
    if response.status_code == 302:
        response = Client().get(response["Location"])
    assert "does not work" in response.content.decode()


def test_password_reset_does_not_reveal_who_has_an_account(
    client: Client, host, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@northwind.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" not in mail.outbox[0].body


def test_password_change(member: User) -> None:
    client = signed_in(member)
    page = client.get("/accounts/password/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_oldpassword">' in html
    assert 'autocomplete="new-password"' in html
    new_password = "another fine passphrase 7"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new_password)
    # Still signed in on this browser.
    assert client.get("/accounts/settings/").status_code == 200


def test_password_change_rejects_a_weak_password(member: User) -> None:
    client = signed_in(member)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_email_page_says_email_is_managed_centrally(member: User) -> None:
    client = signed_in(member)
    html = client.get("/accounts/email/").content.decode()
    assert "managed centrally" in html
    assert "<form" not in html.split('id="main"', 1)[1]


def test_nobody_can_change_their_own_sign_in_email(member: User) -> None:
    from allauth.account.models import EmailAddress

    client = signed_in(member)
    for action in ["action_add", "action_primary"]:
        response = client.post("/accounts/email/", {action: "", "email": "evil@elsewhere.example"})
        assert response.status_code == 405
    assert not EmailAddress.objects.filter(email="evil@elsewhere.example").exists()
    member.refresh_from_db()
    assert member.email == "max@northwind.example"
