from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hallway.core.permissions import request_viewer


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    return render(request, "core/home.html", {"viewer": viewer})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
