"""Word-prefix search over ``Profile.search_text`` for the people directory.

Every word the user types must start a word of the profile's search text ("mar" finds Maria
and Marketing). The index is SQLite FTS5 or a PostgreSQL ``tsvector`` GIN index (migration
``profiles/0002``). User input never reaches the query language: it is cut into plain words,
so quotes, ``C++``, ``AND`` or ``NEAR(`` are just words (or nothing).

Why two plans (measured with 100,000 people, see bench/RESULTS.md): the directory is ordered
by name, and neither SQLite nor PostgreSQL can estimate how many profiles a prefix matches.
A rare word is fastest as "find the matches, sort them"; a common one ("a", "mar") as "walk
the name index and keep the matches". Asking either planner to choose gave 50 ms to 1 s for
names that match about 1 % of people. So ``match_people`` first asks the index for at most
``SPARSE_LIMIT + 1`` matching ids (cheap, bounded): if there are no more than that, the page
query filters on that id list; otherwise the term is common and the page query walks the
name index with the full-text condition attached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from hallway.accounts.models import User
from hallway.profiles.actions import fold_accents
from hallway.profiles.models import Profile

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
SPARSE_LIMIT = 3000
FTS_TABLE = "profiles_profile_fts"

PG_DOCUMENT = "to_tsvector('simple'::regconfig, search_text)"
# Profiles' search_text is accent-folded when written (profiles.actions.build_search_text);
# query words are folded the same way, so both backends match with or without accents.

_WORD = re.compile(r"[^\W_]+")
# The people queryset's own table, as Django names it in the page query.
_USER_ID = f'"{User._meta.db_table}"."id"'


def _pg_term(term: str) -> str:
    return f"{term}:*"


def search_terms(query: str) -> list[str]:
    """The plain words of a user's query, lower-cased; punctuation and operators dropped."""
    words = _WORD.findall(fold_accents(query or "").lower())
    return [w[:MAX_TERM_LENGTH] for w in dict.fromkeys(words)][:MAX_TERMS]


@dataclass(frozen=True)
class PeopleMatch:
    """How to restrict a people queryset to the profiles that match a search."""

    condition: Q | RawSQL
    is_sparse: bool


def match_people(terms: list[str]) -> PeopleMatch:
    """One bounded index query, then the condition the page query uses (see module doc).

    The SQL text is built from constants only; user words travel as bound parameters.
    """
    vendor = connection.vendor
    if vendor == "sqlite":
        expression = " ".join(f'"{term}"*' for term in terms)
        candidates_sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        # The unary + keeps SQLite from driving the query from the id list, so it walks the
        # (is_active, name) index in order and checks each row against the match set.
        dense_template = "+" + _USER_ID + " IN ({})"
    elif vendor == "postgresql":
        expression = " & ".join(_pg_term(term) for term in terms)
        candidates_sql = (
            f"SELECT user_id FROM {Profile._meta.db_table} "  # noqa: S608
            f"WHERE {PG_DOCUMENT} @@ to_tsquery('simple'::regconfig, %s)"
        )
        dense_template = _USER_ID + " IN ({})"
    else:  # other databases: a plain (unindexed) word-prefix match, correct but slow
        condition = Q()
        for term in terms:
            condition &= Q(profile__search_text__startswith=term) | Q(
                profile__search_text__contains=f" {term}"
            )
        return PeopleMatch(condition=condition, is_sparse=False)

    dense = PeopleMatch(
        condition=RawSQL(  # noqa: S611
            dense_template.format(candidates_sql),
            [expression],
            output_field=BooleanField(),
        ),
        is_sparse=False,
    )
    probe_expression = expression
    if vendor == "postgresql":
        # A one-letter prefix expands to thousands of GIN entries (20-40 ms) and matches
        # nearly everyone anyway: probe with the longer words only (a superset).
        long_terms = [term for term in terms if len(term) > 1]
        if not long_terms:
            return dense
        probe_expression = " & ".join(_pg_term(term) for term in long_terms)
    with connection.cursor() as cursor:
        cursor.execute(f"{candidates_sql} LIMIT %s", [probe_expression, SPARSE_LIMIT + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return PeopleMatch(condition=Q(pk__in=[]), is_sparse=True)
    if len(ids) <= SPARSE_LIMIT:
        if vendor == "sqlite":
            # SQLite drives a plain IN (full-text subquery) from the match set by itself.
            sparse = RawSQL(f"{_USER_ID} IN ({candidates_sql})", [expression])  # noqa: S611
        elif probe_expression == expression:
            sparse = RawSQL(f"{_USER_ID} = ANY(%s)", [ids])  # noqa: S611
        else:  # check the one-letter words on just the candidates
            sparse = RawSQL(  # noqa: S611
                f"{_USER_ID} IN ({candidates_sql} AND user_id = ANY(%s))", [expression, ids]
            )
        return PeopleMatch(
            condition=RawSQL(sparse.sql, sparse.params, output_field=BooleanField()),  # noqa: S611
            is_sparse=True,
        )
    return dense


def name_matches(terms: list[str]) -> Q:
    """Word-prefix match on the person's name only (what a guest may search by)."""
    condition = Q()
    for term in terms:
        condition &= Q(name__istartswith=term) | Q(name__icontains=f" {term}")
    return condition
