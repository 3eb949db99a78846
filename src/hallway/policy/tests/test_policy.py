"""The policy engine through the real actions: each action, each destination, strictest
wins, redaction, holds (hidden from everyone but the author until released), audit entries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hallway.core.models import AuditEvent
from hallway.core.permissions import viewer_for
from hallway.policy.actions import (
    DEFAULT_RULES,
    do_create_rule,
    do_reject_held,
    do_release_held,
    do_update_rule,
    install_default_policy,
)
from hallway.policy.checks import confirmation_token
from hallway.policy.errors import PolicyBlocked, PolicyWarning
from hallway.policy.models import PolicyDecision, PolicyRule, PolicyState
from hallway.policy.tests.conftest import make_rule
from hallway.posts.access import (
    access_post_by_id,
    attachments_visible_to,
    comments_visible_to,
    posts_visible_to,
)
from hallway.posts.actions import (
    do_create_comment,
    do_create_post,
    do_edit_comment,
    do_edit_post,
    do_upload_attachment,
)
from hallway.posts.models import Post
from hallway.profiles.actions import do_update_profile, ensure_profile

CARD = "4111 1111 1111 1111"
IBAN = "DE89 3704 0044 0532 0130 00"


def audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- actions --------------------------------------------------------------------------------
def test_block_writes_nothing_but_the_decision_and_its_audit_entry(people):
    rule = make_rule(name="Cards", detector="card_number", action="block")
    with pytest.raises(PolicyBlocked) as blocked:
        do_create_post(author=people["sam"], body=f"Card {CARD}", group=people["external"])
    message = blocked.value.message
    assert "Cards" in message and "payment card number" in message and CARD not in message
    assert "•••• •••• •••• 1111" in message and blocked.value.status == 422
    assert not Post.objects.exists()
    (decision,) = PolicyDecision.objects.all()
    assert (decision.rule, decision.action, decision.subject) == (rule, "block", "post")
    (event,) = audit("policy.block")
    assert event.actor == people["sam"] and event.data["rule"] == "Cards"
    assert CARD not in str(event.data)  # masked findings only


def test_warn_needs_a_justification_which_is_stored(people):
    make_rule(name="IBANs", detector="iban", action="warn")
    with pytest.raises(PolicyWarning) as warned:
        do_create_post(author=people["sam"], body=f"Pay to {IBAN}", group=people["general"])
    assert warned.value.rule == "IBANs" and warned.value.token
    assert not Post.objects.exists() and not PolicyDecision.objects.exists()
    post = do_create_post(
        author=people["sam"],
        body=f"Pay to {IBAN}",
        group=people["general"],
        policy_justification="Supplier asked for it on the call",
    )
    assert IBAN in post.body  # a warning does not change the text
    (decision,) = PolicyDecision.objects.all()
    assert decision.post == post and decision.justification == "Supplier asked for it on the call"
    (event,) = audit("policy.warn")
    assert event.data["justification"] == "Supplier asked for it on the call"


def test_warn_confirmation_token_binds_the_text(people):
    make_rule(name="IBANs", detector="iban", action="warn")
    token = confirmation_token(author_id=people["sam"].pk, texts={"title": "", "body": "x"})
    with pytest.raises(PolicyWarning):
        do_create_post(
            author=people["sam"],
            body=f"Pay to {IBAN}",
            policy_justification="ok",
            policy_confirmation=token,  # a token for other text does not confirm this one
        )
    with pytest.raises(PolicyWarning) as warned:
        do_create_post(author=people["sam"], body=f"Pay to {IBAN}")
    post = do_create_post(
        author=people["sam"],
        body=f"Pay to {IBAN}",
        policy_justification="ok",
        policy_confirmation=warned.value.token,
    )
    assert post.pk


def test_redact_masks_before_storing(people):
    make_rule(name="Mask cards", detector="card_number", action="redact")
    post = do_create_post(
        author=people["sam"], title=f"Card {CARD}", body=f"Use {CARD} and 5555555555554444."
    )
    assert post.title == "Card •••• •••• •••• 1111"
    assert post.body == "Use •••• •••• •••• 1111 and •••• •••• •••• 4444."
    assert "4111" not in post.body_html
    (event,) = audit("policy.redact")
    assert event.target_id == str(post.pk)


def test_redacted_comment_and_poll_options(people):
    make_rule(
        name="Mask codename", detector="keywords", config={"words": ["Falcon"]}, action="redact"
    )
    post = do_create_post(
        author=people["sam"],
        body="Which name?",
        kind="poll",
        poll_options=["Falcon", "Eagle"],
    )
    assert [o.text for o in post.poll.options.all()] == ["••••••", "Eagle"]
    comment = do_create_comment(author=people["colleague"], post=post, body="falcon for sure")
    assert comment.body == "•••••• for sure"


def test_strictest_action_wins(people):
    make_rule(name="Mask cards", detector="card_number", action="redact", position=1)
    make_rule(name="Warn cards", detector="card_number", action="warn", position=2)
    make_rule(name="Hold cards", detector="card_number", action="hold", position=3)
    make_rule(name="Block cards", detector="card_number", action="block", position=4)
    with pytest.raises(PolicyBlocked) as blocked:
        do_create_post(author=people["sam"], body=CARD)
    assert blocked.value.rule == "Block cards"
    PolicyRule.objects.filter(name="Block cards").delete()
    post = do_create_post(author=people["sam"], body=CARD)  # hold beats warn and redact
    assert post.audience == f"user:{people['sam'].pk}"
    assert post.body == "•••• •••• •••• 1111"  # and redaction still applies
    assert PolicyDecision.objects.get(post=post).rule_name == "Hold cards"


def test_first_rule_in_order_names_the_decision(people):
    make_rule(name="Second", detector="card_number", action="block", position=20)
    make_rule(name="First", detector="card_number", action="block", position=10)
    with pytest.raises(PolicyBlocked) as blocked:
        do_create_post(author=people["sam"], body=CARD)
    assert blocked.value.rule == "First"


def test_disabled_rules_do_nothing(people):
    make_rule(detector="card_number", action="block", enabled=False)
    assert do_create_post(author=people["sam"], body=CARD).body == CARD


# --- destinations ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("destination", "max_sensitivity", "blocked_in"),
    [
        ("all", "", {"network", "external", "confidential", "general"}),
        ("external", "", {"external"}),
        ("network", "", {"network"}),
        ("label_at_most", "internal", {"external", "general"}),
        ("label_at_most", "confidential", {"external", "general", "confidential"}),
    ],
)
def test_destinations(people, destination, max_sensitivity, blocked_in):
    make_rule(
        detector="phone",
        action="block",
        destination=destination,
        max_sensitivity=max_sensitivity,
    )
    refused = set()
    for place in ("network", "external", "confidential", "general"):
        group = None if place == "network" else people[place]
        try:
            do_create_post(author=people["sam"], body="Call +44 20 7946 0958", group=group)
        except PolicyBlocked:
            refused.add(place)
    assert refused == blocked_in


def test_profile_text_checked_and_guest_visible_fields_count_as_external(people):
    make_rule(name="Phones outside", detector="phone", action="block", destination="external")
    profile = ensure_profile(people["sam"])
    do_update_profile(
        actor=people["sam"],
        profile=profile,
        changes={"bio": "Call +44 20 7946 0958", "guest_visible_fields": ["title"]},
    )
    with pytest.raises(PolicyBlocked):
        do_update_profile(
            actor=people["sam"],
            profile=profile,
            changes={"title": "Sales, +44 20 7946 0958", "guest_visible_fields": ["title"]},
        )
    make_rule(name="Mask cards", detector="card_number", action="redact")
    do_update_profile(actor=people["sam"], profile=profile, changes={"bio": f"card {CARD}"})
    profile.refresh_from_db()
    assert profile.bio == "card •••• •••• •••• 1111"


def test_edits_are_checked_and_a_hold_blocks_an_edit(people):
    post = do_create_post(author=people["sam"], body="Plain")
    comment = do_create_comment(author=people["sam"], post=post, body="Plain")
    make_rule(name="Hold keys", detector="api_key", action="hold")
    with pytest.raises(PolicyBlocked) as blocked:
        do_edit_post(actor=people["sam"], post=post, body="key AKIAIOSFODNN7EXAMPLE")
    assert "review" in blocked.value.message
    with pytest.raises(PolicyBlocked):
        do_edit_comment(actor=people["sam"], comment=comment, body="AKIAIOSFODNN7EXAMPLE")
    post.refresh_from_db()
    assert post.body == "Plain"


def test_uploaded_file_text_is_checked(people):
    make_rule(name="Cards", detector="card_number", action="block")
    csv = SimpleUploadedFile("cards.csv", f"name,card\nJo,{CARD}\n".encode(), "text/csv")
    with pytest.raises(PolicyBlocked) as blocked:
        do_create_post(author=people["sam"], body="Export attached", uploads=[csv])
    assert blocked.value.field == "file"
    pending = do_upload_attachment(
        uploader=people["sam"],
        upload=SimpleUploadedFile("notes.txt", f"card {CARD}\n".encode(), "text/plain"),
    )
    with pytest.raises(PolicyBlocked):
        do_create_post(author=people["sam"], body="Notes", attachment_ids=[pending.pk])


def _pdf(text: str, pages: int = 1) -> bytes:
    """A small PDF with ``text`` on each page (hand-written: no PDF writer dependency)."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{4 + i} 0 R".encode() for i in range(pages))
        + f"] /Count {pages} >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b">> >> >> >>"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def test_small_pdf_is_read_during_the_request(people):
    make_rule(name="Cards", detector="card_number", action="block")
    upload = SimpleUploadedFile("deck.pdf", _pdf(f"Card {CARD}"), "application/pdf")
    with pytest.raises(PolicyBlocked):
        do_create_post(author=people["sam"], body="Deck", uploads=[upload])


