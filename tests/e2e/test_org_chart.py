"""The org chart in a real browser: the chain up to the top, direct reports, navigation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from hallway.accounts.models import User
from hallway.core.tests.factories import TEST_PASSWORD, TeamFactory, UserFactory
from hallway.profiles.actions import do_update_profile
from tests.e2e.conftest import screenshot, sign_in


@dataclass
class Org:
    ceo: User
    vp: User
    manager: User
    engineer: User
    peers: list[User]
    vp_peer: User


def person(name: str, title: str, manager: User | None, team_name: str | None = None) -> User:
    user = UserFactory(name=name)
    changes: dict[str, object] = {"title": title, "manager": manager}
    if team_name is not None:
        changes["team"] = TeamFactory(name=team_name)
    do_update_profile(actor=user, profile=user.profile, changes=changes)
    return user


def build_org() -> Org:
    """CEO → VP → manager → engineer, with two peers of the engineer and a peer of the VP."""
    ceo = person("Cora Chief", "Chief executive", None)
    vp = person("Victor Vice", "VP Engineering", ceo)
    vp_peer = person("Vera Sales", "VP Sales", ceo)
    manager = person("Mona Manager", "Engineering manager", vp, team_name="Search")
    engineer = person("Eli Engineer", "Software engineer", manager)
    peers = [
        person("Ben Builder", "Software engineer", manager),
        person("Pia Peer", "Site reliability engineer", manager),
    ]
    return Org(ceo=ceo, vp=vp, manager=manager, engineer=engineer, peers=peers, vp_peer=vp_peer)


def chain(page: Page) -> Locator:
    return page.get_by_role("region", name="Management chain").get_by_role("listitem")


def names_in(region: Locator) -> list[str]:
    return [link.inner_text().strip() for link in region.get_by_role("link").all()]


def test_engineer_org_chart_shows_the_chain_up_to_the_ceo_in_order(page: Page) -> None:
    org = build_org()
    sign_in(page, org.engineer.email, TEST_PASSWORD)

    page.goto(f"/people/{org.engineer.pk}/")
    page.get_by_role("link", name="Org chart").click()
    expect(page).to_have_url(re.compile(rf"/people/{org.engineer.pk}/org/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart: Eli Engineer")

    expect(chain(page)).to_have_count(4)
    expected_chain = ["Cora Chief", "Victor Vice", "Mona Manager", "Eli Engineer"]
    chain_region = page.get_by_role("region", name="Management chain")
    assert names_in(chain_region) == expected_chain
    expect(chain(page).nth(1)).to_contain_text("VP Engineering")
    expect(chain_region.locator("[aria-current=true]")).to_contain_text("Eli Engineer")
    expect(chain_region).not_to_contain_text("Vera Sales")

    peers = page.get_by_role("region", name="Peers")
    assert names_in(peers) == ["Ben Builder", "Pia Peer"]
    expect(page.get_by_role("region", name=re.compile("^Direct reports"))).to_contain_text(
        "No direct reports"
    )
    screenshot(page, "org-chart-engineer")


def test_manager_org_chart_lists_direct_reports(page: Page) -> None:
    org = build_org()
    sign_in(page, org.engineer.email, TEST_PASSWORD)

    page.goto(f"/people/{org.manager.pk}/org/")
    reports = page.get_by_role("region", name=re.compile("^Direct reports"))
    expect(reports.get_by_role("heading")).to_have_text("Direct reports (3)")
    assert names_in(reports) == ["Ben Builder", "Eli Engineer", "Pia Peer"]
    assert names_in(page.get_by_role("region", name="Management chain")) == [
        "Cora Chief",
        "Victor Vice",
        "Mona Manager",
    ]
    screenshot(page, "org-chart-manager")

    # The CEO has no manager and is at the top.
    page.goto(f"/people/{org.ceo.pk}/org/")
    expect(page.get_by_text("Cora Chief has no manager listed.")).to_be_visible()
    assert names_in(page.get_by_role("region", name=re.compile("^Direct reports"))) == [
        "Vera Sales",
        "Victor Vice",
    ]


def test_clicking_a_manager_in_the_chain_opens_their_org_chart(page: Page) -> None:
    org = build_org()
    sign_in(page, org.engineer.email, TEST_PASSWORD)
    page.goto(f"/people/{org.engineer.pk}/org/")

    chain_region = page.get_by_role("region", name="Management chain")
    chain_region.get_by_role("link", name="Victor Vice").click()

    expect(page).to_have_url(re.compile(rf"/people/{org.vp.pk}/org/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart: Victor Vice")
    assert names_in(page.get_by_role("region", name="Management chain")) == [
        "Cora Chief",
        "Victor Vice",
    ]
    assert names_in(page.get_by_role("region", name=re.compile("^Direct reports"))) == [
        "Mona Manager"
    ]
    assert names_in(page.get_by_role("region", name="Peers")) == ["Vera Sales"]

    # Down again through a direct report, and the current person links to their profile.
    page.get_by_role("region", name=re.compile("^Direct reports")).get_by_role(
        "link", name="Mona Manager"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart: Mona Manager")
    page.get_by_role("region", name="Management chain").locator("[aria-current=true]").get_by_role(
        "link"
    ).click()
    expect(page).to_have_url(re.compile(rf"/people/{org.manager.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mona Manager")
    screenshot(page, "org-chart-navigation")
