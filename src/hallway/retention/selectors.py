"""Reads for retention: the posts a rule would delete now (the dry run and the real run share
this query, so their counts agree) and the rules as one row per label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from hallway.posts.models import Comment, Post
from hallway.retention.models import SENSITIVITIES, LegalHold, RetentionRule


@dataclass(frozen=True)
class RuleRow:
    sensitivity: str
    days: int | None
    rule: RetentionRule | None


def rule_rows() -> list[RuleRow]:
    """One row per sensitivity label, in order; a label without a rule keeps content."""
    rules = {rule.sensitivity: rule for rule in RetentionRule.objects.all()}
    return [
        RuleRow(sensitivity=label, days=rules[label].days if label in rules else None,
                rule=rules.get(label))
        for label in SENSITIVITIES
    ]  # fmt: skip


def expired_posts(*, sensitivity: str, days: int, now: datetime) -> QuerySet[Post]:
    """Live posts of one label created more than ``days`` days before ``now``, minus those a
    legal hold covers: posts in a held group, posts by a held person, and posts a held person
    commented on (their comments would go with the post).

    Posts outside groups (the network stream, company pages) count as ``general``.
    """
    posts = Post.objects.filter(deleted_at__isnull=True, created_at__lt=now - timedelta(days=days))
    if sensitivity == "general":
        posts = posts.filter(Q(group__isnull=True) | Q(group__sensitivity="general"))
    else:
        posts = posts.filter(group__sensitivity=sensitivity)
    active = LegalHold.objects.filter(released_at__isnull=True)
    held_groups = active.filter(group__isnull=False).values("group_id")
    held_people = active.filter(user__isnull=False).values("user_id")
    return (
        posts.exclude(group_id__in=held_groups)
        .exclude(author_id__in=held_people)
        .exclude(pk__in=Comment.objects.filter(author_id__in=held_people).values("post_id"))
    )


def dry_run(*, now: datetime, days_by_label: dict[str, int | None] | None = None) -> dict[str, int]:
    """How many posts each label's rule would delete now (``days_by_label`` overrides the
    stored rules, to preview a change before saving it)."""
    days = days_by_label or {row.sensitivity: row.days for row in rule_rows()}
    return {
        label: expired_posts(sensitivity=label, days=value, now=now).count()
        if value is not None
        else 0
        for label, value in days.items()
    }
