from django.urls import path

from hallway.profiles import views

urlpatterns = [
    path("", views.people_directory_view, name="people_directory"),
    path("autocomplete/", views.people_autocomplete, name="people_autocomplete"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/edit/", views.person_edit, name="person_edit"),
    path("me/photo/", views.person_photo_upload, name="person_photo_upload"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("topics/<slug:slug>/follow/", views.topic_follow, name="topic_follow"),
    path("<int:user_id>/", views.person_detail, name="person_detail"),
    path("<int:user_id>/edit/", views.person_edit_other, name="person_edit_other"),
    path("<int:user_id>/photo", views.person_photo, name="person_photo"),
    path("<int:user_id>/org/", views.org_chart, name="org_chart"),
    path("<int:user_id>/follow/", views.person_follow, name="person_follow"),
]
