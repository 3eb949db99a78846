"""The retention page: rules per label with a dry run, and legal holds (ADR 0015).

Views are thin: parse input, ask the permission layer, call one action or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.permissions import Viewer, request_viewer
from hallway.retention.access import (
    access_hold_by_id,
    access_hold_group_by_slug,
    access_hold_person_by_email,
    can_manage_holds,
    can_manage_retention,
    holds_visible_to,
)
from hallway.retention.actions import do_place_hold, do_release_hold, do_set_retention_rules
from hallway.retention.forms import HoldForm, RulesForm
from hallway.retention.selectors import dry_run, rule_rows

HOLDS_SHOWN = 200


def _managing(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request)
    if not can_manage_retention(viewer):
        raise PermissionDenied("Only compliance officers and network admins manage retention.")
    return viewer


def _page(
    request: HttpRequest,
    viewer: Viewer,
    *,
    rules_form: RulesForm | None = None,
    hold_form: HoldForm | None = None,
    preview: dict[str, int] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = rule_rows()
    days = {row.sensitivity: row.days for row in rows}
    context: dict[str, Any] = {
        "rules_form": rules_form or RulesForm(initial=days),
        "hold_form": hold_form or HoldForm(),
        "counts": dry_run(now=timezone.now(), days_by_label=days),
        "preview": preview,
        "holds": list(holds_visible_to(viewer)[:HOLDS_SHOWN]),
        "can_hold": can_manage_holds(viewer),
    }
    return render(request, "retention/retention.html", context, status=status)


@login_required
@require_GET
def retention_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _managing(request))


@login_required
@require_POST
def save_rules(request: HttpRequest) -> HttpResponse:
    """Save the rules, or with the “Count” button only show what they would delete."""
    viewer = _managing(request)
    form = RulesForm(request.POST)
    if not form.is_valid():
        return _page(request, viewer, rules_form=form, status=400)
    if "dry_run" in request.POST:
        preview = dry_run(now=timezone.now(), days_by_label=form.days_by_label())
        return _page(request, viewer, rules_form=form, preview=preview)
    do_set_retention_rules(actor=viewer.user, days_by_label=form.days_by_label())  # type: ignore[arg-type]
    messages.success(request, "The retention rules were saved.")
    return redirect("retention")


@login_required
@require_POST
def place_hold(request: HttpRequest) -> HttpResponse:
    viewer = _managing(request)
    if not can_manage_holds(viewer):
        raise PermissionDenied("Only compliance officers place legal holds.")
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            group = user = None
            if form.cleaned_data["group"]:
                group = access_hold_group_by_slug(viewer, form.cleaned_data["group"])
            else:
                user = access_hold_person_by_email(viewer, form.cleaned_data["email"])
            do_place_hold(
                actor=viewer.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                group=group,
                user=user,
            )
        except NotFound:
            form.add_error(None, "No such group or person.")
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The legal hold was placed.")
            return redirect("retention")
    return _page(request, viewer, hold_form=form, status=400)


@login_required
@require_POST
def release_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    viewer = _managing(request)
    if not can_manage_holds(viewer):
        raise PermissionDenied("Only compliance officers release legal holds.")
    do_release_hold(actor=viewer.user, hold=access_hold_by_id(viewer, hold_id))  # type: ignore[arg-type]
    messages.success(request, "The legal hold was released.")
    return redirect("retention")
