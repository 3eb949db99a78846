from django.urls import path

from hallway.directory import views

urlpatterns = [
    path("", views.import_people, name="directory_import"),
    path("<int:job_id>/", views.import_job, name="directory_import_job"),
]
