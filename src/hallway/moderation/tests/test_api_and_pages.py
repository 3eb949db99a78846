"""The moderation API (validated against the OpenAPI document) and pages."""

from __future__ import annotations

import pytest
from django.test import Client

from hallway.api.tests.conftest import client_for
from hallway.core.models import AuditEvent
from hallway.moderation.models import Notice, Report

pytestmark = pytest.mark.django_db


def test_report_decide_and_learn_the_outcome_through_the_api(world):
    reporter = client_for(world["reporter"])
    response = reporter.post(f"posts/{world['post'].pk}/reports", {"reason": "spam"})
    assert response.status == 201 and response.data["state"] == "open"
    assert reporter.post(f"posts/{world['post'].pk}/reports", {"reason": "spam"}).status == 409
    comment = reporter.post(
        f"comments/{world['own_comment'].pk}/reports", {"reason": "other", "details": "Rude"}
    )
    assert comment.status == 201
    assert reporter.get("moderation/reports").status == 403

    moderator = client_for(world["moderator"])
    queue = moderator.get("moderation/reports")
    assert queue.status == 200 and len(queue.data["results"]) == 2
    assert all(item["text"] and item["can_decide"] for item in queue.data["results"])
    report_id = response.data["id"]
    decided = moderator.post(
        f"moderation/reports/{report_id}/decision", {"decision": "hide", "note": "spam"}
    )
    assert decided.status == 200 and decided.data["state"] == "hidden"
    assert (
        moderator.post(f"moderation/reports/{report_id}/decision", {"decision": "hide"}).status
        == 409
    )
    assert reporter.get(f"posts/{world['post'].pk}").status == 404
    notices = reporter.get("moderation/notices")
    assert notices.status == 200
    assert "it was hidden" in notices.data["results"][0]["text"]
    assert notices.data["results"][0]["post_id"] is None
    author_notices = client_for(world["author"]).get("moderation/notices").data["results"]
    assert author_notices[0]["text"] == "Your post was hidden after a report."
    assert AuditEvent.objects.filter(action="moderation.hide", actor=world["moderator"]).exists()


def test_api_hides_reports_and_content_from_those_without_a_say(world):
    client_for(world["reporter"]).post(f"posts/{world['post'].pk}/reports", {"reason": "spam"})
    report = Report.objects.get()
    for role in ("reader", "outsider", "guest", "author"):
        api = client_for(world[role])
        assert api.get("moderation/reports").status == 403
        assert (
            api.post(f"moderation/reports/{report.pk}/decision", {"decision": "dismiss"}).status
            == 404
        )
    # Someone who cannot read the post cannot report it: 404 as for a missing post.
    assert (
        client_for(world["outsider"])
        .post(f"posts/{world['post'].pk}/reports", {"reason": "spam"})
        .status
        == 404
    )
    admin = client_for(world["admin"]).get("moderation/reports")
    assert admin.status == 200 and admin.data["results"][0]["text"] is None
    assert (
        client_for(world["admin"])
        .post(f"moderation/reports/{report.pk}/decision", {"decision": "dismiss"})
        .status
        == 403
    )
    assert (
        client_for(world["author"])
        .post(f"posts/{world['post'].pk}/reports", {"reason": "spam"})
        .status
        == 403
    )


def test_report_and_decide_through_the_pages(world):
    client = Client()
    client.force_login(world["reporter"])
    page = client.get(f"/posts/{world['post'].pk}/")
    assert f"/moderation/posts/{world['post'].pk}/report/".encode() in page.content
    assert f"/moderation/comments/{world['comment'].pk}/report/".encode() in page.content
    assert client.get(f"/moderation/posts/{world['post'].pk}/report/").status_code == 200
    assert client.post(f"/moderation/posts/{world['post'].pk}/report/", {}).status_code == 400
    response = client.post(
        f"/moderation/posts/{world['post'].pk}/report/", {"reason": "harassment", "details": "x"}
    )
    assert response.status_code == 302
    report = Report.objects.get()

    moderator = Client()
    moderator.force_login(world["moderator"])
    queue = moderator.get("/moderation/")
    assert queue.status_code == 200 and b"Offending" in queue.content
    assert b"Rex Reporter" in queue.content  # moderators may know who reported
    response = moderator.post(
        f"/moderation/reports/{report.pk}/decide/",
        {"decision": "warn", "message": "Mind your words"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == Report.State.WARNED
    assert Notice.objects.filter(recipient=world["author"], kind="warning").exists()

    mine = client.get("/moderation/mine/")
    assert b"its author was warned" in mine.content and b"Author warned" in mine.content

    author = Client()
    author.force_login(world["author"])
    own = author.get(f"/posts/{world['post'].pk}/")
    assert f"/moderation/posts/{world['post'].pk}/report/".encode() not in own.content
    assert author.get(f"/moderation/posts/{world['post'].pk}/report/").status_code == 403
    assert b"Mind your words" in author.get("/moderation/mine/").content
