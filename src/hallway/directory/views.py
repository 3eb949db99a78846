"""The people import page: upload a CSV, dry run, then a background run with progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hallway.core.errors import ActionError
from hallway.core.permissions import request_viewer
from hallway.directory import actions
from hallway.directory.access import access_import_job_by_id, import_jobs_visible_to

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _read_upload(request: HttpRequest) -> tuple[str, str]:
    upload = request.FILES.get("file")
    if upload is None:
        raise ActionError("Choose a CSV file.", field="file")
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ActionError("The file is larger than 10 MB.", field="file")
    try:
        return upload.name or "people.csv", upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActionError("Save the file as UTF-8 CSV.", field="file") from exc


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request: HttpRequest) -> HttpResponse:
    """GET: the form and recent imports. POST: a dry run, or (run=1) start the real import."""
    viewer = request_viewer(request)
    jobs = import_jobs_visible_to(viewer)[:10]
    context: dict[str, object] = {"jobs": jobs}
    status = 200
    if request.method == "POST":
        try:
            filename, text = _read_upload(request)
            if request.POST.get("run") == "1":
                job = actions.do_start_import(actor=viewer.user, filename=filename, text=text)  # type: ignore[arg-type]
                return redirect("directory_import_job", job_id=job.pk)
            context["report"] = actions.plan_import(text)
            context["filename"] = filename
        except ActionError as error:
            context["error"] = error.message
            status = 400
    return render(request, "directory/import.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress and report of one import; htmx polls the partial until it is finished."""
    job = access_import_job_by_id(request_viewer(request), job_id)
    template = "directory/_job.html" if request.headers.get("HX-Request") else "directory/job.html"
    return render(request, template, {"job": job})
