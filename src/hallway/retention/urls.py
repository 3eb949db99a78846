from django.urls import path

from hallway.retention import export_views, views

urlpatterns = [
    path("", views.retention_page, name="retention"),
    path("rules/", views.save_rules, name="retention_rules"),
    path("holds/", views.place_hold, name="retention_hold"),
    path("holds/<int:hold_id>/release/", views.release_hold, name="retention_hold_release"),
    path("ediscovery/", export_views.ediscovery, name="ediscovery_exports"),
    path("erase/<int:user_id>/", export_views.erase_person, name="erase_person"),
]
