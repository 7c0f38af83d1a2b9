from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Default custom user model for My Shop."""

    name = models.CharField("Name of User", blank=True, max_length=255)
