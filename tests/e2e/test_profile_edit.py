"""Editing a profile in a real browser, and what guests then see of it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from hallway.core.tests.factories import TEST_PASSWORD, GuestFactory, UserFactory, profile_of
from hallway.profiles.actions import do_update_profile
from tests.e2e.conftest import screenshot, sign_in


def about_section(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="About")


def test_member_edits_their_profile_and_sees_the_new_values(page: Page) -> None:
    ada = UserFactory(name="Ada Lovelace")
    do_update_profile(
        actor=ada, profile=ada.profile, changes={"title": "Engineer", "skills": ["Python"]}
    )
    sign_in(page, ada.email, TEST_PASSWORD)

    page.goto("/people/me/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Engineer")
    # Title is shown to guests by default; "working on" is not.
    show_title = page.get_by_label("Show title to guests")
    show_working_on = page.get_by_label("Show working on to guests")
    expect(show_title).to_be_checked()
    expect(show_working_on).not_to_be_checked()

    page.get_by_label("Title", exact=True).fill("Staff engineer")
    page.get_by_label("Working on", exact=True).fill("The new search index")
    page.get_by_label("Skills", exact=True).fill("Rust, Distributed systems")
    show_title.uncheck()
    show_working_on.check()
    screenshot(page, "profile-edit-form")
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(re.compile(rf"/people/{ada.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")
    expect(page.locator(".profile__title")).to_have_text("Staff engineer")
    expect(about_section(page)).to_contain_text("The new search index")
    skills = about_section(page).get_by_role("list", name="Skills").get_by_role("link")
    expect(skills).to_have_text(["Distributed systems", "Rust"])
    expect(about_section(page)).not_to_contain_text("Python")
    screenshot(page, "profile-after-edit")

    profile = profile_of(ada)
    assert profile.title == "Staff engineer"
    assert profile.working_on == "The new search index"
    assert "title" not in profile.guest_visible_fields
    assert "working_on" in profile.guest_visible_fields
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Distributed systems", "Rust"]

    # The choices stick when the form is opened again.
    page.goto("/people/me/edit/")
    expect(page.get_by_label("Show title to guests")).not_to_be_checked()
    expect(page.get_by_label("Show working on to guests")).to_be_checked()
    expect(page.get_by_label("Skills", exact=True)).to_have_value(
        re.compile(r"^(Rust, Distributed systems|Distributed systems, Rust)$")
    )


def test_invalid_input_shows_field_errors_and_saves_nothing(page: Page) -> None:
    ada = UserFactory(name="Ada Lovelace")
    do_update_profile(
        actor=ada,
        profile=ada.profile,
        changes={"title": "Engineer", "working_on": "Compilers", "contact_email": ""},
    )
    sign_in(page, ada.email, TEST_PASSWORD)
    page.goto("/people/me/edit/")

    title = page.get_by_label("Title", exact=True)
    expect(title).to_have_attribute("maxlength", "150")
    # A person can paste past the limit with a browser that ignores maxlength.
    title.evaluate("input => input.removeAttribute('maxlength')")
    title.fill("x" * 400)
    page.get_by_label("Working on", exact=True).fill("Something new")
    page.get_by_label("Contact email", exact=True).fill("not an email")
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(re.compile(r"/people/me/edit/$"))
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    title_field = page.locator(".field").filter(has=page.get_by_label("Title", exact=True))
    expect(title_field.locator(".field-error")).to_contain_text("at most 150 characters")
    expect(page.get_by_label("Title", exact=True)).to_have_attribute("aria-invalid", "true")
    email_field = page.locator(".field").filter(has=page.get_by_label("Contact email", exact=True))
    expect(email_field.locator(".field-error")).to_contain_text("valid email address")
    # What the person typed is kept so they can fix it.
    expect(page.get_by_label("Working on", exact=True)).to_have_value("Something new")
    screenshot(page, "profile-edit-errors")

    profile = profile_of(ada)
    assert profile.title == "Engineer"
    assert profile.working_on == "Compilers"
    assert profile.contact_email == ""

    page.goto(f"/people/{ada.pk}/")
    expect(page.locator(".profile__title")).to_have_text("Engineer")
    expect(about_section(page)).to_contain_text("Compilers")


def test_guest_colleague_sees_only_the_guest_visible_fields(new_page) -> None:  # type: ignore[no-untyped-def]
    gina = GuestFactory(name="Gina Guest")
    colleague = GuestFactory(name="Colin Colleague")
    member = UserFactory(name="Mia Member")
    assert gina.company_id == colleague.company_id

    # Gina fills in her profile; "working on" stays member-only, her phone is for guests too.
    page = new_page()
    sign_in(page, gina.email, TEST_PASSWORD)
    page.goto("/people/me/edit/")
    # Guests do not place themselves in the internal team tree.
    expect(page.get_by_label("Team", exact=True)).to_have_count(0)
    expect(page.get_by_label("Manager", exact=True)).to_have_count(0)
    page.get_by_label("Title", exact=True).fill("Logistics lead")
    page.get_by_label("Working on", exact=True).fill("Project Kestrel")
    page.get_by_label("Phone", exact=True).fill("+31 20 555 0100")
    expect(page.get_by_label("Show title to guests")).to_be_checked()
    page.get_by_label("Show working on to guests").uncheck()
    page.get_by_label("Show phone to guests").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    # Gina herself sees everything she entered.
    expect(about_section(page)).to_contain_text("Project Kestrel")

    colleague_page = new_page()
    sign_in(colleague_page, colleague.email, TEST_PASSWORD)
    colleague_page.goto(f"/people/{gina.pk}/")
    expect(colleague_page.get_by_role("heading", level=1)).to_contain_text("Gina Guest")
    expect(colleague_page.locator(".profile__title")).to_have_text("Logistics lead")
    expect(colleague_page.get_by_role("region", name="Contact")).to_contain_text("+31 20 555 0100")
    expect(colleague_page.locator("main")).not_to_contain_text("Project Kestrel")
    expect(colleague_page.locator("main")).not_to_contain_text("Working on")
    expect(colleague_page.get_by_role("link", name="Edit profile")).to_have_count(0)
    screenshot(colleague_page, "profile-seen-by-guest")

    # A member sees the member-only field too.
    member_page = new_page()
    sign_in(member_page, member.email, TEST_PASSWORD)
    member_page.goto(f"/people/{gina.pk}/")
    expect(about_section(member_page)).to_contain_text("Project Kestrel")
