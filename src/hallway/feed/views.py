"""Feed pages: the network stream, posts of a person, topic or company, the "new posts"
indicator, and mutes. The home feed itself is on the home page (``core.views.home``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from hallway.companies.access import access_company_by_slug
from hallway.core.cursors import BadCursor
from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.permissions import Viewer, request_viewer
from hallway.feed.actions import do_mute, do_unmute
from hallway.feed.selectors import (
    NEW_POSTS_CAP,
    FeedPage,
    company_feed,
    mutes_visible_to,
    network_feed,
    new_posts_count,
    profile_feed,
    topic_feed,
)
from hallway.groups.access import access_group_by_id
from hallway.profiles.access import access_person_by_id, access_topic_by_slug

PAGE_SIZE = 20


def is_partial(request: HttpRequest) -> bool:
    """An htmx "Load more" request: answer with the next cards only."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def feed_response(
    request: HttpRequest,
    viewer: Viewer,
    load: Any,
    *,
    title: str,
    back_url: str = "",
    back_text: str = "",
) -> HttpResponse:
    """Render one page of a feed: the whole page, or (htmx) just the cards and "Load more"."""
    try:
        page: FeedPage = load(cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    except BadCursor:
        page = FeedPage(results=[], next_cursor=None)
        context = {"page": page, "viewer": viewer, "title": title, "bad_cursor": True}
        return render(request, "feed/feed_page.html", context, status=400)
    context = {
        "page": page,
        "viewer": viewer,
        "title": title,
        "back_url": back_url,
        "back_text": back_text,
    }
    template = "feed/_post_list.html" if is_partial(request) else "feed/feed_page.html"
    return render(request, template, context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def network_feed_view(request: HttpRequest) -> HttpResponse:
    """Everything posted to the whole network: members only."""
    viewer = request_viewer(request)
    if not viewer.is_member:
        raise PermissionDenied("The network stream is for members of the company.")
    return feed_response(
        request,
        viewer,
        lambda **kw: network_feed(viewer, **kw),
        title="Everyone: the network stream",
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def person_posts_view(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    person = access_person_by_id(viewer, user_id)
    return feed_response(
        request,
        viewer,
        lambda **kw: profile_feed(viewer, person, **kw),
        title=f"Posts by {person.name}",
        back_url=f"/people/{person.pk}/",
        back_text=f"{person.name}'s profile",
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def topic_posts_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    topic = access_topic_by_slug(viewer, slug)
    return feed_response(
        request,
        viewer,
        lambda **kw: topic_feed(viewer, topic, **kw),
        title=f"Posts on #{topic.name}",
        back_url=f"/people/topics/{topic.slug}/",
        back_text=f"#{topic.name}",
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def company_posts_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A company's internal side: members only."""
    viewer = request_viewer(request)
    company = access_company_by_slug(viewer, slug)
    if not viewer.is_member:
        raise PermissionDenied("A company's internal page is for members of the company.")
    return feed_response(
        request,
        viewer,
        lambda **kw: company_feed(viewer, company, **kw),
        title=f"{company.name}: internal posts",
        back_url=f"/companies/{company.slug}/",
        back_text=company.name,
    )


def since_post_id(request: HttpRequest) -> int | None:
    """The ``since`` post id of a "new posts" poll, or None when it is not a valid id."""
    try:
        since = int(request.GET.get("since", ""))
    except ValueError:
        return None
    return since if 0 <= since < 2**63 else None


@login_required
@require_GET
def new_posts_view(request: HttpRequest) -> HttpResponse:
    """The "n new posts" indicator, polled by the home page every 30 s."""
    viewer = request_viewer(request)
    since = since_post_id(request)
    if since is None:
        return HttpResponse("", status=400)
    count = new_posts_count(viewer, since_post_id=since)
    context = {"count": count, "capped": count >= NEW_POSTS_CAP}
    return render(request, "feed/_new_posts.html", context)


@login_required
@require_GET
def muted_list_view(request: HttpRequest) -> HttpResponse:
    """What I muted, newest first, with an "Unmute" button each."""
    viewer = request_viewer(request)
    mutes = list(mutes_visible_to(viewer).order_by("-pk")[:500])
    return render(request, "feed/muted_list.html", {"mutes": mutes})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target or "/")


def _mute(request: HttpRequest, *, undo: bool, **target: Any) -> HttpResponse:
    viewer = request_viewer(request)
    if viewer.user is None:
        raise NotFound
    name = next(iter(target.values()))
    label = getattr(name, "name", str(name))
    try:
        if undo:
            do_unmute(user=viewer.user, **target)
            messages.success(request, f"Unmuted {label}.")
        else:
            do_mute(user=viewer.user, **target)
            messages.success(
                request, f"Muted {label}: their posts no longer appear in your home feed."
            )
    except ActionError as exc:
        messages.error(request, exc.message)
    return _back(request)


@login_required
@require_POST
def mute_person_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_person_by_id(request_viewer(request), user_id)
    return _mute(request, undo=False, person=person)


@login_required
@require_POST
def unmute_person_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_person_by_id(request_viewer(request), user_id)
    return _mute(request, undo=True, person=person)


@login_required
@require_POST
def mute_group_view(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group_by_id(request_viewer(request), group_id)
    return _mute(request, undo=False, group=group)


@login_required
@require_POST
def unmute_group_view(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group_by_id(request_viewer(request), group_id)
    return _mute(request, undo=True, group=group)


@login_required
@require_POST
def mute_topic_view(request: HttpRequest, slug: str) -> HttpResponse:
    topic = access_topic_by_slug(request_viewer(request), slug)
    return _mute(request, undo=False, topic=topic)


@login_required
@require_POST
def unmute_topic_view(request: HttpRequest, slug: str) -> HttpResponse:
    topic = access_topic_by_slug(request_viewer(request), slug)
    return _mute(request, undo=True, topic=topic)
