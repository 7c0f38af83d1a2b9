from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=200)
    price_cents = models.PositiveIntegerField()
    photo = models.ImageField(upload_to="products/", blank=True)

    def __str__(self):
        return self.name
