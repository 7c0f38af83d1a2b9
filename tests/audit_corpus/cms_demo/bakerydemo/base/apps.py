from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "bakerydemo.base"
