from django.urls import include, path, re_path

from hallway.api.api import api
from hallway.api.errors import json_not_found
from hallway.core import streams as core_streams
from hallway.core import views as core_views
from hallway.oauth import urls as oauth_urls
from hallway.scim import urls as scim_urls
from hallway.webhooks import urls as webhook_urls

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("events/", core_streams.events, name="events"),
    path("accounts/", include("hallway.accounts.urls")),
    path("accounts/", include("hallway.sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("hallway.profiles.urls")),
    path("companies/", include("hallway.companies.urls")),
    path("groups/", include("hallway.groups.urls")),
    path("posts/", include("hallway.posts.urls")),
    path("feed/", include("hallway.feed.urls")),
    path("notifications/", include("hallway.notifications.urls")),
    path("search/", include("hallway.search.urls")),
    path("policy/", include("hallway.policy.urls")),
    path("moderation/", include("hallway.moderation.urls")),
    path("labels/", include("hallway.labels.urls")),
    path("retention/", include("hallway.retention.urls")),
    path("accounts/data-export/", include("hallway.retention.export_urls")),
    path("accounts/admin/provisioning/", include(scim_urls.admin_urlpatterns)),
    path("accounts/admin/import/", include("hallway.directory.urls")),
    path("accounts/admin/oauth-apps/", include(oauth_urls.admin_urlpatterns)),
    path("accounts/apps/", include(oauth_urls.account_urlpatterns)),
    path("oauth/", include("hallway.oauth.urls")),
    path("scim/v2/", include("hallway.scim.urls")),
    path("webhooks/", include("hallway.webhooks.urls")),
    path("hooks/in/", include(webhook_urls.incoming_urlpatterns)),
    path("api/v1/", api.urls),
    re_path(r"^api/", json_not_found),
]
