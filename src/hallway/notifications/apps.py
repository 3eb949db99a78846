from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hallway.notifications"
    label = "notifications"
