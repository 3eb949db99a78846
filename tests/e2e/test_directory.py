"""The people directory in a real browser: live search, filters, paging, and without JavaScript."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, expect

from hallway.accounts.models import User
from hallway.core.tests.factories import (
    TEST_PASSWORD,
    LocationFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
)
from hallway.profiles.actions import do_update_profile
from tests.e2e.conftest import screenshot, sign_in

PAGE_SIZE = 20  # profiles.selectors.DEFAULT_PAGE_SIZE

FIRST_NAMES = [
    "Aiko", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines", "Jonas",
    "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
    "Ula", "Viktor", "Wen", "Ximena", "Yusuf", "Zora", "Anouk", "Bodhi", "Cyra", "Dario",
]  # fmt: skip
SEARCH_SURNAME = "Quillfeather"  # three people share it; nobody else's text starts with "quill"


@dataclass
class Directory:
    viewer: User
    names_by_team: dict[str, set[str]] = field(default_factory=dict)
    names_by_location: dict[str, set[str]] = field(default_factory=dict)
    names_by_skill: dict[str, set[str]] = field(default_factory=dict)
    searchable: set[str] = field(default_factory=set)
    everyone: set[str] = field(default_factory=set)


def build_directory() -> Directory:
    """Thirty people across two teams, two locations and two skills, plus the viewer."""
    teams = [
        TeamFactory(name="Platform", slug="platform"),
        TeamFactory(name="Design", slug="design"),
    ]
    locations = [LocationFactory(name="Berlin"), LocationFactory(name="Lisbon")]
    skills = [TopicFactory(name="Rust"), TopicFactory(name="Figma")]
    viewer = UserFactory(name="Viewer Vance")
    directory = Directory(viewer=viewer, everyone={viewer.name})
    for index, first in enumerate(FIRST_NAMES):
        surname = SEARCH_SURNAME if index in (4, 17, 25) else f"Person{index:02d}"
        person = UserFactory(name=f"{first} {surname}")
        team = teams[index % 2]
        location = locations[0 if index % 3 == 0 else 1]
        skill = skills[0 if index < 12 else 1]
        do_update_profile(
            actor=person,
            profile=person.profile,
            changes={
                "title": "Engineer" if team.name == "Platform" else "Designer",
                "team": team,
                "location": location,
                "skills": [skill.name],
            },
        )
        directory.names_by_team.setdefault(team.name, set()).add(person.name)
        directory.names_by_location.setdefault(location.name, set()).add(person.name)
        directory.names_by_skill.setdefault(skill.name, set()).add(person.name)
        directory.everyone.add(person.name)
        if surname == SEARCH_SURNAME:
            directory.searchable.add(person.name)
    return directory


def results(page: Page) -> Locator:
    return page.locator("#people-results")


def shown_names(page: Page) -> list[str]:
    """The names on the person cards currently shown, in order."""
    return [
        link.inner_text().strip()
        for link in results(page).get_by_role("heading", level=3).get_by_role("link").all()
    ]


def filter_form(page: Page) -> Locator:
    return page.get_by_role("search", name="People")


def test_typing_in_search_narrows_the_results_live(page: Page) -> None:
    directory = build_directory()
    sign_in(page, directory.viewer.email, TEST_PASSWORD)
    page.goto("/people/")
    cards = results(page).get_by_role("heading", level=3)
    expect(cards).to_have_count(PAGE_SIZE)
    # Survives an htmx swap, not a full page load.
    page.evaluate("window.__stillSamePage = true")

    page.get_by_label("Search people").press_sequentially("quill", delay=40)

    expect(cards).to_have_count(len(directory.searchable))
    assert set(shown_names(page)) == directory.searchable
    expect(page).to_have_url(re.compile(r"[?&]q=quill(&|$)"))
    assert page.evaluate("window.__stillSamePage === true"), "the search reloaded the page"
    expect(page.get_by_label("Search people")).to_have_value("quill")
    screenshot(page, "directory-live-search")

    # Clearing the box brings everyone back, still live.
    page.get_by_label("Search people").fill("")
    expect(cards).to_have_count(PAGE_SIZE)

    # A search nobody matches says so.
    page.get_by_label("Search people").press_sequentially("zzzqx", delay=40)
    expect(results(page)).to_contain_text("No one matches")
    expect(cards).to_have_count(0)
    assert page.evaluate("window.__stillSamePage === true")


def test_team_skill_and_location_filters_show_only_matching_people(page: Page) -> None:
    directory = build_directory()
    sign_in(page, directory.viewer.email, TEST_PASSWORD)
    page.goto("/people/")
    cards = results(page).get_by_role("heading", level=3)
    expect(cards).to_have_count(PAGE_SIZE)

    page.get_by_role("combobox", name="Team", exact=True).select_option(label="Platform")
    expected = directory.names_by_team["Platform"]
    expect(cards).to_have_count(len(expected))
    assert set(shown_names(page)) == expected
    expect(page).to_have_url(re.compile(r"[?&]team=\d+"))
    screenshot(page, "directory-team-filter")

    # Filters combine: Platform people who know Rust.
    page.get_by_role("combobox", name="Skill", exact=True).select_option(label="Rust")
    expected = directory.names_by_team["Platform"] & directory.names_by_skill["Rust"]
    expect(cards).to_have_count(len(expected))
    assert set(shown_names(page)) == expected
    expect(page).to_have_url(re.compile(r"[?&]skill=rust(&|$)"))

    page.get_by_role("combobox", name="Team", exact=True).select_option(label="Any team")
    expected = directory.names_by_skill["Rust"]
    expect(cards).to_have_count(len(expected))
    assert set(shown_names(page)) == expected

    page.get_by_role("combobox", name="Skill", exact=True).select_option(label="Any skill")
    page.get_by_role("combobox", name="Location", exact=True).select_option(label="Berlin")
    expected = directory.names_by_location["Berlin"]
    expect(cards).to_have_count(len(expected))
    assert set(shown_names(page)) == expected
    for card in results(page).get_by_role("listitem").filter(has=page.get_by_role("heading")).all():
        expect(card).to_contain_text("Berlin")
        expect(card).not_to_contain_text("Lisbon")


def test_next_page_pages_through_everyone_without_overlap(page: Page) -> None:
    directory = build_directory()
    sign_in(page, directory.viewer.email, TEST_PASSWORD)
    page.goto("/people/")
    cards = results(page).get_by_role("heading", level=3)
    expect(cards).to_have_count(PAGE_SIZE)
    first_page = shown_names(page)
    assert first_page == sorted(first_page), "the directory is ordered by name"

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"[?&]cursor="))
    expect(cards).to_have_count(len(directory.everyone) - PAGE_SIZE)
    second_page = shown_names(page)
    screenshot(page, "directory-second-page")

    assert not set(first_page) & set(second_page)
    assert set(first_page) | set(second_page) == directory.everyone
    assert first_page[-1] < second_page[0]
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="First page").first.click()
    expect(cards).to_have_count(PAGE_SIZE)
    assert shown_names(page) == first_page


def test_filters_work_without_javascript(new_page) -> None:  # type: ignore[no-untyped-def]
    directory = build_directory()
    page = new_page(java_script_enabled=False)
    sign_in(page, directory.viewer.email, TEST_PASSWORD)
    page.goto("/people/")
    cards = results(page).get_by_role("heading", level=3)
    expect(cards).to_have_count(PAGE_SIZE)

    page.get_by_role("combobox", name="Team", exact=True).select_option(label="Design")
    page.get_by_label("Search people").fill("quill")
    filter_form(page).get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"[?&]team=\d+"))
    expected = directory.names_by_team["Design"] & directory.searchable
    assert expected, "the test data must leave someone to find"
    expect(cards).to_have_count(len(expected))
    assert set(shown_names(page)) == expected
    # The filters keep their values on the new page.
    expect(page.get_by_role("combobox", name="Team", exact=True)).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Search people")).to_have_value("quill")
    screenshot(page, "directory-no-javascript")
