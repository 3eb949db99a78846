from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hallway.directory"
    label = "directory"
    verbose_name = "Directory import"
