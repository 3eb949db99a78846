from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "hallway.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models import CharField

        from hallway.core.lookups import InLabels

        # ``audience__in_labels=viewer.labels``: the permission filter bound as one parameter.
        CharField.register_lookup(InLabels)
        # Registers every app's @task functions, so the worker can run them.
        autodiscover_modules("tasks")
