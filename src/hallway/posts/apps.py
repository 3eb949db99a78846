from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "hallway.posts"
    label = "posts"
