from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "hallway.labels"
    label = "labels"
    verbose_name = "Sensitivity label rules"
