"""The policy check the ``do_*`` actions call before they write anything.

``check_content`` runs the rules on the texts an action is about to store and either raises
(block; warn without a justification) or returns an ``Outcome``: the texts to store (masked
where a redact rule matched), whether to hold the content for review, and ``record()`` to
write the decision and its audit event inside the action's transaction. A block writes only
its decision and audit event, in a transaction of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import transaction

from hallway.core.audit import record_audit_event
from hallway.policy.engine import Target, Verdict, evaluate
from hallway.policy.errors import PolicyBlocked, PolicyWarning
from hallway.policy.models import PolicyDecision, PolicyRule

if TYPE_CHECKING:
    from hallway.accounts.models import User

CONFIRM_SALT = "hallway.policy.confirm"
CONFIRM_MAX_AGE = 3600
MAX_JUSTIFICATION = 2000


def active_rules() -> list[PolicyRule]:
    """The enabled rules in evaluation order (one indexed query)."""
    return list(PolicyRule.objects.filter(enabled=True).order_by("position", "id"))


def _digest(texts: Mapping[str, str]) -> str:
    blob = json.dumps(sorted(texts.items()), ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def confirmation_token(*, author_id: int, texts: Mapping[str, str]) -> str:
    """What a page sends back (``confirm_policy``) to show the author saw this warning about
    exactly these texts."""
    return signing.dumps({"u": author_id, "h": _digest(texts)}, salt=CONFIRM_SALT)


def confirmation_valid(token: str, *, author_id: int, texts: Mapping[str, str]) -> bool:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return False
    return data == {"u": author_id, "h": _digest(texts)}


@dataclass
class Outcome:
    author: User
    subject: str
    target: Target
    verdict: Verdict
    texts: dict[str, str]
    justification: str = ""
    scan_files: bool = False  # a large file is read by a background task
    # A redact rule matched inside a file, which cannot be masked: a person decides.
    file_needs_review: bool = False

    @property
    def action(self) -> str | None:
        if self.file_needs_review:
            return PolicyRule.Action.HOLD
        return self.verdict.action

    @property
    def held(self) -> bool:
        return self.action == PolicyRule.Action.HOLD or self.scan_files

    def record(
        self, *, post: Any = None, comment: Any = None, release_audience: str = ""
    ) -> PolicyDecision | None:
        """Write the decision and its audit event (call inside the action's transaction)."""
        if self.action is None and not self.scan_files:
            return None
        rule = self.verdict.rule
        action = self.action or PolicyRule.Action.HOLD
        decision = PolicyDecision.objects.create(
            author=self.author,
            rule=rule,
            rule_name=rule.name if rule is not None else "File check",
            action=action,
            state=PolicyDecision.State.PENDING if self.held else PolicyDecision.State.DONE,
            subject=self.subject,
            post=post,
            comment=comment,
            destination=self.target.description[:200],
            release_audience=release_audience if self.held else "",
            findings=self.verdict.findings()
            + (
                [{"field": "files", "what": "large file, being checked", "masked": ""}]
                if self.scan_files
                else []
            ),
            justification=self.justification if action == PolicyRule.Action.WARN else "",
        )
        record_audit_event(
            actor=self.author,
            action=f"policy.{action}",
            target=comment or post,
            decision_id=decision.pk,
            rule=decision.rule_name,
            rule_id=rule.pk if rule is not None else None,
            subject=self.subject,
            destination=decision.destination,
            findings=decision.findings,
            justification=decision.justification,
            scanning_files=self.scan_files,
        )
        if self.scan_files:
            from hallway.core.tasks import enqueue
            from hallway.policy.tasks import scan_held_files

            enqueue(
                scan_held_files,
                idempotency_key=f"policy-scan:{decision.pk}",
                decision_id=decision.pk,
            )
        return decision


def check_content(
    *,
    author: User,
    subject: str,
    texts: Mapping[str, str],
    target: Target,
    justification: str | None = None,
    confirmation: str | None = None,
    can_hold: bool = True,
    file_texts: Mapping[str, str] | None = None,
    scan_files: bool = False,
) -> Outcome:
    """Run the rules on what ``author`` is about to publish to ``target``.

    Raises ``PolicyBlocked`` (after recording the decision) for a block, and for a hold where
    content cannot be held (edits, profiles: ``can_hold=False``); ``PolicyWarning`` for a warn
    without a justification. Otherwise returns the ``Outcome`` to store.

    Pages pass ``confirmation``, the token of the warning the author saw: the justification
    then counts only for exactly the texts that were warned about.
    """
    all_texts = {**texts, **(file_texts or {})}
    verdict = evaluate(active_rules(), all_texts, target)
    outcome = Outcome(
        author=author,
        subject=subject,
        target=target,
        verdict=verdict,
        texts=dict(texts),
        scan_files=scan_files,
    )
    action = verdict.action
    rule = verdict.rule
    if action is None or rule is None:
        return outcome
    if action == PolicyRule.Action.BLOCK or (action == PolicyRule.Action.HOLD and not can_hold):
        _record_block(outcome, rule=rule, held_instead=action == PolicyRule.Action.HOLD)
        why = verdict.reason()
        extra = (
            " It needs a compliance review, which edits and profiles cannot wait for."
            if action == PolicyRule.Action.HOLD
            else ""
        )
        raise PolicyBlocked(
            f"Blocked by the policy “{rule.name}”: this contains {why}, which may not be "
            f"posted to {target.description}.{extra} Remove it and try again.",
            rule=rule.name,
            field=_field_of(verdict),
        )
    if action == PolicyRule.Action.WARN:
        justification = (justification or "").strip()
        if confirmation is not None and not confirmation_valid(
            confirmation, author_id=author.pk, texts=texts
        ):
            justification = ""
        if not justification:
            raise PolicyWarning(
                f"The policy “{rule.name}” warns about {verdict.reason()} in content for "
                f"{target.description}. Remove it, or confirm with a justification.",
                rule=rule.name,
                token=confirmation_token(author_id=author.pk, texts=texts),
                findings=verdict.findings(),
            )
        outcome.justification = justification[:MAX_JUSTIFICATION]
    outcome.file_needs_review = any(
        hit.rule.action == PolicyRule.Action.REDACT and hit.field not in texts
        for hit in verdict.hits
    )
    outcome.texts = {
        name: text for name, text in verdict.redacted(all_texts).items() if name in texts
    }
    return outcome


def _field_of(verdict: Verdict) -> str | None:
    rule = verdict.rule
    for hit in verdict.hits:
        if rule is not None and hit.rule.pk == rule.pk:
            return hit.field.split(":", 1)[0]
    return None


def _record_block(outcome: Outcome, *, rule: PolicyRule, held_instead: bool) -> None:
    with transaction.atomic():
        decision = PolicyDecision.objects.create(
            author=outcome.author,
            rule=rule,
            rule_name=rule.name,
            action=PolicyRule.Action.BLOCK,
            subject=outcome.subject,
            destination=outcome.target.description[:200],
            findings=outcome.verdict.findings(),
        )
        record_audit_event(
            actor=outcome.author,
            action="policy.block",
            decision_id=decision.pk,
            rule=rule.name,
            rule_id=rule.pk,
            subject=outcome.subject,
            destination=decision.destination,
            findings=decision.findings,
            hold_not_possible=held_instead,
        )
