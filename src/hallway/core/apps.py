from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "hallway.core"
    label = "core"

    def ready(self) -> None:
        # Registers every app's @task functions, so the worker can run them.
        autodiscover_modules("tasks")
