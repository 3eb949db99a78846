"""GDPR downloads and eDiscovery exports: contents, access, expiry, audit."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hallway.api.tests.conftest import client_for
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.models import AuditEvent
from hallway.posts.actions import do_create_post, do_delete_post, do_react
from hallway.profiles.actions import do_follow
from hallway.retention.export_actions import (
    delete_expired_exports,
    do_request_ediscovery_export,
    do_request_personal_export,
)
from hallway.retention.models import DataExport
from hallway.retention.tests.conftest import World, comment


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run on-commit work (the export task, emails) as the real commit would."""
    return django_capture_on_commit_callbacks


def unzip(export: DataExport) -> dict[str, Any]:
    export.refresh_from_db()
    with export.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {
            name: json.loads(archive.read(name)) if name.endswith(".json") else archive.read(name)
            for name in archive.namelist()
        }


def download(user: Any, export: DataExport) -> Any:
    browser = Client()
    browser.force_login(user)
    return browser.get(f"/accounts/data-export/{export.pk}/download/")


def test_a_personal_export_holds_exactly_the_persons_data(world: World, commit: Any) -> None:
    upload = SimpleUploadedFile("notes.txt", b"my notes", content_type="text/plain")
    mine = do_create_post(author=world.ana, body="anaownpost", uploads=[upload])
    in_secret = do_create_post(author=world.ana, body="anasecretpost", group=world.secret)
    gone = do_create_post(author=world.ana, body="anadeletedpost")
    do_delete_post(actor=world.ana, post=gone)
    bens = do_create_post(author=world.ben, body="bensecretpost", group=world.secret)
    comment(world.ana, bens, body="anacomment")
    comment(world.ben, mine, body="benscommentonana")
    do_react(actor=world.ana, kind="like", post=bens)
    do_follow(follower=world.ana, person=world.ben)
    with commit(execute=True):
        export = do_request_personal_export(actor=world.ana)
    export.refresh_from_db()
    assert export.status == "ready"
    content = unzip(export)
    assert content["profile.json"]["email"] == world.ana.email
    assert [p["id"] for p in content["posts.json"]] == [mine.pk, in_secret.pk]
    assert [c["body"] for c in content["comments.json"]] == ["anacomment"]
    assert [r["post_id"] for r in content["reactions.json"]] == [bens.pk]
    assert [f["person_id"] for f in content["follows.json"]] == [world.ben.pk]
    assert {m["group"]["name"] for m in content["memberships.json"]} == {"Lunch", "Deals", "Vault"}
    attachment = mine.attachments.get()
    assert content[f"files/{attachment.pk}-notes.txt"] == b"my notes"
    everything = json.dumps({k: v for k, v in content.items() if k.endswith(".json")})
    for foreign in ("bensecretpost", "benscommentonana", "anadeletedpost"):
        assert foreign not in everything
    assert any(event["action"] == "export.personal" for event in content["audit.json"])


def test_only_the_person_downloads_it_and_it_is_audited(world: World, commit: Any) -> None:
    with commit(execute=True):
        export = do_request_personal_export(actor=world.ana)
    response = download(world.ana, export)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert download(world.ben, export).status_code == 404
    assert download(world.officer, export).status_code == 404
    assert download(world.admin, export).status_code == 404
    assert AuditEvent.objects.filter(action="export.download", actor=world.ana).count() == 1


def test_an_export_expires_after_seven_days(world: World, commit: Any) -> None:
    with commit(execute=True):
        export = do_request_personal_export(actor=world.ana)
    export.refresh_from_db()
    assert export.expires_at - export.ready_at == timedelta(days=7)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    assert download(world.ana, export).status_code == 404
    assert delete_expired_exports() == 1
    export.refresh_from_db()
    assert not export.file


def test_the_api_asks_for_and_lists_exports(world: World, commit: Any) -> None:
    api = client_for(world.ana)
    with commit(execute=True):
        asked = api.post("me/export")
    assert asked.status == 202
    assert asked.data["status"] == "pending"  # built after the request's commit
    assert asked.data["download_url"] is None
    listed = api.get("me/exports")
    [row] = listed.data["results"]
    assert row["status"] == "ready"
    assert row["download_url"] == f"/accounts/data-export/{asked.data['id']}/download/"
    assert client_for(world.ben).get("me/exports").data["results"] == []


