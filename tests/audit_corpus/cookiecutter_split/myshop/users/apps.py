from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "myshop.users"
    verbose_name = "Users"
