"""Pages for posts: detail, compose, edit, history, delete, comments, reactions, polls,
answers, files and mention autocomplete.

Views are thin: parse input, ask the permission layer, call one action or selector, render.
Anything hidden answers 404 exactly like something missing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.markdown import mention_markup
from hallway.core.permissions import Viewer, request_viewer
from hallway.groups.access import access_group_by_id
from hallway.policy.errors import PolicyWarning
from hallway.policy.selectors import held_decision_for_post
from hallway.posts.access import (
    access_attachment_by_id,
    access_comment_by_id,
    access_post_by_id,
    audience_for,
    can_delete_comment,
    can_delete_post,
    can_edit_comment,
    can_edit_post,
    can_post_to,
)
from hallway.posts.actions import (
    do_accept_answer,
    do_create_comment,
    do_create_post,
    do_delete_comment,
    do_delete_post,
    do_edit_comment,
    do_edit_post,
    do_react,
    do_upload_attachment,
    do_vote,
)
from hallway.posts.forms import CommentForm, PostEditForm, composer_form_for
from hallway.posts.models import Post
from hallway.posts.selectors import (
    access_hydrated_comment,
    check_mentions,
    comment_threads,
    hydrate_posts,
    reactors_of,
    revisions_of,
    search_mention_candidates,
)
from hallway.search.freshness import show_freshness

ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _hydrated(viewer: Viewer, post: Post) -> Post:
    posts = hydrate_posts(viewer, [post])
    if not posts:
        raise NotFound
    return posts[0]


def _container(viewer: Viewer, data: Any) -> tuple[Any, Any]:
    """The group or company named by a form or query (NotFound when hidden or malformed)."""
    group_id, company_id = data.get("group"), data.get("company")
    if group_id:
        number = _int(group_id)
        if number is None:
            raise NotFound
        return access_group_by_id(viewer, number), None
    if company_id:
        number = _int(company_id)
        if number is None:
            raise NotFound
        return None, access_company_by_id(viewer, number)
    return None, None


# --- posts ----------------------------------------------------------------------------------
@login_required
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = _hydrated(viewer, access_post_by_id(viewer, post_id))
    threads = comment_threads(viewer, post)
    show_freshness(viewer, post, threads)
    context = {
        "post": post,
        "viewer": viewer,
        "threads": threads,
        "comment_form": CommentForm(),
        # Held by a content policy: only the author reads it; tell them where it stands.
        "policy_hold": held_decision_for_post(viewer, post.pk)
        if post.author_id == viewer.user_id and post.audience.startswith("user:")
        else None,
    }
    return render(request, "posts/post_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    source = request.POST if request.method == "POST" else request.GET
    group, company = _container(viewer, source)
    if not can_post_to(viewer, group=group, company=company):
        raise PermissionDenied("You cannot post here.")
    form = composer_form_for(viewer)
    status = 200
    policy_warning = None
    if request.method == "POST":
        form = composer_form_for(viewer, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            kind = data["kind"]
            try:
                post = do_create_post(
                    author=request.user,  # type: ignore[arg-type]
                    body=data["body"],
                    title=data["title"],
                    kind=kind,
                    group=group,
                    company=company,
                    topics=form.topic_names(),
                    uploads=data["attachments"],
                    poll_options=form.poll_option_texts() if kind == Post.Kind.POLL else (),
                    poll_multiple=bool(data["poll_multiple"]) and kind == Post.Kind.POLL,
                    poll_closes_at=data["poll_closes_at"] if kind == Post.Kind.POLL else None,
                    pinned_until=data.get("pinned_until")
                    if kind == Post.Kind.ANNOUNCEMENT
                    else None,
                    **_policy_confirmation(request),
                )
            except PolicyWarning as warning:
                policy_warning = warning
            except ActionError as error:
                field = error.field if error.field in form.fields else None
                if error.field == "praised":
                    field = "body"
                form.add_error(field, error.message)
            else:
                messages.success(request, _posted_message(post))
                return redirect("post_detail", post_id=post.pk)
        status = 400
    return render(
        request,
        "posts/post_create.html",
        {
            "composer_form": form,
            "group": group,
            "company": company,
            "policy_warning": policy_warning,
        },
        status=status,
    )


def _policy_confirmation(request: HttpRequest) -> dict[str, Any]:
    """The author's answer to a policy warning shown on the previous submission."""
    token = request.POST.get("confirm_policy")
    if not token:
        return {}
    return {
        "policy_confirmation": token,
        "policy_justification": request.POST.get("policy_justification", "")[:2000],
    }


