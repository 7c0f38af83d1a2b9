from celery import shared_task
from django.core.mail import send_mail

from .models import Product


@shared_task()
def send_restock_alert(product_pk, email):
    """Mail one customer when a product is back in stock."""
    product = Product.objects.get(pk=product_pk)
    send_mail(f"{product.name} is back", f"{product.name} is in stock again.", None, [email])
