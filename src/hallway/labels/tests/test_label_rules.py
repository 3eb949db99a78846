"""Sensitivity labels that act (issue 6, part 1): external groups, guest downloads, search
hints, the rules page (tighten only, audited), and the privileged loosening of a label."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.models import AuditEvent
from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
)
from hallway.groups.actions import do_create_group, do_update_group
from hallway.groups.models import Group
from hallway.labels.actions import do_update_label_rules
from hallway.labels.models import LabelRules
from hallway.posts.access import access_attachment_by_id, attachments_visible_to
from hallway.posts.actions import do_create_post, do_upload_attachment
from hallway.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Any]:
    acme = CompanyFactory(name="Acme", slug="acme")
    return {
        "acme": acme,
        "owner": UserFactory(name="Olga Owner"),
        "member": UserFactory(name="Mo Member"),
        "admin": UserFactory(name="Ada Admin", is_network_admin=True),
        "officer": UserFactory(name="Chloe Compliance", is_compliance_officer=True),
        "guest": GuestFactory(name="Gil Guest", company=acme),
    }


# --- (a) which labels may be external ---------------------------------------------------------
def test_restricted_groups_may_not_be_external_by_default(people):
    with pytest.raises(ActionError) as error:
        do_create_group(
            actor=people["owner"],
            name="Deal room",
            visibility="private",
            join_policy="invite",
            sensitivity="restricted",
            is_external=True,
            companies=[people["acme"]],
        )
    assert error.value.field == "is_external" and "restricted" in error.value.message
    group = do_create_group(
        actor=people["owner"],
        name="Deal room",
        visibility="private",
        join_policy="invite",
        sensitivity="confidential",
        is_external=True,
        companies=[people["acme"]],
    )
    with pytest.raises(ActionError):
        do_update_group(actor=people["owner"], group=group, sensitivity="restricted")
    do_update_label_rules(actor=people["admin"], external_max="internal")
    with pytest.raises(ActionError):
        do_create_group(
            actor=people["owner"],
            name="Second room",
            visibility="private",
            join_policy="invite",
            sensitivity="confidential",
            is_external=True,
            companies=[people["acme"]],
        )


# --- (d) guest downloads --------------------------------------------------------------------
def _external_group_with_file(people: dict[str, Any], sensitivity: str) -> tuple[Group, Any]:
    group = GroupFactory(
        name=f"Partner {sensitivity}",
        slug=f"partner-{sensitivity}",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[people["acme"]],
        sensitivity=sensitivity,
    )
    add_member(group, people["owner"], role="owner")
    add_member(group, people["guest"])
    upload = do_upload_attachment(
        uploader=people["owner"],
        upload=SimpleUploadedFile("terms.txt", b"the terms\n", content_type="text/plain"),
    )
    do_create_post(author=people["owner"], body="Terms", group=group, attachment_ids=[upload.pk])
    return group, upload


@pytest.mark.parametrize(
    ("sensitivity", "guest_may"),
    [("general", True), ("internal", True), ("confidential", False)],
)
def test_guests_download_files_only_up_to_the_label_rule(people, sensitivity, guest_may):
    _, upload = _external_group_with_file(people, sensitivity)
    guest = viewer_for(people["guest"])
    assert attachments_visible_to(guest).filter(pk=upload.pk).exists() == guest_may
    client = Client()
    client.force_login(people["guest"])
    url = f"/posts/files/{upload.pk}/terms.txt"
    assert client.get(url).status_code == (200 if guest_may else 404)
    assert client.get(f"/api/v1/files/{upload.pk}").status_code == (200 if guest_may else 404)
    # Members of the group download it whatever the label.
    assert access_attachment_by_id(viewer_for(people["owner"]), upload.pk).pk == upload.pk


def test_a_tighter_rule_keeps_internal_files_from_guests(people):
    _, upload = _external_group_with_file(people, "internal")
    do_update_label_rules(actor=people["officer"], guest_download_max="general")
    with pytest.raises(NotFound):
        access_attachment_by_id(viewer_for(people["guest"]), upload.pk)


# --- (e) search hints -----------------------------------------------------------------------
def test_hints_only_for_labels_the_rule_allows(people, django_capture_on_commit_callbacks):
    groups = {}
    for sensitivity in ("confidential", "restricted"):
        group = GroupFactory(
            name=f"Bid {sensitivity}",
            slug=f"bid-{sensitivity}",
            visibility="private",
            join_policy="request",
            hints=Group.Hints.COUNT,
            sensitivity=sensitivity,
        )
        add_member(group, people["owner"], role="owner")
        groups[sensitivity] = group
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                do_create_post(author=people["owner"], body=f"Zanzibar tender {n}", group=group)

    def hinted() -> set[str]:
        page = search(viewer_for(people["member"]), SearchFilters(q="zanzibar"))
        return {hint.group.sensitivity for hint in page.hints}

    assert hinted() == {"confidential"}  # restricted groups never appear by default
    do_update_label_rules(actor=people["admin"], hints_max="internal")
    assert hinted() == set()


# --- the rules page and action ----------------------------------------------------------------
def test_rules_can_only_be_tightened_by_admins_and_officers_and_are_audited(people):
    with pytest.raises(PermissionDenied):
        do_update_label_rules(actor=people["member"], hints_max="general")
    with pytest.raises(ActionError):
        do_update_label_rules(actor=people["admin"], external_max="restricted")
    with pytest.raises(ActionError):
        do_update_label_rules(actor=people["admin"], guest_download_max="confidential")
    do_update_label_rules(actor=people["admin"], hints_max="none")
    assert LabelRules.load().hints_max == "none"
    event = AuditEvent.objects.get(action="labels.rules_update")
    assert event.data["changes"] == {"hints_max": {"from": "confidential", "to": "none"}}


def test_rules_page(people):
    client = Client()
    client.force_login(people["member"])
    assert client.get("/labels/").status_code == 403
    client.force_login(people["admin"])
    assert client.get("/labels/").status_code == 200
    response = client.post(
        "/labels/",
        {"external_max": "restricted", "guest_download_max": "internal", "hints_max": "general"},
    )
    assert response.status_code == 400 and b"stricter" in response.content
    response = client.post(
        "/labels/",
        {"external_max": "internal", "guest_download_max": "none", "hints_max": "general"},
    )
    assert response.status_code == 302
    rules = LabelRules.load()
    assert (rules.external_max, rules.guest_download_max, rules.hints_max) == (
        "internal",
        "none",
        "general",
    )


# --- loosening a label stays privileged, audited, with a reason ---------------------------------
def test_loosening_a_label_needs_a_reason_and_a_manager(people):
    group = GroupFactory(
        name="Board", slug="board", visibility="private", join_policy="invite",
        sensitivity="confidential",
    )  # fmt: skip
    add_member(group, people["owner"], role="owner")
    add_member(group, people["member"], role="moderator")
    with pytest.raises(PermissionDenied):
        do_update_group(actor=people["member"], group=group, sensitivity="general", reason="x")
    with pytest.raises(ActionError):
        do_update_group(actor=people["owner"], group=group, sensitivity="general")
    do_update_group(actor=people["owner"], group=group, sensitivity="general", reason="Published")
    event = AuditEvent.objects.get(action="group.label_loosened")
    assert event.data["reason"] == "Published" and event.actor == people["owner"]
