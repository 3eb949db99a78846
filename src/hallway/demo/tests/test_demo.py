"""The demo network: deterministic, with its personas, a four-level team tree and an org chart."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.demo.personas import DEMO_PASSWORD, PERSONAS
from hallway.profiles.models import Follow, Profile, Team

pytestmark = pytest.mark.django_db

PEOPLE = 60


def snapshot() -> list[tuple[str, str, str | None, str, str | None]]:
    rows = Profile.objects.select_related("user", "manager", "team").order_by("user__email")
    return [
        (p.user.email, p.user.name, p.manager.email if p.manager else None, p.title,
         p.team.slug if p.team else None)
        for p in rows
    ]  # fmt: skip


def test_same_seed_same_network_and_other_seed_differs() -> None:
    call_command("demo", people=PEOPLE, seed=7, verbosity=0)
    first = snapshot()
    call_command("demo", people=PEOPLE, seed=7, verbosity=0)
    assert snapshot() == first
    call_command("demo", people=PEOPLE, seed=8, verbosity=0)
    assert snapshot() != first


def test_rebuild_replaces_the_previous_network() -> None:
    call_command("demo", people=PEOPLE, seed=1, verbosity=0)
    call_command("demo", people=PEOPLE + 10, seed=2, verbosity=0)
    assert User.objects.filter(kind=User.Kind.MEMBER).count() == PEOPLE + 10
    assert Company.objects.filter(kind=Company.Kind.HOST).count() == 1


def test_personas_and_their_roles() -> None:
    call_command("demo", people=PEOPLE, seed=1, verbosity=0)
    people = {role: User.objects.get(email=email) for role, email in PERSONAS.items()}
    assert people["admin"].is_network_admin
    assert people["compliance"].is_compliance_officer
    assert not people["engineer"].is_network_admin
    maya = people["manager"]
    assert maya.profile.title == "Head of Engineering"
    assert people["engineer"].profile.manager == maya
    assert Profile.objects.filter(manager=maya).count() >= 2
    assert people["sales"].profile.title == "Account Executive"
    assert people["sales"].profile.team.parent.parent.name == "Sales"
    noah = people["new_hire"].profile
    assert noah.skills.count() == 0 and noah.bio == "" and noah.title == ""
    assert people["guest"].is_guest and people["guest"].company.slug == "acme"
    assert authenticate(email=PERSONAS["guest"], password=DEMO_PASSWORD) == people["guest"]


def test_companies_and_guests() -> None:
    call_command("demo", people=PEOPLE, seed=1, verbosity=0)
    host = Company.objects.get(kind=Company.Kind.HOST)
    assert (host.slug, host.email_domain, host.website) == (
        "northwind",
        "northwind.example",
        "https://northwind.example",
    )
    kinds = sorted(Company.objects.exclude(pk=host.pk).values_list("kind", flat=True))
    assert kinds == ["customer"] * 3 + ["partner"] * 2 + ["supplier"]
    for company in Company.objects.exclude(pk=host.pk):
        guests = User.objects.filter(company=company)
        assert 2 <= guests.count() <= 5
        assert all(g.is_guest and g.email.endswith("@" + company.email_domain) for g in guests)
    assert not User.objects.filter(kind=User.Kind.GUEST, company=host).exists()
    assert not User.objects.filter(kind=User.Kind.MEMBER).exclude(company=host).exists()


def test_team_tree_is_four_levels_and_org_chart_is_consistent() -> None:
    call_command("demo", people=PEOPLE, seed=3, verbosity=0)
    teams = {t.pk: t for t in Team.objects.all()}
    assert {t.depth for t in teams.values()} == {0, 1, 2, 3}
    for team in teams.values():
        expected = 0 if team.parent_id is None else teams[team.parent_id].depth + 1
        assert team.depth == expected and team.lead_id is not None
    members = Profile.objects.filter(user__kind=User.Kind.MEMBER)
    managers = dict(members.values_list("user_id", "manager_id"))
    roots = [pk for pk, manager in managers.items() if manager is None]
    assert len(roots) == 1  # only the CEO has no manager
    for person in managers:  # no cycles: every chain ends at the CEO
        seen, current = set(), person
        while managers[current] is not None:
            assert current not in seen
            seen.add(current)
            current = managers[current]
        assert current == roots[0]
    for profile in members.select_related("team"):
        team = profile.team
        if team.lead_id != profile.user_id:
            assert profile.manager_id == team.lead_id
        elif team.parent_id is not None:
            assert profile.manager_id == teams[team.parent_id].lead_id
    assert Follow.objects.exists()
    assert not Profile.objects.filter(search_text="").exists()


def test_bad_size_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="between"):
        call_command("demo", people=3, verbosity=0)


def test_conversations_respect_the_permission_layer() -> None:
    from hallway.core.permissions import viewer_for
    from hallway.groups.access import groups_visible_to
    from hallway.posts.access import posts_visible_to
    from hallway.posts.models import Post

    call_command("demo", people=PEOPLE, seed=1, verbosity=0)
    guest = User.objects.get(email=PERSONAS["guest"])
    engineer = User.objects.get(email=PERSONAS["engineer"])
    new_hire = User.objects.get(email=PERSONAS["new_hire"])
    assert list(groups_visible_to(viewer_for(guest)).values_list("name", flat=True)) == [
        "Acme Logistics: joint delivery"
    ]
    # Only the joint group's posts reach the guest: no network, company or other group posts.
    guest_posts = posts_visible_to(viewer_for(guest))
    assert guest_posts.exists()
    assert set(guest_posts.values_list("group__name", flat=True)) == {
        "Acme Logistics: joint delivery"
    }
    assert "Project Falcon" in groups_visible_to(viewer_for(engineer)).values_list(
        "name", flat=True
    )
    assert "Project Falcon" not in groups_visible_to(viewer_for(new_hire)).values_list(
        "name", flat=True
    )
    question = Post.objects.get(kind=Post.Kind.QUESTION, title="Access to staging?")
    assert question.accepted_answer is not None
