from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "hallway.sso"
    label = "sso"
    verbose_name = "Single sign-on and MFA"

    def ready(self) -> None:
        from hallway.sso import signals  # noqa: F401  (connects the MFA audit receivers)
