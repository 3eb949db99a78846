from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "hallway.companies"
    label = "companies"
