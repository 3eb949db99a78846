"""Home page, layout and error pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hallway.accounts.models import User
from hallway.core.tests.factories import GuestFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("healthz"))
    return client


def test_anonymous_home_redirects_to_sign_in(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_healthz_answers_without_login(client: Client) -> None:
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_home_shows_completeness_team_and_new_people() -> None:
    team = TeamFactory(name="Platform", slug="platform")
    me = UserFactory(name="Me Myself", profile__team=team)
    UserFactory(name="Tia Teammate", profile__team=team)
    UserFactory(name="Newest Person")
    html = client_for(me).get(reverse("home")).content.decode()
    assert "Welcome, Me Myself" in html
    assert "complete" in html and reverse("person_edit") in html
    assert (
        "your title" in html and "team" not in html.split("Help people find you")[1].split(".")[0]
    )
    assert "Tia Teammate" in html and "Newest Person" in html


def test_home_has_landmarks_skip_link_and_user_menu() -> None:
    admin = UserFactory(is_network_admin=True)
    html = client_for(admin).get(reverse("home")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html and 'aria-label="Main"' in html and 'role="search"' in html
    assert reverse("people_directory") in html and reverse("company_list") in html
    assert f'action="{reverse("account_logout")}"' in html and 'method="post"' in html
    assert reverse("my_profile") in html
    assert 'aria-current="page"' in html


def test_guest_home_hides_internal_people() -> None:
    guest = GuestFactory()
    UserFactory(name="Internal Person")
    html = client_for(guest).get(reverse("home")).content.decode()
    assert "Internal Person" not in html
    assert "Manage people" not in html


def test_404_page_uses_the_layout() -> None:
    response = client_for(UserFactory()).get("/people/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_home_query_count_is_fixed(django_assert_max_num_queries) -> None:
    team = TeamFactory()
    me = UserFactory(profile__team=team)
    for _ in range(12):
        UserFactory(profile__team=team)
    from hallway.core.tests.factories import PostFactory

    for _ in range(25):
        PostFactory(author=me)  # the home feed: its page of 20 and the post cards
    client = client_for(me)
    # 9 for the welcome, team and newcomers; the feed adds the viewer's labels (3), sources
    # (3), pinned announcements, the per-source floor and page (3), the hydration and post
    # cards (up to 8) and the composer's announcement check (2). None depends on how many
    # posts there are (the hallway.feed tests compare page sizes).
    with django_assert_max_num_queries(30):
        assert client.get(reverse("home")).status_code == 200
