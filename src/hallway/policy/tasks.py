"""Background work of the policy engine: reading large files of held posts."""

from __future__ import annotations

from hallway.core.tasks import task


@task
def scan_held_files(*, decision_id: int) -> None:
    """Read the large files of a post held while they are checked, then run the rules on
    them: nothing found releases the post; a block rejects it (the author sees why); any
    other match, or an unreadable file, leaves it in the review queue for a person."""
    from hallway.policy.actions import close_after_scan
    from hallway.policy.checks import active_rules
    from hallway.policy.engine import Target, evaluate
    from hallway.policy.files import UnreadableFileError, extract_text, is_checked
    from hallway.policy.models import PolicyDecision, PolicyRule
    from hallway.posts.models import Attachment

    decision = (
        PolicyDecision.objects.select_related("post", "post__group", "post__company")
        .filter(pk=decision_id, state=PolicyDecision.State.PENDING)
        .first()
    )
    if decision is None or decision.post is None:
        return
    post = decision.post
    texts: dict[str, str] = {}
    unreadable: list[str] = []
    for attachment in Attachment.objects.filter(post=post).order_by("id"):
        if not is_checked(attachment.content_type):
            continue
        try:
            with attachment.file.open("rb") as handle:
                texts[f"file:{attachment.name}"] = extract_text(handle, attachment.content_type)
        except (UnreadableFileError, OSError):
            unreadable.append(attachment.name)
    verdict = evaluate(
        active_rules(), texts, Target.for_container(group=post.group, company=post.company)
    )
    # Earlier findings (from the text, checked during the request) stay; the scan adds its own.
    earlier = [f for f in decision.findings if f.get("field") != "files"]
    findings = earlier + verdict.findings()
    findings += [{"field": "files", "what": "unreadable file", "masked": n} for n in unreadable]
    # A hold rule that matched the text itself still needs a person.
    text_held = decision.action == PolicyRule.Action.HOLD and decision.rule_id is not None
    action = verdict.action
    if action == PolicyRule.Action.BLOCK:
        rule = verdict.rule
        reason = (
            f"Blocked by the policy “{rule.name if rule else ''}”: a file contains "
            f"{verdict.reason()}."
        )
        close_after_scan(decision=decision, release=False, reason=reason, findings=findings)
    elif action is None and not unreadable and not text_held:
        close_after_scan(
            decision=decision,
            release=True,
            reason="Files checked: nothing found.",
            findings=findings,
        )
    else:
        close_after_scan(
            decision=decision,
            release=False,
            reason="Files need a review by a compliance officer.",
            findings=findings,
        )
