from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The bakery's front page: a hero image and a welcome."""

    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_text = models.CharField(max_length=255, help_text="Write an introduction for the bakery")

    content_panels = Page.content_panels + [FieldPanel("image"), FieldPanel("hero_text")]
