from django.urls import include, path, re_path

from hallway.api.api import api
from hallway.api.errors import json_not_found
from hallway.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("hallway.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("hallway.profiles.urls")),
    path("companies/", include("hallway.companies.urls")),
    path("groups/", include("hallway.groups.urls")),
    path("posts/", include("hallway.posts.urls")),
    path("feed/", include("hallway.feed.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", json_not_found),
]
