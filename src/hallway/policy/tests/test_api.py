"""The policy, audit and audience API, validated against the OpenAPI document (ApiClient)."""

from __future__ import annotations

import json

from django.test import Client

from hallway.api.tests.conftest import client_for, token_for
from hallway.core.models import AuditEvent
from hallway.policy.tests.conftest import make_rule

CARD = "4111 1111 1111 1111"
IBAN = "DE89 3704 0044 0532 0130 00"


def test_blocked_post_answers_422_naming_the_rule(people):
    make_rule(name="Payment card numbers", detector="card_number", action="block")
    api = client_for(people["sam"])
    response = api.post("posts", {"body": f"Card {CARD}", "group_id": people["external"].pk})
    assert response.status == 422
    assert response.data["rule"] == "Payment card numbers"
    assert response.data["action"] == "block"
    assert "Payment card numbers" in response.detail and CARD not in response.detail


def test_warned_post_answers_422_until_justified(people):
    make_rule(
        name="IBANs in external groups", detector="iban", action="warn", destination="external"
    )
    api = client_for(people["sam"])
    body = {"body": f"Pay to {IBAN}", "group_id": people["external"].pk}
    response = api.post("posts", body)
    assert response.status == 422
    assert response.data["action"] == "warn" and response.data["rule"] == "IBANs in external groups"
    assert response.data["findings"][0]["what"] == "IBAN"
    response = api.post("posts", {**body, "policy_justification": "Invoice for Acme"})
    assert response.status == 201
    assert AuditEvent.objects.get(action="policy.warn").data["justification"] == "Invoice for Acme"


def test_comments_and_edits_answer_422_too(people):
    api = client_for(people["sam"])
    post = api.post("posts", {"body": "Hello"}).data
    make_rule(name="Cards", detector="card_number", action="block")
    assert api.post(f"posts/{post['id']}/comments", {"body": CARD}).status == 422
    assert api.patch(f"posts/{post['id']}", {"body": CARD}).data["rule"] == "Cards"


def test_ordinary_validation_errors_keep_their_shape(people):
    response = client_for(people["sam"]).post("posts", {"body": 5})
    assert response.status == 422 and "errors" in response.data


def test_rules_crud_for_officers_and_admins_only(people):
    officer = client_for(people["officer"])
    member = client_for(people["sam"])
    assert member.get("policy/rules").status == 403
    assert member.post("policy/test", {"text": "x"}).status == 403
    created = officer.post(
        "policy/rules",
        {
            "name": "Code names",
            "detector": "keywords",
            "config": {"words": ["Falcon", "Project Osprey"]},
            "action": "hold",
            "destination": "label_at_most",
            "max_sensitivity": "internal",
        },
    )
    assert created.status == 201 and created.data["config"] == {
        "words": ["Falcon", "Project Osprey"]
    }
    rule_id = created.data["id"]
    admin = client_for(people["admin"])
    assert [r["name"] for r in admin.get("policy/rules").data["results"]] == ["Code names"]
    patched = admin.patch(f"policy/rules/{rule_id}", {"enabled": False})
    assert patched.status == 200 and patched.data["enabled"] is False
    assert officer.get(f"policy/rules/{rule_id}").data["enabled"] is False
    bad = officer.post(
        "policy/rules",
        {"name": "Bad", "detector": "regex", "config": {"pattern": "(a+)+$"}, "action": "block"},
    )
    assert bad.status == 400 and bad.data["field"] == "pattern"
    assert officer.delete(f"policy/rules/{rule_id}").status == 204
    assert officer.get(f"policy/rules/{rule_id}").status == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"policy.rule_create", "policy.rule_update", "policy.rule_delete"} <= actions


