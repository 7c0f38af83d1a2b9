from django.db import models


class Order(models.Model):
    email = models.EmailField()
    amount_cents = models.PositiveIntegerField()
    paid = models.BooleanField(default=False)
