"""Group pages: directory, create, the group (about, posts), members, settings, requests,
invitations, files and the admins' break-glass. Thin: parse, check, one action, render.

Every page finds the group through ``access_group_by_slug``: a secret group answers a
non-member exactly like a slug that does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from hallway.accounts.models import User
from hallway.companies.access import companies_visible_to
from hallway.companies.models import Company
from hallway.core.cursors import BadCursor
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer, request_viewer
from hallway.feed.views import is_partial, since_post_id
from hallway.groups import actions
from hallway.groups.access import (
    access_group_by_slug,
    can_create_group,
    can_manage_group,
    can_manage_members,
    can_open_break_glass,
    can_post_in_group,
    can_read_group_content,
    can_see_group_members,
)
from hallway.groups.forms import (
    BreakGlassForm,
    GroupForm,
    InviteForm,
    NetworkSettingsForm,
    ReasonForm,
)
from hallway.groups.models import Group, Membership
from hallway.groups.selectors import (
    GroupFilters,
    active_members_by_email,
    announcement_leaders,
    break_glass_notices,
    group_directory,
    group_files,
    group_members,
    group_with_details,
    my_invitations,
    network_settings,
    owners_of,
    pending_memberships,
    viewer_membership,
)
from hallway.profiles.access import access_person_by_id, people_visible_to

INVITE_MATCHES = 20
BAD_CURSOR = "This page link is not valid any more. Start again from the first page."


def _user(viewer: Viewer) -> User:
    assert viewer.user is not None  # login_required and an active account
    return viewer.user


def _external_companies(viewer: Viewer) -> Any:
    return companies_visible_to(viewer).exclude(kind=Company.Kind.HOST).order_by("name", "pk")


def _fail(request: HttpRequest, exc: ActionError) -> None:
    messages.error(request, exc.message)


def _group_context(request: HttpRequest, viewer: Viewer, group: Group) -> dict[str, Any]:
    """What every group page's header needs."""
    details = group_with_details(viewer, group)
    return {
        "group": details,
        "membership": viewer_membership(viewer, group),
        "can_read": can_read_group_content(viewer, group),
        "can_post": can_post_in_group(viewer, group),
        "can_manage": can_manage_group(viewer, group),
        "can_manage_members": can_manage_members(viewer, group),
        "can_see_members": can_see_group_members(viewer, group),
        "can_break_glass": can_open_break_glass(viewer, group),
        "break_glass": break_glass_notices(viewer, group),
        "owners": owners_of(viewer, group),
    }


# --- directory and creation ---------------------------------------------------------------------
@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    filters = GroupFilters(scope=request.GET.get("scope", ""), q=request.GET.get("q", ""))
    status, error = 200, ""
    try:
        page = group_directory(viewer, filters, cursor=request.GET.get("cursor") or None)
    except BadCursor:
        page = group_directory(viewer, filters)
        status, error = 400, BAD_CURSOR
    return render(
        request,
        "groups/group_list.html",
        {
            "page": page,
            "filters": filters,
            "error": error,
            "can_create": can_create_group(viewer),
            "invitations": my_invitations(viewer),
            "scopes": [
                ("", "All"),
                ("mine", "My groups"),
                ("public", "Public"),
                ("private", "Private"),
                *([("secret", "Secret")] if viewer.is_member else []),
                ("archived", "Archived"),
            ],
        },
        status=status,
    )


