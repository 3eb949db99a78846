"""Search pages: results with filters and hints, the search box's suggestions, and the
expertise finder. Thin: parse, one selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from hallway.core.cursors import BadCursor
from hallway.core.permissions import request_viewer
from hallway.search.experts import experts_on, resolve_topic
from hallway.search.forms import SearchForm
from hallway.search.selectors import search, suggest
from hallway.search.suggestions import do_dismiss_suggestion, suggestions_for


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


@login_required
@require_GET
@vary_on_headers("HX-Request")
def search_view(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    form = SearchForm(request.GET, viewer=viewer)
    context: dict[str, Any] = {"form": form, "page": None, "error": ""}
    status = 200
    if form.is_valid():
        try:
            context["page"] = search(viewer, form.filters(), cursor=request.GET.get("cursor"))
        except BadCursor:
            context["error"] = "This page link is not valid any more. Start again."
            status = 400
    else:
        context["error"] = "Some filters are not valid; check them below."
        status = 400
    context["targets"] = form.targets
    context["query_string"] = request.GET.copy()
    context["query_string"].pop("cursor", None)
    template = "search/_results.html" if _is_partial(request) else "search/search.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def search_suggest_view(request: HttpRequest) -> HttpResponse:
    """Suggestions for the search box while typing (an htmx partial)."""
    viewer = request_viewer(request)
    suggestions = suggest(viewer, (request.GET.get("q") or "")[:100])
    return render(request, "search/_suggestions.html", {"suggestions": suggestions})


@login_required
@require_GET
def experts_view(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    text = (request.GET.get("topic") or "").strip()[:100]
    topic = resolve_topic(viewer, text) if text else None
    experts = experts_on(viewer, topic) if topic is not None else []
    return render(
        request,
        "search/experts.html",
        {"topic_text": text, "topic": topic, "experts": experts},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def suggestions_view(request: HttpRequest) -> HttpResponse:
    """People, groups and topics to follow or join, each with why (the home page loads the
    panel with htmx; without it this is a page of its own)."""
    context = {"suggestions": suggestions_for(request_viewer(request))}
    template = "search/_discover.html" if _is_partial(request) else "search/discover.html"
    return render(request, template, context)


@login_required
@require_POST
def dismiss_suggestion_view(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    try:
        object_id = int(request.POST.get("id", ""))
    except ValueError:
        return HttpResponse("Choose a suggestion.", status=400)
    do_dismiss_suggestion(viewer=viewer, kind=request.POST.get("kind", ""), object_id=object_id)
    if _is_partial(request):
        return render(request, "search/_discover.html", {"suggestions": suggestions_for(viewer)})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/search/suggestions/"
    return redirect(target)
