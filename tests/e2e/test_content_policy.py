"""Content policies in a real browser: a salesperson is blocked from posting a card number
into an external group, confirms a warning with a justification in a confidential group,
and the compliance officer finds both decisions in the audit log."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from hallway.core.tests.factories import (
    TEST_PASSWORD,
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
)
from hallway.policy.actions import install_default_policy
from hallway.policy.models import PolicyDecision, PolicyRule
from hallway.posts.models import Post
from tests.e2e.conftest import screenshot, sign_in

POST_URL = re.compile(r"/posts/(\d+)/$")


def test_block_warn_and_the_audit_log(new_page) -> None:  # type: ignore[no-untyped-def]
    install_default_policy()  # the live server's database was flushed: a new network
    PolicyRule.objects.create(
        name="IBANs in confidential groups",
        detector="iban",
        destination="label_at_most",
        max_sensitivity="restricted",
        action="warn",
        position=35,
    )
    acme = CompanyFactory(name="Acme Ltd", slug="acme-ltd")
    sam = UserFactory(name="Sam Sales")
    chloe = UserFactory(name="Chloe Compliance", is_compliance_officer=True)
    deal_room = GroupFactory(
        name="Acme deal room",
        slug="acme-deal-room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[acme],
    )
    board = GroupFactory(
        name="Board prep",
        slug="board-prep",
        visibility="private",
        join_policy="invite",
        sensitivity="confidential",
    )
    add_member(deal_room, sam, role="owner")
    add_member(deal_room, GuestFactory(name="Gil Guest", company=acme))
    add_member(board, sam, role="owner")

    page = new_page()
    sign_in(page, sam.email, TEST_PASSWORD)

    # 1. A card number in the external group: blocked, with the rule and why.
    page.goto(f"/groups/{deal_room.slug}/")
    composer = page.get_by_role("region", name="Post in Acme deal room")
    expect(composer.get_by_role("status")).to_contain_text(
        "2 people, including 1 guest from Acme Ltd, can read this."
    )
    composer.get_by_label("What do you want to share?").fill(
        "Acme's card for the renewal: 4111 1111 1111 1111"
    )
    composer.get_by_role("button", name="Post", exact=True).click()
    message = page.locator(".field-error").filter(has_text="Blocked")
    expect(message).to_contain_text("Blocked by the policy “Payment card numbers”")
    expect(message).to_contain_text("•••• •••• •••• 1111")
    expect(composer.get_by_label("What do you want to share?")).to_have_attribute(
        "aria-invalid", "true"
    )
    screenshot(page, "policy-blocked")
    assert not Post.objects.exists()

    # 2. An IBAN in the confidential group: warned, confirmed with a justification.
    page.goto(f"/groups/{board.slug}/")
    composer = page.get_by_role("region", name="Post in Board prep")
    expect(composer.get_by_role("status")).to_contain_text("labelled confidential")
    composer.get_by_label("What do you want to share?").fill(
        "Refund to DE89 3704 0044 0532 0130 00 approved."
    )
    composer.get_by_role("button", name="Post", exact=True).click()
    warning = page.get_by_role("alert").filter(has_text="Check before you post")
    expect(warning).to_contain_text("IBANs in confidential groups")
    page.get_by_label("Why is this fine to share here? (recorded)").fill(
        "The board approved this refund"
    )
    screenshot(page, "policy-warned")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(POST_URL)
    expect(page.get_by_role("status").filter(has_text="Posted.")).to_be_visible()
    assert PolicyDecision.objects.get(action="warn").justification == (
        "The board approved this refund"
    )

    # 3. The compliance officer sees both decisions in the audit log.
    officer = new_page()
    sign_in(officer, chloe.email, TEST_PASSWORD)
    officer.goto("/policy/audit/")
    officer.get_by_label("Action").fill("policy.")
    officer.get_by_role("button", name="Filter").click()
    rows = officer.locator("table.audit tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="policy.block")).to_contain_text("Payment card numbers")
    expect(rows.filter(has_text="policy.warn")).to_contain_text("The board approved this refund")
    expect(rows.first).to_contain_text("Sam Sales")
    screenshot(officer, "policy-audit-log")
