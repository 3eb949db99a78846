"""Search backends: where the full-text index lives and how it is queried (ADR 0009).

Callers (``search.sync`` and ``search.selectors``) talk to a ``SearchBackend`` only; the
default ones keep the index in the database (SQLite FTS5, PostgreSQL ``tsvector`` + GIN) and
an external engine (OpenSearch) can be added as another implementation of the protocol.

The permission rule of DESIGN §5 holds in every method that reads: the text match and
``audience IN labels`` are one statement, so a backend never returns a document the viewer
may not read (and the selectors check each hit again through the permission layer).

User input never reaches a query language: queries arrive as plain, accent-folded words
(``search_terms``), which the backends quote or suffix themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db import connection, transaction

from hallway.core.lookups import SHORT, _as_json, _as_list
from hallway.search.models import SearchDocument

# Rank at most this many of the newest matches (DESIGN §5a: ranking every match of a common
# word is unbounded; the newest few hundred readable matches are cheap and good enough).
CANDIDATES = 400
# A hint counts at most this many matches per search (its number then reads "400+").
HINT_SCAN = 400
POST_KINDS = (SearchDocument.Kind.POST.value, SearchDocument.Kind.QUESTION.value)


@dataclass(frozen=True)
class Query:
    """What to find: plain words, the viewer's labels, and optional filters."""

    terms: Sequence[str]
    labels: frozenset[str]
    kinds: Sequence[str] = ()
    group_id: int | None = None
    author_id: int | None = None
    company_id: int | None = None
    topic_id: int | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    answered: bool | None = None
    limit: int = CANDIDATES


@dataclass(frozen=True)
class Hit:
    doc_id: int
    kind: str
    object_id: int
    post_id: int | None
    created_epoch: int
    engagement: int
    text_score: float
    # Freshness (search.freshness): "official", "outdated" or "", and the last activity.
    mark: str = ""
    active_epoch: int = 0


@dataclass
class GroupMatch:
    """Matches in a group the viewer cannot read (for hints): how many, and titles."""

    group_id: int
    count: int
    titles: list[tuple[int, str]] = field(default_factory=list)


class SearchBackend(Protocol):
    """What the callers need from an index."""

    def index(self, documents: Sequence[SearchDocument]) -> None:
        """Add or replace documents (keyed by kind and object id)."""

    def delete(self, *, kinds: Sequence[str], object_ids: Sequence[int]) -> None:
        """Remove documents; unknown ones are ignored."""

    def relabel(self, *, group_id: int, old_label: str, new_label: str) -> None:
        """A group's content changed label: its documents follow (same transaction)."""

    def search(self, query: Query) -> list[Hit]:
        """The newest matching documents the labels may read, with a text score."""

    def hidden_group_matches(
        self, *, terms: Sequence[str], group_labels: Sequence[str], with_titles: Sequence[int]
    ) -> list[GroupMatch]:
        """Per group (given by label), how many posts and questions match; titles of some
        for the groups in ``with_titles``. Only for hints: the caller chooses the groups."""

    def suggest(self, *, terms: Sequence[str], labels: frozenset[str], limit: int) -> list[Hit]:
        """Titled posts and questions whose title words start with the terms."""


