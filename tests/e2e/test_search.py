"""Search in a real browser: a member searches from the box on every page, sees a hint about
a private group, requests access; the owner approves; the member now reads the post."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from hallway.core.tests.factories import TEST_PASSWORD, GroupFactory, UserFactory, add_member
from hallway.groups.models import Group
from hallway.posts.actions import do_create_post
from tests.e2e.conftest import screenshot, sign_in


def test_hint_request_access_approve_then_read(new_page) -> None:  # type: ignore[no-untyped-def]
    olga = UserFactory(name="Olga Owner")
    mo = UserFactory(name="Mo Member")
    bid = GroupFactory(
        name="Bid team Acme",
        slug="bid-team-acme",
        visibility="private",
        join_policy="request",
        hints=Group.Hints.TITLES,
    )
    add_member(bid, olga, role="owner")
    for n in range(3):
        do_create_post(
            author=olga,
            title=f"Acme warehouse pricing {n + 1}",
            body=f"Confidential numbers for option {n + 1}: the warehouse discount.",
            group=bid,
        )

    member = new_page()
    sign_in(member, mo.email, TEST_PASSWORD)
    member.get_by_role("searchbox", name="Search").first.fill("warehouse")
    member.get_by_role("searchbox", name="Search").first.press("Enter")
    expect(member).to_have_url(re.compile(r"/search/\?q=warehouse"))
    hint = member.locator(".search-hint")
    expect(hint).to_contain_text("3 matching posts in the private group Bid team Acme")
    expect(hint).to_contain_text("owner: Olga Owner")
    expect(hint).to_contain_text("Acme warehouse pricing 1")
    expect(member.locator("body")).not_to_contain_text("Confidential numbers")
    screenshot(member, "search-hint")
    hint.get_by_role("link", name="Request access").click()
    member.get_by_label(re.compile("Reason|Why")).fill("I am on the Acme renewal.")
    member.get_by_role("button", name="Send request").click()
    expect(member.get_by_role("status")).to_contain_text("You asked to join")

    owner = new_page()
    sign_in(owner, olga.email, TEST_PASSWORD)
    owner.goto("/groups/bid-team-acme/requests/")
    owner.get_by_role("button", name="Approve Mo Member").click()
    expect(owner.locator("body")).not_to_contain_text("Approve Mo Member")

    member.goto("/search/?q=warehouse")
    expect(member.locator(".search-hint")).to_have_count(0)
    results = member.locator(".search-result--post")
    expect(results).to_have_count(3)
    results.first.get_by_role("link", name=re.compile("Acme warehouse pricing")).click()
    expect(member.locator("body")).to_contain_text("Confidential numbers for option")
    screenshot(member, "search-after-access")