def test_trying_sample_text(people):
    make_rule(name="Cards", detector="card_number", action="redact")
    make_rule(name="Phones", detector="phone", action="warn", destination="external")
    api = client_for(people["officer"])
    text = f"Card {CARD}, call +44 20 7946 0958"
    internal = api.post("policy/test", {"text": text}).data
    assert internal["action"] == "redact" and internal["rule"] == "Cards"
    assert internal["result_text"].startswith("Card •••• •••• •••• 1111")
    external = api.post("policy/test", {"text": text, "destination": "external"}).data
    assert external["action"] == "warn" and {m["rule"] for m in external["matches"]} == {
        "Cards",
        "Phones",
    }
    candidate = api.post(
        "policy/test",
        {
            "text": "PRJ-1234",
            "rule": {
                "name": "t",
                "detector": "regex",
                "config": {"pattern": r"PRJ-\d+"},
                "action": "block",
            },
        },
    ).data
    assert candidate["action"] == "block"
    assert not AuditEvent.objects.filter(action__startswith="policy.block").exists()


def test_audit_api_filters_pages_and_is_read_only(people):
    make_rule(name="Cards", detector="card_number", action="block")
    sam = client_for(people["sam"])
    for _ in range(3):
        assert sam.post("posts", {"body": CARD}).status == 422
    officer = client_for(people["officer"])
    assert sam.get("audit").status == 403
    first = officer.get("audit", params={"action": "policy.", "limit": 2})
    assert first.status == 200 and len(first.data["results"]) == 2
    assert {e["action"] for e in first.data["results"]} == {"policy.block"}
    second = officer.get(
        "audit", params={"action": "policy.", "limit": 2, "cursor": first.data["next"]}
    )
    assert len(second.data["results"]) == 1 and second.data["next"] is None
    mine = officer.get("audit", params={"actor_id": people["sam"].pk, "target_type": ""})
    assert all(e["actor"]["id"] == people["sam"].pk for e in mine.data["results"])
    assert officer.get("audit", params={"since": "2999-01-01"}).data["results"] == []
    assert officer.delete("audit").status == 405


def test_audit_export_is_streamed_and_audited(people):
    make_rule(name="Cards", detector="card_number", action="block")
    client_for(people["sam"]).post("posts", {"body": CARD})
    client = Client(headers={"Authorization": f"Bearer {token_for(people['officer'])}"})
    response = client.get("/api/v1/audit/export", {"format": "json", "action": "policy."})
    assert response.status_code == 200 and response.streaming
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["action"] for row in rows] == ["policy.block"]
    csv = Client(headers={"Authorization": f"Bearer {token_for(people['admin'])}"}).get(
        "/api/v1/audit/export"
    )
    text = b"".join(csv.streaming_content).decode()
    assert text.startswith("id,created_at,actor_id") and "policy.block" in text
    exports = AuditEvent.objects.filter(action="audit.export")
    assert (
        exports.count() == 2
        and exports.filter(actor=people["officer"]).get().data["format"] == "json"
    )
    member = Client(headers={"Authorization": f"Bearer {token_for(people['sam'])}"})
    assert member.get("/api/v1/audit/export").status_code == 403


def test_audience_endpoint(people):
    api = client_for(people["sam"])
    external = api.get("posts/audience", params={"group_id": people["external"].pk})
    assert external.status == 200
    assert external.data["count"] == 3 and external.data["guests"] == 1
    assert external.data["summary"] == "3 people, including 1 guest from Acme Ltd, can read this."
    assert external.data["show_warning"] is True
    confidential = api.get("posts/audience", params={"group_id": people["confidential"].pk}).data
    assert confidential["count"] == 2 and confidential["show_warning"] is True
    general = api.get("posts/audience", params={"group_id": people["general"].pk}).data
    assert general["show_warning"] is False
    # Only where one may post (a private group is listed to members, so 403, not 404).
    assert (
        client_for(people["outsider"])
        .get("posts/audience", params={"group_id": people["confidential"].pk})
        .status
        == 403
    )
    assert client_for(people["guest"]).get("posts/audience").status == 403
