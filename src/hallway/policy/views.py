"""Pages for content policies: rules and their trial, the review queue for held content,
an author's own decisions, the composer's audience check, and the audit log.

Views are thin: parse input, ask the permission layer, call one action or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.permissions import Viewer, request_viewer
from hallway.groups.access import access_group_by_id
from hallway.policy.access import (
    access_held_decision_by_id,
    access_rule_by_id,
    can_manage_policy,
    can_read_audit_log,
    can_review_held_content,
    rules_visible_to,
)
from hallway.policy.actions import (
    do_create_rule,
    do_delete_rule,
    do_reject_held,
    do_release_held,
    do_update_rule,
)
from hallway.policy.exports import audited_export
from hallway.policy.forms import AuditFilterForm, ReviewForm, RuleForm, TrialForm
from hallway.policy.selectors import (
    AuditFilters,
    audience_summary,
    audit_actions,
    audit_events_for,
    audit_page,
    decisions_of_author,
    held_queue,
)
from hallway.policy.trial import try_rules
from hallway.posts.access import can_post_to

AUDIT_PAGE = 50


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _managing(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request)
    if not can_manage_policy(viewer):
        raise PermissionDenied("Only network admins and compliance officers manage policies.")
    return viewer


# --- rules ----------------------------------------------------------------------------------
@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    viewer = _managing(request)
    return render(
        request,
        "policy/rule_list.html",
        {"rules": list(rules_visible_to(viewer)), "trial_form": TrialForm(), "viewer": viewer},
    )


def _rule_form_page(request: HttpRequest, *, viewer: Viewer, rule: Any = None) -> HttpResponse:
    form = RuleForm.for_rule(rule) if rule is not None else RuleForm(initial={"enabled": True})
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                if rule is None:
                    do_create_rule(actor=viewer.user, data=form.rule_data())  # type: ignore[arg-type]
                else:
                    do_update_rule(actor=viewer.user, rule=rule, changes=form.rule_data())  # type: ignore[arg-type]
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "The rule was saved.")
                return redirect("policy_rules")
        status = 400
    return render(request, "policy/rule_form.html", {"form": form, "rule": rule}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form_page(request, viewer=_managing(request))


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    viewer = _managing(request)
    return _rule_form_page(request, viewer=viewer, rule=access_rule_by_id(viewer, rule_id))


@login_required
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    viewer = _managing(request)
    do_delete_rule(actor=viewer.user, rule=access_rule_by_id(viewer, rule_id))  # type: ignore[arg-type]
    messages.success(request, "The rule was deleted.")
    return redirect("policy_rules")


@login_required
@require_http_methods(["GET", "POST"])
def rule_trial(request: HttpRequest) -> HttpResponse:
    """“Test against sample text”: what the active rules would do (nothing is recorded)."""
    _managing(request)
    form = TrialForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = try_rules(
            text=form.cleaned_data["text"],
            group=None,
            destination=form.cleaned_data["destination"],
            candidate=None,
        )
    template = "policy/_trial_result.html" if request.htmx else "policy/rule_trial.html"  # type: ignore[attr-defined]
    return render(request, template, {"trial_form": form, "result": result})


# --- review of held content -----------------------------------------------------------------
@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_review_held_content(viewer):
        raise PermissionDenied("Only compliance officers review held content.")
    return render(
        request,
        "policy/review_queue.html",
        {"decisions": list(held_queue(viewer)[:200]), "form": ReviewForm()},
    )


@login_required
@require_POST
def review_decide(request: HttpRequest, decision_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    decision = access_held_decision_by_id(viewer, decision_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose release or reject.")
        return redirect("policy_review")
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["decision"] == "release":
            do_release_held(actor=viewer.user, decision=decision, reason=reason)  # type: ignore[arg-type]
            messages.success(request, "Released: it is published now.")
        else:
            do_reject_held(actor=viewer.user, decision=decision, reason=reason)  # type: ignore[arg-type]
            messages.success(request, "Rejected: the author sees your reason.")
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("policy_review")


@login_required
@require_GET
def my_decisions(request: HttpRequest) -> HttpResponse:
    """What policies did to my content: held, released, rejected (with the reason)."""
    viewer = request_viewer(request)
    return render(
        request, "policy/my_decisions.html", {"decisions": list(decisions_of_author(viewer)[:100])}
    )


# --- audience check (composer) --------------------------------------------------------------
@login_required
@require_GET
def audience_check(request: HttpRequest) -> HttpResponse:
    """Who will read a post in the chosen container (htmx partial for the composer)."""
    viewer = request_viewer(request)
    group = company = None
    if request.GET.get("group"):
        number = _int(request.GET["group"])
        if number is None:
            raise NotFound
        group = access_group_by_id(viewer, number)
    elif request.GET.get("company"):
        number = _int(request.GET["company"])
        if number is None:
            raise NotFound
        company = access_company_by_id(viewer, number)
    if not can_post_to(viewer, group=group, company=company):
        raise PermissionDenied("You cannot post here.")
    summary = audience_summary(group=group, company=company)
    return render(request, "policy/_audience.html", {"summary": summary, "group": group})


# --- audit log ------------------------------------------------------------------------------
def _auditing(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request)
    if not can_read_audit_log(viewer):
        raise PermissionDenied("Only compliance officers and network admins read the audit log.")
    return viewer


def _audit_filters(form: AuditFilterForm) -> AuditFilters:
    if not form.is_valid():
        return AuditFilters()
    data = form.cleaned_data
    return AuditFilters(
        actor_id=data["actor"],
        action=(data["action"] or "").strip(),
        target_type=(data["target_type"] or "").strip(),
        since=data["since"],
        until=data["until"],
    )


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    viewer = _auditing(request)
    form = AuditFilterForm(request.GET or None)
    filters = _audit_filters(form)
    events, next_before = audit_page(
        audit_events_for(viewer, filters), before=_int(request.GET.get("before")), limit=AUDIT_PAGE
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "policy/audit_log.html",
        {
            "form": form,
            "events": events,
            "next_before": next_before,
            "query": query.urlencode(),
            "actions": audit_actions(viewer),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_GET
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    viewer = _auditing(request)
    fmt = "json" if request.GET.get("format") == "json" else "csv"
    return audited_export(viewer, _audit_filters(AuditFilterForm(request.GET or None)), fmt)