def test_large_pdf_is_checked_by_a_task_while_the_post_waits(
    people, django_capture_on_commit_callbacks
):
    from hallway.policy import files

    make_rule(name="Cards", detector="card_number", action="block")
    big_clean = _pdf("Quarterly numbers " + "x" * 50, pages=3)
    big_card = _pdf(f"Card {CARD}", pages=3)
    limit = files.INLINE_PDF_BYTES
    files.INLINE_PDF_BYTES = 100  # these PDFs count as large
    try:
        with django_capture_on_commit_callbacks(execute=True):
            clean = do_create_post(
                author=people["sam"],
                body="Clean deck",
                group=people["general"],
                uploads=[SimpleUploadedFile("clean.pdf", big_clean, "application/pdf")],
            )
            dirty = do_create_post(
                author=people["sam"],
                body="Dirty deck",
                group=people["general"],
                uploads=[SimpleUploadedFile("dirty.pdf", big_card, "application/pdf")],
            )
    finally:
        files.INLINE_PDF_BYTES = limit
    clean.refresh_from_db()
    dirty.refresh_from_db()
    assert clean.audience == people["general"].label  # released by the scan
    assert dirty.audience == f"user:{people['sam'].pk}"  # still only the author's
    decision = PolicyDecision.objects.get(post=dirty)
    assert decision.state == "rejected" and "Cards" in decision.review_reason
    assert audit("policy.scan_release") and audit("policy.scan_block")


