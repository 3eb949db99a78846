"""allauth's social account adapter: apps built from our provider rows, and the checks and
just-in-time creation of an SSO sign-in (ADR 0013)."""

from __future__ import annotations

import hmac
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import render

from hallway.accounts.signals import client_ip
from hallway.core.audit import record_audit_event
from hallway.sso.actions import SsoIdentity, SsoRefusedError, do_sso_sign_in
from hallway.sso.crypto import decrypt_secret
from hallway.sso.logout import SESSION_KEY
from hallway.sso.models import OidcProvider
from hallway.sso.oidc import REQUEST_ATTRIBUTE
from hallway.sso.saml import PROVIDER as SAML_PROVIDER
from hallway.sso.saml import REQUEST_ATTRIBUTE as SAML_REQUEST_ATTRIBUTE
from hallway.sso.saml import remember_assertion, saml_app_for

PROVIDER = "openid_connect"


def social_app_for(provider: OidcProvider) -> SocialApp:
    """An in-memory allauth app for one provider row: never saved, secret decrypted here."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=decrypt_secret(provider.client_secret_encrypted),
        settings={
            "server_url": provider.issuer,
            "issuer": provider.issuer,
            "oauth_pkce_enabled": True,
            "token_auth_method": "client_secret_post",
        },
    )


def _email_verified(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def _saml_reason(extra_context: Any) -> dict[str, str]:
    """python3-saml's reason for refusing a SAML response (signature, audience, expiry…)."""
    reason = (extra_context or {}).get("saml_last_error_reason") if extra_context else None
    return {"reason": str(reason)[:300]} if reason else {}


class HallwaySocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        rows = OidcProvider.objects.filter(is_enabled=True).order_by("name")
        if provider == PROVIDER:
            rows = rows.filter(protocol=OidcProvider.Protocol.OIDC)
        elif provider == SAML_PROVIDER:
            rows = rows.filter(protocol=OidcProvider.Protocol.SAML)
        elif provider:
            rows = rows.filter(slug=provider)
        if client_id:
            # A SAML app's client id is its slug (allauth's "organization slug").
            rows = rows.filter(
                Q(protocol=OidcProvider.Protocol.OIDC, client_id=client_id)
                | Q(protocol=OidcProvider.Protocol.SAML, slug=client_id)
            )
        return [saml_app_for(row) if row.is_saml else social_app_for(row) for row in rows]

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # New people are created just in time in ``pre_social_login``, never by a form.
        return False

    def validate_disconnect(self, account: Any, accounts: Any) -> None:
        raise ValidationError("Company sign-in is managed by your network admins.")

    def _refuse(
        self, request: HttpRequest, *, provider: str, reason: str, message: str, email: str = ""
    ) -> None:
        record_audit_event(
            actor=None,
            action="sso.login_refused",
            ip_address=client_ip(request),
            provider=provider,
            reason=reason,
            email=email[:254],
        )
        raise ImmediateHttpResponse(
            render(request, "sso/refused.html", {"message": message}, status=403)
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        slug = sociallogin.account.provider
        row = OidcProvider.objects.filter(slug=slug, is_enabled=True).first()
        if row is None:
            self._refuse(
                request, provider=slug, reason="unknown_provider", message="Unknown provider."
            )
            return
        if sociallogin.state.get("process") != "login":
            self._refuse(
                request,
                provider=slug,
                reason="process",
                message="Company accounts are linked by signing in, not from account settings.",
            )
        if row.is_saml:
            self._saml_login(request, sociallogin, row)
            return
        extra = sociallogin.account.extra_data or {}
        id_token = extra.get("id_token") or {}
        userinfo = extra.get("userinfo") or {}
        expected_nonce = str(sociallogin.state.get("nonce") or "")
        if not expected_nonce or not hmac.compare_digest(
            str(id_token.get("nonce") or ""), expected_nonce
        ):
            self._refuse(
                request,
                provider=slug,
                reason="nonce",
                message="The sign-in answer did not belong to this sign-in. Please try again.",
            )
        if userinfo and str(userinfo.get("sub")) != str(id_token.get("sub")):
            self._refuse(
                request,
                provider=slug,
                reason="subject_mismatch",
                message="The provider's answers did not match. Please try again.",
            )
        claims = {**id_token, **userinfo}
        email = str(claims.get("email") or "").strip().lower()
        identity = SsoIdentity(
            provider=row,
            subject=str(id_token.get("sub")),
            email=email,
            email_verified=_email_verified(claims.get("email_verified")),
            claims=claims,
        )
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            user = do_sso_sign_in(
                identity=identity,
                linked_user=linked,
                account=sociallogin.account,
            )
        except SsoRefusedError as refused:
            self._refuse(
                request, provider=slug, reason=refused.reason, message=refused.message, email=email
            )
            return
        sociallogin.user = user
        logout = getattr(request, REQUEST_ATTRIBUTE, {}) or {}
        request.session[SESSION_KEY] = {
            "provider": slug,
            "client_id": row.client_id,
            "id_token": logout.get("id_token", ""),
            "end_session_endpoint": logout.get("end_session_endpoint", ""),
        }

    def _saml_login(
        self, request: HttpRequest, sociallogin: SocialLogin, row: OidcProvider
    ) -> None:
        """The SAML half of ``pre_social_login``: python3-saml has checked the signature,
        audience, recipient, destination and validity window; here the assertion ID must be
        new, then the same checks and action as OpenID Connect apply."""
        slug = row.slug
        facts = getattr(request, SAML_REQUEST_ATTRIBUTE, None) or {}
        email = str(facts.get("email") or "").strip().lower()
        if not remember_assertion(row, facts.get("assertion_id", ""), facts.get("not_on_or_after")):
            self._refuse(
                request,
                provider=slug,
                reason="replay",
                message="This sign-in answer was already used. Please sign in again.",
                email=email,
            )
        claims: dict[str, Any] = {
            "given_name": facts.get("given_name", ""),
            "family_name": facts.get("family_name", ""),
            **(facts.get("attributes") or {}),
            "email": email,
        }
        identity = SsoIdentity(
            provider=row,
            subject=str(sociallogin.account.uid),
            email=email,
            email_verified=_email_verified(facts.get("email_verified")),
            claims=claims,
        )
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            user = do_sso_sign_in(
                identity=identity, linked_user=linked, account=sociallogin.account
            )
        except SsoRefusedError as refused:
            self._refuse(
                request, provider=slug, reason=refused.reason, message=refused.message, email=email
            )
            return
        sociallogin.user = user
        request.session[SESSION_KEY] = {"provider": slug, "protocol": SAML_PROVIDER}

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        details: dict[str, Any] = {
            "provider": getattr(getattr(provider, "app", None), "provider_id", "") or "",
            "error": str(error or "")[:100],
            "exception": str(exception or "")[:300],
            **_saml_reason(extra_context),
        }
        record_audit_event(
            actor=None, action="sso.login_failed", ip_address=client_ip(request), **details
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)
