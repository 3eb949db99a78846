from django.urls import path

from hallway.groups import views

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("new/", views.group_create, name="group_create"),
    path("network-settings/", views.group_network_settings, name="group_network_settings"),
    path("<slug:slug>/", views.group_detail, name="group_detail"),
    path("<slug:slug>/new-posts/", views.group_new_posts, name="group_new_posts"),
    path("<slug:slug>/members/", views.group_members_view, name="group_members"),
    path("<slug:slug>/members/<int:user_id>/", views.group_member, name="group_member"),
    path("<slug:slug>/settings/", views.group_settings, name="group_settings"),
    path("<slug:slug>/archive/", views.group_archive, name="group_archive"),
    path("<slug:slug>/join/", views.group_join, name="group_join"),
    path("<slug:slug>/request/", views.group_request, name="group_request"),
    path("<slug:slug>/leave/", views.group_leave, name="group_leave"),
    path("<slug:slug>/invitation/", views.group_invitation, name="group_invitation"),
    path("<slug:slug>/invite/", views.group_invite, name="group_invite"),
    path("<slug:slug>/requests/", views.group_requests, name="group_requests"),
    path("<slug:slug>/requests/<int:user_id>/", views.group_decide, name="group_decide"),
    path("<slug:slug>/files/", views.group_files_view, name="group_files"),
    path("<slug:slug>/break-glass/", views.group_break_glass, name="group_break_glass"),
]
