from django.urls import path

from hallway.retention import export_views

urlpatterns = [
    path("", export_views.my_exports, name="data_exports"),
    path("<int:export_id>/download/", export_views.download, name="data_export_download"),
]
