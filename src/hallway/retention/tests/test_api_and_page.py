"""The retention API (validated against the OpenAPI document) and the admin page."""

from __future__ import annotations

from typing import Any

from django.test import Client

from hallway.api.tests.conftest import client_for
from hallway.core.models import AuditEvent
from hallway.retention.models import LegalHold, RetentionRule
from hallway.retention.tests.conftest import World, post


def test_rules_list_counts_and_a_dry_run_saves_nothing(world: World) -> None:
    for _ in range(3):
        post(world.ana, days=100, group=world.confidential)
    api = client_for(world.officer)
    response = api.get("retention/rules")
    assert response.status == 200
    assert [row["days"] for row in response.data["results"]] == [None] * 4
    preview = api.put(
        "retention/rules",
        {"rules": [{"sensitivity": "confidential", "days": 30}], "dry_run": True},
    )
    assert preview.status == 200
    rows = {row["sensitivity"]: row for row in preview.data["results"]}
    assert rows["confidential"] == {"sensitivity": "confidential", "days": 30, "would_delete": 3}
    assert not RetentionRule.objects.exists()
    saved = api.put("retention/rules", {"rules": [{"sensitivity": "confidential", "days": 30}]})
    assert saved.status == 200
    assert RetentionRule.objects.get(sensitivity="confidential").days == 30
    assert api.get("retention/rules").data["results"][2]["would_delete"] == 3


def test_rules_are_for_officers_and_admins_only(world: World) -> None:
    assert client_for(world.ana).get("retention/rules").status == 403
    member_put = client_for(world.ana).put(
        "retention/rules", {"rules": [{"sensitivity": "general", "days": 1}]}
    )
    assert member_put.status == 403
    assert client_for(world.admin).get("retention/rules").status == 200
    bad = client_for(world.admin).put(
        "retention/rules", {"rules": [{"sensitivity": "general", "days": 0}]}
    )
    assert bad.status == 422


def test_holds_through_the_api(world: World) -> None:
    api = client_for(world.officer)
    placed = api.post("retention/holds", {"group_id": world.secret.pk, "reason": "Case 7"})
    assert placed.status == 201
    assert placed.data["group"] == {"id": world.secret.pk, "name": "Vault"}
    person = api.post("retention/holds", {"user_id": world.ana.pk, "reason": "Case 8"})
    assert person.status == 201
    assert api.post("retention/holds", {"group_id": world.secret.pk, "reason": ""}).status == 400
    assert api.post("retention/holds", {"reason": "Nothing"}).status == 400
    assert api.post("retention/holds", {"group_id": 999999, "reason": "Gone"}).status == 404
    listed = api.get("retention/holds")
    assert [hold["id"] for hold in listed.data["results"]] == [person.data["id"], placed.data["id"]]
    assert api.delete(f"retention/holds/{placed.data['id']}").status == 204
    assert LegalHold.objects.get(pk=placed.data["id"]).released_at is not None
    assert AuditEvent.objects.filter(action="retention.hold.release").count() == 1


def test_only_officers_place_holds_and_admins_read_them(world: World) -> None:
    admin = client_for(world.admin)
    refused = admin.post("retention/holds", {"group_id": world.general.pk, "reason": "x"})
    assert refused.status == 403
    assert admin.get("retention/holds").status == 200
    assert client_for(world.ana).get("retention/holds").status == 403
    hold = client_for(world.officer).post(
        "retention/holds", {"user_id": world.ben.pk, "reason": "y"}
    )
    assert admin.delete(f"retention/holds/{hold.data['id']}").status == 403
    assert client_for(world.ana).delete(f"retention/holds/{hold.data['id']}").status == 403


def test_the_page_shows_a_dry_run_and_places_holds(world: World) -> None:
    for _ in range(2):
        post(world.ana, days=50)
    browser = Client()
    browser.force_login(world.officer)
    assert browser.get("/retention/").status_code == 200
    preview = browser.post("/retention/rules/", {"general": "30", "dry_run": "1"})
    assert preview.status_code == 200
    assert "General: 2 posts" in preview.content.decode()
    assert not RetentionRule.objects.exists()
    saved = browser.post("/retention/rules/", {"general": "30"})
    assert saved.status_code == 302
    assert RetentionRule.objects.get(sensitivity="general").days == 30
    page = browser.get("/retention/").content.decode()
    assert "2 posts" in page
    held = browser.post("/retention/holds/", {"group": "vault", "reason": "Case 9"})
    assert held.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.group == world.secret
    assert (
        browser.post("/retention/holds/", {"email": "nobody@x.test", "reason": "r"}).status_code
        == 400
    )
    assert browser.post(f"/retention/holds/{hold.pk}/release/").status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_the_page_refuses_members_and_admins_cannot_hold(world: World) -> None:
    browser = Client()
    browser.force_login(world.ana)
    assert browser.get("/retention/").status_code == 403
    browser.force_login(world.admin)
    assert browser.get("/retention/").status_code == 200
    response = browser.post("/retention/holds/", {"group": "vault", "reason": "r"})
    assert response.status_code == 403


def test_the_holds_list_costs_the_same_for_many(
    world: World, django_assert_max_num_queries: Any
) -> None:
    from hallway.retention.actions import do_place_hold

    for _ in range(6):
        do_place_hold(actor=world.officer, group=world.secret, reason="Case")
        do_place_hold(actor=world.officer, user=world.ana, reason="Case")
    api = client_for(world.officer)
    with django_assert_max_num_queries(8):
        assert len(api.get("retention/holds").data["results"]) == 12
