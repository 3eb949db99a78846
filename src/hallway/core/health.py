"""The health check's probe, kept out of views (no raw SQL there)."""

from __future__ import annotations

from django.db import connection


def ping_database() -> None:
    """Run a trivial query; raises the database error if the database does not answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