# --- the database backends ---------------------------------------------------------------------
class DatabaseBackend:
    """Index writes shared by the SQLite and PostgreSQL backends: the rows are the index
    (triggers or a generated column keep the full-text part in step)."""

    table = SearchDocument._meta.db_table

    def index(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        with transaction.atomic():
            keys = [(doc.kind, doc.object_id) for doc in documents]
            existing = {
                (kind, object_id): pk
                for pk, kind, object_id in SearchDocument.objects.filter(
                    kind__in={k for k, _ in keys}, object_id__in={i for _, i in keys}
                ).values_list("pk", "kind", "object_id")
            }
            new = []
            for doc in documents:
                pk = existing.get((doc.kind, doc.object_id))
                if pk is None:
                    new.append(doc)
                else:
                    doc.pk = pk
                    doc.save()
            SearchDocument.objects.bulk_create(new, batch_size=500)

    def delete(self, *, kinds: Sequence[str], object_ids: Sequence[int]) -> None:
        if object_ids:
            SearchDocument.objects.filter(kind__in=kinds, object_id__in=object_ids).delete()

    def relabel(self, *, group_id: int, old_label: str, new_label: str) -> None:
        SearchDocument.objects.filter(group_id=group_id, audience=old_label).update(
            audience=new_label
        )

    # Pieces of SQL both backends share. Column names are constants; values are parameters.
    def _filters(self, query: Query) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if query.kinds:
            where.append(f"d.kind IN ({', '.join(['%s'] * len(query.kinds))})")
            params += list(query.kinds)
        for column, value in (
            ("group_id", query.group_id),
            ("author_id", query.author_id),
            ("company_id", query.company_id),
        ):
            if value is not None:
                where.append(f"d.{column} = %s")
                params.append(value)
        if query.topic_id is not None:
            where.append("d.post_id IN (SELECT post_id FROM posts_posttopic WHERE topic_id = %s)")
            params.append(query.topic_id)
        if query.created_from is not None:
            where.append("d.created_at >= %s")
            params.append(connection.ops.adapt_datetimefield_value(query.created_from))
        if query.created_before is not None:
            where.append("d.created_at < %s")
            params.append(connection.ops.adapt_datetimefield_value(query.created_before))
        if query.answered is not None:
            where.append("d.answered = %s")
            params.append(query.answered)
        return where, params

    def _labels(self, labels: frozenset[str] | Sequence[str]) -> tuple[str, list[Any]]:
        """``d.audience IN labels`` as core/lookups.py writes it (one parameter when long)."""
        values = _as_list(frozenset(labels))
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return "d.audience = ANY(%s)", [values]
        if len(values) <= SHORT:
            return f"d.audience IN ({', '.join(['%s'] * len(values))})", values
        return "+d.audience IN (SELECT value FROM json_each(%s))", [_as_json(frozenset(labels))]

    @staticmethod
    def _hits(rows: Sequence[Sequence[Any]]) -> list[Hit]:
        return [
            Hit(
                doc_id=row[0],
                kind=row[1],
                object_id=row[2],
                post_id=row[3],
                created_epoch=int(row[4] or 0),
                engagement=int(row[5] or 0),
                text_score=float(row[6] or 0.0),
                mark=row[7] or "",
                active_epoch=int(row[8] or row[4] or 0),
            )
            for row in rows
        ]

    def _fetch(self, sql: str, params: list[Any]) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())


class SqliteBackend(DatabaseBackend):
    fts = "search_document_fts"

    @staticmethod
    def match_expression(terms: Sequence[str], *, prefix_all: bool = False) -> str:
        """FTS5 query text: every word quoted; words of 2+ letters match as prefixes."""
        parts = []
        for term in terms:
            star = "*" if prefix_all or len(term) > 1 else ""
            parts.append(f'"{term}"{star}')
        return " ".join(parts)

    def _select(self) -> str:
        return (
            f"SELECT d.id, d.kind, d.object_id, d.post_id, "  # noqa: S608 (constants)
            f"CAST(strftime('%%s', d.created_at) AS INTEGER), d.engagement, "
            f"-bm25({self.fts}, 3.0, 1.0), d.mark, "
            f"CAST(strftime('%%s', d.active_at) AS INTEGER) "
            f"FROM {self.fts} JOIN {self.table} d ON d.id = {self.fts}.rowid "
            f"WHERE {self.fts} MATCH %s"
        )

    def search(self, query: Query) -> list[Hit]:
        if not query.terms:
            return []
        labels_sql, labels_params = self._labels(query.labels)
        where, params = self._filters(query)
        sql = " AND ".join([self._select(), labels_sql, *where])
        sql += f" ORDER BY {self.fts}.rowid DESC LIMIT %s"
        return self._hits(
            self._fetch(
                sql, [self.match_expression(query.terms), *labels_params, *params, query.limit]
            )
        )

    def hidden_group_matches(
        self, *, terms: Sequence[str], group_labels: Sequence[str], with_titles: Sequence[int]
    ) -> list[GroupMatch]:
        if not terms or not group_labels:
            return []
        marks = ", ".join(["%s"] * len(group_labels))
        kinds = ", ".join(["%s"] * len(POST_KINDS))
        scan = (
            f"SELECT d.id, d.group_id, d.title FROM {self.fts} "  # noqa: S608 (constants)
            f"JOIN {self.table} d ON d.id = {self.fts}.rowid "
            f"WHERE {self.fts} MATCH %s AND d.audience IN ({marks}) AND d.kind IN ({kinds}) "
            f"ORDER BY {self.fts}.rowid DESC LIMIT %s"
        )
        rows = self._fetch(
            scan, [self.match_expression(terms), *group_labels, *POST_KINDS, HINT_SCAN]
        )
        return _group_matches(rows, with_titles)

    def suggest(self, *, terms: Sequence[str], labels: frozenset[str], limit: int) -> list[Hit]:
        if not terms:
            return []
        labels_sql, labels_params = self._labels(labels)
        expression = "search_title : (" + self.match_expression(terms, prefix_all=True) + ")"
        kinds = ", ".join(["%s"] * len(POST_KINDS))
        sql = " AND ".join([self._select(), labels_sql, f"d.kind IN ({kinds})"])
        sql += f" ORDER BY {self.fts}.rowid DESC LIMIT %s"
        return self._hits(self._fetch(sql, [expression, *labels_params, *POST_KINDS, limit]))


