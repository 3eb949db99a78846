"""The pages: the composer's warning and audience check, rules, review queue, audit log."""

from __future__ import annotations

import re

from hallway.core.models import AuditEvent
from hallway.policy.models import PolicyDecision, PolicyRule
from hallway.policy.tests.conftest import make_rule
from hallway.posts.actions import do_create_post
from hallway.posts.models import Post

IBAN = "DE89 3704 0044 0532 0130 00"
CARD = "4111 1111 1111 1111"


def test_composer_blocks_with_a_clear_message(people, client):
    make_rule(name="Payment card numbers", detector="card_number", action="block")
    client.force_login(people["sam"])
    response = client.post(
        "/posts/new/", {"group": people["external"].pk, "kind": "update", "body": f"Card {CARD}"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Blocked by the policy “Payment card numbers”" in page and CARD not in page.replace(
        f"Card {CARD}</textarea>", ""
    )
    assert not Post.objects.exists()


def test_composer_warns_then_accepts_a_justification(people, client):
    make_rule(name="IBANs", detector="iban", action="warn", destination="label_at_most",
              max_sensitivity="restricted")  # fmt: skip
    client.force_login(people["sam"])
    form = {"group": people["confidential"].pk, "kind": "update", "body": f"Pay to {IBAN}"}
    warned = client.post("/posts/new/", form)
    page = warned.content.decode()
    assert warned.status_code == 400 and "Check before you post" in page
    token = re.search(r'name="confirm_policy" value="([^"]+)"', page).group(1)
    # A confirmation without a justification, or for changed text, warns again.
    assert client.post("/posts/new/", {**form, "confirm_policy": token}).status_code == 400
    changed = {**form, "body": f"Pay to {IBAN} now", "confirm_policy": token,
               "policy_justification": "x"}  # fmt: skip
    assert client.post("/posts/new/", changed).status_code == 400
    done = client.post(
        "/posts/new/", {**form, "confirm_policy": token, "policy_justification": "Board approved"}
    )
    assert done.status_code == 302
    decision = PolicyDecision.objects.get(action="warn")
    assert decision.justification == "Board approved"


def test_composer_shows_who_will_read(people, client):
    client.force_login(people["sam"])
    page = client.get(f"/groups/{people['external'].slug}/").content.decode()
    assert "/policy/audience/?group=" in page
    partial = client.get(f"/policy/audience/?group={people['external'].pk}").content.decode()
    assert "3 people, including 1 guest from Acme Ltd, can read this." in partial
    confidential = client.get(f"/policy/audience/?group={people['confidential'].pk}")
    assert "labelled <em>confidential</em>" in confidential.content.decode()
    assert client.get(f"/policy/audience/?group={people['general'].pk}").content.strip() == b""
    assert client.get("/policy/audience/?group=nope").status_code == 404


def test_rule_pages(people, client):
    client.force_login(people["sam"])
    assert client.get("/policy/").status_code == 403
    client.force_login(people["officer"])
    response = client.post(
        "/policy/rules/new/",
        {
            "name": "Codes",
            "detector": "regex",
            "pattern": "(a+)+$",
            "destination": "all",
            "action": "block",
            "enabled": "on",
        },
    )
    assert response.status_code == 400 and "too long" in response.content.decode()
    response = client.post(
        "/policy/rules/new/",
        {
            "name": "Codes",
            "detector": "keywords",
            "words": "Falcon\nOsprey",
            "destination": "external",
            "action": "warn",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    rule = PolicyRule.objects.get(name="Codes")
    assert rule.config == {"words": ["Falcon", "Osprey"]}
    assert "Codes" in client.get("/policy/").content.decode()
    trial = client.post("/policy/test/", {"text": "falcon!", "destination": "external"})
    assert "Would warn" in trial.content.decode()
    client.post(f"/policy/rules/{rule.pk}/delete/")
    assert not PolicyRule.objects.filter(pk=rule.pk).exists()


def test_review_queue(people, client):
    make_rule(
        name="Hold codenames", detector="keywords", config={"words": ["Falcon"]}, action="hold"
    )
    post = do_create_post(author=people["sam"], body="Falcon is go", group=people["general"])
    decision = PolicyDecision.objects.get(post=post)
    client.force_login(people["admin"])
    assert client.get("/policy/review/").status_code == 403
    assert client.post(f"/policy/review/{decision.pk}/", {"decision": "release"}).status_code == 404
    client.force_login(people["officer"])
    assert "Falcon is go" in client.get("/policy/review/").content.decode()
    client.post(f"/policy/review/{decision.pk}/", {"decision": "release", "reason": "fine"})
    post.refresh_from_db()
    assert post.audience == people["general"].label


def test_audit_log_page_filters_pages_and_exports(people, client):
    make_rule(name="Cards", detector="card_number", action="block")
    client.force_login(people["sam"])
    for _ in range(3):
        client.post("/posts/new/", {"kind": "update", "body": CARD})
    assert client.get("/policy/audit/").status_code == 403
    client.force_login(people["officer"])
    page = client.get("/policy/audit/", {"action": "policy."}).content.decode()
    assert page.count("<code>policy.block</code>") == 3 and "Sam Sales" in page
    assert (
        "<code>policy.block</code>"
        not in client.get("/policy/audit/", {"action": "audit."}).content.decode()
    )
    export = client.get("/policy/audit/export/", {"format": "csv", "action": "policy."})
    body = b"".join(export.streaming_content).decode()
    assert export["Content-Type"].startswith("text/csv") and body.count("policy.block") == 3
    assert AuditEvent.objects.filter(action="audit.export", actor=people["officer"]).exists()
    assert client.get("/policy/audit/", {"since": "not a date"}).status_code == 400
