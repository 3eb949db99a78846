from django.urls import path

from hallway.feed import views

urlpatterns = [
    path("network/", views.network_feed_view, name="network_feed"),
    path("new/", views.new_posts_view, name="feed_new_posts"),
    path("people/<int:user_id>/", views.person_posts_view, name="person_posts"),
    path("topics/<slug:slug>/", views.topic_posts_view, name="topic_posts"),
    path("companies/<slug:slug>/", views.company_posts_view, name="company_posts"),
    path("mutes/", views.muted_list_view, name="muted_list"),
    path("mute/person/<int:user_id>/", views.mute_person_view, name="mute_person"),
    path("unmute/person/<int:user_id>/", views.unmute_person_view, name="unmute_person"),
    path("mute/group/<int:group_id>/", views.mute_group_view, name="mute_group"),
    path("unmute/group/<int:group_id>/", views.unmute_group_view, name="unmute_group"),
    path("mute/topic/<slug:slug>/", views.mute_topic_view, name="mute_topic"),
    path("unmute/topic/<slug:slug>/", views.unmute_topic_view, name="unmute_topic"),
]
