"""The people admin: list, filters, deactivate, reactivate, roles; only for network admins."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hallway.accounts.actions import (
    do_create_api_token,
    do_deactivate_user,
    do_invite_user,
    user_for_api_token,
)
from hallway.accounts.models import ApiToken, User, UserSession
from hallway.accounts.tests.conftest import signed_in
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import GuestFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE_URL = "/accounts/admin/people/"


def test_list_filters_by_state_and_searches(
    admin_client: Client, admin: User, member: User
) -> None:
    do_invite_user(actor=admin, email="ivy@northwind.example", name="Ivy Invited")
    gone = UserFactory(name="Dora Departed")
    do_deactivate_user(actor=admin, user=gone)

    def listed(html: str) -> set[str]:
        return set(re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', html))

    html = admin_client.get(PEOPLE_URL).content.decode()
    assert listed(html) == {"Ada Admin", "Max Member", "Ivy Invited", "Dora Departed"}
    assert '<label for="id_q">' in html

    assert listed(admin_client.get(PEOPLE_URL, {"state": "invited"}).content.decode()) == {
        "Ivy Invited"
    }
    assert listed(admin_client.get(PEOPLE_URL, {"state": "deactivated"}).content.decode()) == {
        "Dora Departed"
    }
    assert listed(admin_client.get(PEOPLE_URL, {"state": "active"}).content.decode()) == {
        "Ada Admin",
        "Max Member",
    }
    assert listed(admin_client.get(PEOPLE_URL, {"q": "MAX@north"}).content.decode()) == {
        "Max Member"
    }
    assert listed(admin_client.get(PEOPLE_URL, {"q": "dora"}).content.decode()) == {"Dora Departed"}


def test_bad_filter_input_is_not_an_error(admin_client: Client) -> None:
    response = admin_client.get(PEOPLE_URL, {"state": "bogus", "page": "x"})
    assert response.status_code == 200
    assert "valid choice" in response.content.decode()


def test_list_paginates_with_a_bounded_number_of_queries(
    admin_client: Client, admin: User, django_assert_num_queries, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    UserFactory.create_batch(3)
    admin_client.get(PEOPLE_URL)  # warm the session
    with django_assert_max_num_queries(12) as few:
        admin_client.get(PEOPLE_URL)
    baseline = len(few.captured_queries)  # read now: each request resets the query log
    UserFactory.create_batch(60)
    GuestFactory.create_batch(5)
    with django_assert_num_queries(baseline):
        response = admin_client.get(PEOPLE_URL)
    html = response.content.decode()
    assert "Page 1 of 2" in html
    assert 'rel="next" href="?page=2"' in html
    assert "Page 2 of 2" in admin_client.get(PEOPLE_URL, {"page": 2}).content.decode()
    filtered = admin_client.get(PEOPLE_URL, {"state": "active", "page": 2}).content.decode()
    assert 'href="?state=active&amp;page=1"' in filtered


def test_only_network_admins_may_open_the_admin(
    member_client: Client, guest: User, client: Client, member: User
) -> None:
    urls = [
        PEOPLE_URL,
        f"{PEOPLE_URL}{member.pk}/",
        f"{PEOPLE_URL}{member.pk}/deactivate/",
        f"{PEOPLE_URL}{member.pk}/roles/",
    ]
    guest_client = Client()
    guest_client.force_login(guest)
    for url in urls:
        assert member_client.get(url).status_code == 403
        assert guest_client.get(url).status_code == 403
        assert client.get(url)["Location"].startswith("/accounts/login/")
    response = member_client.post(f"{PEOPLE_URL}{member.pk}/roles/", {"is_network_admin": "on"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert not member.is_network_admin


def test_unknown_person_is_404(admin_client: Client) -> None:
    assert admin_client.get(f"{PEOPLE_URL}999999/").status_code == 404
    assert admin_client.post(f"{PEOPLE_URL}999999/deactivate/").status_code == 404


def test_deactivation_needs_confirmation_and_post_with_csrf(admin: User, member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = f"{PEOPLE_URL}{member.pk}/deactivate/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Deactivate Max Member?" in page.content.decode()
    assert client.post(url, {"reason": "left"}).status_code == 403  # no CSRF token
    member.refresh_from_db()
    assert member.state == "active"


def test_deactivation_ends_sessions_and_tokens_at_once(admin_client: Client, member: User) -> None:
    browser = signed_in(member)
    assert browser.get("/accounts/settings/").status_code == 200
    assert UserSession.objects.filter(user=member).count() == 1
    _, raw = do_create_api_token(user=member, name="script")
    assert user_for_api_token(raw) == member

    response = admin_client.post(
        f"{PEOPLE_URL}{member.pk}/deactivate/", {"reason": "Left the company"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == "deactivated"
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.data == {"reason": "Left the company"}

    # The browser is signed out on its next request, and the token is refused.
    response = browser.get("/accounts/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=member).exists()
    assert user_for_api_token(raw) is None
    assert ApiToken.objects.get(user=member).revoked_at is not None

    page = admin_client.get(f"{PEOPLE_URL}{member.pk}/").content.decode()
    assert "Deactivated" in page
    assert "Reactivate" in page


def test_admin_cannot_deactivate_themselves(admin_client: Client, admin: User) -> None:
    response = admin_client.post(f"{PEOPLE_URL}{admin.pk}/deactivate/", {"reason": ""})
    assert response.status_code == 400
    assert "cannot deactivate yourself" in response.content.decode()
    admin.refresh_from_db()
    assert admin.state == "active"


def test_reactivate(admin_client: Client, admin: User, member: User) -> None:
    do_deactivate_user(actor=admin, user=member)
    url = f"{PEOPLE_URL}{member.pk}/reactivate/"
    assert admin_client.get(url).status_code == 200
    member.refresh_from_db()
    assert member.state == "deactivated"
    assert admin_client.post(url).status_code == 302
    member.refresh_from_db()
    assert member.state == "active"
    assert signed_in(member).get("/accounts/settings/").status_code == 200
    # Reactivating an active person is refused, not a 500.
    response = admin_client.post(url)
    assert response.status_code == 409
    assert "not deactivated" in response.content.decode()


def test_grant_and_remove_roles(admin_client: Client, admin: User, member: User) -> None:
    url = f"{PEOPLE_URL}{member.pk}/roles/"
    page = admin_client.get(url).content.decode()
    assert '<label for="id_is_network_admin">' in page
    response = admin_client.post(url, {"is_network_admin": "on", "is_compliance_officer": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_network_admin
    assert member.is_compliance_officer
    response = admin_client.post(url, {"is_compliance_officer": "on"})
    member.refresh_from_db()
    assert not member.is_network_admin
    assert member.is_compliance_officer
    assert AuditEvent.objects.filter(action="user.roles", target_id=str(member.pk)).count() == 2


def test_guests_cannot_get_roles_and_admins_cannot_drop_their_own(
    admin_client: Client, admin: User, guest: User
) -> None:
    response = admin_client.post(f"{PEOPLE_URL}{guest.pk}/roles/", {"is_network_admin": "on"})
    assert response.status_code == 400
    assert "Guests cannot hold network roles" in response.content.decode()
    guest.refresh_from_db()
    assert not guest.is_network_admin
    response = admin_client.post(f"{PEOPLE_URL}{admin.pk}/roles/", {})
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_network_admin


def test_get_never_changes_anything(admin_client: Client, member: User) -> None:
    for action in ["deactivate", "reactivate", "roles", "resend-invitation"]:
        admin_client.get(f"{PEOPLE_URL}{member.pk}/{action}/", {"is_network_admin": "on"})
    member.refresh_from_db()
    assert member.state == "active"
    assert not member.is_network_admin
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()
