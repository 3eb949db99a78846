from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hallway.accounts"
    label = "accounts"

    def ready(self) -> None:
        from hallway.accounts import signals  # noqa: F401  (connects the audit receivers)