# --- hold -----------------------------------------------------------------------------------
def _readers(post):
    from hallway.accounts.models import User

    return {
        user.name
        for user in User.objects.all()
        if posts_visible_to(viewer_for(user)).filter(pk=post.pk).exists()
    }


def test_hold_is_hidden_from_everyone_but_the_author_until_released(people):
    make_rule(
        name="Hold codenames", detector="keywords", config={"words": ["Falcon"]}, action="hold"
    )
    file = do_upload_attachment(
        uploader=people["sam"],
        upload=SimpleUploadedFile("plan.txt", b"the plan\n", "text/plain"),
    )
    post = do_create_post(
        author=people["sam"],
        body="Falcon launches Monday #launch",
        group=people["external"],
        attachment_ids=[file.pk],
    )
    assert _readers(post) == {"Sam Sales"}  # not the guest, colleague, officer or admin
    for person in ("guest", "colleague", "officer", "admin"):
        viewer = viewer_for(people[person])
        assert not attachments_visible_to(viewer).filter(pk=file.pk).exists()
    decision = PolicyDecision.objects.get(post=post)
    assert decision.state == "pending" and decision.release_audience == people["external"].label
    assert audit("policy.hold")

    with pytest.raises(Exception):  # noqa: B017,PT011 - only compliance officers review
        do_release_held(actor=people["admin"], decision=decision)
    do_release_held(actor=people["officer"], decision=decision, reason="Public name now")
    post.refresh_from_db()
    assert post.audience == people["external"].label
    assert _readers(post) == {"Sam Sales", "Cora Colleague", "Gil Guest"}
    assert attachments_visible_to(viewer_for(people["guest"])).filter(pk=file.pk).exists()
    (event,) = audit("policy.release")
    assert event.actor == people["officer"] and event.data["reason"] == "Public name now"


