"""Markdown for posts and comments: markdown-it-py (CommonMark, raw HTML off), then nh3.

Two extensions, recognised by the parser itself (so never inside code):

- **Mentions** are written ``@[Name](user:ID)``; the mention autocomplete inserts exactly this.
  The link shows the person's *current* name when the caller passes ``people`` (id → name);
  a mention of an id not in ``people`` is rendered as plain text. Without ``people`` the
  name written in the text is shown.
- **Topics** are written ``#name`` (letters, digits, ``-`` and ``_``; after a space or at the
  start of a line) and link to the topic page (``/people/topics/<slug>/``).

``render_markdown`` returns HTML that is safe to mark safe: only an allowlist of tags and
attributes survives, links may only use http, https and mailto (plus our own relative
paths) and get ``rel="nofollow noopener"``. Headings are shifted down two levels (``#`` is
an ``<h3>``) so a post never outranks the page it is on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import nh3
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,200})\]\(user:([1-9][0-9]{0,18})\)")
# A tag starts with a letter: "#3" is a number (an issue, a rank), not a topic.
TOPIC_RE = re.compile(r"#([^\W\d_][\w\-]{0,99})")
MAX_TOPICS = 20
MAX_MENTIONS = 50

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
ALLOWED_CLASSES = {"a": {"mention", "topic"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"


def mention_markup(*, name: str, user_id: int) -> str:
    """What the autocomplete inserts for a person."""
    clean = re.sub(r"[\[\]\n]", "", name).strip() or "someone"
    return f"@[{clean}](user:{user_id})"


def topic_slug(name: str) -> str:
    return slugify(name)[:100]


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    match = MENTION_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"name": match.group(1), "user_id": int(match.group(2))}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _topic_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "#":
        return False
    if state.pos > 0 and not state.src[state.pos - 1].isspace():
        return False
    match = TOPIC_RE.match(state.src, state.pos, state.posMax)
    if match is None or not topic_slug(match.group(1)):
        return False
    if not silent:
        token = state.push("topic", "", 0)
        token.meta = {"name": match.group(1), "slug": topic_slug(match.group(1))}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _render_mention(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    meta = tokens[idx].meta
    people: Mapping[int, str] | None = env.get("people")
    user_id = meta["user_id"]
    if people is None:
        name = meta["name"]
    elif user_id in people:
        name = people[user_id]
    else:
        return escape(f"@{meta['name']}")
    return f'<a class="mention" href="/people/{user_id}/">@{escape(name)}</a>'


def _render_topic(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    meta = tokens[idx].meta
    return f'<a class="topic" href="/people/topics/{meta["slug"]}/">#{escape(meta["name"])}</a>'


def _render_heading(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + 2)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """Images from the web are not embedded (tracking, mixed content): link to them."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = token.content or src
    return f'<a href="{escape(src)}">{escape(alt)}</a>'


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.inline.ruler.before("link", "mention", _mention_rule)
    md.inline.ruler.before("link", "topic", _topic_rule)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("topic", _render_topic)
    md.add_render_rule("heading_open", _render_heading)
    md.add_render_rule("heading_close", _render_heading)
    md.add_render_rule("image", _render_image)
    return md


_MD = _build()


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def render_markdown(text: str, *, people: Mapping[int, str] | None = None) -> str:
    """Safe HTML for a post or comment body, mentions and topics linked (see module doc)."""
    env: dict[str, Any] = {}
    if people is not None:
        env["people"] = people
    return sanitize_html(_MD.render(text, env))


def _walk(text: str) -> list[Token]:
    found: list[Token] = []
    for token in _MD.parse(text):
        for child in token.children or ():
            if child.type in ("mention", "topic"):
                found.append(child)
    return found


def extract_mentions(text: str) -> list[int]:
    """Ids of the people a text mentions, in order, each once (code spans ignored)."""
    ids: list[int] = []
    for token in _walk(text):
        if token.type == "mention" and token.meta["user_id"] not in ids:
            ids.append(token.meta["user_id"])
    return ids[:MAX_MENTIONS]


def extract_topics(text: str) -> list[str]:
    """The #topics of a text as written (first spelling wins), each once, at most twenty."""
    names: list[str] = []
    slugs: set[str] = set()
    for token in _walk(text):
        if token.type == "topic" and token.meta["slug"] not in slugs:
            slugs.add(token.meta["slug"])
            names.append(token.meta["name"])
    return names[:MAX_TOPICS]
