"""OAuth routes: /oauth/ (authorize, token), plus the admin and account pages."""

from django.urls import path
from oauth2_provider import views as dot_views

from hallway.oauth import views

urlpatterns = [
    path("authorize/", views.AuthorizeView.as_view(), name="oauth_authorize"),
    path("token/", dot_views.TokenView.as_view(), name="oauth_token"),
]

admin_urlpatterns = [
    path("", views.admin_apps, name="oauth_admin_apps"),
    path("<int:app_id>/delete/", views.admin_app_delete, name="oauth_admin_app_delete"),
]

account_urlpatterns = [
    path("", views.account_apps, name="oauth_account_apps"),
    path("<int:app_id>/revoke/", views.account_app_revoke, name="oauth_account_app_revoke"),
]
