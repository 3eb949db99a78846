from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "hallway.policy"
    label = "policy"
    verbose_name = "Content policies"
