"""Request and response shapes of the API; they are what the OpenAPI document describes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1  # ids above this overflow the database's integer column


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_clean_text)]
ShortText = Annotated[str, Field(max_length=500), AfterValidator(_clean_text)]
LongText = Annotated[str, Field(max_length=20_000), AfterValidator(_clean_text)]


# --- Errors -------------------------------------------------------------------------------
class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in a sentence meant for people.")
    field: str | None = Field(None, description="The input field at fault, when there is one.")
    errors: dict[str, str] | None = Field(None, description="Per-field messages (profile edits).")


class ValidationIssue(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[ValidationIssue]


class PolicyFindingOut(Schema):
    field: str
    what: str = Field(description="What was found, e.g. “payment card number”.")
    masked: str = Field(description="The match, masked.")
    rule: str
    action: Literal["block", "hold", "warn", "redact"]


class PolicyErrorOut(Schema):
    """A content policy rule stopped the content (hallway.policy)."""

    detail: str
    rule: str = Field(description="The name of the rule that decided.")
    action: Literal["block", "warn"] = Field(
        description="block: remove what matched; warn: resend with `policy_justification`."
    )
    field: str | None = None
    findings: list[PolicyFindingOut] | None = Field(
        None, description="For a warning: what matched, masked."
    )


# --- References ---------------------------------------------------------------------------
class CompanyRef(Schema):
    id: int
    name: str
    slug: str
    kind: str


class TeamRef(Schema):
    id: int
    name: str
    slug: str


class LocationOut(Schema):
    id: int
    name: str
    country: str
    timezone: str


class TopicOut(Schema):
    id: int
    slug: str
    name: str


class PersonRef(Schema):
    id: int
    name: str
    photo_url: str


# --- People -------------------------------------------------------------------------------
class PersonOut(Schema):
    """A person as this viewer may see them.

    The profile fields after ``photo_url`` appear only when the viewer may read them: a
    guest never receives a member-only field, not even as an empty value.
    """

    id: int
    name: str
    kind: Literal["member", "guest"]
    state: Literal["invited", "active", "deactivated"]
    company: CompanyRef
    photo_url: str
    title: str = ""
    team: TeamRef | None = None
    location: LocationOut | None = None
    manager: PersonRef | None = Field(
        None, description="Present when the field is readable; null unless the viewer may see them."
    )
    skills: list[TopicOut] = []
    ask_me_about: str = ""
    working_on: str = ""
    bio: str = ""
    languages: str = ""
    phone: str = ""
    contact_email: str = ""


class PersonDetailOut(PersonOut):
    direct_reports: list[PersonRef] = []
    is_following: bool = False


class MeOut(PersonDetailOut):
    email: str = ""
    is_network_admin: bool = False
    is_compliance_officer: bool = False
    guest_visible_fields: list[str] = []


class AdminPersonOut(PersonOut):
    email: str = ""
    is_network_admin: bool = False
    is_compliance_officer: bool = False
    date_joined: datetime | None = None
    deactivated_at: datetime | None = None


class PersonPage(Schema):
    results: list[PersonOut]
    next: str | None = Field(description="Pass as ?cursor= for the next page; null at the end.")


class AdminPersonPage(Schema):
    results: list[AdminPersonOut]
    next: str | None


class MeUpdateIn(Schema):
    """Only the fields sent are changed; null clears a field."""

    name: ShortText | None = None
    title: ShortText | None = None
    team_id: Id | None = None
    location_id: Id | None = None
    manager_id: Id | None = None
    skills: list[ShortText] | None = Field(None, max_length=200)
    ask_me_about: ShortText | None = None
    working_on: ShortText | None = None
    bio: LongText | None = None
    languages: ShortText | None = None
    phone: ShortText | None = None
    contact_email: ShortText | None = None
    guest_visible_fields: list[ShortText] | None = Field(None, max_length=50)


# --- Teams --------------------------------------------------------------------------------
class TeamOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    parent_id: int | None
    depth: int
    lead: PersonRef | None
    member_count: int


class TeamPage(Schema):
    results: list[TeamOut]
    next: str | None


class TeamDetailOut(TeamOut):
    parent: TeamRef | None
    children: list[TeamRef]
    members: PersonPage


# --- Companies ----------------------------------------------------------------------------
class CompanyOut(Schema):
    id: int
    name: str
    slug: str
    kind: Literal["host", "customer", "partner", "supplier"]
    description: str
    website: str
    email_domain: str
    logo_url: str | None


class CompanyDetailOut(CompanyOut):
    people_count: int
    is_following: bool


class CompanyPage(Schema):
    results: list[CompanyOut]
    next: str | None


class CompanyIn(Schema):
    name: ShortText
    kind: Literal["customer", "partner", "supplier"]
    description: LongText = ""
    website: ShortText = ""
    email_domain: ShortText = ""


# --- Follows and topics -------------------------------------------------------------------
class FollowTargetIn(Schema):
    """Exactly one of the three."""

    person_id: Id | None = None
    topic: ShortText | None = Field(None, description="A topic's slug or name.")
    company_id: Id | None = None


class FollowOut(Schema):
    type: Literal["person", "topic", "company"]
    person: PersonRef | None
    topic: TopicOut | None
    company: CompanyRef | None


class FollowPage(Schema):
    results: list[FollowOut]
    next: str | None


class TopicPage(Schema):
    results: list[TopicOut]
    next: str | None


# --- Tokens -------------------------------------------------------------------------------
class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown this once and never again.")


class TokenPage(Schema):
    results: list[TokenOut]
    next: str | None


class TokenIn(Schema):
    name: ShortText


# --- Admin --------------------------------------------------------------------------------
class UserCreateIn(Schema):
    email: ShortText
    name: ShortText
    kind: Literal["member", "guest"] = "member"
    company: Id | ShortText | None = Field(
        None, description="The company's id or slug; required for a guest."
    )
    invite: bool = Field(
        True,
        description="Email an invitation (the person joins by choosing a password). "
        "false creates an active person without a password (for single sign-on).",
    )


class DeactivateIn(Schema):
    reason: ShortText = ""


class RolesIn(Schema):
    is_network_admin: bool | None = None
    is_compliance_officer: bool | None = None


def responses(ok: dict[int, Any], *, conflict: bool = False) -> dict[int, Any]:
    """The operation's success responses plus the errors every endpoint may answer."""
    errors: dict[int, Any] = {
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut | PolicyErrorOut,
    }
    if conflict:
        errors[409] = ErrorOut
    return {**errors, **ok}
