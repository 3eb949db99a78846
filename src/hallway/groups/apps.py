from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "hallway.groups"
    label = "groups"
