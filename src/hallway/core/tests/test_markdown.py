"""Markdown rendering: safe HTML, mentions and topics, and XSS attempts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from hallway.core.markdown import (
    extract_mentions,
    extract_topics,
    mention_markup,
    render_markdown,
)


def _tags(html):
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_basic_markdown_renders():
    html = render_markdown("**bold** _em_ `code`\n\n- a\n- b\n\n> quote")
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<code>code</code>" in html
    assert "<ul>" in html and "<li>a</li>" in html
    assert "<blockquote>" in html


def test_headings_shift_down_two_levels():
    html = render_markdown("# One\n\n## Two\n\n#### Four")
    assert "<h3>One</h3>" in html
    assert "<h4>Two</h4>" in html
    assert "<h6>Four</h6>" in html
    assert "<h1" not in html and "<h2" not in html


def test_links_get_rel_and_keep_http():
    html = render_markdown("[site](https://example.com/a?b=1)")
    assert 'href="https://example.com/a?b=1"' in html
    assert 'rel="nofollow noopener"' in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "![x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
        '[x](https://ok.example "title" onmouseover="alert(1)")',
        "<style>body{}</style>",
        "[x](&#106;avascript:alert(1))",
    ],
)
def test_xss_attempts_are_neutralised(text):
    tags = _tags(render_markdown(text))
    allowed = {"p", "a", "code", "pre", "br", "strong", "em"}
    for tag, attrs in tags:
        assert tag in allowed, f"{tag} survived"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name} on {tag}"
            if name == "href":
                assert (value or "").split(":")[0].lower() in {"http", "https", "mailto"}


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown('<img src=x onerror="alert(1)">')
    assert "&lt;img" in html
    assert "<img" not in html


def test_image_markdown_becomes_a_link_not_an_embed():
    html = render_markdown("![diagram](https://example.com/d.png)")
    assert "<img" not in html
    assert 'href="https://example.com/d.png"' in html


def test_mentions_render_with_current_name_only_when_known():
    text = "hi @[Old Name](user:7) and @[Ghost](user:8)"
    html = render_markdown(text, people={7: "Ann <Lee>"})
    assert '<a class="mention" href="/people/7/"' in html
    assert "@Ann &lt;Lee&gt;" in html
    assert "/people/8/" not in html
    assert "@Ghost" in html


def test_mention_name_cannot_inject_markup():
    tags = _tags(render_markdown('@[<b onclick="x">](user:3)'))
    assert [tag for tag, _attrs in tags] == ["p", "a"]
    assert all(not name.startswith("on") for _tag, attrs in tags for name, _value in attrs)


def test_topics_link_to_topic_pages():
    html = render_markdown("Shipping #Kubernetes today, see #go-lang")
    assert '<a class="topic" href="/people/topics/kubernetes/"' in html
    assert 'href="/people/topics/go-lang/"' in html


def test_extract_mentions_ignores_code_and_repeats():
    text = "@[A](user:3) `@[B](user:4)`\n\n    @[C](user:5)\n\n@[A again](user:3) @[D](user:6)"
    assert extract_mentions(text) == [3, 6]


def test_extract_topics_once_each_not_in_words_or_code():
    text = "#Python and #python, email a#b, `#code`, heading:\n\n# Title\n\n#k8s"
    assert extract_topics(text) == ["Python", "k8s"]


def test_mention_markup_round_trips():
    markup = mention_markup(name="Ann [the] Lee", user_id=42)
    assert markup == "@[Ann the Lee](user:42)"
    assert extract_mentions(f"hello {markup}") == [42]


def test_class_attribute_only_for_our_links():
    html = render_markdown("```python\nprint(1)\n```")
    assert "<pre><code>" in html
    assert "class=" not in html


def test_numbers_are_not_topics():
    assert extract_topics("Fixed #3 and #42 for #platform") == ["platform"]


def test_bare_urls_become_links_but_not_in_code_or_other_schemes():
    html = render_markdown(
        "See https://example.com/pricing?q=1. Mail ana@example.com, "
        "`https://in.code.example` and javascript:alert(1)"
    )
    assert '<a href="https://example.com/pricing?q=1" rel="nofollow noopener">' in html
    assert '<a href="mailto:ana@example.com"' in html
    assert "<code>https://in.code.example</code>" in html
    assert 'href="javascript' not in html


def test_linkify_leaves_mentions_and_topics_alone():
    html = render_markdown("Ask @[Ana Lima](user:7) about #pricing", people={7: "Ana Lima"})
    assert 'href="/people/7/"' in html
    assert 'class="topic"' in html
    assert html.count("<a ") == 2
