from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hallway.demo"
    label = "demo"
