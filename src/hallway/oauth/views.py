"""OAuth pages: the consent page, the admins' app registry, and each person's authorised apps.

The token endpoint is django-oauth-toolkit's own view (see urls.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.views import AuthorizationView

from hallway.core.errors import ActionError
from hallway.core.permissions import request_viewer
from hallway.oauth import actions
from hallway.oauth.access import (
    access_authorised_app_by_id,
    access_oauth_app_by_id,
    app_for_client_id,
    authorised_apps_of,
    oauth_apps_visible_to,
)


class AuthorizeView(AuthorizationView):
    """Ask the signed-in person whether the app may act as them, with the scopes it asked."""

    template_name = "oauth/authorize.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        client_id = form.cleaned_data.get("client_id")
        app = app_for_client_id(client_id)
        if app is not None and response.status_code in (301, 302):
            actions.record_oauth_consent(
                user=self.request.user,
                app=app,
                scopes=form.cleaned_data.get("scope") or "",
                allowed=bool(form.cleaned_data.get("allow")),
            )
        return response


@login_required
@require_http_methods(["GET", "POST"])
def admin_apps(request: HttpRequest) -> HttpResponse:
    """List registered apps; POST registers one and shows its client secret once."""
    viewer = request_viewer(request)
    apps = oauth_apps_visible_to(viewer)
    error, field, created, secret = "", "", None, ""
    if request.method == "POST":
        try:
            created, secret = actions.do_register_oauth_app(
                actor=viewer.user,
                name=request.POST.get("name", ""),
                client_type=request.POST.get("client_type", ""),
                redirect_uris=request.POST.get("redirect_uris", ""),
            )
        except ActionError as exc:
            error, field = exc.message, exc.field or ""
    return render(
        request,
        "oauth/admin_apps.html",
        {
            "apps": list(apps),
            "error": error,
            "error_field": field,
            "created": created,
            "client_secret": secret,
            "form": request.POST if error else {},
            "authorize_url": request.build_absolute_uri("/oauth/authorize/"),
            "token_url": request.build_absolute_uri("/oauth/token/"),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def admin_app_delete(request: HttpRequest, app_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    app = access_oauth_app_by_id(viewer, app_id)
    actions.do_delete_oauth_app(actor=viewer.user, app=app)
    return redirect("oauth_admin_apps")


@login_required
@require_http_methods(["GET"])
def account_apps(request: HttpRequest) -> HttpResponse:
    """The apps this person has authorised, each with a revoke button."""
    viewer = request_viewer(request)
    return render(
        request,
        "oauth/account_apps.html",
        {"apps": list(authorised_apps_of(viewer)), "active": "apps"},
    )


@login_required
@require_POST
def account_app_revoke(request: HttpRequest, app_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    app = access_authorised_app_by_id(viewer, app_id)
    actions.do_revoke_oauth_authorisation(viewer=viewer, app=app)
    return redirect("oauth_account_apps")
