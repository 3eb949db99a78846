"""SSO routes: the sign-in entry under /accounts/sso/ and the admin pages."""

from django.urls import path

from hallway.sso import views

urlpatterns = [
    path("sso/", views.sso_start, name="sso_start"),
    path("oidc/<str:provider_id>/login/", views.oidc_login, name="openid_connect_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="openid_connect_callback",
    ),
    # Shadows allauth's view of the same path and name (signed requests only).
    path("saml/<str:organization_slug>/sls/", views.saml_sls, name="saml_sls"),
    path("admin/sso/", views.admin_sso, name="sso_admin"),
    path("admin/sso/new/", views.admin_provider_new, name="sso_admin_provider_new"),
    path("admin/sso/new-saml/", views.admin_saml_provider_new, name="sso_admin_saml_provider_new"),
    path("admin/sso/policy/", views.admin_policy, name="sso_admin_policy"),
    path("admin/sso/<int:provider_id>/", views.admin_provider, name="sso_admin_provider"),
    path(
        "admin/sso/<int:provider_id>/delete/",
        views.admin_provider_delete,
        name="sso_admin_provider_delete",
    ),
]
