from django.db import models


class Link(models.Model):
    url = models.URLField()
    title = models.CharField(max_length=300, blank=True)
    saved = models.DateTimeField(auto_now_add=True)
