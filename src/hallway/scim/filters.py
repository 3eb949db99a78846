"""SCIM filters (RFC 7644 §3.4.2.2) and sortBy, turned into SQL through the ORM.

scim2-models parses the filter into a tree; each attribute a client may filter on maps to
one column here. An attribute we do not serve is a 400 ``invalidFilter``, never a silent
match-everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from hallway.scim.schemas import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA


@dataclass(frozen=True)
class Column:
    """Where one SCIM attribute lives, and how to compare it."""

    lookup: str
    case_exact: bool = False
    kind: str = "string"  # string | boolean | integer | datetime | email
    # For attributes whose value is derived (userName, active): a builder of the Q.
    custom: Callable[[str, Any], Q] | None = None


def _user_name_q(op: str, value: Any) -> Q:
    """userName is the SCIM identity's name, or (for people SCIM never wrote) their email."""
    text = str(value).lower()
    lookups = {"eq": "exact", "co": "contains", "sw": "startswith", "ew": "endswith"}
    if op == "pr":
        return Q(pk__isnull=False)
    if op == "eq":
        # The OR across the LEFT JOIN made both databases scan every person (100,000 rows
        # for the commonest filter an identity provider sends): find the few ids through the
        # two unique indexes first. Emails are stored lower-cased.
        from hallway.accounts.models import User
        from hallway.scim.models import ScimIdentity

        ids = list(
            ScimIdentity.objects.filter(user_name_key=text).values_list("user_id", flat=True)
        )
        ids += User.objects.filter(email=text, scim__isnull=True).values_list("pk", flat=True)
        return Q(pk__in=ids)
    if op in lookups:
        suffix = lookups[op]
        return Q(**{f"scim__user_name_key__{suffix}": text}) | Q(
            scim__isnull=True, **{f"email__{suffix}": text}
        )
    if op in {"gt", "ge", "lt", "le"}:
        return Q(**{f"scim__user_name_key__{op.replace('e', 'te')}": text}) | Q(
            scim__isnull=True, **{f"email__{op.replace('e', 'te')}": text}
        )
    raise InvalidFilterException(detail=f"Operator {op} is not supported on userName.")


def _active_q(op: str, value: Any) -> Q:
    if op == "pr":
        return Q(pk__isnull=False)
    if op in {"eq", "ne"} and isinstance(value, bool):
        wanted = value if op == "eq" else not value
        return Q(deactivated_at__isnull=wanted)
    raise InvalidFilterException(detail="active can only be compared with eq/ne true or false.")


USER_COLUMNS: dict[str, Column] = {
    "id": Column("pk", kind="integer"),
    "username": Column("", custom=_user_name_q),
    "externalid": Column("scim__external_id", case_exact=True),
    "displayname": Column("name"),
    "title": Column("profile__title"),
    "active": Column("", kind="boolean", custom=_active_q),
    "emails": Column("email", kind="email"),
    "emails.value": Column("email", kind="email"),
    "emails.type": Column("scim__email_type"),
    "name.formatted": Column("scim__name__formatted"),
    "name.familyname": Column("scim__name__familyName"),
    "name.givenname": Column("scim__name__givenName"),
    "name.middlename": Column("scim__name__middleName"),
    "meta.created": Column("date_joined", kind="datetime"),
    "meta.lastmodified": Column("profile__updated_at", kind="datetime"),
    "department": Column("profile__team__name"),
    "employeenumber": Column("scim__employee_number", case_exact=True),
    "manager": Column("profile__manager_id", kind="integer"),
    "manager.value": Column("profile__manager_id", kind="integer"),
    "groups": Column("profile__team_id", kind="integer"),
    "groups.value": Column("profile__team_id", kind="integer"),
    "groups.display": Column("profile__team__name"),
}
ENTERPRISE_ONLY = {"department", "employeenumber", "manager", "manager.value"}

GROUP_COLUMNS: dict[str, Column] = {
    "id": Column("pk", kind="integer"),
    "externalid": Column("scim__external_id", case_exact=True),
    "displayname": Column("name"),
    "members": Column("profiles__user_id", kind="integer"),
    "members.value": Column("profiles__user_id", kind="integer"),
}

_STRING_LOOKUPS = {"eq": "exact", "co": "contains", "sw": "startswith", "ew": "endswith"}
_ORDER_LOOKUPS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


def _key(attr_path: AttrPath, *, prefix: str = "") -> tuple[str, str | None]:
    name = attr_path.attr if not prefix else f"{prefix}.{attr_path.attr}"
    if attr_path.sub_attr:
        name = f"{name}.{attr_path.sub_attr}"
    return name.lower(), (attr_path.uri or "").lower() or None


