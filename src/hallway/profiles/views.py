"""Pages for people: directory, profiles, editing, photos, org chart, teams and topics.

Views are thin: parse input, ask the permission layer, call one selector or action, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from hallway.accounts.models import User
from hallway.core.avatars import picture_response
from hallway.core.cursors import BadCursor
from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.permissions import Viewer, request_viewer
from hallway.feed.selectors import profile_feed, topic_feed
from hallway.profiles.access import (
    access_person_by_id,
    access_team_by_slug,
    access_topic_by_slug,
    can_edit_profile,
    profile_fields_visible_to,
)
from hallway.profiles.actions import (
    PHOTO_MAX_BYTES,
    ProfileValidationError,
    do_follow,
    do_set_photo,
    do_unfollow,
    do_update_profile,
)
from hallway.profiles.cards import person_cards
from hallway.profiles.forms import DirectoryFilterForm, PhotoForm, ProfileForm
from hallway.profiles.models import Topic
from hallway.profiles.org import (
    direct_reports_of,
    is_following,
    org_chart_for,
    photo_profile_of,
    profile_of,
    sub_teams_of,
    team_ancestors,
    team_tree_for,
    visible_person,
)
from hallway.profiles.selectors import DirectoryFilters, people_directory

PROFILE_REPORTS_SHOWN = 12
SECTION_POSTS = 5  # posts shown on a profile or topic page; more on /feed/…
AUTOCOMPLETE_LIMIT = 10


def _own_id(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotFound
    return viewer.user_id


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def directory_page_context(
    viewer: Viewer, filters: DirectoryFilters, cursor: str | None
) -> dict[str, Any]:
    """One directory page as template context; raises BadCursor for a forged cursor."""
    page = people_directory(viewer, filters, cursor=cursor or None)
    return {"cards": person_cards(viewer, page.results), "next_cursor": page.next_cursor}


# --- Directory ------------------------------------------------------------------------------


@login_required
@require_GET
@vary_on_headers("HX-Request")
def people_directory_view(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    form = DirectoryFilterForm(request.GET, viewer=viewer)
    context: dict[str, Any] = {"form": form, "cards": [], "next_cursor": None, "error": ""}
    status = 200
    if form.is_valid():
        try:
            context.update(
                directory_page_context(viewer, form.filters(), request.GET.get("cursor"))
            )
        except BadCursor:
            context["error"] = (
                "This page link is not valid any more. Start again from the first page."
            )
            status = 400
    else:
        context["error"] = "Some filters are not valid; check them below."
        status = 400
    context["is_later_page"] = bool(request.GET.get("cursor"))
    template = (
        "profiles/_directory_results.html" if _is_partial(request) else "profiles/directory.html"
    )
    return render(request, template, context, status=status)


@login_required
@require_GET
def people_autocomplete(request: HttpRequest) -> HttpResponse:
    """At most ten people matching ``q`` (or the manager input), as ``<option>`` elements."""
    viewer = request_viewer(request)
    query = (request.GET.get("q") or request.GET.get("manager") or "").strip()[:100]
    people: list[User] = []
    if len(query) >= 2 and "@" not in query:
        people = people_directory(
            viewer, DirectoryFilters(q=query), limit=AUTOCOMPLETE_LIMIT
        ).results
    return render(
        request,
        "profiles/_autocomplete_options.html",
        {"cards": person_cards(viewer, people), "use_email": viewer.is_member},
    )


# --- Profile --------------------------------------------------------------------------------


@login_required
@require_GET
def my_profile(request: HttpRequest) -> HttpResponse:
    return redirect("person_detail", user_id=request.user.pk)


@login_required
@require_GET
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    person = access_person_by_id(viewer, user_id)
    profile = profile_of(person)
    fields = profile_fields_visible_to(viewer, profile)
    manager = visible_person(viewer, profile.manager_id) if "manager" in fields else None
    reports: list[User] = []
    if viewer.is_member:
        reports = list(direct_reports_of(viewer, person, limit=PROFILE_REPORTS_SHOWN + 1))
    is_self = viewer.user_id == person.pk
    context = {
        "person": person,
        "profile": profile,
        "fields": fields,
        "manager": manager,
        "reports": reports[:PROFILE_REPORTS_SHOWN],
        "more_reports": len(reports) > PROFILE_REPORTS_SHOWN,
        "is_self": is_self,
        "can_edit": can_edit_profile(viewer, profile),
        "following": False if is_self else is_following(viewer, person_id=person.pk),
        "show_org_chart": viewer.is_member and person.is_member,
        "posts": profile_feed(viewer, person, limit=SECTION_POSTS),
        "posts_viewer": viewer,
        "posts_more_url": reverse("person_posts", kwargs={"user_id": person.pk}) + "?cursor=",
    }
    return render(request, "profiles/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    return _edit_profile(request, viewer, access_person_by_id(viewer, _own_id(viewer)))


@login_required
@require_http_methods(["GET", "POST"])
def person_edit_other(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    return _edit_profile(request, viewer, access_person_by_id(viewer, user_id))


def _edit_profile(request: HttpRequest, viewer: Viewer, person: User) -> HttpResponse:
    profile = profile_of(person)
    if not can_edit_profile(viewer, profile):
        raise PermissionDenied("Only the person and network admins may edit this profile.")
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, viewer=viewer, profile=profile)
        if form.is_valid():
            try:
                do_update_profile(actor=viewer.user, profile=profile, changes=form.changes())  # type: ignore[arg-type]
            except ProfileValidationError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Profile saved.")
                return redirect("person_detail", user_id=person.pk)
        status = 400
    else:
        form = ProfileForm(viewer=viewer, profile=profile)
    context = {
        "person": person,
        "profile": profile,
        "form": form,
        "photo_form": PhotoForm(),
        "is_self": viewer.user_id == person.pk,
    }
    return render(request, "profiles/person_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_photo_upload(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    person = access_person_by_id(viewer, _own_id(viewer))
    profile = profile_of(person)
    status = 200
    form = PhotoForm()
    if request.method == "POST":
        if request.POST.get("remove"):
            if profile.pk is not None:
                do_set_photo(actor=person, profile=profile, data=None)
            messages.success(request, "Photo removed.")
            return redirect("person_edit")
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            # Read one byte past the limit: enough for the action to say "too big".
            data = upload.read(PHOTO_MAX_BYTES + 1)
            try:
                if profile.pk is None:
                    profile.save()
                do_set_photo(actor=person, profile=profile, data=data)
            except ActionError as exc:
                form.add_error("photo", exc.message)
            else:
                messages.success(request, "Photo updated.")
                return redirect("person_edit")
        status = 400
    context = {"person": person, "profile": profile, "photo_form": form}
    return render(request, "profiles/photo.html", context, status=status)


@login_required
@require_GET
def person_photo(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    person = access_person_by_id(viewer, user_id)
    profile = photo_profile_of(person)
    return picture_response(
        request,
        file=profile.photo if profile is not None else None,
        name=person.name,
        seed=person.pk,
        version=profile.updated_at.isoformat() if profile is not None else "",
        rounded=True,
    )


# --- Follows --------------------------------------------------------------------------------


def _follow_response(
    request: HttpRequest, *, following: bool, action_url: str, subject: str, back: str
) -> HttpResponse:
    if _is_partial(request):
        return render(
            request,
            "profiles/_follow_button.html",
            {"following": following, "follow_url": action_url, "subject": subject},
        )
    return HttpResponseRedirect(back)


def _apply_follow(request: HttpRequest, viewer: Viewer, **target: Any) -> bool | None:
    """Follow or unfollow per the POSTed ``action``; returns the new state, None on error."""
    follow = request.POST.get("action", "follow") != "unfollow"
    try:
        if follow:
            do_follow(follower=viewer.user, **target)  # type: ignore[arg-type]
        else:
            do_unfollow(follower=viewer.user, **target)  # type: ignore[arg-type]
    except ActionError as exc:
        messages.error(request, exc.message)
        return None
    return follow


@login_required
@require_POST
def person_follow(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    person = access_person_by_id(viewer, user_id)
    state = _apply_follow(request, viewer, person=person)
    back = reverse("person_detail", kwargs={"user_id": person.pk})
    if state is None:
        return (
            HttpResponseRedirect(back, status=303)
            if not _is_partial(request)
            else HttpResponse(status=400)
        )
    return _follow_response(
        request,
        following=state,
        action_url=reverse("person_follow", kwargs={"user_id": person.pk}),
        subject=person.name,
        back=back,
    )


@login_required
@require_POST
def topic_follow(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    topic = access_topic_by_slug(viewer, slug)
    state = _apply_follow(request, viewer, topic=topic)
    back = reverse("topic_detail", kwargs={"slug": topic.slug})
    if state is None:
        return HttpResponse(status=400)
    return _follow_response(
        request,
        following=state,
        action_url=reverse("topic_follow", kwargs={"slug": topic.slug}),
        subject=f"#{topic.name}",
        back=back,
    )


# --- Org chart, teams, topics ---------------------------------------------------------------


@login_required
@require_GET
def org_chart(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_member:
        raise NotFound  # the reporting structure is internal
    person = access_person_by_id(viewer, user_id)
    chart = org_chart_for(viewer, person)
    return render(request, "profiles/org_chart.html", {"person": person, "chart": chart})


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_member:
        raise NotFound
    return render(request, "profiles/team_list.html", {"roots": team_tree_for(viewer)})


@login_required
@require_GET
@vary_on_headers("HX-Request")
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    team = access_team_by_slug(viewer, slug)
    return _people_list_page(
        request,
        viewer,
        DirectoryFilters(team_id=team.pk),
        "profiles/team_detail.html",
        {
            "team": team,
            "lead": visible_person(viewer, team.lead_id),
            "ancestors": team_ancestors(viewer, team),
            "sub_teams": list(sub_teams_of(viewer, team)),
        },
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    topic: Topic = access_topic_by_slug(viewer, slug)
    return _people_list_page(
        request,
        viewer,
        DirectoryFilters(skill_slug=topic.slug),
        "profiles/topic_detail.html",
        {
            "topic": topic,
            "following": is_following(viewer, topic_id=topic.pk),
            "follow_url": reverse("topic_follow", kwargs={"slug": topic.slug}),
            "posts": topic_feed(viewer, topic, limit=SECTION_POSTS),
            "posts_viewer": viewer,
            "posts_more_url": reverse("topic_posts", kwargs={"slug": topic.slug}) + "?cursor=",
        },
    )


def _people_list_page(
    request: HttpRequest,
    viewer: Viewer,
    filters: DirectoryFilters,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page with a paginated list of people (team members, people with a skill…)."""
    status = 200
    context = {**context, "cards": [], "next_cursor": None, "error": ""}
    try:
        context.update(directory_page_context(viewer, filters, request.GET.get("cursor")))
    except BadCursor:
        context["error"] = "This page link is not valid any more. Start again from the first page."
        status = 400
    context["is_later_page"] = bool(request.GET.get("cursor"))
    if _is_partial(request):
        template = "profiles/_people_page.html"
    return render(request, template, context, status=status)
