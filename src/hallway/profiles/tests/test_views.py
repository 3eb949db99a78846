"""Pages for people: directory, profiles, editing, photos, org chart, teams, topics, follows."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from hallway.accounts.models import User
from hallway.core.tests.factories import (
    CompanyFactory,
    GuestFactory,
    LocationFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
    profile_of,
)
from hallway.profiles.actions import PHOTO_MAX_BYTES, do_update_profile
from hallway.profiles.models import Follow, Profile

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    # The first request records the browser session; later ones do not write.
    client.get(reverse("healthz"))
    return client


def png_bytes(size: tuple[int, int] = (300, 200), colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def make_people(count: int, **profile_fields: object) -> list[User]:
    people = []
    skill = TopicFactory(name="Kubernetes", slug="kubernetes")
    for _ in range(count):
        person = UserFactory(
            profile__title="Engineer", **{f"profile__{k}": v for k, v in profile_fields.items()}
        )
        person.profile.skills.add(skill)
        people.append(person)
    return people


@pytest.fixture
def member() -> User:
    return UserFactory(name="Mia Member")


@pytest.fixture
def member_client(member: User) -> Client:
    return client_for(member)


# --- Anonymous --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("people_directory", {}),
        ("my_profile", {}),
        ("person_edit", {}),
        ("person_photo_upload", {}),
        ("people_autocomplete", {}),
        ("team_list", {}),
        ("person_detail", {"user_id": 1}),
        ("person_photo", {"user_id": 1}),
        ("org_chart", {"user_id": 1}),
        ("team_detail", {"slug": "x"}),
        ("topic_detail", {"slug": "x"}),
    ],
)
def test_anonymous_is_sent_to_sign_in(client: Client, name: str, kwargs: dict) -> None:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Directory --------------------------------------------------------------------------------


def test_directory_lists_and_searches_people(member_client: Client) -> None:
    team = TeamFactory(name="Platform", slug="platform")
    location = LocationFactory(name="Lisbon")
    alice = UserFactory(
        name="Alice Ops", profile__title="SRE lead", profile__team=team, profile__location=location
    )
    bob = UserFactory(name="Bob Sales", profile__title="Account executive")
    do_update_profile(actor=alice, profile=profile_of(alice), changes={"skills": ["Terraform"]})

    page = member_client.get(reverse("people_directory"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alice Ops" in html and "Bob Sales" in html
    assert 'for="id_q">Search people<' in html
    for label in ("Team", "Location", "Skill", "Company"):
        assert f">{label}</label>" in html

    found = member_client.get(reverse("people_directory"), {"q": "terraform"}).content.decode()
    assert "Alice Ops" in found and "Bob Sales" not in found
    by_team = member_client.get(reverse("people_directory"), {"team": team.pk}).content.decode()
    assert "Alice Ops" in by_team and "Bob Sales" not in by_team
    by_skill = member_client.get(
        reverse("people_directory"), {"skill": "terraform"}
    ).content.decode()
    assert "Alice Ops" in by_skill and "Bob Sales" not in by_skill
    assert bob.pk


def test_directory_htmx_returns_only_the_results(member_client: Client) -> None:
    UserFactory(name="Zed Partial")
    response = member_client.get(reverse("people_directory"), {"q": "zed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="people-results"')
    assert "<html" not in html and "Zed Partial" in html
    assert "HX-Request" in response["Vary"]


def test_directory_pages_with_a_cursor(member_client: Client) -> None:
    make_people(25)
    first = member_client.get(reverse("people_directory")).content.decode()
    match = re.search(r'href="\?cursor=([^"&]+)"', first)
    assert match, "a Next page link with a cursor"
    second = member_client.get(reverse("people_directory"), {"cursor": match.group(1)})
    assert second.status_code == 200
    assert "First page" in second.content.decode()


def test_directory_bad_cursor_is_a_400_page(member_client: Client) -> None:
    response = member_client.get(reverse("people_directory"), {"cursor": "not-a-cursor!!"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_directory_bad_filter_is_a_400_not_500(member_client: Client) -> None:
    response = member_client.get(reverse("people_directory"), {"team": "abc", "skill": "nope"})
    assert response.status_code == 400


@pytest.mark.parametrize("count", [5, 30])
def test_directory_query_count_is_independent_of_page_size(
    member_client: Client, django_assert_max_num_queries, count: int
) -> None:
    make_people(count, location=LocationFactory(name="Porto"), team=TeamFactory())
    with django_assert_max_num_queries(9):
        response = member_client.get(reverse("people_directory"))
    assert response.status_code == 200


def test_guest_directory_shows_only_their_company_and_guest_fields() -> None:
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    guest = GuestFactory(company=acme)
    colleague = GuestFactory(
        name="Gina Guest", company=acme, profile__title="Buyer", profile__phone="+1 555 0100"
    )
    colleague.profile.guest_visible_fields = ["phone"]
    colleague.profile.save()
    UserFactory(name="Hidden Member")
    other = GuestFactory(name="Other Guest", company=CompanyFactory(name="Globex", slug="globex"))
    html = client_for(guest).get(reverse("people_directory")).content.decode()
    assert "Gina Guest" in html
    assert "Buyer" not in html  # title is not guest-visible for this person
    assert "Hidden Member" not in html and other.name not in html
    assert ">Team</label>" not in html


def test_autocomplete_returns_at_most_ten_visible_people(member_client: Client) -> None:
    for n in range(14):
        UserFactory(name=f"Auto Person {n:02d}")
    html = member_client.get(reverse("people_autocomplete"), {"q": "auto"}).content.decode()
    assert html.count("<option") == 10
    guest_html = client_for(GuestFactory()).get(reverse("people_autocomplete"), {"q": "auto"})
    assert "<option" not in guest_html.content.decode()


# --- Profile page -----------------------------------------------------------------------------


def test_profile_page_shows_fields_manager_reports_and_skills(member_client: Client) -> None:
    boss = UserFactory(name="Boss Person")
    person = UserFactory(
        name="Pat Profile",
        profile__title="Data engineer",
        profile__manager=boss,
        profile__working_on="The new pipeline",
        profile__phone="+1 555 0199",
    )
    report = UserFactory(name="Rae Report", profile__manager=person)
    do_update_profile(actor=person, profile=profile_of(person), changes={"skills": ["Python"]})
    html = member_client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "Pat Profile" in html and "Data engineer" in html and "The new pipeline" in html
    assert "+1 555 0199" in html
    assert reverse("person_detail", args=[boss.pk]) in html
    assert reverse("person_detail", args=[report.pk]) in html
    assert reverse("topic_detail", args=["python"]) in html
    assert reverse("org_chart", args=[person.pk]) in html
    assert reverse("person_edit_other", args=[person.pk]) not in html
    assert ">Follow" in html


def test_own_profile_has_edit_link_and_me_redirects(member: User, member_client: Client) -> None:
    response = member_client.get(reverse("my_profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[member.pk])
    html = member_client.get(response["Location"]).content.decode()
    assert reverse("person_edit") in html and "Edit profile" in html


def test_deactivated_person_shows_a_badge(member_client: Client) -> None:
    from django.utils import timezone

    gone = UserFactory(name="Gone Person")
    User.objects.filter(pk=gone.pk).update(is_active=False, deactivated_at=timezone.now())
    html = member_client.get(reverse("person_detail", args=[gone.pk])).content.decode()
    assert "Deactivated" in html


def test_missing_person_is_404(member_client: Client) -> None:
    assert member_client.get(reverse("person_detail", args=[999_999])).status_code == 404


def test_guest_sees_only_guest_visible_fields() -> None:
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    guest = GuestFactory(company=acme)
    colleague = GuestFactory(
        company=acme,
        name="Visible Colleague",
        profile__title="Secret title",
        profile__working_on="Visible work",
        profile__phone="+1 555 0142",
        profile__bio="Hidden bio text",
    )
    colleague.profile.guest_visible_fields = ["working_on"]
    colleague.profile.save()
    html = client_for(guest).get(reverse("person_detail", args=[colleague.pk])).content.decode()
    assert "Visible Colleague" in html and "Visible work" in html
    assert "Secret title" not in html
    assert "+1 555 0142" not in html
    assert "Hidden bio text" not in html
    assert "Org chart" not in html


def test_guest_gets_404_for_hidden_people_teams_and_org_chart() -> None:
    guest = GuestFactory()
    member = UserFactory(name="Host Member")
    team = TeamFactory(slug="secret-team")
    client = client_for(guest)
    assert client.get(reverse("person_detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("person_photo", args=[member.pk])).status_code == 404
    assert client.get(reverse("org_chart", args=[guest.pk])).status_code == 404
    assert client.get(reverse("team_list")).status_code == 404
    assert client.get(reverse("team_detail", args=[team.slug])).status_code == 404
    assert client.post(reverse("person_follow", args=[member.pk])).status_code == 404
    assert not Follow.objects.filter(follower=guest).exists()


@pytest.mark.parametrize("reports", [5, 30])
def test_profile_query_count_is_independent_of_reports(
    member_client: Client, django_assert_max_num_queries, reports: int
) -> None:
    boss = UserFactory(name="Boss")
    person = UserFactory(name="Middle Manager", profile__manager=boss, profile__team=TeamFactory())
    do_update_profile(actor=person, profile=profile_of(person), changes={"skills": ["Go", "Rust"]})
    make_people(reports, manager=person)
    # 8 for the profile; its "Posts by" section adds the viewer's labels (3), the page (1)
    # and, when there are posts, their cards' hydration (up to 8).
    with django_assert_max_num_queries(20):
        response = member_client.get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == 200


# --- Editing ----------------------------------------------------------------------------------


def test_edit_form_has_stable_labels(member_client: Client) -> None:
    html = member_client.get(reverse("person_edit")).content.decode()
    for label in (
        "Title",
        "Team",
        "Location",
        "Manager",
        "Skills",
        "Working on",
        "Ask me about",
        "Bio",
    ):
        assert f">{label}</label>" in html
    assert "Save profile" in html
    assert 'id="id_guest_title"' in html


def test_edit_profile_happy_path(member: User, member_client: Client) -> None:
    team = TeamFactory(name="Data", slug="data")
    location = LocationFactory(name="Berlin")
    boss = UserFactory(name="Ber Boss", email="boss@northwind.example")
    response = member_client.post(
        reverse("person_edit"),
        {
            "name": "Mia Renamed",
            "title": "Analyst",
            "team": team.pk,
            "location": location.pk,
            "manager": "boss@northwind.example",
            "skills": "SQL, dbt , ",
            "ask_me_about": "dashboards",
            "working_on": "Quarterly metrics",
            "bio": "Hello",
            "languages": "English",
            "phone": "+49 30 1234",
            "contact_email": "mia@example.com",
            "guest_title": "on",
            "guest_skills": "on",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.select_related("user").get(user=member)
    assert profile.user.name == "Mia Renamed"
    assert profile.title == "Analyst" and profile.team == team and profile.location == location
    assert profile.manager == boss
    assert sorted(profile.skills.values_list("name", flat=True)) == ["SQL", "dbt"]
    assert sorted(profile.guest_visible_fields) == ["skills", "title"]


def test_edit_profile_manager_by_unique_name(member: User, member_client: Client) -> None:
    boss = UserFactory(name="Unique Boss")
    response = member_client.post(reverse("person_edit"), {"name": "Mia", "manager": "unique boss"})
    assert response.status_code == 302
    assert profile_of(member).manager == boss


def test_edit_profile_errors_save_nothing(member: User, member_client: Client) -> None:
    before = profile_of(member)
    response = member_client.post(
        reverse("person_edit"),
        {
            "name": "",
            "title": "New title",
            "manager": "nobody@nowhere.example",
            "contact_email": "bad",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "No one with that name or email address." in html
    after = profile_of(member)
    assert after.title == before.title
    member.refresh_from_db()
    assert member.name == "Mia Member"


def test_edit_profile_action_errors_are_shown_per_field(
    member: User, member_client: Client
) -> None:
    response = member_client.post(
        reverse("person_edit"), {"name": "Mia", "title": "t", "manager": member.email}
    )
    assert response.status_code == 400
    assert "cannot be their own manager" in response.content.decode()
    assert profile_of(member).title == ""


def test_edit_other_needs_admin(member_client: Client) -> None:
    other = UserFactory(name="Other One")
    assert member_client.get(reverse("person_edit_other", args=[other.pk])).status_code == 403
    admin = UserFactory(is_network_admin=True)
    admin_client = client_for(admin)
    assert admin_client.get(reverse("person_edit_other", args=[other.pk])).status_code == 200
    response = admin_client.post(
        reverse("person_edit_other", args=[other.pk]),
        {"name": "Other One", "title": "Set by admin"},
    )
    assert response.status_code == 302
    assert profile_of(other).title == "Set by admin"


def test_guest_edit_form_has_no_team_or_manager() -> None:
    guest = GuestFactory()
    client = client_for(guest)
    html = client.get(reverse("person_edit")).content.decode()
    assert 'name="manager"' not in html and 'name="team"' not in html
    response = client.post(reverse("person_edit"), {"name": "Guest Renamed", "title": "Buyer"})
    assert response.status_code == 302
    assert profile_of(guest).title == "Buyer"


# --- Photos -----------------------------------------------------------------------------------


def test_photo_upload_and_serving(member: User, member_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = member_client.post(reverse("person_photo_upload"), {"photo": upload})
    assert response.status_code == 302
    assert profile_of(member).photo
    photo = member_client.get(reverse("person_photo", args=[member.pk]))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert "private" in photo["Cache-Control"]
    again = member_client.get(
        reverse("person_photo", args=[member.pk]), HTTP_IF_NONE_MATCH=photo["ETag"]
    )
    assert again.status_code == 304
    removed = member_client.post(reverse("person_photo_upload"), {"remove": "1"})
    assert removed.status_code == 302
    assert not profile_of(member).photo


def test_photo_upload_rejects_non_images_and_big_files(member: User, member_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_image = SimpleUploadedFile("x.png", b"this is text", content_type="image/png")
    response = member_client.post(reverse("person_photo_upload"), {"photo": not_image})
    assert response.status_code == 400
    assert "not an image" in response.content.decode()
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG" + b"0" * PHOTO_MAX_BYTES, content_type="image/png"
    )
    response = member_client.post(reverse("person_photo_upload"), {"photo": big})
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not profile_of(member).photo


def test_initials_avatar_is_escaped_svg(member_client: Client) -> None:
    person = UserFactory(name="<script>alert(1)</script> &Bob")
    response = member_client.get(reverse("person_photo", args=[person.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "<script" not in body
    assert "&lt;" in body and "&amp;" in body
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # Deterministic: the same person gets the same picture.
    assert member_client.get(reverse("person_photo", args=[person.pk])).content.decode() == body


# --- Follows ----------------------------------------------------------------------------------


def test_follow_and_unfollow_a_person(member: User, member_client: Client) -> None:
    other = UserFactory()
    url = reverse("person_follow", args=[other.pk])
    assert member_client.post(url, {"action": "follow"}).status_code == 302
    assert Follow.objects.filter(follower=member, person=other).exists()
    partial = member_client.post(url, {"action": "unfollow"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert 'value="follow"' in partial.content.decode()
    assert not Follow.objects.filter(follower=member, person=other).exists()
    assert member_client.get(url).status_code == 405


def test_follow_self_is_refused(member: User, member_client: Client) -> None:
    member_client.post(reverse("person_follow", args=[member.pk]))
    assert not Follow.objects.filter(follower=member).exists()


def test_topic_page_lists_people_and_follows(member: User, member_client: Client) -> None:
    expert = UserFactory(name="Kay Expert")
    do_update_profile(actor=expert, profile=profile_of(expert), changes={"skills": ["Kafka"]})
    UserFactory(name="Not Expert")
    html = member_client.get(reverse("topic_detail", args=["kafka"])).content.decode()
    assert "Kay Expert" in html and "Not Expert" not in html
    member_client.post(reverse("topic_follow", args=["kafka"]))
    assert Follow.objects.filter(follower=member, topic__slug="kafka").exists()
    assert member_client.get(reverse("topic_detail", args=["nope"])).status_code == 404


# --- Org chart and teams ----------------------------------------------------------------------


def _chain(depth: int) -> list[User]:
    people = [UserFactory(name=f"Level {0:02d}")]
    for level in range(1, depth):
        people.append(UserFactory(name=f"Level {level:02d}", profile__manager=people[-1]))
    return people


def test_org_chart_shows_chain_reports_and_peers(member_client: Client) -> None:
    chain = _chain(4)
    person = chain[-1]
    peer = UserFactory(name="Pia Peer", profile__manager=chain[-2])
    report = UserFactory(name="Rob Report", profile__manager=person)
    html = member_client.get(reverse("org_chart", args=[person.pk])).content.decode()
    chain_html = html[html.index('class="org-chain"') :]
    positions = [chain_html.index(f"Level {n:02d}") for n in range(4)]
    assert positions == sorted(positions)  # top of the chain first
    assert "Pia Peer" in html and "Rob Report" in html
    assert (
        reverse("org_chart", args=[peer.pk]) in html
        and reverse("org_chart", args=[report.pk]) in html
    )


@pytest.mark.parametrize(("depth", "reports"), [(2, 5), (9, 30)])
def test_org_chart_query_count_is_bounded(
    member_client: Client, django_assert_max_num_queries, depth: int, reports: int
) -> None:
    chain = _chain(depth)
    make_people(reports, manager=chain[-1])
    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("org_chart", args=[chain[-1].pk]))
    assert response.status_code == 200


def test_org_chart_survives_a_loop(member_client: Client) -> None:
    a = UserFactory(name="Loop A")
    b = UserFactory(name="Loop B", profile__manager=a)
    Profile.objects.filter(user=a).update(manager=b)  # bypasses validation on purpose
    response = member_client.get(reverse("org_chart", args=[a.pk]))
    assert response.status_code == 200


def test_team_pages(member_client: Client) -> None:
    lead = UserFactory(name="Lena Lead")
    root = TeamFactory(name="Engineering", slug="engineering", lead=lead)
    child = TeamFactory(name="Platform", slug="platform", parent=root, depth=1)
    UserFactory(name="Tom Teammate", profile__team=child)
    UserFactory(name="Outside Person")
    tree = member_client.get(reverse("team_list")).content.decode()
    assert tree.index("Engineering") < tree.index("Platform")
    html = member_client.get(reverse("team_detail", args=["platform"])).content.decode()
    assert "Tom Teammate" in html and "Outside Person" not in html
    assert reverse("team_detail", args=["engineering"]) in html  # breadcrumb
    root_html = member_client.get(reverse("team_detail", args=["engineering"])).content.decode()
    assert "Lena Lead" in root_html and reverse("team_detail", args=["platform"]) in root_html
    assert member_client.get(reverse("team_detail", args=["missing"])).status_code == 404
