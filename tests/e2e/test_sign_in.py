"""Signing in and out in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from hallway.core.tests.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import PASSWORD_LABEL, screenshot, sign_in

LOGIN_URL = re.compile(r"/accounts/login/")


def test_sign_in_with_the_right_password_lands_on_home(page: Page) -> None:
    person = UserFactory(name="Ada Lovelace", email="ada@northwind.example")

    sign_in(page, "ada@northwind.example", TEST_PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person.name}")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    screenshot(page, "sign-in-home")


def test_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(page: Page) -> None:
    UserFactory(name="Ada Lovelace", email="ada@northwind.example")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@northwind.example")
    page.get_by_label(PASSWORD_LABEL).fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not correct")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    # The email stays filled in; the password does not.
    expect(page.get_by_label("Email")).to_have_value("ada@northwind.example")
    expect(page.get_by_label(PASSWORD_LABEL)).to_have_value("")
    # Not signed in: the person menu is not there and protected pages still redirect.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    screenshot(page, "sign-in-wrong-password")
    page.goto("/people/")
    expect(page).to_have_url(LOGIN_URL)


def test_sign_out_from_the_user_menu(page: Page) -> None:
    person = UserFactory(name="Ada Lovelace")
    sign_in(page, person.email, TEST_PASSWORD)

    # The user menu is a <details> whose summary shows the person's name.
    page.get_by_role("banner").get_by_text(person.name).click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    sign_out.click()

    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text(person.name)).to_have_count(0)
    screenshot(page, "sign-out")

    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
