"""The home page's markup: its title, and every element closed where it was opened."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.posts.actions import do_create_post
from hallway.profiles.actions import do_follow

pytestmark = pytest.mark.django_db

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)


class TagBalance(HTMLParser):
    """Records every end tag that does not close the element opened last."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, tuple[int, int]]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, self.getpos()))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self.open and self.open[-1][0] == tag:
            self.open.pop()
            return
        expected = self.open[-1] if self.open else None
        self.problems.append(f"</{tag}> at {self.getpos()} while {expected} is open")
        names = [name for name, _ in self.open]
        if tag in names:
            del self.open[len(names) - 1 - names[::-1].index(tag) :]


def problems_in(html: str) -> list[str]:
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"<{name}> at {pos} never closed" for name, pos in checker.open]


def test_tag_balance_finds_stray_and_unclosed_tags() -> None:
    assert problems_in("<div><p>ok</p><br><img src=x></div>") == []
    assert problems_in("<div><span></div>") != []
    assert problems_in("<title>Home</title></aside>") != []
    assert problems_in("<section><div></section>") != []


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def test_home_page_title_is_home_and_the_markup_is_well_formed() -> None:
    me, fran = UserFactory(name="Me Myself"), UserFactory(name="Fran Friend")
    group = GroupFactory(name="Platform Guild")
    add_member(group, me)
    add_member(group, fran)
    do_follow(follower=me, person=fran)
    do_create_post(author=fran, body="Upgrade done #kubernetes", group=group)
    do_create_post(author=fran, body="A question for all?", kind="question")
    do_create_post(author=me, body="My own note")
    client = Client()
    client.force_login(me)

    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert title.group(1).startswith("Home · ")
    assert "<" not in title.group(1)
    assert problems_in(html) == []
    assert html.count('class="card post-card') == 3
