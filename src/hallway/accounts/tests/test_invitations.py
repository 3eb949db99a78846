"""Inviting members and guests from the people admin, and accepting an invitation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hallway.accounts.actions import do_invite_user, do_resend_invitation
from hallway.accounts.models import Invitation, User
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

INVITE_URL = "/accounts/admin/people/invite/"


def _link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"http://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_admin_invites_a_member_who_joins(
    admin_client: Client, admin: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            INVITE_URL, {"email": "Nina@Northwind.example", "name": "Nina New", "kind": "member"}
        )
    assert response.status_code == 302
    nina = User.objects.get(email="nina@northwind.example")
    assert nina.state == "invited"
    assert nina.company.is_host
    assert AuditEvent.objects.filter(action="user.invite", actor=admin).count() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@northwind.example"]
    assert message.subject == "Ada Admin invited you to Hallway"
    assert "Ada Admin invited you" in message.body
    link = _link_in(message)
    html_body = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert link in str(html_body)

    invitee = Client()
    page = invitee.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "nina@northwind.example" in html
    assert 'autocomplete="new-password"' in html
    assert '<label for="id_name">' in html

    password = "nina's secret passphrase"
    response = invitee.post(
        link, {"name": "Nina Newton", "password1": password, "password2": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert invitee.get("/accounts/settings/").status_code == 200
    nina.refresh_from_db()
    assert nina.state == "active"
    assert nina.name == "Nina Newton"
    assert nina.check_password(password)
    assert AuditEvent.objects.filter(action="user.accept_invitation", actor=nina).exists()

    # The link is used up.
    again = Client().get(link)
    assert again.status_code == 404
    assert "does not work" in again.content.decode()


def test_admin_invites_a_guest_into_an_external_company(
    admin_client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            INVITE_URL,
            {"email": "gina@acme.example", "name": "Gina", "kind": "guest", "company": acme.pk},
        )
    assert response.status_code == 302
    gina = User.objects.get(email="gina@acme.example")
    assert gina.is_guest
    assert gina.company == acme
    assert "as a guest from Acme Logistics" in mail.outbox[0].body


def test_a_guest_needs_a_company_and_nothing_is_written(admin_client: Client) -> None:
    response = admin_client.post(
        INVITE_URL, {"email": "gina@acme.example", "name": "Gina", "kind": "guest"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the external company" in html
    assert 'id="id_company_error"' in html
    assert not User.objects.filter(email="gina@acme.example").exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an email", "name": "X", "kind": "member"}, "valid email"),
        ({"email": "max@northwind.example", "name": "X", "kind": "member"}, "already on the"),
        ({"email": "new@northwind.example", "name": "", "kind": "member"}, "required"),
        ({"email": "new@northwind.example", "name": "X", "kind": "boss"}, "valid choice"),
    ],
)
def test_bad_invitations_are_refused(
    admin_client: Client, member: User, data: dict[str, str], message: str
) -> None:
    before = User.objects.count()
    response = admin_client.post(INVITE_URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before
    assert not Invitation.objects.exists()


def test_weak_password_keeps_the_invitation_pending(admin: User) -> None:
    _, key = do_invite_user(actor=admin, email="nina@northwind.example", name="Nina")
    client = Client()
    response = client.post(
        f"/accounts/invitation/{key}/", {"name": "Nina", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in (
        response.content.decode()
    )
    nina = User.objects.get(email="nina@northwind.example")
    assert nina.state == "invited"
    assert "_auth_user_id" not in client.session


def test_mismatched_passwords_are_refused(admin: User) -> None:
    _, key = do_invite_user(actor=admin, email="nina@northwind.example", name="Nina")
    response = Client().post(
        f"/accounts/invitation/{key}/",
        {"name": "Nina", "password1": "a long passphrase 1", "password2": "a long passphrase 2"},
    )
    assert "same password" in response.content.decode()
    assert User.objects.get(email="nina@northwind.example").state == "invited"


def test_expired_and_bad_keys_give_a_clear_404(admin: User) -> None:
    _, key = do_invite_user(actor=admin, email="nina@northwind.example", name="Nina")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    for url in [f"/accounts/invitation/{key}/", "/accounts/invitation/not-a-key/"]:
        response = Client().get(url)
        assert response.status_code == 404
        assert "This invitation link does not work" in response.content.decode()
        response = Client().post(
            url, {"name": "N", "password1": "long passphrase 9", "password2": "long passphrase 9"}
        )
        assert response.status_code == 404
    assert User.objects.get(email="nina@northwind.example").state == "invited"


def test_resend_replaces_the_link(
    admin_client: Client, admin: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    nina, old_key = do_invite_user(actor=admin, email="nina@northwind.example", name="Nina")
    url = f"/accounts/admin/people/{nina.pk}/resend-invitation/"
    assert admin_client.get(url).status_code == 200  # confirmation page, nothing sent
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    new_link = _link_in(mail.outbox[0])
    assert old_key not in new_link
    assert Client().get(f"/accounts/invitation/{old_key}/").status_code == 404
    assert Client().get(new_link).status_code == 200
    assert AuditEvent.objects.filter(action="user.invite_resend").count() == 1


def test_resend_is_refused_for_someone_who_joined(admin: User, member: User) -> None:
    from hallway.core.errors import ActionError

    with pytest.raises(ActionError):
        do_resend_invitation(actor=admin, user=member)
    assert not Invitation.objects.exists()


def test_only_network_admins_invite(member_client: Client, client: Client) -> None:
    data = {"email": "x@northwind.example", "name": "X", "kind": "member"}
    assert member_client.get(INVITE_URL).status_code == 403
    assert member_client.post(INVITE_URL, data).status_code == 403
    response = client.post(INVITE_URL, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not User.objects.filter(email="x@northwind.example").exists()
