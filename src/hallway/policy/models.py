"""Content policies (DLP): rules, and the decisions they produced.

A ``PolicyRule`` says what to look for (a detector and its settings), where (destinations)
and what to do (block, hold for review, warn, redact). A ``PolicyDecision`` records each time
a rule acted on someone's content; held content waits in the review queue as a decision in
state ``pending``. Every decision is also written to the audit log (core.AuditEvent).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

SENSITIVITY_ORDER = ["general", "internal", "confidential", "restricted"]


class PolicyRule(models.Model):
    class Detector(models.TextChoices):
        CARD_NUMBER = "card_number", "Payment card numbers (Luhn-checked)"
        IBAN = "iban", "IBANs (mod-97 checked)"
        NATIONAL_ID = "national_id", "National id numbers (US SSN, UK NINO, DE Steuer-ID, FR NIR)"
        PRIVATE_KEY = "private_key", "Private keys (PEM blocks)"
        API_KEY = "api_key", "API keys and tokens (AWS, GitHub, Slack, sk_live_…)"
        EMAIL = "email", "Email addresses"
        PHONE = "phone", "Phone numbers"
        KEYWORDS = "keywords", "Words and phrases from a list"
        REGEX = "regex", "A regular expression"

    class Destination(models.TextChoices):
        ALL = "all", "Everywhere"
        EXTERNAL = "external", "External groups (with guests)"
        LABEL_AT_MOST = "label_at_most", "Groups labelled at or below a sensitivity"
        NETWORK = "network", "The network stream and company pages"

    class Action(models.TextChoices):
        BLOCK = "block", "Block"
        HOLD = "hold", "Hold for review"
        WARN = "warn", "Warn (author confirms with a justification)"
        REDACT = "redact", "Redact (mask what matched)"

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    detector = models.CharField(max_length=16, choices=Detector.choices)
    # Detector settings: {"words": [...]} for keywords, {"pattern": "..."} for regex,
    # {"countries": ["us", "uk", "de", "fr"]} for national ids, {"allowed_domains": [...]}
    # for email addresses.
    config = models.JSONField(default=dict, blank=True)
    destination = models.CharField(
        max_length=16, choices=Destination.choices, default=Destination.ALL
    )
    max_sensitivity = models.CharField(max_length=12, blank=True, default="")
    action = models.CharField(max_length=8, choices=Action.choices)
    enabled = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["enabled", "position"], name="policyrule_enabled")]

    def __str__(self) -> str:
        return self.name


class PolicyState(models.Model):
    """One row: whether the default policy was installed (so deleting its rules sticks)."""

    defaults_installed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="policy_state_one")]

    def __str__(self) -> str:
        return "policy state"


class PolicyDecision(models.Model):
    class State(models.TextChoices):
        DONE = "done", "Done"
        PENDING = "pending", "Held for review"
        RELEASED = "released", "Released"
        REJECTED = "rejected", "Rejected"

    class Subject(models.TextChoices):
        POST = "post", "Post"
        POST_EDIT = "post_edit", "Post edit"
        COMMENT = "comment", "Comment"
        COMMENT_EDIT = "comment_edit", "Comment edit"
        PROFILE = "profile", "Profile"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_decisions"
    )
    rule = models.ForeignKey(
        PolicyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    rule_name = models.CharField(max_length=120)
    action = models.CharField(max_length=8, choices=PolicyRule.Action.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DONE)
    subject = models.CharField(max_length=12, choices=Subject.choices)
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "posts.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    destination = models.CharField(max_length=200)
    # The label held content gets when released (the container's label at hold time; the
    # release recomputes it from the container, in case the group changed since).
    release_audience = models.CharField(max_length=64, blank=True)
    # What matched, masked: [{"rule", "action", "field", "what", "masked"}]; never raw text.
    findings = models.JSONField(default=list)
    justification = models.TextField(blank=True, max_length=2000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_reason = models.TextField(blank=True, max_length=2000)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "-id"], name="policydecision_state"),
            models.Index(fields=["author", "-id"], name="policydecision_author"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.rule_name} on {self.subject}"
