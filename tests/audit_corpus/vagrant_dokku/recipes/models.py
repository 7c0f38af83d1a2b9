from django.db import models


class Recipe(models.Model):
    title = models.CharField(max_length=200)
    method = models.TextField()
    pdf_ready = models.BooleanField(default=False)
