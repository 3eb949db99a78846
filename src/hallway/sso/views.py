"""SSO pages: "continue with your company account", and the admin's provider settings.

Views parse input, ask the permission layer, run one action or selector and render.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.saml import views as allauth_saml_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hallway.accounts.forms import add_action_error
from hallway.core.errors import ActionError
from hallway.core.permissions import request_viewer
from hallway.sso import actions, selectors
from hallway.sso.access import access_provider_for_admin_by_id, providers_visible_to_admin
from hallway.sso.forms import ProviderForm, SamlProviderForm, SignInPolicyForm, SsoStartForm
from hallway.sso.oidc import HallwayOidcAdapter


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def sso_start(request: HttpRequest) -> HttpResponse:
    """Sign in with the company account: the email's domain picks the provider."""
    form = SsoStartForm(_posted(request), initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        provider = selectors.provider_for_email(email)
        if provider is None:
            form.add_error(
                "email",
                "Your email domain does not use single sign-on here: "
                "sign in with your email address and password.",
            )
        else:
            app_provider = get_social_adapter().get_provider(request, provider.slug)
            next_url = request.POST.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = ""
            # SAML: an AuthnRequest (HTTP-Redirect) the answer must come back in response to.
            auth_params = {} if provider.is_saml else {"auth_params": {"login_hint": email}}
            response: HttpResponse = app_provider.redirect(
                request, "login", next_url=next_url or None, **auth_params
            )
            return response
    status = 400 if form.errors else 200
    return render(
        request,
        "sso/start.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


# --- Admin (network admins only) --------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def admin_sso(request: HttpRequest) -> HttpResponse:
    providers = providers_visible_to_admin(request_viewer(request))
    policy = selectors.sign_in_policy()
    return render(
        request,
        "sso/admin_sso.html",
        {
            "providers": providers,
            "policy_form": SignInPolicyForm(
                initial={"guests_must_use_mfa": policy.guests_must_use_mfa}
            ),
            "callback_path": "/accounts/oidc/<slug>/login/callback/",
        },
    )


def _save_provider(request: HttpRequest, form: ProviderForm, provider: Any) -> HttpResponse | None:
    try:
        saved = actions.do_save_oidc_provider(
            actor=request.user,  # type: ignore[arg-type]
            provider=provider,
            name=form.cleaned_data["name"],
            issuer=form.cleaned_data["issuer"],
            client_id=form.cleaned_data["client_id"],
            client_secret=form.cleaned_data["client_secret"] or None,
            domains=form.domain_list(),
            is_enabled=form.cleaned_data["is_enabled"],
            enforce_for_members=form.cleaned_data["enforce_for_members"],
            trust_email_without_verified_claim=form.cleaned_data[
                "trust_email_without_verified_claim"
            ],
            claim_map=form.claim_map(),
        )
    except ActionError as error:
        add_action_error(form, error)
        return None
    messages.success(request, f"Single sign-on with {saved.name} is saved.")
    return redirect("sso_admin_provider", provider_id=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def admin_provider_new(request: HttpRequest) -> HttpResponse:
    providers_visible_to_admin(request_viewer(request))  # network admins only
    form = ProviderForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        response = _save_provider(request, form, None)
        if response is not None:
            return response
    return render(
        request,
        "sso/admin_provider.html",
        {"form": form, "provider": None},
        status=400 if form.errors else 200,
    )


def _save_saml_provider(
    request: HttpRequest, form: SamlProviderForm, provider: Any
) -> HttpResponse | None:
    metadata_xml = form.metadata_xml()
    if form.errors:
        return None
    try:
        saved = actions.do_save_saml_provider(
            actor=request.user,  # type: ignore[arg-type]
            provider=provider,
            name=form.cleaned_data["name"],
            entity_id=form.cleaned_data["entity_id"],
            metadata_url=form.cleaned_data["metadata_url"],
            metadata_xml=metadata_xml,
            domains=form.domain_list(),
            is_enabled=form.cleaned_data["is_enabled"],
            enforce_for_members=form.cleaned_data["enforce_for_members"],
            trust_email_without_verified_claim=form.cleaned_data[
                "trust_email_without_verified_claim"
            ],
            claim_map=form.claim_map(),
        )
    except ActionError as error:
        add_action_error(form, error)
        return None
    messages.success(request, f"Single sign-on with {saved.name} is saved.")
    return redirect("sso_admin_provider", provider_id=saved.pk)


def _saml_urls(request: HttpRequest, provider: Any) -> dict[str, str]:
    """What the IdP's admin needs: our entity ID (= metadata URL) and ACS URL."""
    metadata = request.build_absolute_uri(
        reverse("saml_metadata", kwargs={"organization_slug": provider.slug})
    )
    return {
        "entity_id": metadata,
        "metadata_url": metadata,
        "acs_url": request.build_absolute_uri(
            reverse("saml_acs", kwargs={"organization_slug": provider.slug})
        ),
        "sls_url": request.build_absolute_uri(
            reverse("saml_sls", kwargs={"organization_slug": provider.slug})
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def admin_saml_provider_new(request: HttpRequest) -> HttpResponse:
    providers_visible_to_admin(request_viewer(request))  # network admins only
    form = SamlProviderForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _save_saml_provider(request, form, None)
        if response is not None:
            return response
    return render(
        request,
        "sso/admin_provider.html",
        {"form": form, "provider": None, "saml": True},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def admin_provider(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = access_provider_for_admin_by_id(request_viewer(request), provider_id)
    if provider.is_saml:
        saml_form = SamlProviderForm(
            _posted(request),
            request.FILES or None,
            initial=SamlProviderForm.initial_for(provider),
        )
        if request.method == "POST" and saml_form.is_valid():
            response = _save_saml_provider(request, saml_form, provider)
            if response is not None:
                return response
        return render(
            request,
            "sso/admin_provider.html",
            {
                "form": saml_form,
                "provider": provider,
                "saml": True,
                "saml_urls": _saml_urls(request, provider),
            },
            status=400 if saml_form.errors else 200,
        )
    form = ProviderForm(_posted(request), initial=ProviderForm.initial_for(provider))
    if request.method == "POST" and form.is_valid():
        response = _save_provider(request, form, provider)
        if response is not None:
            return response
    callback = request.build_absolute_uri(f"/accounts/oidc/{provider.slug}/login/callback/")
    return render(
        request,
        "sso/admin_provider.html",
        {"form": form, "provider": provider, "callback_url": callback},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def admin_provider_delete(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = access_provider_for_admin_by_id(request_viewer(request), provider_id)
    if request.method == "POST":
        actions.do_delete_oidc_provider(actor=request.user, provider=provider)  # type: ignore[arg-type]
        messages.success(request, f"{provider.name} is removed.")
        return redirect("sso_admin")
    return render(request, "sso/admin_provider_delete.html", {"provider": provider})


@login_required
@require_POST
def admin_policy(request: HttpRequest) -> HttpResponse:
    providers_visible_to_admin(request_viewer(request))  # network admins only
    form = SignInPolicyForm(request.POST)
    if form.is_valid():
        actions.do_set_sign_in_policy(
            actor=request.user,  # type: ignore[arg-type]
            guests_must_use_mfa=form.cleaned_data["guests_must_use_mfa"],
        )
        messages.success(request, "Sign-in policy saved.")
    return redirect("sso_admin")


# --- allauth's OpenID Connect endpoints, with the hardened adapter -----------------------
# allauth's own views build the stock adapter; these shadow them (same paths, listed first)
# so the callback verifies the ID token's signature and the discovery issuer (ADR 0013).


def _require_oidc(provider_id: str) -> None:
    provider = selectors.provider_by_slug(provider_id)
    if provider is not None and provider.is_saml:
        raise Http404


@login_not_required
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    _require_oidc(provider_id)
    try:
        view = OAuth2LoginView.adapter_view(HallwayOidcAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    return response


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    _require_oidc(provider_id)
    try:
        view = OAuth2CallbackView.adapter_view(HallwayOidcAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    return response


# --- allauth's SAML single logout endpoint, signed requests only -------------------------


@csrf_exempt
@login_not_required
def saml_sls(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """IdP-initiated single logout (HTTP-Redirect). python3-saml checks a signature only when
    one is present, so an unsigned LogoutRequest (anyone could forge one to sign people out)
    is refused here before allauth's view verifies the signature against the IdP's key."""
    if request.method != "GET" or "Signature" not in request.GET:
        return HttpResponseBadRequest(
            "Single logout requests must be signed (HTTP-Redirect binding).",
            content_type="text/plain",
        )
    response: HttpResponse = allauth_saml_views.sls(request, organization_slug=organization_slug)
    return response
