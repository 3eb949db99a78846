from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "hallway.search"
    label = "search"
