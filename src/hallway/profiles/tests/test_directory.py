"""The people directory: word-prefix search, filters, guests, keyset pages, query counts."""

from __future__ import annotations

import pytest

from hallway.core.cursors import BadCursor
from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GuestFactory,
    LocationFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
)
from hallway.profiles.actions import refresh_search_text
from hallway.profiles.models import Profile
from hallway.profiles.search import search_terms
from hallway.profiles.selectors import DirectoryFilters, people_directory

pytestmark = pytest.mark.django_db


def person(name: str, *, title: str = "", skills: tuple[str, ...] = (), **profile_fields):  # type: ignore[no-untyped-def]
    user = UserFactory(name=name)
    profile = Profile.objects.get(user=user)
    profile.title = title
    for key, value in profile_fields.items():
        setattr(profile, key, value)
    profile.save()
    if skills:
        profile.skills.set([TopicFactory(name=s, slug=s.lower().replace("+", "p")) for s in skills])
    refresh_search_text(profile)
    return user


def names(viewer_user, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    page = people_directory(viewer_for(viewer_user), DirectoryFilters(**filters), limit=100)
    return [u.name for u in page.results]


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    return {
        "maria": person("Maria Lopez", title="Engineer", skills=("Python",)),
        "mark": person("Mark Omar", title="Marketing Manager"),
        "ann": person("Ann Smith", title="Accountant", skills=("IFRS", "Kubernetes")),
        "zoe": person("Zoë Müller", title="Designer", skills=("C++",)),
        "tomas": person("Tomás Summer", title="Salesperson"),
    }


def test_word_prefix_search_on_name_title_and_skill(people) -> None:  # type: ignore[no-untyped-def]
    viewer = people["maria"]
    assert names(viewer, q="mar") == ["Maria Lopez", "Mark Omar"]  # Maria, Mark, Marketing
    assert names(viewer, q="MARKETING") == ["Mark Omar"]
    assert names(viewer, q="kube") == ["Ann Smith"]
    assert names(viewer, q="ann smi") == ["Ann Smith"]
    assert names(viewer, q="ann lopez") == []
    assert names(viewer, q="a smith") == ["Ann Smith"]
    assert names(viewer, q="m o") == ["Mark Omar"]
    assert names(viewer, q="s") == ["Ann Smith", "Tomás Summer"]
    assert names(viewer, q="omar") == ["Mark Omar"]
    assert names(viewer, q="mer") == []  # inside a word ("Summer") is not a word prefix
    assert names(viewer, q="zoë") == ["Zoë Müller"]
    assert names(viewer, q="müller") == ["Zoë Müller"]


@pytest.mark.parametrize(
    "query",
    ['C++', '"', "'", '"unbalanced', "AND", "OR NOT", "NEAR(a b)", "*", "a:*", "!&|", "()",
     "", "   ", "ümlaut ✓ 日本", "x" * 500, "a b c d e f g h i j k l", "\x00", "%_", "col:val"],
)  # fmt: skip
def test_odd_queries_never_raise(people, query: str) -> None:  # type: ignore[no-untyped-def]
    page = people_directory(viewer_for(people["ann"]), DirectoryFilters(q=query))
    assert isinstance(page.results, list)


def test_query_words_are_plain_words() -> None:
    assert search_terms('C++ "AND" near(x)') == ["c", "and", "near", "x"]
    assert search_terms("") == []
    assert len(search_terms(" ".join(f"w{i}" for i in range(20)))) == 8


def test_empty_query_lists_everyone_by_name(people) -> None:  # type: ignore[no-untyped-def]
    assert names(people["ann"]) == sorted(u.name for u in people.values())


def test_filters_team_subtree_location_skill_company(people) -> None:  # type: ignore[no-untyped-def]
    division = TeamFactory(name="Engineering", depth=1)
    department = TeamFactory(name="Platform", parent=division, depth=2)
    leaf = TeamFactory(name="Web", parent=department, depth=3)
    other = TeamFactory(name="Sales", depth=1)
    berlin = LocationFactory(name="Berlin")
    Profile.objects.filter(user=people["maria"]).update(team=leaf, location=berlin)
    Profile.objects.filter(user=people["mark"]).update(team=division)
    Profile.objects.filter(user=people["ann"]).update(team=other, location=berlin)
    viewer = people["zoe"]
    assert names(viewer, team_id=division.pk) == ["Maria Lopez", "Mark Omar"]
    assert names(viewer, team_id=department.pk) == ["Maria Lopez"]
    assert names(viewer, team_id=other.pk) == ["Ann Smith"]
    assert names(viewer, location_id=berlin.pk) == ["Ann Smith", "Maria Lopez"]
    assert names(viewer, skill_slug="ifrs") == ["Ann Smith"]
    assert names(viewer, skill_slug="ifrs", q="maria") == []
    assert names(viewer, team_id=division.pk, q="mar") == ["Maria Lopez", "Mark Omar"]
    assert names(viewer, location_id=berlin.pk, team_id=division.pk) == ["Maria Lopez"]
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    guest = GuestFactory(name="Grace Chen", company=acme)
    assert names(viewer, company_id=acme.pk) == ["Grace Chen"]
    assert names(viewer, company_id=people["ann"].company_id, q="ann") == ["Ann Smith"]
    assert guest.name not in names(viewer, company_id=people["ann"].company_id)


def test_guest_sees_only_allowed_people_and_fields(people) -> None:  # type: ignore[no-untyped-def]
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    grace = GuestFactory(name="Grace Chen", company=acme)
    colleague = GuestFactory(name="Gary Cole", company=acme)
    other = GuestFactory(name="Gina Other", company=CompanyFactory(name="Globex", slug="globex"))
    assert names(grace) == ["Gary Cole", "Grace Chen"]
    assert names(grace, q="ga") == ["Gary Cole"]
    assert names(grace, q="ann") == []  # members are not visible to this guest
    assert names(other) == ["Gina Other"]
    # Guests search names only and cannot filter on what they cannot see.
    Profile.objects.filter(user=colleague).update(title="Logistics Director")
    refresh_search_text(Profile.objects.get(user=colleague))
    assert names(grace, q="logistics") == []
    berlin = LocationFactory(name="Berlin")
    Profile.objects.filter(user=colleague).update(location=berlin, guest_visible_fields=["title"])
    assert names(grace, location_id=berlin.pk) == []
    Profile.objects.filter(user=colleague).update(guest_visible_fields=["title", "location"])
    assert names(grace, location_id=berlin.pk) == ["Gary Cole"]
    team = TeamFactory(name="Hidden")
    Profile.objects.filter(user=colleague).update(team=team)
    assert names(grace, team_id=team.pk) == []


def test_deactivated_and_invited_people_are_not_listed(people) -> None:  # type: ignore[no-untyped-def]
    people["mark"].is_active = False
    people["mark"].save()
    assert "Mark Omar" not in names(people["ann"], q="mar")
    assert "Mark Omar" not in names(people["ann"])


def test_cursor_pages_cover_everyone_once() -> None:
    everyone = [person(f"Same Name {i % 3}") for i in range(23)]
    viewer = everyone[0]
    seen: list[int] = []
    cursor = None
    for _ in range(20):
        page = people_directory(
            viewer_for(viewer), DirectoryFilters(q="same"), cursor=cursor, limit=5
        )
        seen.extend(u.pk for u in page.results)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(u.pk for u in everyone)
    assert len(seen) == len(set(seen))
    ordered = people_directory(viewer_for(viewer), DirectoryFilters(), limit=100).results
    assert seen == [u.pk for u in ordered]


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "W10", "WyJhIiwgImIiXQ", "bnVsbA"])
def test_bad_cursor_raises_bad_cursor(people, cursor: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadCursor):
        people_directory(viewer_for(people["ann"]), DirectoryFilters(), cursor=cursor)


