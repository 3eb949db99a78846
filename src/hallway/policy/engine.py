"""Evaluate policy rules on text: which rules match where, and which action wins.

Rules run in order (``position``, then id); each enabled rule whose destination covers the
target runs its detector on every text field. When several match, the strictest action wins
(block > hold > warn > redact) and the first rule in order with that action is named.
Redaction rules' matches are masked whenever the content is not blocked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hallway.policy.detectors import DETECTORS, Match, keyword_index, word_tokens
from hallway.policy.models import SENSITIVITY_ORDER, PolicyRule
from hallway.policy.patterns import find_all

if TYPE_CHECKING:
    from hallway.companies.models import Company
    from hallway.groups.models import Group

STRICTNESS = {"block": 4, "hold": 3, "warn": 2, "redact": 1}


@dataclass(frozen=True)
class Target:
    """Where content goes, as far as rules care."""

    kind: str  # group | network | company | profile
    description: str
    is_external: bool = False
    sensitivity: str = ""

    @classmethod
    def for_container(cls, *, group: Group | None, company: Company | None) -> Target:
        if group is not None:
            return cls(
                kind="group",
                description=f"group “{group.name}” ({group.sensitivity}"
                f"{', external' if group.is_external else ''})",
                is_external=group.is_external,
                sensitivity=group.sensitivity,
            )
        if company is not None:
            return cls(kind="company", description=f"internal page of {company.name}")
        return cls(kind="network", description="the network stream")

    @classmethod
    def for_profile(cls, *, guest_visible: bool) -> Target:
        return cls(
            kind="profile",
            description="a profile field guests can read" if guest_visible else "a profile",
            is_external=guest_visible,
        )


def rule_applies(rule: PolicyRule, target: Target) -> bool:
    destination = rule.destination
    if destination == PolicyRule.Destination.ALL:
        return True
    if destination == PolicyRule.Destination.EXTERNAL:
        return target.is_external
    if destination == PolicyRule.Destination.NETWORK:
        return target.kind in {"network", "company"}
    if destination == PolicyRule.Destination.LABEL_AT_MOST:
        if target.kind != "group" or rule.max_sensitivity not in SENSITIVITY_ORDER:
            return False
        return SENSITIVITY_ORDER.index(target.sensitivity) <= SENSITIVITY_ORDER.index(
            rule.max_sensitivity
        )
    return False


@dataclass
class Hit:
    rule: PolicyRule
    field: str
    matches: list[Match]

    def findings(self) -> list[dict[str, str]]:
        return [
            {
                "rule": self.rule.name,
                "action": self.rule.action,
                "field": self.field,
                "what": match.what,
                "masked": match.masked,
            }
            for match in self.matches
        ]


@dataclass
class Verdict:
    hits: list[Hit] = field(default_factory=list)

    @property
    def action(self) -> str | None:
        if not self.hits:
            return None
        return max((hit.rule.action for hit in self.hits), key=STRICTNESS.__getitem__)

    @property
    def rule(self) -> PolicyRule | None:
        action = self.action
        return next((hit.rule for hit in self.hits if hit.rule.action == action), None)

    def findings(self) -> list[dict[str, str]]:
        return [finding for hit in self.hits for finding in hit.findings()]

    def reason(self) -> str:
        """Why, in words: “a payment card number (•••• •••• •••• 1111) in body”."""
        rule = self.rule
        hits = [hit for hit in self.hits if rule is not None and hit.rule.pk == rule.pk]
        parts = []
        for hit in hits[:3]:
            for match in hit.matches[:2]:
                parts.append(
                    f"a {match.what} ({match.masked}) in the {hit.field.replace('_', ' ')}"
                )
        return "; ".join(parts)

    def redacted(self, texts: Mapping[str, str]) -> dict[str, str]:
        """The texts with every redaction rule's matches masked."""
        spans: dict[str, list[Match]] = {}
        for hit in self.hits:
            if hit.rule.action == PolicyRule.Action.REDACT:
                spans.setdefault(hit.field, []).extend(hit.matches)
        out = dict(texts)
        for name, matches in spans.items():
            out[name] = mask(texts[name], matches)
        return out


def mask(text: str, matches: Iterable[Match]) -> str:
    pieces, position = [], 0
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if match.start < position:
            continue  # overlaps a span already masked
        pieces.append(text[position : match.start])
        pieces.append(match.masked)
        position = match.end
    pieces.append(text[position:])
    return "".join(pieces)


# Compiled keyword lists, by rule id and last change.
_KEYWORDS: dict[tuple[int, Any], Any] = {}


def run_detector(
    rule: PolicyRule, text: str, tokens: list[tuple[int, int, str]] | None = None
) -> list[Match]:
    config = dict(rule.config or {})
    if rule.detector == PolicyRule.Detector.REGEX:
        pattern = str(config.get("pattern") or "")
        if not pattern:
            return []
        return [
            Match(start, end, raw, "•" * min(len(raw), 12), "match of the rule's pattern")
            for start, end, raw in find_all(pattern, text)
        ]
    if rule.detector == PolicyRule.Detector.KEYWORDS:
        key = (rule.pk or id(rule), rule.updated_at)
        if key not in _KEYWORDS:
            if len(_KEYWORDS) > 1000:
                _KEYWORDS.clear()
            _KEYWORDS[key] = keyword_index(config.get("words") or [])
        config["_compiled"] = _KEYWORDS[key]
        if config["_compiled"] is None:
            return []
        config["_tokens"] = tokens if tokens is not None else word_tokens(text)
    detector = DETECTORS.get(rule.detector)
    return detector(text, config) if detector is not None else []


def evaluate(rules: Iterable[PolicyRule], texts: Mapping[str, str], target: Target) -> Verdict:
    """Run every rule that covers ``target`` on every text, in order."""
    verdict = Verdict()
    words: dict[str, list[tuple[int, int, str]]] = {}  # each text split into words once
    for rule in rules:
        if not rule.enabled or not rule_applies(rule, target):
            continue
        for name, text in texts.items():
            if not text:
                continue
            tokens = None
            if rule.detector == PolicyRule.Detector.KEYWORDS:
                if name not in words:
                    words[name] = word_tokens(text)
                tokens = words[name]
            matches = run_detector(rule, text, tokens)
            if matches:
                verdict.hits.append(Hit(rule=rule, field=name, matches=matches))
    return verdict
