"""Read a people CSV, check every line, and plan or apply it (dry run or real run).

Columns: email, name, title, department (or team), manager_email, location, and for guests
kind=guest with company (an external company's name). Re-importing the same file changes
nothing: each person is compared with what is stored and only differences are written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.profiles.models import Location, Team

REQUIRED_COLUMNS = {"email", "name"}
KNOWN_COLUMNS = {
    "email", "name", "title", "department", "team", "manager_email", "location", "kind",
    "company",
}  # fmt: skip
MAX_ROWS = 50_000


@dataclass
class Row:
    line: int
    email: str
    name: str
    title: str = ""
    department: str = ""
    manager_email: str = ""
    location: str = ""
    kind: str = User.Kind.MEMBER
    company: str = ""


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [[line, message] for line, message in self.errors],
        }

    def lines(self) -> list[str]:
        out = [
            f"created: {self.created}",
            f"updated: {self.updated}",
            f"unchanged: {self.unchanged}",
            f"errors: {len(self.errors)}",
        ]
        out += [f"  line {line}: {message}" for line, message in self.errors]
        return out


def parse(text: str) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows and every error found by line number (line 1 is the header)."""
    errors: list[tuple[int, str]] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower() for h in reader.fieldnames or []}
    missing = REQUIRED_COLUMNS - headers
    if missing:
        return [], [(1, "Missing columns: " + ", ".join(sorted(missing)))]
    unknown = headers - KNOWN_COLUMNS
    if unknown:
        errors.append((1, "Unknown columns (ignored): " + ", ".join(sorted(unknown))))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            errors.append((number, f"At most {MAX_ROWS} people per file."))
            break
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        row = Row(
            line=number,
            email=values.get("email", "").lower(),
            name=values.get("name", ""),
            title=values.get("title", ""),
            department=values.get("department") or values.get("team", ""),
            manager_email=values.get("manager_email", "").lower(),
            location=values.get("location", ""),
            kind=(values.get("kind") or User.Kind.MEMBER).lower(),
            company=values.get("company", ""),
        )
        problem = _check_row(row, seen)
        if problem:
            errors.append((number, problem))
        else:
            seen[row.email] = number
            rows.append(row)
    emails_in_file = {row.email for row in rows}
    known = set(
        User.objects.filter(email__in={r.manager_email for r in rows if r.manager_email})
        .filter(kind=User.Kind.MEMBER)
        .values_list("email", flat=True)
    )
    guests_in_file = {row.email for row in rows if row.kind == User.Kind.GUEST}
    companies = {
        c.lower()
        for c in Company.objects.exclude(kind=Company.Kind.HOST).values_list("name", flat=True)
    }
    valid: list[Row] = []
    for row in rows:
        if row.manager_email and row.manager_email not in known | (emails_in_file - guests_in_file):
            errors.append(
                (row.line, f"Manager {row.manager_email} is not a member here or in the file.")
            )
        elif row.manager_email == row.email:
            errors.append((row.line, "A person cannot be their own manager."))
        elif row.kind == User.Kind.GUEST and row.company.lower() not in companies:
            errors.append((row.line, f"Unknown external company “{row.company}”."))
        else:
            valid.append(row)
    errors.sort()
    return valid, errors


def _check_row(row: Row, seen: dict[str, int]) -> str | None:
    try:
        validate_email(row.email)
    except ValidationError:
        return f"“{row.email}” is not a valid email address."
    if row.email in seen:
        return f"{row.email} is already on line {seen[row.email]}."
    if not row.name:
        return "The name is empty."
    if len(row.name) > 150 or len(row.title) > 150 or len(row.department) > 150:
        return "name, title and department have at most 150 characters."
    if len(row.location) > 120:
        return "location has at most 120 characters."
    if row.kind not in {User.Kind.MEMBER, User.Kind.GUEST}:
        return "kind must be member or guest."
    if row.kind == User.Kind.GUEST and not row.company:
        return "A guest needs a company."
    if row.kind == User.Kind.GUEST and row.manager_email:
        return "Guests have no manager here."
    return None


def desired_profile(row: Row) -> dict[str, Any]:
    """Profile values a row asks for, by name (teams and locations are looked up later)."""
    return {
        "name": row.name,
        "title": row.title,
        "team": row.department,
        "location": row.location,
        "manager": row.manager_email,
    }


def current_profile(user: User) -> dict[str, Any]:
    profile = getattr(user, "profile", None)
    team: Team | None = profile.team if profile else None
    location: Location | None = profile.location if profile else None
    manager = profile.manager if profile else None
    return {
        "name": user.name,
        "title": profile.title if profile else "",
        "team": team.name if team else "",
        "location": location.name if location else "",
        "manager": manager.email if manager else "",
    }


def differences(user: User, row: Row) -> dict[str, Any]:
    wanted, current = desired_profile(row), current_profile(user)
    return {k: v for k, v in wanted.items() if v != current[k]}


ProgressFn = Callable[[int], None]
