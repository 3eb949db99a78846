"""What a guest from an external company can and cannot see, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from hallway.core.tests.factories import (
    TEST_PASSWORD,
    CompanyFactory,
    GuestFactory,
    TeamFactory,
    UserFactory,
)
from hallway.profiles.actions import do_update_profile
from tests.e2e.conftest import screenshot, sign_in


def expect_not_found(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 404, path
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_guest_sees_only_their_own_company_and_no_internal_pages(page: Page) -> None:
    gina = GuestFactory(name="Gina Guest")
    colin = GuestFactory(name="Colin Colleague")
    outsider = GuestFactory(
        name="Otto Outsider", company=CompanyFactory(name="Globex", slug="globex")
    )
    member = UserFactory(name="Mia Member")
    do_update_profile(
        actor=member, profile=member.profile, changes={"team": TeamFactory(name="Platform")}
    )

    sign_in(page, gina.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Gina Guest")

    page.goto("/people/")
    results = page.locator("#people-results")
    names = results.get_by_role("heading", level=3)
    expect(names).to_have_count(2)
    expect(names).to_have_text([re.compile("^Colin Colleague"), re.compile("^Gina Guest")])
    expect(results).not_to_contain_text("Mia Member")
    expect(results).not_to_contain_text("Otto Outsider")
    # The team tree is internal: no team filter, no link to it.
    expect(page.get_by_role("combobox", name="Team", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Browse teams")).to_have_count(0)
    screenshot(page, "guest-directory")

    # Searching for a member finds no one.
    page.get_by_label("Search people").press_sequentially("Mia", delay=40)
    expect(results).to_contain_text("No one matches")
    expect(names).to_have_count(0)

    # A colleague's profile opens, without the internal org chart.
    page.goto(f"/people/{colin.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Colin Colleague")
    expect(page.get_by_role("link", name="Org chart")).to_have_count(0)

    # Members, other companies' guests, teams and org charts look like they do not exist.
    expect_not_found(page, f"/people/{member.pk}/")
    expect_not_found(page, f"/people/{outsider.pk}/")
    expect_not_found(page, "/people/teams/")
    expect_not_found(page, f"/people/{colin.pk}/org/")
    screenshot(page, "guest-not-found")


def test_anonymous_visitor_is_sent_to_sign_in(page: Page) -> None:
    member = UserFactory(name="Mia Member")
    for path in ("/", "/people/", f"/people/{member.pk}/", f"/people/{member.pk}/org/"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Mia Member")
