"""Hallway's account pages under /accounts/ (allauth's own pages are included after these)."""

from django.urls import path

from hallway.accounts import views

urlpatterns = [
    # Deliberately replaces allauth's email management page (same URL and name): sign-in
    # addresses are managed by network admins / SSO, and allauth's page would let anyone
    # add an unverified address and make it their sign-in email.
    path("email/", views.account_email, name="account_email"),
    path("invitation/<str:key>/", views.accept_invitation, name="accept_invitation"),
    path("settings/", views.account_settings, name="account_settings"),
    path("sessions/", views.account_sessions, name="account_sessions"),
    path(
        "sessions/sign-out-others/",
        views.account_sessions_end_others,
        name="account_sessions_end_others",
    ),
    path("sessions/<str:ref>/sign-out/", views.account_session_end, name="account_session_end"),
    path("tokens/", views.account_tokens, name="account_tokens"),
    path("tokens/<int:token_id>/revoke/", views.account_token_revoke, name="account_token_revoke"),
    path("admin/people/", views.admin_people, name="account_admin_people"),
    path("admin/people/invite/", views.admin_invite, name="account_admin_invite"),
    path("admin/people/<int:user_id>/", views.admin_person, name="account_admin_person"),
    path(
        "admin/people/<int:user_id>/deactivate/",
        views.admin_deactivate,
        name="account_admin_deactivate",
    ),
    path(
        "admin/people/<int:user_id>/reactivate/",
        views.admin_reactivate,
        name="account_admin_reactivate",
    ),
    path("admin/people/<int:user_id>/roles/", views.admin_roles, name="account_admin_roles"),
    path(
        "admin/people/<int:user_id>/resend-invitation/",
        views.admin_resend_invitation,
        name="account_admin_resend_invitation",
    ),
]
