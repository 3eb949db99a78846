"""Guests must set up two-factor authentication when the sign-in policy says so."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hallway.sso.selectors import sign_in_policy

# Pages a guest without MFA can still reach: setting it up, signing out, static files.
ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/accounts/reauthenticate/")


class GuestMfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_guest", False)
            and not request.path.startswith(ALLOWED_PREFIXES)
            and sign_in_policy().guests_must_use_mfa
            and not Authenticator.objects.filter(
                user_id=user.pk, type=Authenticator.Type.TOTP
            ).exists()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
