from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hallway.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
