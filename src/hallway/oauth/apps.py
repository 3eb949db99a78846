from django.apps import AppConfig


class OAuthConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hallway.oauth"
    label = "hallway_oauth"
    verbose_name = "OAuth 2.0 apps"
