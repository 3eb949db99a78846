"""Highlighted snippets: a short window of a text around the first matching word, HTML-escaped,
with each word that starts with a search term wrapped in ``<mark>``.

Built in Python from the text the permission layer returned, so both backends (and a future
external engine) show the same snippets, and nothing but escaped text and ``<mark>`` reaches
the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hallway.profiles.actions import fold_accents

WORD = re.compile(r"[^\W_]+")
WIDTH = 180


def _matches(word: str, terms: Sequence[str]) -> bool:
    key = fold_accents(word).lower()
    return any(key.startswith(term) if len(term) > 1 else key == term for term in terms)


def highlight(text: str, terms: Sequence[str], *, width: int = WIDTH) -> SafeString:
    """The snippet of ``text`` for ``terms`` (plain, folded, lower-case words)."""
    text = " ".join((text or "").split())
    spans = [m.span() for m in WORD.finditer(text) if _matches(m.group(0), terms)]
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
        # Start at a word boundary.
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pairs: list[tuple[str, str]] = []
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pairs.append((text[cursor:span_start], text[span_start:span_end]))
        cursor = span_end
    # format_html and format_html_join escape every piece of text; only <mark> is markup.
    return format_html(
        "{}{}{}{}",
        "…" if start > 0 else "",
        format_html_join("", "{}<mark>{}</mark>", pairs),
        text[cursor:end],
        "…" if end < len(text) else "",
    )