def _column(columns: dict[str, Column], schema: str, attr_path: AttrPath, prefix: str) -> Column:
    key, uri = _key(attr_path, prefix=prefix)
    if uri is not None:
        allowed = {schema.lower()}
        if schema == USER_SCHEMA:
            allowed.add(ENTERPRISE_SCHEMA.lower())
        if uri not in allowed:
            raise InvalidFilterException(detail=f"Unknown schema in filter: {attr_path.uri}.")
        if uri == ENTERPRISE_SCHEMA.lower() and key not in ENTERPRISE_ONLY:
            raise InvalidFilterException(detail=f"{attr_path} is not an attribute of ours.")
    column = columns.get(key)
    if column is None:
        raise InvalidFilterException(detail=f"Filtering on {attr_path} is not supported.")
    return column


def _coerce(column: Column, value: Any) -> Any:
    if column.kind == "integer":
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        return number if 0 < number < 2**63 else None
    if column.kind == "email":
        return str(value).lower()
    return value


def _compare(column: Column, op: str, value: Any) -> Q:
    if column.custom is not None:
        return column.custom(op, value)
    if op == "pr":
        present = Q(**{f"{column.lookup}__isnull": False})
        if column.kind in {"string", "email"}:
            present &= ~Q(**{column.lookup: ""})
        return present
    coerced = _coerce(column, value)
    if column.kind == "integer":
        if op not in {"eq", "ne"}:
            raise InvalidFilterException(detail="Identifiers can only be compared with eq/ne.")
        if coerced is None:
            return Q(pk__in=[]) if op == "eq" else Q(pk__isnull=False)
        matched = Q(**{column.lookup: coerced})
        return matched if op == "eq" else ~matched
    if op == "ne":
        return ~_compare(column, "eq", value)
    if op in _STRING_LOOKUPS:
        if column.kind in {"boolean", "datetime"} and op != "eq":
            raise InvalidFilterException(detail=f"Operator {op} does not apply to this attribute.")
        lookup = _STRING_LOOKUPS[op]
        if not column.case_exact and column.kind == "string":
            lookup = "i" + lookup
        return Q(**{f"{column.lookup}__{lookup}": coerced})
    if op in _ORDER_LOOKUPS:
        return Q(**{f"{column.lookup}__{_ORDER_LOOKUPS[op]}": coerced})
    raise InvalidFilterException(detail=f"Unknown operator {op}.")


def _to_q(node: FilterNode, columns: dict[str, Column], schema: str, prefix: str = "") -> Q:
    if isinstance(node, LogicalExpr):
        parts = [_to_q(term, columns, schema, prefix) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == LogicalOperator.and_ else combined | part
        return combined
    if isinstance(node, Not):
        return ~_to_q(node.expr, columns, schema, prefix)
    if isinstance(node, Present):
        return _compare(_column(columns, schema, node.attr_path, prefix), "pr", None)
    if isinstance(node, Comparison):
        op = node.op.value if isinstance(node.op, CompareOperator) else str(node.op)
        return _compare(_column(columns, schema, node.attr_path, prefix), op, node.value)
    if isinstance(node, ValuePath):
        inner_prefix = _key(node.attr_path, prefix=prefix)[0]
        return _to_q(node.val_filter, columns, schema, inner_prefix)
    raise InvalidFilterException(detail="This filter is not supported.")


def filter_q(text: str, *, resource: str) -> Q:
    """The Q for a SCIM filter on Users or Groups; raises InvalidFilterException (400)."""
    try:
        node = ScimFilter(text).ast
    except InvalidFilterException:
        raise
    except Exception as exc:  # the parser's own errors, for any malformed text
        raise InvalidFilterException(detail=f"The filter could not be parsed: {exc}") from exc
    if resource == "User":
        return _to_q(node, USER_COLUMNS, USER_SCHEMA)
    return _to_q(node, GROUP_COLUMNS, GROUP_SCHEMA)


def order_by_for(sort_by: str | None, sort_order: str | None, *, resource: str) -> list[str]:
    """ORDER BY for sortBy/sortOrder; unknown attributes sort by id (RFC 7644 §3.4.2.3)."""
    descending = (sort_order or "").lower() == "descending"
    if not sort_by:
        return ["pk"]
    columns = USER_COLUMNS if resource == "User" else GROUP_COLUMNS
    schema = USER_SCHEMA if resource == "User" else GROUP_SCHEMA
    text = sort_by
    for uri in (schema, ENTERPRISE_SCHEMA):
        if text.lower().startswith(uri.lower() + ":"):
            text = text[len(uri) + 1 :]
    column = columns.get(text.lower())
    if column is None:
        return ["pk"]
    lookup = column.lookup
    if column.custom is _user_name_q:
        lookup = "scim__user_name_key"
    elif column.custom is _active_q:
        lookup = "deactivated_at"
    return [("-" if descending else "") + lookup, "pk"]
