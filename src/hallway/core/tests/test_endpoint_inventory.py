"""Endpoint inventory: every URL pattern has a row saying what each kind of person gets.

A new route without a row fails ``test_every_route_has_a_row``; a changed answer fails
``test_each_role_gets_the_expected_status``. GET only: unsafe methods are covered by each
app's tests. Rows use concrete paths built from one fixed network (see ``network``).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hallway.accounts.actions import do_create_api_token, do_deactivate_user
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
    add_member,
)
from hallway.notifications.models import Notification
from hallway.posts.actions import do_create_comment, do_create_post, do_upload_attachment
from hallway.search.sync import rebuild_index

ROLES = ("anonymous", "guest", "member", "admin", "deactivated")

# Unique tokens in secret and private content: no role crawled below belongs to those groups,
# so none of them may ever see one (the admin may know the secret group's name, to manage it).
CANARY = {
    "secret_group_name": "canarysgname",
    "secret_group_about": "canarysgabout",
    "secret_post": "canarysecretpost",
    "private_post": "canaryprivatepost",
    "private_title": "canaryprivatetitle",
    "private_comment": "canaryprivatecomment",
    "private_file_name": "canaryprivatefile",
    "private_file_text": "canaryprivatetext",
}
ADMIN_MAY_SEE = {"secret_group_name", "secret_group_about"}


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
    # Admin pages for provisioning and the CSV import (network admins only).
    "accounts/admin/provisioning/": (
        "/accounts/admin/provisioning/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/provisioning/<int:client_id>/revoke/": (
        "/accounts/admin/provisioning/1/revoke/",
        _row(302, 405, 405, 405, 302),
    ),
    "accounts/admin/import/": ("/accounts/admin/import/", _row(302, 403, 403, 200, 302)),
    # OAuth apps: the admins' registry, each person's authorised apps, the OAuth endpoints.
    "accounts/admin/oauth-apps/": ("/accounts/admin/oauth-apps/", _row(302, 403, 403, 200, 302)),
    "accounts/admin/oauth-apps/<int:app_id>/delete/": (
        "/accounts/admin/oauth-apps/1/delete/",
        _row(302, 405, 405, 405, 302),
    ),
    "accounts/apps/": ("/accounts/apps/", _row(302, 200, 200, 200, 302)),
    "accounts/apps/<int:app_id>/revoke/": (
        "/accounts/apps/1/revoke/",
        _row(302, 405, 405, 405, 302),
    ),
    "oauth/authorize/": ("/oauth/authorize/", _row(302, 400, 400, 400, 302)),
    "oauth/token/": ("/oauth/token/", _row(405, 405, 405, 405, 405)),
    "accounts/admin/import/<int:job_id>/": (
        "/accounts/admin/import/999999/",
        _row(302, 403, 403, 404, 302),
    ),
    # SCIM answers only a provisioning client's bearer token: a session is not enough.
    "scim/v2/ServiceProviderConfig": (
        "/scim/v2/ServiceProviderConfig",
        _row(401, 401, 401, 401, 401),
    ),
    "scim/v2/ResourceTypes": ("/scim/v2/ResourceTypes", _row(401, 401, 401, 401, 401)),
    "scim/v2/ResourceTypes/<str:type_id>": (
        "/scim/v2/ResourceTypes/User",
        _row(401, 401, 401, 401, 401),
    ),
    "scim/v2/Schemas": ("/scim/v2/Schemas", _row(401, 401, 401, 401, 401)),
    "scim/v2/Schemas/<str:schema_id>": (
        "/scim/v2/Schemas/nope",
        _row(401, 401, 401, 401, 401),
    ),
    "scim/v2/.search": ("/scim/v2/.search", _row(401, 401, 401, 401, 401)),
    "scim/v2/Users": ("/scim/v2/Users", _row(401, 401, 401, 401, 401)),
    "scim/v2/Users/.search": ("/scim/v2/Users/.search", _row(401, 401, 401, 401, 401)),
    "scim/v2/Users/<str:user_id>": ("/scim/v2/Users/{member_id}", _row(401, 401, 401, 401, 401)),
    "scim/v2/Groups": ("/scim/v2/Groups", _row(401, 401, 401, 401, 401)),
    "scim/v2/Groups/.search": ("/scim/v2/Groups/.search", _row(401, 401, 401, 401, 401)),
    "scim/v2/Groups/<str:group_id>": ("/scim/v2/Groups/1", _row(401, 401, 401, 401, 401)),
    "scim/v2/^(?P<rest>.*)$": ("/scim/v2/nothing", _row(401, 401, 401, 401, 401)),
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
    # --- single sign-on and two-factor (hallway.sso, allauth.socialaccount, allauth.mfa) ---
    "accounts/sso/": ("/accounts/sso/", _row(200, 200, 200, 200, 200)),
    "accounts/admin/sso/": ("/accounts/admin/sso/", _row(302, 403, 403, 200, 302)),
    "accounts/admin/sso/new/": ("/accounts/admin/sso/new/", _row(302, 403, 403, 200, 302)),
    "accounts/admin/sso/policy/": ("/accounts/admin/sso/policy/", _row(302, 405, 405, 405, 302)),
    "accounts/admin/sso/new-saml/": (
        "/accounts/admin/sso/new-saml/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/admin/sso/<int:provider_id>/": (
        "/accounts/admin/sso/999999/",
        _row(302, 403, 403, 404, 302),
    ),
    "accounts/admin/sso/<int:provider_id>/delete/": (
        "/accounts/admin/sso/999999/delete/",
        _row(302, 403, 403, 404, 302),
    ),
    "accounts/oidc/<str:provider_id>/login/": (
        "/accounts/oidc/nope/login/",
        _row(404, 404, 404, 404, 404),
    ),
    "accounts/oidc/<str:provider_id>/login/callback/": (
        "/accounts/oidc/nope/login/callback/",
        _row(404, 404, 404, 404, 404),
    ),
    # allauth's own patterns for the same paths, shadowed by the two rows above.
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/": (
        "/accounts/oidc/nope/login/",
        _row(404, 404, 404, 404, 404),
    ),
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": (
        "/accounts/oidc/nope/login/callback/",
        _row(404, 404, 404, 404, 404),
    ),
    # SAML 2.0 (allauth's saml provider); sls is shadowed by ours (signed requests only).
    "accounts/saml/<str:organization_slug>/sls/": (
        "/accounts/saml/nope/sls/",
        _row(400, 400, 400, 400, 400),
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/sls/": (
        "/accounts/saml/nope/sls/",
        _row(400, 400, 400, 400, 400),
    ),
    # The ACS only parks the POSTed response in a short-lived cookie and redirects to finish.
    "accounts/^saml/(?P<organization_slug>[^/]+)/acs/": (
        "/accounts/saml/nope/acs/",
        _row(302, 302, 302, 302, 302),
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/acs/finish/": (
        "/accounts/saml/nope/acs/finish/",
        _row(404, 404, 404, 404, 404),
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/login/": (
        "/accounts/saml/nope/login/",
        _row(404, 404, 404, 404, 404),
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/metadata/": (
        "/accounts/saml/nope/metadata/",
        _row(404, 404, 404, 404, 404),
    ),
    "accounts/3rdparty/": ("/accounts/3rdparty/", _row(302, 200, 200, 200, 302)),
    "accounts/3rdparty/login/cancelled/": (
        "/accounts/3rdparty/login/cancelled/",
        _row(200, 200, 200, 200, 200),
    ),
    "accounts/3rdparty/login/error/": (
        "/accounts/3rdparty/login/error/",
        _row(401, 401, 401, 401, 401),
    ),
    "accounts/3rdparty/signup/": ("/accounts/3rdparty/signup/", _row(302, 302, 302, 302, 302)),
    "accounts/social/connections/": (
        "/accounts/social/connections/",
        _row(301, 301, 301, 301, 301),
    ),
    "accounts/social/login/cancelled/": (
        "/accounts/social/login/cancelled/",
        _row(301, 301, 301, 301, 301),
    ),
    "accounts/social/login/error/": (
        "/accounts/social/login/error/",
        _row(301, 301, 301, 301, 301),
    ),
    "accounts/social/signup/": ("/accounts/social/signup/", _row(301, 301, 301, 301, 301)),
    "accounts/2fa/": ("/accounts/2fa/", _row(302, 200, 200, 200, 302)),
    "accounts/2fa/authenticate/": ("/accounts/2fa/authenticate/", _row(302, 302, 302, 302, 302)),
    "accounts/2fa/reauthenticate/": (
        "/accounts/2fa/reauthenticate/",
        _row(302, 302, 302, 302, 302),
    ),
    "accounts/2fa/recovery-codes/": (
        "/accounts/2fa/recovery-codes/",
        _row(302, 404, 404, 404, 302),
    ),
    "accounts/2fa/recovery-codes/download/": (
        "/accounts/2fa/recovery-codes/download/",
        _row(302, 404, 404, 404, 302),
    ),
    "accounts/2fa/recovery-codes/generate/": (
        "/accounts/2fa/recovery-codes/generate/",
        _row(302, 302, 302, 302, 302),
    ),
    "accounts/2fa/totp/activate/": ("/accounts/2fa/totp/activate/", _row(302, 302, 302, 302, 302)),
    "accounts/2fa/totp/deactivate/": (
        "/accounts/2fa/totp/deactivate/",
        _row(302, 404, 404, 404, 302),
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
    # --- groups (issue 3): {public_group} open, {private_group} by request, {secret_group}
    # invite-only, {external_group} admits the guest's company (the guest is in it).
    "groups/": ("/groups/", _row(302, 200, 200, 200, 302)),
    "groups/new/": ("/groups/new/", _row(302, 403, 200, 200, 302)),
    "groups/network-settings/": ("/groups/network-settings/", _row(302, 403, 403, 200, 302)),
    "groups/<slug:slug>/": ("/groups/{public_group}/", _row(302, 404, 200, 200, 302)),
    "groups/<slug:slug>/members/": (
        "/groups/{private_group}/members/",
        _row(302, 404, 403, 200, 302),
    ),
    "groups/<slug:slug>/new-posts/": (
        "/groups/{private_group}/new-posts/?since=1",
        _row(302, 404, 403, 403, 302),
    ),
    "groups/<slug:slug>/members/<int:user_id>/": (
        "/groups/{public_group}/members/{member_id}/",
        _row(302, 405, 405, 405, 302),
    ),
    "groups/<slug:slug>/settings/": (
        "/groups/{public_group}/settings/",
        _row(302, 404, 403, 200, 302),
    ),
    "groups/<slug:slug>/archive/": (
        "/groups/{public_group}/archive/",
        _row(302, 405, 405, 405, 302),
    ),
    "groups/<slug:slug>/join/": ("/groups/{public_group}/join/", _row(302, 405, 405, 405, 302)),
    "groups/<slug:slug>/request/": (
        "/groups/{private_group}/request/",
        _row(302, 404, 200, 200, 302),
    ),
    "groups/<slug:slug>/leave/": ("/groups/{public_group}/leave/", _row(302, 405, 405, 405, 302)),
    "groups/<slug:slug>/invitation/": (
        "/groups/{secret_group}/invitation/",
        _row(302, 405, 405, 405, 302),
    ),
    "groups/<slug:slug>/invite/": (
        "/groups/{public_group}/invite/",
        _row(302, 404, 403, 200, 302),
    ),
    "groups/<slug:slug>/requests/": (
        "/groups/{secret_group}/requests/",
        _row(302, 404, 404, 200, 302),
    ),
    "groups/<slug:slug>/requests/<int:user_id>/": (
        "/groups/{private_group}/requests/{member_id}/",
        _row(302, 405, 405, 405, 302),
    ),
    "groups/<slug:slug>/files/": (
        "/groups/{external_group}/files/",
        _row(302, 200, 200, 200, 302),
    ),
    "groups/<slug:slug>/break-glass/": (
        "/groups/{secret_group}/break-glass/",
        _row(302, 404, 404, 200, 302),
    ),
    "api/v1/groups": ("/api/v1/groups", _row(401, 200, 200, 200, 401)),
    "api/v1/groups/<group_id>": (
        "/api/v1/groups/{secret_group_id}",
        _row(401, 404, 404, 200, 401),
    ),
    "api/v1/groups/<group_id>/members": (
        "/api/v1/groups/{private_group_id}/members",
        _row(401, 404, 403, 200, 401),
    ),
    "api/v1/groups/<group_id>/members/<user_id>": (
        "/api/v1/groups/{public_group_id}/members/{member_id}",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/join": (
        "/api/v1/groups/{public_group_id}/join",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/requests": (
        "/api/v1/groups/{private_group_id}/requests",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/requests/<user_id>": (
        "/api/v1/groups/{private_group_id}/requests/{member_id}",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/archive": (
        "/api/v1/groups/{public_group_id}/archive",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/break-glass": (
        "/api/v1/groups/{secret_group_id}/break-glass",
        _row(405, 405, 405, 405, 405),
    ),
    # --- posts (issue 3): {network_post_id} by the group owner on the network stream;
    # {external_post_id} in the external group (the guest is in it, the member is not);
    # {secret_post_id} in the secret group; {network_comment_id} on the network post;
    # {external_file_id}/{external_file_name} attached to the external post.
    "posts/new/": ("/posts/new/", _row(302, 403, 200, 200, 302)),
    "posts/<int:post_id>/": ("/posts/{external_post_id}/", _row(302, 200, 404, 404, 302)),
    "posts/<int:post_id>/edit/": ("/posts/{network_post_id}/edit/", _row(302, 404, 403, 403, 302)),
    "posts/<int:post_id>/history/": (
        "/posts/{network_post_id}/history/",
        _row(302, 404, 200, 200, 302),
    ),
    "posts/<int:post_id>/delete/": (
        "/posts/{network_post_id}/delete/",
        _row(302, 404, 403, 200, 302),
    ),
    "posts/<int:post_id>/react/": (
        "/posts/{network_post_id}/react/",
        _row(302, 405, 405, 405, 302),
    ),
    "posts/<int:post_id>/reactions/": (
        "/posts/{secret_post_id}/reactions/",
        _row(302, 404, 404, 404, 302),
    ),
    "posts/<int:post_id>/vote/": ("/posts/{network_post_id}/vote/", _row(302, 405, 405, 405, 302)),
    "posts/<int:post_id>/accept/": (
        "/posts/{network_post_id}/accept/",
        _row(302, 405, 405, 405, 302),
    ),
    "posts/<int:post_id>/comments/": (
        "/posts/{network_post_id}/comments/",
        _row(302, 405, 405, 405, 302),
    ),
    "posts/comments/<int:comment_id>/edit/": (
        "/posts/comments/{network_comment_id}/edit/",
        _row(302, 404, 403, 403, 302),
    ),
    "posts/comments/<int:comment_id>/delete/": (
        "/posts/comments/{network_comment_id}/delete/",
        _row(302, 404, 403, 200, 302),
    ),
    "posts/comments/<int:comment_id>/react/": (
        "/posts/comments/{network_comment_id}/react/",
        _row(302, 405, 405, 405, 302),
    ),
    "posts/files/": ("/posts/files/", _row(302, 405, 405, 405, 302)),
    "posts/files/<int:attachment_id>/<str:name>": (
        "/posts/files/{external_file_id}/{external_file_name}",
        _row(302, 200, 404, 404, 302),
    ),
    "posts/mentions/": ("/posts/mentions/", _row(302, 403, 200, 200, 302)),
    "posts/mentions/check/": ("/posts/mentions/check/", _row(302, 405, 405, 405, 302)),
    "api/v1/posts": ("/api/v1/posts", _row(405, 405, 405, 405, 405)),
    "api/v1/posts/<post_id>": ("/api/v1/posts/{external_post_id}", _row(401, 200, 404, 404, 401)),
    "api/v1/posts/<post_id>/revisions": (
        "/api/v1/posts/{network_post_id}/revisions",
        _row(401, 404, 200, 200, 401),
    ),
    "api/v1/posts/<post_id>/comments": (
        "/api/v1/posts/{secret_post_id}/comments",
        _row(401, 404, 404, 404, 401),
    ),
    "api/v1/posts/<post_id>/reactions": (
        "/api/v1/posts/{network_post_id}/reactions",
        _row(401, 404, 200, 200, 401),
    ),
    "api/v1/posts/<post_id>/accept": (
        "/api/v1/posts/{network_post_id}/accept",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/posts/<post_id>/votes": (
        "/api/v1/posts/{network_post_id}/votes",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/comments/<comment_id>": (
        "/api/v1/comments/{network_comment_id}",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/files": ("/api/v1/files", _row(405, 405, 405, 405, 405)),
    "api/v1/files/<file_id>": (
        "/api/v1/files/{external_file_id}",
        _row(401, 200, 404, 404, 401),
    ),
    "api/v1/mentions": ("/api/v1/mentions", _row(401, 403, 200, 200, 401)),
    "healthz": ("/healthz", _row(200, 200, 200, 200, 200)),
    # Live events: served through WSGI (the test client) it answers at once (no stream).
    "events/": ("/events/?last_event_id=0", _row(401, 200, 200, 200, 401)),
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
    # --- feeds (hallway.feed, api/feed.py) ---
    "feed/network/": ("/feed/network/", _row(302, 403, 200, 200, 302)),
    "feed/new/": ("/feed/new/?since=0", _row(302, 200, 200, 200, 302)),
    "feed/people/<int:user_id>/": ("/feed/people/{member_id}/", _row(302, 404, 200, 200, 302)),
    "feed/topics/<slug:slug>/": ("/feed/topics/{topic}/", _row(302, 200, 200, 200, 302)),
    "feed/companies/<slug:slug>/": (
        "/feed/companies/{other_company}/",
        _row(302, 404, 200, 200, 302),
    ),
    "feed/mutes/": ("/feed/mutes/", _row(302, 200, 200, 200, 302)),
    "feed/mute/person/<int:user_id>/": (
        "/feed/mute/person/{member_id}/",
        _row(302, 405, 405, 405, 302),
    ),
    "feed/unmute/person/<int:user_id>/": (
        "/feed/unmute/person/{member_id}/",
        _row(302, 405, 405, 405, 302),
    ),
    "feed/mute/group/<int:group_id>/": (
        "/feed/mute/group/{public_group_id}/",
        _row(302, 405, 405, 405, 302),
    ),
    "feed/unmute/group/<int:group_id>/": (
        "/feed/unmute/group/{public_group_id}/",
        _row(302, 405, 405, 405, 302),
    ),
    "feed/mute/topic/<slug:slug>/": ("/feed/mute/topic/{topic}/", _row(302, 405, 405, 405, 302)),
    "feed/unmute/topic/<slug:slug>/": (
        "/feed/unmute/topic/{topic}/",
        _row(302, 405, 405, 405, 302),
    ),
    "api/v1/feed": ("/api/v1/feed", _row(401, 200, 200, 200, 401)),
    "api/v1/feed/new": ("/api/v1/feed/new?since=0", _row(401, 200, 200, 200, 401)),
    # A secret group: hidden from guests and members (404); an admin manages it but reads its
    # posts only through break-glass (403).
    "api/v1/groups/<group_id>/posts": (
        "/api/v1/groups/{secret_group_id}/posts",
        _row(401, 404, 404, 403, 401),
    ),
    "api/v1/people/<person_id>/posts": (
        "/api/v1/people/{member_id}/posts",
        _row(401, 404, 200, 200, 401),
    ),
    "api/v1/topics/<slug>/posts": ("/api/v1/topics/{topic}/posts", _row(401, 200, 200, 200, 401)),
    "api/v1/companies/<company_id>/posts": (
        "/api/v1/companies/{other_company_id}/posts",
        _row(401, 404, 200, 200, 401),
    ),
    "api/v1/network/posts": ("/api/v1/network/posts", _row(401, 403, 200, 200, 401)),
    "api/v1/mutes": ("/api/v1/mutes", _row(401, 200, 200, 200, 401)),
    # --- notifications (hallway.notifications, api/notifications.py) ---
    "notifications/": ("/notifications/", _row(302, 200, 200, 200, 302)),
    "notifications/unread-count/": (
        "/notifications/unread-count/",
        _row(302, 200, 200, 200, 302),
    ),
    "notifications/read-all/": ("/notifications/read-all/", _row(302, 405, 405, 405, 302)),
    "notifications/preferences/": (
        "/notifications/preferences/",
        _row(302, 200, 200, 200, 302),
    ),
    "notifications/unsubscribe/<str:token>/": (
        "/notifications/unsubscribe/forged:token/",
        _row(404, 404, 404, 404, 404),
    ),
    "notifications/threads/<int:post_id>/mute/": (
        "/notifications/threads/{secret_post_id}/mute/",
        _row(302, 405, 405, 405, 302),
    ),
    "notifications/<int:notification_id>/": (
        "/notifications/{secret_notification_id}/",
        _row(302, 404, 404, 404, 302),
    ),
    "notifications/<int:notification_id>/read/": (
        "/notifications/{secret_notification_id}/read/",
        _row(302, 405, 405, 405, 302),
    ),
    "api/v1/notifications": ("/api/v1/notifications", _row(401, 200, 200, 200, 401)),
    "api/v1/notifications/unread-count": (
        "/api/v1/notifications/unread-count",
        _row(401, 200, 200, 200, 401),
    ),
    "api/v1/notifications/read-all": (
        "/api/v1/notifications/read-all",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/notifications/<notification_id>/read": (
        "/api/v1/notifications/{secret_notification_id}/read",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/notifications/preferences": (
        "/api/v1/notifications/preferences",
        _row(401, 200, 200, 200, 401),
    ),
    # --- search (hallway.search, api/search.py) ---
    "search/": ("/search/?q=canary", _row(302, 200, 200, 200, 302)),
    "search/suggest/": ("/search/suggest/?q=canary", _row(302, 200, 200, 200, 302)),
    "search/experts/": ("/search/experts/?topic={topic}", _row(302, 200, 200, 200, 302)),
    "api/v1/search": ("/api/v1/search?q=canary", _row(401, 200, 200, 200, 401)),
    "api/v1/search/suggest": ("/api/v1/search/suggest?q=canary", _row(401, 200, 200, 200, 401)),
    "api/v1/experts": ("/api/v1/experts?topic={topic}", _row(401, 200, 200, 200, 401)),
    "search/suggestions/": ("/search/suggestions/", _row(302, 200, 200, 200, 302)),
    "search/suggestions/dismiss/": ("/search/suggestions/dismiss/", _row(302, 405, 405, 405, 302)),
    "api/v1/suggestions": ("/api/v1/suggestions", _row(401, 200, 200, 200, 401)),
    "api/v1/suggestions/dismissals": (
        "/api/v1/suggestions/dismissals",
        _row(405, 405, 405, 405, 405),
    ),
    # freshness marks (search.freshness): POST or DELETE only
    "api/v1/posts/<post_id>/official": (
        "/api/v1/posts/{network_post_id}/official",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/posts/<post_id>/outdated": (
        "/api/v1/posts/{network_post_id}/outdated",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/posts/<post_id>/mark": (
        "/api/v1/posts/{network_post_id}/mark",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/comments/<comment_id>/official": (
        "/api/v1/comments/{network_comment_id}/official",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/comments/<comment_id>/outdated": (
        "/api/v1/comments/{network_comment_id}/outdated",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/comments/<comment_id>/mark": (
        "/api/v1/comments/{network_comment_id}/mark",
        _row(405, 405, 405, 405, 405),
    ),
    # --- content policies, review queue, audit log (hallway.policy, api/policy.py); the
    # inventory's admin is a network admin but not a compliance officer (no review queue).
    "policy/": ("/policy/", _row(302, 403, 403, 200, 302)),
    "policy/rules/new/": ("/policy/rules/new/", _row(302, 403, 403, 200, 302)),
    "policy/rules/<int:rule_id>/": ("/policy/rules/999999/", _row(302, 403, 403, 404, 302)),
    "policy/rules/<int:rule_id>/delete/": (
        "/policy/rules/999999/delete/",
        _row(302, 405, 405, 405, 302),
    ),
    "policy/test/": ("/policy/test/", _row(302, 403, 403, 200, 302)),
    "policy/review/": ("/policy/review/", _row(302, 403, 403, 403, 302)),
    "policy/review/<int:decision_id>/": (
        "/policy/review/999999/",
        _row(302, 405, 405, 405, 302),
    ),
    "policy/mine/": ("/policy/mine/", _row(302, 200, 200, 200, 302)),
    "policy/audience/": ("/policy/audience/", _row(302, 403, 200, 200, 302)),
    "policy/audit/": ("/policy/audit/", _row(302, 403, 403, 200, 302)),
    "policy/audit/export/": ("/policy/audit/export/", _row(302, 403, 403, 200, 302)),
    "api/v1/policy/rules": ("/api/v1/policy/rules", _row(401, 403, 403, 200, 401)),
    "api/v1/policy/rules/<rule_id>": (
        "/api/v1/policy/rules/999999",
        _row(401, 403, 403, 404, 401),
    ),
    "api/v1/policy/test": ("/api/v1/policy/test", _row(405, 405, 405, 405, 405)),
    "api/v1/audit": ("/api/v1/audit", _row(401, 403, 403, 200, 401)),
    "api/v1/audit/export": ("/api/v1/audit/export", _row(401, 403, 403, 200, 401)),
    "api/v1/posts/audience": ("/api/v1/posts/audience", _row(401, 403, 200, 200, 401)),
    # --- retention and legal holds (hallway.retention, api/retention.py); holds are placed by
    # compliance officers only, the admin reads them.
    "retention/": ("/retention/", _row(302, 403, 403, 200, 302)),
    "retention/rules/": ("/retention/rules/", _row(302, 405, 405, 405, 302)),
    "retention/holds/": ("/retention/holds/", _row(302, 405, 405, 405, 302)),
    "retention/holds/<int:hold_id>/release/": (
        "/retention/holds/999999/release/",
        _row(302, 405, 405, 405, 302),
    ),
    "api/v1/retention/rules": ("/api/v1/retention/rules", _row(401, 403, 403, 200, 401)),
    "api/v1/retention/holds": ("/api/v1/retention/holds", _row(401, 403, 403, 200, 401)),
    "api/v1/retention/holds/<hold_id>": (
        "/api/v1/retention/holds/999999",
        _row(405, 405, 405, 405, 405),
    ),
    "retention/ediscovery/": ("/retention/ediscovery/", _row(302, 403, 403, 403, 302)),
    "retention/erase/<int:user_id>/": (
        "/retention/erase/{member_id}/",
        _row(302, 403, 403, 200, 302),
    ),
    "accounts/data-export/": ("/accounts/data-export/", _row(302, 200, 200, 200, 302)),
    "accounts/data-export/<int:export_id>/download/": (
        "/accounts/data-export/999999/download/",
        _row(302, 404, 404, 404, 302),
    ),
    "api/v1/me/export": ("/api/v1/me/export", _row(405, 405, 405, 405, 405)),
    "api/v1/me/exports": ("/api/v1/me/exports", _row(401, 200, 200, 200, 401)),
    # --- moderation (hallway.moderation, api/moderation.py): the admin sees the queue ---
    "moderation/": ("/moderation/", _row(302, 403, 403, 200, 302)),
    "moderation/reports/<int:report_id>/decide/": (
        "/moderation/reports/999999/decide/",
        _row(302, 405, 405, 405, 302),
    ),
    "moderation/posts/<int:post_id>/report/": (
        "/moderation/posts/{network_post_id}/report/",
        _row(302, 404, 200, 200, 302),
    ),
    "moderation/comments/<int:comment_id>/report/": (
        "/moderation/comments/{network_comment_id}/report/",
        _row(302, 404, 200, 200, 302),
    ),
    "moderation/mine/": ("/moderation/mine/", _row(302, 200, 200, 200, 302)),
    "api/v1/posts/<post_id>/reports": (
        "/api/v1/posts/{network_post_id}/reports",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/comments/<comment_id>/reports": (
        "/api/v1/comments/{network_comment_id}/reports",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/moderation/reports": ("/api/v1/moderation/reports", _row(401, 403, 403, 200, 401)),
    "api/v1/moderation/reports/<report_id>/decision": (
        "/api/v1/moderation/reports/999999/decision",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/moderation/notices": ("/api/v1/moderation/notices", _row(401, 200, 200, 200, 401)),
    # --- sensitivity label rules (hallway.labels): network admins and compliance officers ---
    "labels/": ("/labels/", _row(302, 403, 403, 200, 302)),
    "labels/share/<int:post_id>/": (
        "/labels/share/{network_post_id}/",
        _row(302, 404, 200, 200, 302),
    ),
    "api/v1/posts/<post_id>/shares": (
        "/api/v1/posts/{network_post_id}/shares",
        _row(405, 405, 405, 405, 405),
    ),
    # --- webhooks (hallway.webhooks, api/webhooks.py); the admin's hook, the owner's group ---
    "webhooks/": ("/webhooks/", _row(302, 403, 200, 200, 302)),
    "webhooks/<int:webhook_id>/": ("/webhooks/{webhook_id}/", _row(302, 404, 404, 200, 302)),
    "webhooks/groups/<int:group_id>/": (
        "/webhooks/groups/{private_group_id}/",
        _row(302, 404, 403, 200, 302),
    ),
    "hooks/in/<str:token>/": ("/hooks/in/hwin_nope/", _row(405, 405, 405, 405, 405)),
    "api/v1/webhooks": ("/api/v1/webhooks", _row(401, 200, 200, 200, 401)),
    "api/v1/webhooks/<webhook_id>": (
        "/api/v1/webhooks/{webhook_id}",
        _row(401, 404, 404, 200, 401),
    ),
    "api/v1/webhooks/<webhook_id>/deliveries": (
        "/api/v1/webhooks/{webhook_id}/deliveries",
        _row(401, 404, 404, 200, 401),
    ),
    "api/v1/webhooks/<webhook_id>/rotate-secret": (
        "/api/v1/webhooks/{webhook_id}/rotate-secret",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/incoming-webhooks": (
        "/api/v1/groups/{private_group_id}/incoming-webhooks",
        _row(401, 404, 200, 200, 401),
    ),
    "api/v1/groups/<group_id>/incoming-webhooks/<hook_id>": (
        "/api/v1/groups/{private_group_id}/incoming-webhooks/{incoming_hook_id}",
        _row(405, 405, 405, 405, 405),
    ),
    "api/v1/groups/<group_id>/incoming-webhooks/<hook_id>/rotate-secret": (
        "/api/v1/groups/{private_group_id}/incoming-webhooks/{incoming_hook_id}/rotate-secret",
        _row(405, 405, 405, 405, 405),
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
    public_group = GroupFactory(name="Open Forum", slug="open-forum")
    private_group = GroupFactory(
        name="Bid Team", slug="bid-team", visibility="private", join_policy="request"
    )
    secret_group = GroupFactory(
        name=f"Skunkworks {CANARY['secret_group_name']}",
        description=CANARY["secret_group_about"],
        slug="skunkworks",
        visibility="secret",
        join_policy="invite",
    )
    external_group = GroupFactory(
        name="Partner Room",
        slug="partner-room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[guest.company],
    )
    group_owner = UserFactory(name="Olga Owner")
    for group in (public_group, private_group, secret_group, external_group):
        add_member(group, group_owner, role="owner")
    add_member(external_group, guest)
    network_post = do_create_post(author=group_owner, body="Network post")
    external_post = do_create_post(author=group_owner, body="Partner post", group=external_group)
    secret_post = do_create_post(
        author=group_owner, body=f"Secret post {CANARY['secret_post']}", group=secret_group
    )
    private_file = do_upload_attachment(
        uploader=group_owner,
        upload=SimpleUploadedFile(
            f"{CANARY['private_file_name']}.txt",
            f"{CANARY['private_file_text']}\n".encode(),
            content_type="text/plain",
        ),
    )
    private_post = do_create_post(
        author=group_owner,
        title=CANARY["private_title"],
        body=f"Bid numbers {CANARY['private_post']} #canaryprivatetopic",
        kind="question",
        group=private_group,
        attachment_ids=[private_file.pk],
    )
    do_create_comment(author=group_owner, post=private_post, body=CANARY["private_comment"])
    network_comment = do_create_comment(author=group_owner, post=network_post, body="A comment")
    external_file = do_upload_attachment(
        uploader=group_owner,
        upload=SimpleUploadedFile("notes.txt", b"meeting notes\n", content_type="text/plain"),
    )
    do_create_post(
        author=group_owner, body="Notes", group=external_group, attachment_ids=[external_file.pk]
    )
    # Notifications about private and secret content, as if each person had lost access:
    # read-time filtering must keep them (and their counts) out of every page.
    stale = [
        Notification(recipient=person, kind="mention", actor=group_owner, post=post)
        for person in (host_member, admin, guest, gone)
        for post in (private_post, secret_post)
    ]
    Notification.objects.bulk_create(stale)
    rebuild_index()  # the search index holds every canary (its tasks run after commit)
    # A network hook of the admin's and an incoming hook of the private group (its owner's).
    from hallway.webhooks.actions import do_create_incoming_webhook
    from hallway.webhooks.models import Webhook

    webhook = Webhook.objects.create(
        owner=admin, name="inventory", url="https://example.com/hook", events=["post.created"]
    )
    incoming_hook, _ = do_create_incoming_webhook(
        actor=group_owner, group=private_group, name="inventory"
    )
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
            "public_group": public_group.slug,
            "private_group": private_group.slug,
            "secret_group": secret_group.slug,
            "external_group": external_group.slug,
            "public_group_id": public_group.pk,
            "private_group_id": private_group.pk,
            "secret_group_id": secret_group.pk,
            "network_post_id": network_post.pk,
            "external_post_id": external_post.pk,
            "secret_post_id": secret_post.pk,
            "network_comment_id": network_comment.pk,
            "external_file_id": external_file.pk,
            "external_file_name": external_file.name,
            "private_post_id": private_post.pk,
            "private_file_id": private_file.pk,
            "private_file_name": private_file.name,
            "secret_notification_id": stale[-1].pk,
            "webhook_id": webhook.pk,
            "incoming_hook_id": incoming_hook.pk,
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


# Pages and API lists where content could surface beyond the inventory's concrete paths.
CRAWL_EXTRA = [
    "/?ordering=top",
    "/people/?q=canary",
    "/groups/",
    "/groups/?q=skunk",
    "/api/v1/groups",
    "/api/v1/groups?q=skunk",
    "/posts/{private_post_id}/",
    "/posts/{private_post_id}/history/",
    "/api/v1/posts/{private_post_id}",
    "/api/v1/posts/{private_post_id}/comments",
    "/api/v1/posts/{private_post_id}/revisions",
    "/posts/files/{private_file_id}/{private_file_name}",
    "/api/v1/files/{private_file_id}",
    "/groups/{private_group}/",
    "/groups/{private_group}/files/",
    "/groups/{secret_group}/",
    "/api/v1/groups/{private_group_id}",
    "/api/v1/groups/{secret_group_id}",
    "/api/v1/mentions?q=o",
    "/notifications/?unread=1",
    "/api/v1/notifications?unread=true",
    # Search with prefixes of every canary word as the query (pages echo the query, so
    # never the whole word), every type: a leak shows the whole word in a result.
    *[
        f"{path}{word}"
        for token in CANARY.values()
        for word in (token[:-1], token[:9])
        for path in (
            "/search/?q=",
            "/search/?type=files&q=",
            "/search/?type=groups&q=",
            "/search/?type=comments&q=",
            "/search/suggest/?q=",
            "/api/v1/search?q=",
            "/api/v1/search?type=questions&q=",
            "/api/v1/search/suggest?q=",
        )
    ],
    "/search/experts/?topic=canaryprivatetopic",
    "/api/v1/experts?topic=canaryprivatetopic",
]


@pytest.mark.parametrize("role", ROLES)
def test_canaries_never_reach_a_non_member(role, network):
    """Every route, as every kind of person outside the private and secret groups."""
    client = _client_for(role, network)
    paths = [template for template, _ in INVENTORY.values()] + CRAWL_EXTRA
    leaks = []
    for template in paths:
        path = template.format(**network["values"])
        response = client.get(path)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        for name, token in CANARY.items():
            if token in body and not (role == "admin" and name in ADMIN_MAY_SEE):
                leaks.append(f"{path}: {name}")
    assert not leaks, "\n".join(leaks)
