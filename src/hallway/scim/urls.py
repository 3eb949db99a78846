"""SCIM 2.0 routes under /scim/v2/ (no trailing slashes, as SCIM clients call them)."""

from django.urls import path, re_path

from hallway.scim import views

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="scim_config"),
    path("ResourceTypes", views.resource_types, name="scim_resource_types"),
    path("ResourceTypes/<str:type_id>", views.resource_type, name="scim_resource_type"),
    path("Schemas", views.schemas, name="scim_schemas"),
    path("Schemas/<str:schema_id>", views.schema, name="scim_schema"),
    path(".search", views.root_search, name="scim_search"),
    path("Users", views.users, name="scim_users"),
    path("Users/.search", views.users_search, name="scim_users_search"),
    path("Users/<str:user_id>", views.user, name="scim_user"),
    path("Groups", views.groups, name="scim_groups"),
    path("Groups/.search", views.groups_search, name="scim_groups_search"),
    path("Groups/<str:group_id>", views.group, name="scim_group"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="scim_not_found"),
]

admin_urlpatterns = [
    path("", views.admin_clients, name="scim_admin_clients"),
    path("<int:client_id>/revoke/", views.admin_client_revoke, name="scim_admin_client_revoke"),
]