def test_the_settings_page_offers_the_download(world: World, commit: Any) -> None:
    browser = Client()
    browser.force_login(world.ana)
    with commit(execute=True):
        assert browser.post("/accounts/data-export/").status_code == 302
    page = browser.get("/accounts/data-export/").content.decode()
    export = DataExport.objects.get(requested_by=world.ana)
    assert f"/accounts/data-export/{export.pk}/download/" in page


def test_ediscovery_needs_the_role_and_a_reason(world: World) -> None:
    with pytest.raises(PermissionDenied):
        do_request_ediscovery_export(actor=world.admin, group=world.secret, reason="Court order 1")
    with pytest.raises(PermissionDenied):
        do_request_ediscovery_export(actor=world.ana, group=world.secret, reason="Court order 1")
    with pytest.raises(ActionError):
        do_request_ediscovery_export(actor=world.officer, group=world.secret, reason="short")
    with pytest.raises(ActionError):
        do_request_ediscovery_export(
            actor=world.officer, group=world.secret, user=world.ana, reason="Court order 1"
        )
    assert not DataExport.objects.exists()


def test_a_group_export_includes_secret_and_deleted_content_and_tells_owners(
    world: World, commit: Any
) -> None:
    world.secret.memberships.filter(user=world.ben).update(role="owner")
    kept = do_create_post(author=world.ana, body="vaultpost", group=world.secret)
    removed = do_create_post(author=world.ben, body="vaultremoved", group=world.secret)
    do_delete_post(actor=world.ben, post=removed)
    do_create_post(author=world.ana, body="lunchpost", group=world.general)
    mail.outbox.clear()
    with commit(execute=True):
        export = do_request_ediscovery_export(
            actor=world.officer, group=world.secret, reason="Court order 2026-17"
        )
    content = unzip(export)
    assert [p["id"] for p in content["posts.json"]] == [kept.pk, removed.pk]
    assert content["posts.json"][1]["deleted_at"] is not None
    assert "lunchpost" not in json.dumps(content["posts.json"])
    assert content["export.json"]["reason"] == "Court order 2026-17"
    [message] = mail.outbox
    assert message.to == [world.ben.email]
    assert "Court order 2026-17" in message.body
    event = AuditEvent.objects.get(action="export.ediscovery")
    assert event.data["reason"] == "Court order 2026-17"
    assert download(world.officer, export).status_code == 200
    assert download(world.admin, export).status_code == 404


def test_a_person_export_covers_every_group(world: World, commit: Any) -> None:
    in_secret = do_create_post(author=world.ana, body="a", group=world.secret)
    in_stream = do_create_post(author=world.ana, body="b")
    do_create_post(author=world.ben, body="c")
    with commit(execute=True):
        export = do_request_ediscovery_export(
            actor=world.officer, user=world.ana, reason="Internal investigation"
        )
    content = unzip(export)
    assert [p["id"] for p in content["posts.json"]] == [in_secret.pk, in_stream.pk]
    assert content["person.json"]["email"] == world.ana.email


def test_the_ediscovery_page(world: World, commit: Any) -> None:
    browser = Client()
    browser.force_login(world.officer)
    assert browser.get("/retention/ediscovery/").status_code == 200
    short = browser.post("/retention/ediscovery/", {"group": "vault", "reason": "x"})
    assert short.status_code == 400
    with commit(execute=True):
        done = browser.post("/retention/ediscovery/", {"group": "vault", "reason": "Court order 3"})
    assert done.status_code == 302
    assert DataExport.objects.get().subject_group == world.secret
    browser.force_login(world.admin)
    assert browser.get("/retention/ediscovery/").status_code == 403


def test_a_failed_build_is_shown_as_failed(world: World, commit: Any, monkeypatch: Any) -> None:
    from hallway.retention import export_actions

    def broken(user: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(export_actions, "personal_sections", broken)
    with commit(execute=True):
        export = do_request_personal_export(actor=world.ana)
    export.refresh_from_db()
    assert export.status == "failed"
    assert client_for(world.ana).get("me/exports").data["results"][0]["status"] == "failed"


def test_the_exports_list_costs_the_same_for_many(
    world: World, commit: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        with commit(execute=True):
            do_request_personal_export(actor=world.ana)
    api = client_for(world.ana)
    with django_assert_max_num_queries(8):
        assert len(api.get("me/exports").data["results"]) == 5
