"""The label rules page (network admins and compliance officers)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.permissions import request_viewer
from hallway.labels.access import can_manage_label_rules
from hallway.labels.actions import do_update_label_rules
from hallway.labels.models import CHOICES_WITH_NONE, LabelRules
from hallway.labels.sharing import do_share_post, may_quote, share_targets
from hallway.posts.access import access_post_by_id


class LabelRulesForm(forms.Form):
    external_max = forms.ChoiceField(
        choices=CHOICES_WITH_NONE,
        label="Groups may admit guests up to the label",
    )
    guest_download_max = forms.ChoiceField(
        choices=CHOICES_WITH_NONE,
        label="Guests may download files of groups up to the label",
    )
    hints_max = forms.ChoiceField(
        choices=CHOICES_WITH_NONE,
        label="Search hints may mention groups up to the label",
    )


@login_required
@require_http_methods(["GET", "POST"])
def label_rules(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_manage_label_rules(viewer):
        raise PermissionDenied("Only network admins and compliance officers manage label rules.")
    rules = LabelRules.load()
    form = LabelRulesForm(
        request.POST or None,
        initial={
            "external_max": rules.external_max,
            "guest_download_max": rules.guest_download_max,
            "hints_max": rules.hints_max,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_update_label_rules(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ActionError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, "Label rules saved.")
            return redirect("label_rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "labels/rules.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def share_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Share a post into one of my groups (quoted only where the label rules allow)."""
    viewer = request_viewer(request)
    post = access_post_by_id(viewer, post_id)
    targets = list(share_targets(viewer).exclude(pk=post.group_id or 0))
    error = ""
    if request.method == "POST":
        chosen = {str(g.pk): g for g in targets}.get(request.POST.get("group_id", ""))
        try:
            if chosen is None:
                raise NotFound
            shared = do_share_post(
                actor=request.user,  # type: ignore[arg-type]
                post=post,
                group=chosen,
                comment=request.POST.get("comment", ""),
            )
        except NotFound:
            error = "Choose one of your groups."
        except ActionError as failure:
            error = failure.message
        else:
            messages.success(request, f"Shared in {chosen.name}.")
            return redirect("post_detail", post_id=shared.pk)
    options = [(group, may_quote(post, group)) for group in targets]
    return render(
        request,
        "labels/share.html",
        {"post": post, "options": options, "error": error},
        status=400 if error else 200,
    )
