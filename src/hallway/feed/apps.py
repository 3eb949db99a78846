from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "hallway.feed"
    label = "feed"