def _save_group_form(
    request: HttpRequest, viewer: Viewer, form: GroupForm, group: Group | None
) -> Group | None:
    data = form.cleaned_data
    settings = {
        "name": data["name"],
        "description": data["description"],
        "visibility": data["visibility"],
        "join_policy": data["join_policy"],
        "sensitivity": data["sensitivity"],
        "hints": data["hints"],
        "is_external": data["is_external"],
        "companies": list(data["companies"]),
    }
    try:
        if group is None:
            return actions.do_create_group(actor=_user(viewer), **settings)
        return actions.do_update_group(
            actor=_user(viewer), group=group, reason=data.get("reason", ""), **settings
        )
    except ActionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_create_group(viewer):
        raise PermissionDenied("You cannot create groups on this network.")
    companies = _external_companies(viewer)
    status = 200
    if request.method == "POST":
        form = GroupForm(request.POST, companies=companies)
        if form.is_valid():
            group = _save_group_form(request, viewer, form, None)
            if group is not None:
                messages.success(request, f"Group “{group.name}” created. You are its owner.")
                return redirect("group_detail", slug=group.slug)
        status = 400
    else:
        form = GroupForm(
            companies=companies,
            initial={
                "visibility": Group.Visibility.PUBLIC,
                "join_policy": Group.JoinPolicy.OPEN,
                "sensitivity": Group.Sensitivity.GENERAL,
                "hints": Group.Hints.OFF,
            },
        )
    return render(request, "groups/group_form.html", {"form": form, "group": None}, status=status)


# --- the group ----------------------------------------------------------------------------------
def _group_feed(viewer: Viewer, group: Group, cursor: str | None) -> Any:
    """The group's posts from the feed app, when it provides them."""
    from hallway.feed.selectors import group_feed

    return group_feed(viewer, group, cursor=cursor)


def _template_if_exists(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@login_required
@require_GET
@vary_on_headers("HX-Request")
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The group's page: header, composer, posts and about. An htmx "Load more" (a later
    page) answers with just the next cards."""
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    cursor = request.GET.get("cursor") or None
    page = None
    status = 200
    error = ""
    if can_read_group_content(viewer, group):
        try:
            page = _group_feed(viewer, group, cursor)
        except BadCursor:
            error, status = BAD_CURSOR, 400
        else:
            if cursor and is_partial(request):
                return render(request, "feed/_post_list.html", {"page": page, "viewer": viewer})
    context = _group_context(request, viewer, group)
    context.update(
        {
            "viewer": viewer,
            "page": page,
            "post_list_template": _template_if_exists("feed/_post_list.html"),
            "newest_post_id": max(
                (post.pk for post in page.results if post.pk not in page.pinned_ids), default=0
            )
            if page is not None and not cursor
            else 0,
        }
    )
    if error:
        context["error"] = error
    if context["can_post"]:
        from hallway.posts.forms import composer_form_for

        context["composer_form"] = composer_form_for(viewer)
    return render(request, "groups/group_detail.html", context, status=status)


@login_required
@require_GET
def group_new_posts(request: HttpRequest, slug: str) -> HttpResponse:
    """The group page's "n new posts" indicator (polled, and refreshed by live events)."""
    from hallway.feed.selectors import NEW_POSTS_CAP, new_group_posts_count

    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_read_group_content(viewer, group):
        raise PermissionDenied("Only this group's members can read its posts.")
    since = since_post_id(request)
    if since is None:
        return HttpResponse("", status=400)
    count = new_group_posts_count(viewer, group, since_post_id=since)
    context = {
        "count": count,
        "capped": count >= NEW_POSTS_CAP,
        "href": reverse("group_detail", kwargs={"slug": group.slug}),
    }
    return render(request, "feed/_new_posts.html", context)