def _posted_message(post: Post) -> str:
    if post.audience.startswith("user:"):
        return "Held for review by a compliance officer: only you can see it until then."
    return "Posted."


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    if not can_edit_post(viewer, post):
        raise PermissionDenied("Only the author can edit a post.")
    form = PostEditForm(initial={"title": post.title, "body": post.body})
    status = 200
    policy_warning = None
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            try:
                do_edit_post(
                    actor=request.user,  # type: ignore[arg-type]
                    post=post,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data["title"],
                    **_policy_confirmation(request),
                )
            except PolicyWarning as warning:
                policy_warning = warning
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Saved.")
                return redirect("post_detail", post_id=post.pk)
        status = 400
    return render(
        request,
        "posts/post_edit.html",
        {"post": post, "form": form, "policy_warning": policy_warning},
        status=status,
    )


@login_required
@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    return render(
        request,
        "posts/post_history.html",
        {"post": post, "revisions": list(revisions_of(post)[:100])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    if not can_delete_post(viewer, post):
        raise PermissionDenied("You cannot delete this post.")
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return render(request, "posts/post_delete.html", {"post": post}, status=400)
        do_delete_post(actor=request.user, post=post)  # type: ignore[arg-type]
        messages.success(request, "The post was deleted.")
        return redirect("home")
    return render(request, "posts/post_delete.html", {"post": post})


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    try:
        do_react(actor=request.user, post=post, kind=request.POST.get("kind", ""))  # type: ignore[arg-type]
    except ActionError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    if _is_htmx(request):
        return render(
            request,
            "posts/_reactions.html",
            {"target": _hydrated(viewer, post), "target_type": "post"},
        )
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_GET
def post_reactions(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = _hydrated(viewer, access_post_by_id(viewer, post_id))
    return render(
        request,
        "posts/post_reactions.html",
        {"post": post, "reactors": reactors_of(viewer, post=post)},
    )


@login_required
@require_POST
def post_vote(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    option_ids = [pk for pk in (_int(v) for v in request.POST.getlist("option")) if pk]
    error = ""
    try:
        do_vote(actor=request.user, post=post, option_ids=option_ids)  # type: ignore[arg-type]
    except ActionError as exc:
        error = exc.message
    if _is_htmx(request):
        return render(
            request,
            "posts/_poll.html",
            {"post": _hydrated(viewer, post), "poll_error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_POST
def post_accept(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    comment = None
    comment_id = _int(request.POST.get("comment"))
    if comment_id is not None:
        comment = access_comment_by_id(viewer, comment_id)
    try:
        do_accept_answer(actor=request.user, post=post, comment=comment)  # type: ignore[arg-type]
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(reverse("post_detail", kwargs={"post_id": post.pk}) + "#comments")


# --- comments -------------------------------------------------------------------------------
@login_required
@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = access_comment_by_id(viewer, form.cleaned_data["parent"])
        try:
            comment = do_create_comment(
                author=request.user,  # type: ignore[arg-type]
                post=post,
                body=form.cleaned_data["body"],
                parent=parent,
            )
        except ActionError as error:
            form.add_error("body", error.message)
        else:
            return redirect(
                reverse("post_detail", kwargs={"post_id": post.pk}) + f"#comment-{comment.pk}"
            )
    hydrated = _hydrated(viewer, post)
    context = {
        "post": hydrated,
        "viewer": viewer,
        "threads": comment_threads(viewer, hydrated),
        "comment_form": form,
    }
    return render(request, "posts/post_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    if not can_edit_comment(viewer, comment):
        raise PermissionDenied("Only the author can edit a comment.")
    form = CommentForm(initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                do_edit_comment(actor=request.user, comment=comment, body=form.cleaned_data["body"])  # type: ignore[arg-type]
            except ActionError as error:
                form.add_error("body", error.message)
            else:
                return redirect(
                    reverse("post_detail", kwargs={"post_id": comment.post_id})
                    + f"#comment-{comment.pk}"
                )
        status = 400
    return render(
        request, "posts/comment_edit.html", {"comment": comment, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    if not can_delete_comment(viewer, comment):
        raise PermissionDenied("You cannot delete this comment.")
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return render(request, "posts/comment_delete.html", {"comment": comment}, status=400)
        do_delete_comment(actor=request.user, comment=comment)  # type: ignore[arg-type]
        messages.success(request, "The comment was deleted.")
        return redirect(reverse("post_detail", kwargs={"post_id": comment.post_id}) + "#comments")
    return render(request, "posts/comment_delete.html", {"comment": comment})


@login_required
@require_POST
def comment_react(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    try:
        do_react(actor=request.user, comment=comment, kind=request.POST.get("kind", ""))  # type: ignore[arg-type]
    except ActionError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    if _is_htmx(request):
        item = access_hydrated_comment(viewer, comment.pk)
        return render(request, "posts/_reactions.html", {"target": item, "target_type": "comment"})
    return redirect(
        reverse("post_detail", kwargs={"post_id": comment.post_id}) + f"#comment-{comment.pk}"
    )


# --- files ----------------------------------------------------------------------------------
@login_required
@require_POST
def attachment_upload(request: HttpRequest) -> HttpResponse:
    """Upload one file (``file``) for a post to come; answers JSON with its id."""
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"detail": "Choose a file.", "field": "file"}, status=400)
    try:
        attachment = do_upload_attachment(uploader=request.user, upload=upload)  # type: ignore[arg-type]
    except ActionError as error:
        return JsonResponse({"detail": error.message, "field": "file"}, status=error.status)
    return JsonResponse(
        {
            "id": attachment.pk,
            "name": attachment.name,
            "url": reverse("attachment_download", args=[attachment.pk, attachment.name]),
        },
        status=201,
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int, name: str) -> FileResponse:
    """A file, if the viewer may read what it is attached to. Images inline, the rest as a
    download; never sniffed, never scripted (CSP sandbox)."""
    viewer = request_viewer(request)
    attachment = access_attachment_by_id(viewer, attachment_id)
    if name != attachment.name:
        raise NotFound
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound from exc
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# --- mentions -------------------------------------------------------------------------------
def _mention_audience(viewer: Viewer, data: Any) -> str:
    group, company = _container(viewer, data)
    if not can_post_to(viewer, group=group, company=company):
        raise PermissionDenied("You cannot post here.")
    return audience_for(group=group, company=company)


@login_required
@require_GET
def mention_autocomplete(request: HttpRequest) -> HttpResponse:
    """At most ten people who can read the container (``group`` or ``company``, else the
    network) and whom the viewer can see, as options that insert ``@[Name](user:ID)``."""
    viewer = request_viewer(request)
    audience = _mention_audience(viewer, request.GET)
    people = search_mention_candidates(viewer, audience, request.GET.get("q", ""))
    options = [
        {"person": person, "markup": mention_markup(name=person.name, user_id=person.pk)}
        for person in people
    ]
    return render(request, "posts/_mention_options.html", {"options": options})


@login_required
@require_POST
def mention_check(request: HttpRequest) -> HttpResponse:
    """Warn while typing: who among the people mentioned cannot read the container."""
    viewer = request_viewer(request)
    audience = _mention_audience(viewer, request.POST)
    check = check_mentions(viewer, request.POST.get("body", "")[:20000], audience)
    return render(request, "posts/_mention_check.html", {"check": check})
