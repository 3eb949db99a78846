"""Cursor pagination for API lists: ``{"results": [...], "next": cursor-or-null}``.

Keyset pagination (never OFFSET): a page costs the same at any depth. Cursors are opaque
to clients; a tampered one answers 400.
"""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from ninja import Schema
from pydantic import Field

from hallway.api.schemas import Text
from hallway.core.cursors import decode_cursor, encode_cursor

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

M = TypeVar("M", bound=Model)


class PageParams(Schema):
    cursor: Text | None = Field(
        None, max_length=1000, description="From the previous page's `next`."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page, 1 to 100.")


encode = encode_cursor
decode = decode_cursor


def after_name(queryset: QuerySet[M], name: str, pk: int) -> QuerySet[M]:
    return queryset.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))


def page_by_name(queryset: QuerySet[M], params: PageParams) -> tuple[list[M], str | None]:
    """One page ordered by (name, id); the queryset must have a ``name`` field."""
    if params.cursor:
        name, pk = decode(params.cursor, str, int)
        queryset = after_name(queryset, name, pk)
    rows = list(queryset.order_by("name", "pk")[: params.limit + 1])
    if len(rows) > params.limit:
        last = rows[params.limit - 1]
        return rows[: params.limit], encode(last.name, last.pk)  # type: ignore[attr-defined]
    return rows, None


def page_by_newest(queryset: QuerySet[M], params: PageParams) -> tuple[list[M], str | None]:
    """One page ordered newest first (by id, descending)."""
    if params.cursor:
        (pk,) = decode(params.cursor, int)
        queryset = queryset.filter(pk__lt=pk)
    rows = list(queryset.order_by("-pk")[: params.limit + 1])
    if len(rows) > params.limit:
        return rows[: params.limit], encode(rows[params.limit - 1].pk)
    return rows, None


def check_name_cursor(cursor: str | None) -> None:
    """Refuse a (name, id) cursor that was not made by us before a selector reads it."""
    if cursor:
        decode(cursor, str, int)
