from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


def format_cents(cents: int) -> str:
    """Return an amount in cents as dollars, like "12.50"."""
    return f"{cents // 100}.{cents % 100:02d}"


class Product(models.Model):
    """A coffee we sell, in 250 g bags."""

    class Roast(models.TextChoices):
        LIGHT = "light", "Light"
        MEDIUM = "medium", "Medium"
        DARK = "dark", "Dark"

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    origin = models.CharField(max_length=100)
    roast = models.CharField(max_length=10, choices=Roast.choices, default=Roast.MEDIUM)
    description = models.TextField(blank=True)
    price_cents = models.PositiveIntegerField(
        help_text="Price of one 250 g bag, in cents."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("store:product_detail", args=[self.slug])

    @property
    def price(self) -> str:
        """Price of one bag in dollars, for display."""
        return format_cents(self.price_cents)


class Order(models.Model):
    """One customer's order for some bags of one coffee."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        PAYMENT_FAILED = "payment_failed", "Payment failed"

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="orders"
    )
    quantity = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Order {self.pk}: {self.quantity} x {self.product}"

    @property
    def total_cents(self) -> int:
        """What the customer pays for the whole order, in cents."""
        return self.quantity * self.product.price_cents

    @property
    def total(self) -> str:
        """The order total in dollars, for display."""
        return format_cents(self.total_cents)
