"""Account settings, sessions and API tokens of the signed-in person."""

from __future__ import annotations

import pytest
from django.test import Client

from hallway.accounts.actions import do_create_api_token, user_for_api_token
from hallway.accounts.models import ApiToken, User, UserSession
from hallway.accounts.tests.conftest import signed_in
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import TEST_PASSWORD, UserFactory, profile_of

pytestmark = pytest.mark.django_db


def test_settings_shows_email_and_changes_name(member_client: Client, member: User) -> None:
    page = member_client.get("/accounts/settings/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "max@northwind.example" in html
    assert "ask a network admin" in html
    assert "/accounts/password/change/" in html
    assert 'href="/people/me/edit/"' in html
    assert 'autocomplete="name"' in html

    response = member_client.post("/accounts/settings/", {"name": "  Maxine Member "})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Maxine Member"
    assert "maxine member" in profile_of(member).search_text


def test_settings_refuses_an_empty_name(member_client: Client, member: User) -> None:
    response = member_client.post("/accounts/settings/", {"name": "   "})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    member.refresh_from_db()
    assert member.name == "Max Member"


def test_sessions_list_and_sign_out_others(member: User) -> None:
    laptop = signed_in(member, user_agent="Firefox on a laptop")
    phone = signed_in(member, user_agent="Safari on a phone")
    tablet = signed_in(member, user_agent="Chrome on a tablet")
    for browser in (laptop, phone, tablet):
        assert browser.get("/accounts/settings/").status_code == 200
    assert UserSession.objects.filter(user=member).count() == 3

    html = laptop.get("/accounts/sessions/").content.decode()
    assert "Firefox on a laptop" in html
    assert "Safari on a phone" in html
    assert html.count("This session") == 1
    assert laptop.session.session_key not in html  # session keys are credentials

    response = laptop.post("/accounts/sessions/sign-out-others/")
    assert response.status_code == 302
    assert laptop.get("/accounts/settings/").status_code == 200
    for browser in (phone, tablet):
        assert browser.get("/accounts/settings/")["Location"].startswith("/accounts/login/")
    assert list(UserSession.objects.filter(user=member).values_list("user_agent", flat=True)) == [
        "Firefox on a laptop"
    ]
    assert AuditEvent.objects.filter(action="session.end_others", actor=member).exists()


def test_sign_out_one_session(member: User) -> None:
    laptop = signed_in(member, user_agent="Firefox on a laptop")
    phone = signed_in(member, user_agent="Safari on a phone")
    phone.get("/accounts/settings/")
    laptop.get("/accounts/settings/")
    from hallway.accounts.selectors import session_ref

    phone_ref = session_ref(phone.session.session_key)
    html = laptop.get("/accounts/sessions/").content.decode()
    assert f"/accounts/sessions/{phone_ref}/sign-out/" in html
    assert laptop.get(f"/accounts/sessions/{phone_ref}/sign-out/").status_code == 405
    assert laptop.post(f"/accounts/sessions/{phone_ref}/sign-out/").status_code == 302
    assert phone.get("/accounts/settings/").status_code == 302
    assert laptop.get("/accounts/settings/").status_code == 200


def test_cannot_sign_out_someone_elses_session(member: User) -> None:
    other = UserFactory()
    theirs = signed_in(other)
    theirs.get("/accounts/settings/")
    from hallway.accounts.selectors import session_ref

    ref = session_ref(theirs.session.session_key)
    mine = signed_in(member)
    assert mine.post(f"/accounts/sessions/{ref}/sign-out/").status_code == 404
    assert theirs.get("/accounts/settings/").status_code == 200


def test_sessions_page_query_count_does_not_grow_with_sessions(
    member: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    browser = signed_in(member)
    browser.get("/accounts/sessions/")
    with django_assert_max_num_queries(10) as few:
        browser.get("/accounts/sessions/")
    baseline = len(few.captured_queries)  # read now: each request resets the query log
    for index in range(5):
        signed_in(member, user_agent=f"browser {index}").get("/accounts/settings/")
    with django_assert_max_num_queries(baseline):
        html = browser.get("/accounts/sessions/").content.decode()
    assert "browser 4" in html


def test_create_token_shows_it_once(member_client: Client, member: User) -> None:
    page = member_client.get("/accounts/tokens/")
    assert page.status_code == 200
    assert "You have no API tokens" in page.content.decode()

    response = member_client.post("/accounts/tokens/", {"name": "build server"})
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    html = response.content.decode()
    token = ApiToken.objects.get(user=member)
    raw = html.split('id="raw-token" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert user_for_api_token(raw) == member
    assert "will not be shown again" in html

    listing = member_client.get("/accounts/tokens/").content.decode()
    assert "build server" in listing
    assert token.prefix in listing
    assert raw not in listing


def test_create_token_needs_a_name(member_client: Client, member: User) -> None:
    response = member_client.post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_token(member_client: Client, member: User) -> None:
    token, raw = do_create_api_token(user=member, name="laptop script")
    url = f"/accounts/tokens/{token.pk}/revoke/"
    assert "Revoke the token" in member_client.get(url).content.decode()
    assert user_for_api_token(raw) == member  # GET changed nothing
    assert member_client.post(url).status_code == 302
    assert user_for_api_token(raw) is None
    listing = member_client.get("/accounts/tokens/").content.decode()
    assert '<th scope="row">laptop script</th>' not in listing
    assert "You have no API tokens" in listing
    assert AuditEvent.objects.filter(action="token.revoke", actor=member).exists()


def test_cannot_see_or_revoke_someone_elses_token(member_client: Client) -> None:
    other = UserFactory()
    token, raw = do_create_api_token(user=other, name="theirs")
    assert member_client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert member_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert user_for_api_token(raw) == other
    assert "theirs" not in member_client.get("/accounts/tokens/").content.decode()


def test_tokens_page_query_count_does_not_grow_with_tokens(
    member_client: Client, member: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    do_create_api_token(user=member, name="one")
    member_client.get("/accounts/tokens/")
    with django_assert_max_num_queries(10) as few:
        member_client.get("/accounts/tokens/")
    baseline = len(few.captured_queries)
    for index in range(10):
        do_create_api_token(user=member, name=f"token {index}")
    with django_assert_max_num_queries(baseline):
        html = member_client.get("/accounts/tokens/").content.decode()
    assert '<th scope="row">token 9</th>' in html


def test_guest_can_use_the_account_pages(guest: User) -> None:
    client = signed_in(guest)
    for url in ["/accounts/settings/", "/accounts/sessions/", "/accounts/tokens/"]:
        assert client.get(url).status_code == 200
    assert TEST_PASSWORD not in client.get("/accounts/settings/").content.decode()


@pytest.mark.django_db
def test_sessions_ended_elsewhere_are_not_listed():
    from django.contrib.sessions.models import Session

    from hallway.accounts.models import UserSession
    from hallway.accounts.selectors import own_sessions
    from hallway.core.permissions import viewer_for
    from hallway.core.tests.factories import UserFactory

    person = UserFactory()
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(person)
        client.get("/accounts/sessions/")
    assert UserSession.objects.filter(user=person).count() == 2
    Session.objects.filter(session_key=second.session.session_key).delete()
    assert [s.session_key for s in own_sessions(viewer_for(person))] == [first.session.session_key]
