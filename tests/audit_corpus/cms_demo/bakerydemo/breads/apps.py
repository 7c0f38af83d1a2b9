from django.apps import AppConfig


class BreadsConfig(AppConfig):
    name = "bakerydemo.breads"
