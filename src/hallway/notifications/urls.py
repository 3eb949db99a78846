from django.urls import path

from hallway.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("unread-count/", views.notification_unread_count, name="notification_unread_count"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("preferences/", views.notification_preferences, name="notification_preferences"),
    path(
        "unsubscribe/<str:token>/",
        views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path("threads/<int:post_id>/mute/", views.thread_mute, name="notification_thread_mute"),
    path("<int:notification_id>/", views.notification_open, name="notification_open"),
    path("<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