@login_required
@require_GET
def group_members_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_see_group_members(viewer, group):
        raise PermissionDenied("Only this group's members can see who is in it.")
    context = _group_context(request, viewer, group)
    status = 200
    try:
        page = group_members(
            viewer, group, cursor=request.GET.get("cursor") or None, q=request.GET.get("q", "")
        )
    except BadCursor:
        page = group_members(viewer, group)
        context["error"] = BAD_CURSOR
        status = 400
    context.update({"page": page, "roles": Membership.Role.choices, "q": request.GET.get("q", "")})
    return render(request, "groups/group_members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def group_settings(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_manage_group(viewer, group):
        raise PermissionDenied("Only the group's owners and network admins can change settings.")
    companies = _external_companies(viewer)
    status = 200
    if request.method == "POST":
        form = GroupForm(request.POST, companies=companies, with_reason=True)
        if form.is_valid():
            saved = _save_group_form(request, viewer, form, group)
            if saved is not None:
                messages.success(request, "Group settings saved.")
                return redirect("group_detail", slug=saved.slug)
        status = 400
        group = access_group_by_slug(viewer, slug)  # the saved state for the header
    else:
        form = GroupForm(
            companies=companies,
            with_reason=True,
            initial={
                "name": group.name,
                "description": group.description,
                "visibility": group.visibility,
                "join_policy": group.join_policy,
                "sensitivity": group.sensitivity,
                "hints": group.hints,
                "is_external": group.is_external,
                "companies": list(group.companies.all()),
            },
        )
    context = _group_context(request, viewer, group)
    context["form"] = form
    return render(request, "groups/group_form.html", context, status=status)


@login_required
@require_POST
def group_archive(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_manage_group(viewer, group):
        raise PermissionDenied("Only the group's owners and network admins can archive it.")
    if request.POST.get("action") == "unarchive":
        actions.do_unarchive_group(actor=_user(viewer), group=group)
        messages.success(request, "The group is active again.")
    else:
        actions.do_archive_group(actor=_user(viewer), group=group)
        messages.success(request, "The group is archived: read-only, still findable.")
    return redirect("group_detail", slug=group.slug)


# --- joining and leaving ------------------------------------------------------------------------
@login_required
@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    try:
        actions.do_join_group(actor=_user(viewer), group=group)
        messages.success(request, f"You joined {group.name}.")
    except ActionError as exc:
        _fail(request, exc)
    return redirect("group_detail", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def group_request(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    status = 200
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_request_to_join(
                    actor=_user(viewer), group=group, reason=form.cleaned_data["reason"]
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "You asked to join. The group's owners will answer.")
                return redirect("group_detail", slug=group.slug)
        status = 400
    context = _group_context(request, viewer, group)
    context["form"] = form
    return render(request, "groups/group_request.html", context, status=status)


@login_required
@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    try:
        actions.do_leave_group(actor=_user(viewer), group=group)
    except ActionError as exc:
        _fail(request, exc)
        return redirect("group_detail", slug=group.slug)
    messages.success(request, f"You are no longer in {group.name}.")
    # A secret group disappears for someone who left it.
    if group.visibility == Group.Visibility.SECRET and not viewer.is_network_admin:
        return redirect("group_list")
    return redirect("group_detail", slug=group.slug)


@login_required
@require_POST
def group_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    try:
        if request.POST.get("action") == "decline":
            actions.do_decline_group_invitation(actor=_user(viewer), group=group)
            messages.success(request, "Invitation declined.")
            return redirect("group_list")
        actions.do_accept_group_invitation(actor=_user(viewer), group=group)
        messages.success(request, f"Welcome to {group.name}.")
    except ActionError as exc:
        _fail(request, exc)
    return redirect("group_detail", slug=group.slug)


# --- managing members ---------------------------------------------------------------------------
@login_required
@require_GET
def group_requests(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can see requests.")
    context = _group_context(request, viewer, group)
    context["pending"] = pending_memberships(viewer, group)
    return render(request, "groups/group_requests.html", context)


def _person(viewer: Viewer, user_id: int) -> User:
    return access_person_by_id(viewer, user_id)


@login_required
@require_POST
def group_decide(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can answer requests.")
    person = _person(viewer, user_id)
    approve = request.POST.get("action") == "approve"
    try:
        actions.do_decide_join_request(
            actor=_user(viewer),
            group=group,
            user=person,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except ActionError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, f"{person.name} is now a member." if approve else "Request declined."
        )
    return redirect("group_requests", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def group_invite(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can invite people.")
    form = InviteForm(request.POST or request.GET or None)
    matches: list[User] = []
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if request.method == "POST" and data.get("person"):
            try:
                person = _person(viewer, data["person"])
                actions.do_invite_to_group(
                    actor=_user(viewer),
                    group=group,
                    user=person,
                    role=data["role"] or Membership.Role.MEMBER,
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, f"{person.name} is invited.")
                return redirect("group_requests", slug=group.slug)
        query = " ".join((data.get("query") or "").split())
        if query:
            matches = list(
                people_visible_to(viewer)
                .filter(name__icontains=query)
                .select_related("company")
                .order_by("name", "pk")[:INVITE_MATCHES]
            ) or list(people_visible_to(viewer).filter(email__iexact=query)[:1])
            if group.is_external:
                allowed = {c.pk for c in group.companies.all()}
                matches = [m for m in matches if m.is_member or m.company_id in allowed]
            else:
                matches = [m for m in matches if m.is_member]
    elif form.is_bound:
        status = 400
    context = _group_context(request, viewer, group)
    context.update({"form": form, "matches": matches, "searched": bool(form.data.get("query"))})
    return render(request, "groups/group_invite.html", context, status=status)


@login_required
@require_POST
def group_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Change a member's role (``action=role``) or remove them (``action=remove``)."""
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not can_manage_members(viewer, group):
        raise PermissionDenied("Only the group's owners and moderators can manage members.")
    person = _person(viewer, user_id)
    try:
        if request.POST.get("action") == "remove":
            actions.do_remove_member(actor=_user(viewer), group=group, user=person)
            messages.success(request, f"{person.name} is no longer in the group.")
        else:
            actions.do_set_member_role(
                actor=_user(viewer), group=group, user=person, role=request.POST.get("role", "")
            )
            messages.success(request, f"{person.name}'s role is saved.")
    except ActionError as exc:
        _fail(request, exc)
    back = request.POST.get("next")
    if back == "requests":
        return redirect("group_requests", slug=group.slug)
    return redirect("group_members", slug=group.slug)


# --- files and break-glass ----------------------------------------------------------------------
@login_required
@require_GET
def group_files_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    context = _group_context(request, viewer, group)
    status = 200
    try:
        page = group_files(viewer, group, cursor=request.GET.get("cursor") or None)
    except BadCursor:
        page = group_files(viewer, group)
        context["error"] = BAD_CURSOR
        status = 400
    context["page"] = page
    return render(request, "groups/group_files.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def group_break_glass(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    group = access_group_by_slug(viewer, slug)
    if not viewer.is_network_admin:
        raise PermissionDenied("Only network admins can open a group's content this way.")
    form = BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                access = actions.do_open_break_glass(
                    actor=_user(viewer), group=group, reason=form.cleaned_data["reason"]
                )
            except ActionError as exc:
                form.add_error("reason" if exc.field == "reason" else None, exc.message)
            else:
                messages.success(
                    request,
                    f"You can read this group's content until {access.expires_at:%H:%M} UTC. "
                    "Its owners can see that you opened it, and why.",
                )
                return redirect("group_detail", slug=group.slug)
        status = 400
    context = _group_context(request, viewer, group)
    context["form"] = form
    return render(request, "groups/group_break_glass.html", context, status=status)


# --- the network's group settings ---------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def group_network_settings(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_network_admin:
        raise PermissionDenied("Only network admins can change the network's settings.")
    current = network_settings()
    form = NetworkSettingsForm(
        request.POST or None,
        initial={
            "members_can_create_groups": current.members_can_create_groups,
            "announcement_leaders": "\n".join(
                leader.email for leader in announcement_leaders(viewer)
            ),
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            leaders, unknown = active_members_by_email(
                viewer, form.cleaned_data["announcement_leaders"]
            )
            if unknown:
                form.add_error(
                    "announcement_leaders",
                    "Not an active member of the host company: " + ", ".join(unknown),
                )
            else:
                actions.do_set_network_settings(
                    actor=_user(viewer),
                    members_can_create_groups=form.cleaned_data["members_can_create_groups"],
                    announcement_leaders=leaders,
                )
                messages.success(request, "Network settings saved.")
                return redirect("group_list")
    return render(request, "groups/network_settings.html", {"form": form}, status=status)
