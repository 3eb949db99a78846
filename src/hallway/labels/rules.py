"""Questions the rest of the code asks about sensitivity labels (ADR 0014)."""

from __future__ import annotations

from hallway.core.permissions import Viewer
from hallway.labels.models import DEFAULTS, NOBODY, SENSITIVITIES, LabelRules


def rank(sensitivity: str) -> int:
    """general 0 … restricted 3; ``none`` -1 (below every label)."""
    return SENSITIVITIES.index(sensitivity) if sensitivity in SENSITIVITIES else -1


def labels_at_most(limit: str) -> list[str]:
    """The labels at or below ``limit`` (none for ``none``)."""
    return [s for s in SENSITIVITIES if rank(s) <= rank(limit)] if limit != NOBODY else []


def rules_for(viewer: Viewer | None = None) -> LabelRules:
    """The network's rules, read once per viewer (one request)."""
    if viewer is None:
        return LabelRules.load()
    cached: LabelRules | None = viewer.__dict__.get("_label_rules")
    if cached is None:
        cached = viewer.__dict__["_label_rules"] = LabelRules.load()
    return cached


def may_be_external(sensitivity: str) -> bool:
    return rank(sensitivity) <= rank(LabelRules.load().external_max)


def guest_blocked_sensitivities(viewer: Viewer) -> list[str]:
    """Labels whose files this guest may not download (empty for members)."""
    if not viewer.is_guest:
        return []
    allowed = labels_at_most(rules_for(viewer).guest_download_max)
    return [s for s in SENSITIVITIES if s not in allowed]


def hint_sensitivities(viewer: Viewer) -> list[str]:
    """Labels of groups that may appear in search hints."""
    return labels_at_most(rules_for(viewer).hints_max)


def is_tightening(field: str, value: str) -> bool:
    """An admin may choose the default or anything stricter, never looser."""
    return value == NOBODY or (value in SENSITIVITIES and rank(value) <= rank(DEFAULTS[field]))
