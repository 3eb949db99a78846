from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "hallway.moderation"
    label = "moderation"
    verbose_name = "Moderation"
