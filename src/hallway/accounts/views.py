"""Account pages: invitations, the people admin, settings, sessions and API tokens.

Sign-in, sign-out and password pages are allauth's, with our templates
(``templates/account/``). Every view here parses input, asks the permission layer, runs one
action or selector and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hallway.accounts import actions, selectors
from hallway.accounts.access import access_user_for_admin_by_id, users_visible_to_admin
from hallway.accounts.forms import (
    AcceptInvitationForm,
    DeactivateForm,
    InviteForm,
    NameForm,
    PeopleFilterForm,
    RolesForm,
    TokenForm,
    add_action_error,
)
from hallway.accounts.models import User
from hallway.companies.access import companies_visible_to
from hallway.companies.models import Company
from hallway.core.errors import ActionError
from hallway.core.permissions import Viewer, request_viewer

PEOPLE_PER_PAGE = 50
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, such as all checkboxes cleared), else None."""
    return request.POST if request.method == "POST" else None


def _flash(request: HttpRequest, text: str) -> None:
    messages.success(request, text)


# --- Invitations ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, key: str) -> HttpResponse:
    """An invited person chooses their name and password, then is signed in."""
    invitation = actions.find_invitation(key)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(_posted(request), initial={"name": invitation.user.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_accept_invitation(
                raw_key=key,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ActionError as error:
            if error.status == 404:
                return render(request, "accounts/invitation_invalid.html", status=404)
            if error.field == "password":
                form.add_error("password1", error.message)
            else:
                add_action_error(form, error)
        else:
            login(request, user, backend=MODEL_BACKEND)
            _flash(request, f"Welcome to the network, {user.name}.")
            return redirect("home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


# --- People admin (network admins only) ---------------------------------------------------


def _external_companies(viewer: Viewer) -> Any:
    return companies_visible_to(viewer).exclude(kind=Company.Kind.HOST).order_by("name")


@login_required
@require_http_methods(["GET"])
def admin_people(request: HttpRequest) -> HttpResponse:
    """Everyone on the network in any state, filtered and searched, with the invite form."""
    viewer = request_viewer(request)
    people = users_visible_to_admin(viewer)
    filters = PeopleFilterForm(request.GET or None)
    query, state = "", ""
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        state = filters.cleaned_data["state"]
    page = Paginator(
        selectors.filter_people_for_admin(people, query=query, state=state), PEOPLE_PER_PAGE
    ).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "accounts/admin_people.html",
        {
            "filters": filters,
            "page": page,
            "querystring": querystring.urlencode(),
            "invite_form": InviteForm(companies=_external_companies(viewer)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def admin_invite(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    users_visible_to_admin(viewer)  # network admins only
    form = InviteForm(_posted(request), companies=_external_companies(viewer))
    if request.method == "POST" and form.is_valid():
        try:
            user, _ = actions.do_invite_user(
                actor=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                company=form.cleaned_data["company"],
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            _flash(request, f"Invitation sent to {user.email}.")
            return redirect("account_admin_person", user_id=user.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/admin_invite.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def admin_person(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user_for_admin_by_id(request_viewer(request), user_id)
    return render(
        request,
        "accounts/admin_person.html",
        {
            "person": person,
            "roles_form": RolesForm(
                initial={
                    "is_network_admin": person.is_network_admin,
                    "is_compliance_officer": person.is_compliance_officer,
                }
            ),
        },
    )


def _admin_action_page(
    request: HttpRequest,
    *,
    person: User,
    template: str,
    form: Any = None,
    error: ActionError | None = None,
) -> HttpResponse:
    status = (
        error.status if error is not None else (400 if form is not None and form.errors else 200)
    )
    return render(
        request,
        template,
        {"person": person, "form": form, "error": error.message if error else ""},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def admin_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET asks for confirmation and a reason; POST deactivates."""
    person = access_user_for_admin_by_id(request_viewer(request), user_id)
    form = DeactivateForm(_posted(request))
    template = "accounts/admin_confirm_deactivate.html"
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_deactivate_user(
                actor=request.user,  # type: ignore[arg-type]
                user=person,
                reason=form.cleaned_data["reason"],
            )
        except ActionError as error:
            return _admin_action_page(
                request, person=person, template=template, form=form, error=error
            )
        _flash(request, f"{person.name} is deactivated; their sessions and tokens have ended.")
        return redirect("account_admin_person", user_id=person.pk)
    return _admin_action_page(request, person=person, template=template, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def admin_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user_for_admin_by_id(request_viewer(request), user_id)
    template = "accounts/admin_confirm_reactivate.html"
    if request.method == "POST":
        try:
            actions.do_reactivate_user(actor=request.user, user=person)  # type: ignore[arg-type]
        except ActionError as error:
            return _admin_action_page(request, person=person, template=template, error=error)
        _flash(request, f"{person.name} is active again.")
        return redirect("account_admin_person", user_id=person.pk)
    return _admin_action_page(request, person=person, template=template)


@login_required
@require_http_methods(["GET", "POST"])
def admin_resend_invitation(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_user_for_admin_by_id(request_viewer(request), user_id)
    template = "accounts/admin_confirm_resend.html"
    if request.method == "POST":
        try:
            actions.do_resend_invitation(actor=request.user, user=person)  # type: ignore[arg-type]
        except ActionError as error:
            return _admin_action_page(request, person=person, template=template, error=error)
        _flash(
            request, f"A new invitation was sent to {person.email}; the old link no longer works."
        )
        return redirect("account_admin_person", user_id=person.pk)
    return _admin_action_page(request, person=person, template=template)


@login_required
@require_http_methods(["GET", "POST"])
def admin_roles(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET shows the roles to confirm; POST sets them."""
    person = access_user_for_admin_by_id(request_viewer(request), user_id)
    template = "accounts/admin_confirm_roles.html"
    initial = {
        "is_network_admin": person.is_network_admin,
        "is_compliance_officer": person.is_compliance_officer,
    }
    form = RolesForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_roles(
                actor=request.user,  # type: ignore[arg-type]
                user=person,
                is_network_admin=form.cleaned_data["is_network_admin"],
                is_compliance_officer=form.cleaned_data["is_compliance_officer"],
            )
        except ActionError as error:
            # The action changes nothing on error; show the roles as they still are.
            person.refresh_from_db()
            return _admin_action_page(
                request, person=person, template=template, form=form, error=error
            )
        _flash(request, f"Roles of {person.name} saved.")
        return redirect("account_admin_person", user_id=person.pk)
    return _admin_action_page(request, person=person, template=template, form=form)


# --- My account --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = NameForm(_posted(request), initial={"name": user.name})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_name(actor=user, user=user, name=form.cleaned_data["name"])
        except ActionError as error:
            add_action_error(form, error)
        else:
            _flash(request, "Your name is saved.")
            return redirect("account_settings")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def account_email(request: HttpRequest) -> HttpResponse:
    """Read-only: email addresses are changed by network admins or single sign-on."""
    return render(request, "account/email.html")


@login_required
@require_http_methods(["GET"])
def account_sessions(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    current_key = request.session.session_key
    sessions = [
        {
            "ref": selectors.session_ref(row.session_key),
            "is_current": row.session_key == current_key,
            "row": row,
        }
        for row in selectors.own_sessions(viewer)
    ]
    return render(request, "accounts/sessions.html", {"sessions": sessions})


@login_required
@require_POST
def account_sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = actions.do_end_other_sessions(
        user=request.user,  # type: ignore[arg-type]
        current_session_key=request.session.session_key,
    )
    _flash(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("account_sessions")


@login_required
@require_POST
def account_session_end(request: HttpRequest, ref: str) -> HttpResponse:
    session = selectors.access_own_session_by_ref(request_viewer(request), ref)
    if session.session_key == request.session.session_key:
        return redirect("account_logout")
    actions.do_end_session(user=request.user, session_key=session.session_key)  # type: ignore[arg-type]
    _flash(request, "That session is signed out.")
    return redirect("account_sessions")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_tokens(request: HttpRequest) -> HttpResponse:
    """List my API tokens and create one; a new raw token is shown on this response only."""
    viewer = request_viewer(request)
    form = TokenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = actions.do_create_api_token(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            response = render(
                request, "accounts/token_created.html", {"token": token, "raw_token": raw}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.own_api_tokens(viewer)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.access_own_api_token_by_id(request_viewer(request), token_id)
    if request.method == "POST":
        actions.do_revoke_api_token(actor=request.user, token=token)  # type: ignore[arg-type]
        _flash(request, f"The token “{token.name}” is revoked.")
        return redirect(reverse("account_tokens"))
    return render(request, "accounts/token_revoke.html", {"token": token})
