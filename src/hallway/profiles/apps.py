from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "hallway.profiles"
    label = "profiles"
