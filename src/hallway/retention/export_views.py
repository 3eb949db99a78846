"""Pages for data exports: “Download your data” under account settings, the eDiscovery
export for compliance officers, the access-checked download, and a network admin's hard
erase of a person (ADR 0015)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.permissions import request_viewer
from hallway.profiles.access import access_person_by_id
from hallway.retention.access import (
    access_export_for_download,
    access_hold_group_by_slug,
    access_hold_person_by_email,
    can_export_for_ediscovery,
    exports_visible_to,
)
from hallway.retention.erase import do_hard_erase_user
from hallway.retention.export_actions import (
    do_record_download,
    do_request_ediscovery_export,
    do_request_personal_export,
)
from hallway.retention.models import DataExport

EXPORTS_SHOWN = 50


class EdiscoveryForm(forms.Form):
    group = forms.SlugField(
        label="Group (its address, e.g. bid-team)", required=False, max_length=140
    )
    email = forms.EmailField(label="Or a person (email)", required=False)
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log and sent to the group's owners.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_exports(request: HttpRequest) -> HttpResponse:
    """List one's own data exports; POST asks for a new one."""
    viewer = request_viewer(request)
    if request.method == "POST":
        do_request_personal_export(actor=viewer.user)  # type: ignore[arg-type]
        messages.success(request, "Your data is being prepared. The link appears here.")
        return redirect("data_exports")
    exports = exports_visible_to(viewer).filter(kind=DataExport.Kind.PERSONAL)[:EXPORTS_SHOWN]
    return render(request, "retention/my_exports.html", {"exports": list(exports)})


@login_required
@require_http_methods(["GET", "POST"])
def ediscovery(request: HttpRequest) -> HttpResponse:
    """A compliance officer exports a group's or a person's content, with a reason."""
    viewer = request_viewer(request)
    if not can_export_for_ediscovery(viewer):
        raise PermissionDenied("Only compliance officers export content for eDiscovery.")
    form = EdiscoveryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = access_hold_group_by_slug(viewer, data["group"]) if data["group"] else None
                user = access_hold_person_by_email(viewer, data["email"]) if data["email"] else None
                do_request_ediscovery_export(
                    actor=viewer.user,  # type: ignore[arg-type]
                    reason=data["reason"],
                    group=group,
                    user=user,
                )
            except NotFound:
                form.add_error(None, "No such group or person.")
            except ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The export is being prepared.")
                return redirect("ediscovery_exports")
    exports = exports_visible_to(viewer).filter(kind=DataExport.Kind.EDISCOVERY)[:EXPORTS_SHOWN]
    return render(
        request,
        "retention/ediscovery.html",
        {"form": form, "exports": list(exports)},
        status=status,
    )


@login_required
@require_GET
def download(request: HttpRequest, export_id: int) -> FileResponse:
    """The ZIP, for the person who asked for it, while it has not expired. Audited."""
    viewer = request_viewer(request)
    export = access_export_for_download(viewer, export_id)
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise NotFound from exc
    do_record_download(actor=viewer.user, export=export)  # type: ignore[arg-type]
    response = FileResponse(
        handle, content_type="application/zip", as_attachment=True, filename=export.filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- hard erase -------------------------------------------------------------------------------
class EraseForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log (the old name and email are not).",
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone: the name, email and profile are gone."
    )


@login_required
@require_http_methods(["GET", "POST"])
def erase_person(request: HttpRequest, user_id: int) -> HttpResponse:
    """A network admin anonymises a person for good; their posts and comments stay."""
    viewer = request_viewer(request)
    if not viewer.is_network_admin:
        raise PermissionDenied("Only network admins erase people.")
    person = access_person_by_id(viewer, user_id)
    form = EraseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                do_hard_erase_user(
                    actor=viewer.user,  # type: ignore[arg-type]
                    user=person,
                    reason=form.cleaned_data["reason"],
                )
            except ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"The person is now “{person.name}”.")
                return redirect("account_admin_person", user_id=person.pk)
    return render(request, "retention/erase.html", {"form": form, "person": person}, status=status)