@pytest.mark.parametrize("query", ["", "mar", "nomatchatall"])
def test_query_count_does_not_depend_on_page_size(
    people, django_assert_num_queries, query: str
) -> None:  # type: ignore[no-untyped-def]
    for i in range(60):
        person(f"Marta Extra {i:02d}", title="Engineer", skills=("Python", "Go"))
    viewer = viewer_for(people["ann"])
    counts = []
    for limit in (5, 50):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            page = people_directory(viewer, DirectoryFilters(q=query), limit=limit)
        counts.append(len(captured))
        if query != "nomatchatall":
            assert len(page.results) == limit
    assert counts[0] == counts[1]
    # list: page ids + people + skills; search: the index probe too; no match: the probe only.
    expected = {"": 3, "mar": 4, "nomatchatall": 1}[query]
    with django_assert_num_queries(expected):
        people_directory(viewer, DirectoryFilters(q=query), limit=50)


def test_dense_and_sparse_search_plans_agree(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Whether the match set is treated as small or large, the page is the same."""
    from hallway.profiles import search

    for i in range(12):
        person(f"Martin Many {i:02d}")
    expected = names(people["ann"], q="mar")
    monkeypatch.setattr(search, "SPARSE_LIMIT", 3)
    assert names(people["ann"], q="mar") == expected
    assert len(expected) == 14


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["garcia", "García", "GARCÍA", "garc"])
def test_search_ignores_accents_on_both_sides(query):
    from hallway.core.tests.factories import UserFactory
    from hallway.profiles.actions import do_update_profile

    viewer = UserFactory()
    person = UserFactory(name="Lucía García")
    do_update_profile(actor=person, profile=person.profile, changes={"title": "Ingeniería"})
    page = people_directory(viewer_for(viewer), DirectoryFilters(q=query))
    assert [p.pk for p in page.results] == [person.pk]
