from django.db import models
from wagtail.models import Page


class BreadPage(Page):
    """One bread, with a photo a baker uploads."""

    introduction = models.TextField(blank=True)
    photo = models.ImageField(upload_to="breads/", blank=True)
