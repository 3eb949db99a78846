"""Endpoint inventory: every URL pattern has a row saying what each kind of person gets.

A new route without a row fails ``test_every_route_has_a_row``; a changed answer fails
``test_each_role_gets_the_expected_status``. GET only: unsafe methods are covered by each
app's tests. Rows use concrete paths built from one fixed network (see ``network``).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hallway.accounts.actions import do_create_api_token, do_deactivate_user
from hallway.core.tests.factories import (
    CompanyFactory,
    GuestFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
)

ROLES = ("anonymous", "guest", "member", "admin", "deactivated")


def _row(anonymous, guest, member, admin, deactivated):
    """GET status per role; 302 is the redirect to sign-in (or away from it)."""
    return dict(zip(ROLES, (anonymous, guest, member, admin, deactivated), strict=True))


# route pattern → (concrete path template, statuses per role)
INVENTORY: dict[str, tuple[str, dict[str, int]]] = {
    "": ("/", _row(302, 200, 200, 200, 302)),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (
        "/accounts/confirm-email/abc/",
        _row(200, 200, 200, 200, 200),
    ),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "/accounts/password/reset/key/1-abc/",
        _row(200, 200, 200, 200, 200),
    ),
    "accounts/admin/people/": ("/accounts/admin/people/", _row(302, 403, 403, 200, 302)),
    "accounts/admin/people/<int:user_id>/": (
        "/accounts/admin/people/{member_id}/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/people/<int:user_id>/deactivate/": (
        "/accounts/admin/people/{member_id}/deactivate/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/people/<int:user_id>/reactivate/": (
        "/accounts/admin/people/{member_id}/reactivate/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/people/<int:user_id>/resend-invitation/": (
        "/accounts/admin/people/{member_id}/resend-invitation/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/people/<int:user_id>/roles/": (
        "/accounts/admin/people/{member_id}/roles/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/people/invite/": (
        "/accounts/admin/people/invite/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/confirm-email/": ("/accounts/confirm-email/", _row(200, 200, 200, 200, 200)),
    "accounts/email/": ("/accounts/email/", _row(302, 200, 200, 200, 302)),
    "accounts/inactive/": ("/accounts/inactive/", _row(200, 200, 200, 200, 200)),
    "accounts/invitation/<str:key>/": ("/accounts/invitation/nope/", _row(404, 404, 404, 404, 404)),
    "accounts/login/": ("/accounts/login/", _row(200, 302, 302, 302, 200)),
    "accounts/login/code/confirm/": (
        "/accounts/login/code/confirm/",
        _row(302, 302, 302, 302, 302),
    ),
    "accounts/logout/": ("/accounts/logout/", _row(302, 200, 200, 200, 302)),
    "accounts/password/change/": ("/accounts/password/change/", _row(302, 200, 200, 200, 302)),
    "accounts/password/reset/": ("/accounts/password/reset/", _row(200, 200, 200, 200, 200)),
    "accounts/password/reset/done/": (
        "/accounts/password/reset/done/",
        _row(200, 200, 200, 200, 200),
    ),
    "accounts/password/reset/key/done/": (
        "/accounts/password/reset/key/done/",
        _row(200, 200, 200, 200, 200),
    ),
    "accounts/password/set/": ("/accounts/password/set/", _row(302, 302, 302, 302, 302)),
    "accounts/reauthenticate/": ("/accounts/reauthenticate/", _row(302, 200, 200, 200, 302)),
    "accounts/sessions/": ("/accounts/sessions/", _row(302, 200, 200, 200, 302)),
    "accounts/sessions/<str:ref>/sign-out/": (
        "/accounts/sessions/nope/sign-out/",
        _row(302, 405, 405, 405, 302),
    ),
    "accounts/sessions/sign-out-others/": (
        "/accounts/sessions/sign-out-others/",
        _row(302, 405, 405, 405, 302),
    ),
    "accounts/settings/": ("/accounts/settings/", _row(302, 200, 200, 200, 302)),
    "accounts/signup/": ("/accounts/signup/", _row(200, 302, 302, 302, 200)),
    "accounts/tokens/": ("/accounts/tokens/", _row(302, 200, 200, 200, 302)),
    "accounts/tokens/<int:token_id>/revoke/": (
        "/accounts/tokens/{token_id}/revoke/",
        _row(302, 404, 404, 200, 302),
    ),
    "api/v1/": ("/api/v1/", _row(404, 404, 404, 404, 404)),
    "^api/": ("/api/v2/people", _row(404, 404, 404, 404, 404)),
    "api/v1/^.*$": ("/api/v1/nonexistent", _row(404, 404, 404, 404, 404)),
    "api/v1/companies": ("/api/v1/companies", _row(401, 200, 200, 200, 401)),
    "api/v1/companies/<company_id>": (
        "/api/v1/companies/{other_company_id}",
        _row(401, 404, 200, 200, 401),
    ),
    "api/v1/docs": ("/api/v1/docs", _row(200, 200, 200, 200, 200)),
    "api/v1/follows": ("/api/v1/follows", _row(401, 200, 200, 200, 401)),
    "api/v1/me": ("/api/v1/me", _row(401, 200, 200, 200, 401)),
    "api/v1/openapi.json": ("/api/v1/openapi.json", _row(200, 200, 200, 200, 200)),
    "api/v1/people": ("/api/v1/people", _row(401, 200, 200, 200, 401)),
    "api/v1/people/<person_id>": ("/api/v1/people/{member_id}", _row(401, 404, 200, 200, 401)),
    "api/v1/teams": ("/api/v1/teams", _row(401, 200, 200, 200, 401)),
    "api/v1/teams/<team_id>": ("/api/v1/teams/{team_id}", _row(401, 404, 200, 200, 401)),
    "api/v1/tokens": ("/api/v1/tokens", _row(401, 200, 200, 200, 401)),
    "api/v1/tokens/<token_id>": ("/api/v1/tokens/{token_id}", _row(405, 405, 405, 405, 405)),
    "api/v1/topics": ("/api/v1/topics", _row(401, 200, 200, 200, 401)),
    "api/v1/users": ("/api/v1/users", _row(401, 403, 403, 200, 401)),
    "api/v1/users/<user_id>": ("/api/v1/users/{member_id}", _row(401, 403, 403, 200, 401)),
    "api/v1/users/<user_id>/deactivate": (
        "/api/v1/users/{member_id}/deactivate",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/users/<user_id>/reactivate": (
        "/api/v1/users/{member_id}/reactivate",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/users/<user_id>/roles": (
        "/api/v1/users/{member_id}/roles",
        _row(405, 405, 405, 405, 405),
    ),
    "companies/": ("/companies/", _row(302, 200, 200, 200, 302)),
    "companies/<slug:slug>/": ("/companies/{other_company}/", _row(302, 404, 200, 200, 302)),
    "companies/<slug:slug>/edit/": (
        "/companies/{other_company}/edit/",
        _row(302, 404, 403, 200, 302),
    ),
    "companies/<slug:slug>/follow/": (
        "/companies/{other_company}/follow/",
        _row(302, 405, 405, 405, 302),
    ),
    "companies/<slug:slug>/logo": (
        "/companies/{other_company}/logo",
        _row(302, 404, 200, 200, 302),
    ),
    "healthz": ("/healthz", _row(200, 200, 200, 200, 200)),
    "people/": ("/people/", _row(302, 200, 200, 200, 302)),
    "people/<int:user_id>/": ("/people/{member_id}/", _row(302, 404, 200, 200, 302)),
    "people/<int:user_id>/edit/": ("/people/{member_id}/edit/", _row(302, 404, 403, 200, 302)),
    "people/<int:user_id>/follow/": ("/people/{member_id}/follow/", _row(302, 405, 405, 405, 302)),
    "people/<int:user_id>/org/": ("/people/{member_id}/org/", _row(302, 404, 200, 200, 302)),
    "people/<int:user_id>/photo": ("/people/{member_id}/photo", _row(302, 404, 200, 200, 302)),
    "people/autocomplete/": ("/people/autocomplete/", _row(302, 200, 200, 200, 302)),
    "people/me/": ("/people/me/", _row(302, 302, 302, 302, 302)),
    "people/me/edit/": ("/people/me/edit/", _row(302, 200, 200, 200, 302)),
    "people/me/photo/": ("/people/me/photo/", _row(302, 200, 200, 200, 302)),
    "people/teams/": ("/people/teams/", _row(302, 404, 200, 200, 302)),
    "people/teams/<slug:slug>/": ("/people/teams/{team}/", _row(302, 404, 200, 200, 302)),
    "people/topics/<slug:slug>/": ("/people/topics/{topic}/", _row(302, 200, 200, 200, 302)),
    "people/topics/<slug:slug>/follow/": (
        "/people/topics/{topic}/follow/",
        _row(302, 405, 405, 405, 302),
    ),
}


def _routes() -> set[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return set(walk(get_resolver().url_patterns))


@pytest.fixture
def network(db):
    host_member = UserFactory(name="Mia Member")
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    guest = GuestFactory(name="Gus Guest")
    other_company = CompanyFactory(name="Globex", slug="globex")
    team = TeamFactory(name="Engineering", slug="engineering", lead=host_member)
    topic = TopicFactory(name="Python", slug="python")
    gone = UserFactory(name="Dee Deactivated")
    target = UserFactory(name="Tom Target")
    token, _ = do_create_api_token(user=admin, name="inventory")
    return {
        "member": host_member,
        "admin": admin,
        "guest": guest,
        "gone": gone,
        "values": {
            "member_id": target.pk,
            "team_id": team.pk,
            "team": team.slug,
            "topic": topic.slug,
            "host": host_member.company.slug,
            "other_company": other_company.slug,
            "other_company_id": other_company.pk,
            "token_id": token.pk,
        },
    }


def _client_for(role: str, network) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    if role == "deactivated":
        client.force_login(network["gone"])
        do_deactivate_user(actor=network["admin"], user=network["gone"])
        return client
    client.force_login(network[role])
    return client


def test_every_route_has_a_row():
    routes = _routes()
    missing = sorted(routes - set(INVENTORY))
    stale = sorted(set(INVENTORY) - routes)
    assert not missing, f"routes without an inventory row: {missing}"
    assert not stale, f"inventory rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status(role, network):
    client = _client_for(role, network)
    wrong = []
    for route, (template, statuses) in sorted(INVENTORY.items()):
        path = template.format(**network["values"])
        status = client.get(path).status_code
        if status != statuses[role]:
            wrong.append(f"{path} ({route}): expected {statuses[role]}, got {status}")
    assert not wrong, "\n".join(wrong)