def test_rejected_hold_stays_with_the_author_who_sees_why(people, client):
    make_rule(
        name="Hold codenames", detector="keywords", config={"words": ["Falcon"]}, action="hold"
    )
    post = do_create_post(author=people["sam"], body="Falcon", group=people["general"])
    decision = PolicyDecision.objects.get(post=post)
    with pytest.raises(Exception):  # noqa: B017,PT011 - a reason is required
        do_reject_held(actor=people["officer"], decision=decision, reason=" ")
    do_reject_held(actor=people["officer"], decision=decision, reason="Codename is secret")
    assert _readers(post) == {"Sam Sales"}
    client.force_login(people["sam"])
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert "Codename is secret" in page and "Not published" in page
    assert "Codename is secret" in client.get("/policy/mine/").content.decode()
    client.force_login(people["colleague"])
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert audit("policy.reject")[0].data["reason"] == "Codename is secret"


def test_held_comment_is_hidden_and_not_counted_until_released(people):
    post = do_create_post(author=people["sam"], body="Launch plan", group=people["general"])
    make_rule(
        name="Hold codenames", detector="keywords", config={"words": ["Falcon"]}, action="hold"
    )
    comment = do_create_comment(author=people["colleague"], post=post, body="Is this Falcon?")
    assert not comments_visible_to(viewer_for(people["sam"])).filter(pk=comment.pk).exists()
    assert comments_visible_to(viewer_for(people["colleague"])).filter(pk=comment.pk).exists()
    assert access_post_by_id(viewer_for(people["sam"]), post.pk).comment_count == 0
    do_release_held(actor=people["officer"], decision=PolicyDecision.objects.get(comment=comment))
    assert comments_visible_to(viewer_for(people["sam"])).filter(pk=comment.pk).exists()
    assert access_post_by_id(viewer_for(people["sam"]), post.pk).comment_count == 1


# --- rules and the default policy -----------------------------------------------------------
def test_default_policy_is_installed_once(db):
    PolicyRule.objects.all().delete()
    PolicyState.objects.all().delete()
    assert install_default_policy() == len(DEFAULT_RULES)
    rules = {(r.detector, r.destination, r.action) for r in PolicyRule.objects.all()}
    assert rules == {
        ("card_number", "all", "block"),
        ("private_key", "all", "block"),
        ("iban", "external", "warn"),
        ("phone", "external", "warn"),
    }
    PolicyRule.objects.all().delete()  # an admin removed them: that sticks
    assert install_default_policy() == 0 and not PolicyRule.objects.exists()


def test_rule_changes_are_validated_and_audited(people):
    with pytest.raises(Exception, match="too long"):
        do_create_rule(
            actor=people["officer"],
            data={
                "name": "Bad",
                "detector": "regex",
                "config": {"pattern": "(a+)+$"},
                "action": "block",
            },
        )
    with pytest.raises(Exception):  # noqa: B017,PT011 - members do not manage policies
        do_create_rule(
            actor=people["sam"], data={"name": "X", "detector": "email", "action": "warn"}
        )
    rule = do_create_rule(
        actor=people["admin"],
        data={
            "name": "Codes",
            "detector": "regex",
            "config": {"pattern": r"\bPRJ-\d{4}\b"},
            "action": "block",
        },
    )
    do_update_rule(actor=people["officer"], rule=rule, changes={"action": "warn"})
    (created,) = audit("policy.rule_create")
    (updated,) = audit("policy.rule_update")
    assert created.actor == people["admin"]
    assert updated.data["changes"] == {"action": {"from": "block", "to": "warn"}}
    with pytest.raises(PolicyWarning):
        do_create_post(author=people["sam"], body="About prj-1234")
