"""allauth adapter: a closed network (no open sign-up) and mail sent by the task worker."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from hallway.accounts.signals import client_ip
from hallway.core.audit import record_audit_event
from hallway.core.email import queue_email
from hallway.sso.enforcement import refuse_password_if_sso_enforced
from hallway.sso.logout import provider_logout_url


class HallwayAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join by invitation (or SSO/SCIM later), never by open sign-up.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        refuse_password_if_sso_enforced(request, str(credentials.get("email") or ""))
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # Refused by the ``login_failed`` rate limit: the password was not even checked.
            record_audit_event(
                actor=None,
                action="auth.login_throttled",
                ip_address=client_ip(request),
                email=str(credentials.get("email") or "")[:254].lower(),
            )
            raise

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # Single logout: a session signed in through SSO ends at the provider too.
        return provider_logout_url(request) or super().get_logout_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = str(content)
        queue_email(subject=str(message.subject), to=[email], text=str(message.body), html=html)