class PostgresBackend(DatabaseBackend):
    @staticmethod
    def tsquery(terms: Sequence[str], *, prefix_all: bool = False) -> str:
        """``to_tsquery`` text: words of 2+ letters as prefixes (``pric:*``), joined by AND."""
        return " & ".join(f"{term}:*" if prefix_all or len(term) > 1 else term for term in terms)

    def _select(self, *, weights: str = "") -> str:
        return (
            f"SELECT d.id, d.kind, d.object_id, d.post_id, "  # noqa: S608 (constants)
            f"EXTRACT(EPOCH FROM d.created_at)::bigint, d.engagement, ts_rank(d.tsv, q), "
            f"d.mark, EXTRACT(EPOCH FROM d.active_at)::bigint "
            f"FROM {self.table} d, to_tsquery('simple'::regconfig, %s) q "
            f"WHERE d.tsv @@ q"
        )

    def search(self, query: Query) -> list[Hit]:
        if not query.terms:
            return []
        labels_sql, labels_params = self._labels(query.labels)
        where, params = self._filters(query)
        sql = " AND ".join([self._select(), labels_sql, *where]) + " ORDER BY d.id DESC LIMIT %s"
        return self._hits(
            self._fetch(sql, [self.tsquery(query.terms), *labels_params, *params, query.limit])
        )

    def hidden_group_matches(
        self, *, terms: Sequence[str], group_labels: Sequence[str], with_titles: Sequence[int]
    ) -> list[GroupMatch]:
        if not terms or not group_labels:
            return []
        scan = (
            f"SELECT d.id, d.group_id, d.title FROM {self.table} d "  # noqa: S608 (constants)
            f"WHERE d.tsv @@ to_tsquery('simple'::regconfig, %s) AND d.audience = ANY(%s) "
            f"AND d.kind = ANY(%s) ORDER BY d.id DESC LIMIT %s"
        )
        rows = self._fetch(
            scan, [self.tsquery(terms), list(group_labels), list(POST_KINDS), HINT_SCAN]
        )
        return _group_matches(rows, with_titles)

    def suggest(self, *, terms: Sequence[str], labels: frozenset[str], limit: int) -> list[Hit]:
        if not terms:
            return []
        labels_sql, labels_params = self._labels(labels)
        # Title words only: weight A of the stored vector.
        expression = " & ".join(f"{term}:*A" for term in terms)
        sql = " AND ".join([self._select(), labels_sql, "d.kind = ANY(%s)"])
        sql += " ORDER BY d.id DESC LIMIT %s"
        return self._hits(self._fetch(sql, [expression, *labels_params, list(POST_KINDS), limit]))


def _group_matches(rows: Sequence[Sequence[Any]], with_titles: Sequence[int]) -> list[GroupMatch]:
    by_group: dict[int, GroupMatch] = {}
    titled = set(with_titles)
    for doc_id, group_id, title in rows:
        match = by_group.setdefault(group_id, GroupMatch(group_id=group_id, count=0))
        match.count += 1
        if group_id in titled and title and len(match.titles) < 3:
            match.titles.append((doc_id, title))
    return list(by_group.values())


def get_backend() -> SearchBackend:
    """The backend for the configured database (an external engine would be chosen here by
    a setting, without touching the callers)."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
