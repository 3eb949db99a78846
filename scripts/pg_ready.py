"""Exit 0 if the PostgreSQL server named by the URL answers, 1 otherwise."""

import sys

import psycopg

try:
    psycopg.connect(
        sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3
    ).close()
except psycopg.Error as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
