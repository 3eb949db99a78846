"""Errors of the policy check: ActionErrors that also name the rule and its action."""

from __future__ import annotations

from hallway.core.errors import ActionError


class PolicyError(ActionError):
    """Content a policy rule stopped. Pages show ``message``; the API answers 422 with
    ``{"detail", "rule", "action"}`` (plus ``confirm_token`` for a warning)."""

    action = ""

    def __init__(self, message: str, *, rule: str, field: str | None = None) -> None:
        super().__init__(message, field=field, status=422)
        self.rule = rule


class PolicyBlocked(PolicyError):  # noqa: N818 (the name the API and docs use)
    action = "block"


class PolicyWarning(PolicyError):  # noqa: N818
    """The content matched a warn rule: publish only with a justification."""

    action = "warn"

    def __init__(
        self, message: str, *, rule: str, token: str, findings: list[dict[str, str]]
    ) -> None:
        super().__init__(message, rule=rule, field="body")
        self.token = token
        self.findings = findings
