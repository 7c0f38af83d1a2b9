import logging
import threading
from collections import Counter

from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import payments, recommendations
from .models import Order, Product

logger = logging.getLogger("store")

# How many times each coffee's page has been viewed, shown on the page.
VIEW_COUNTS = Counter()

# Orders placed since the server started, by id, so the thank-you page
# doesn't have to go back to the database.
RECENT_ORDERS = {}


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["email", "quantity"]
        labels = {"quantity": "Bags (250 g)"}


def product_list(request):
    products = Product.objects.all()
    return render(request, "store/product_list.html", {"products": products})


def show_product(request, product, form):
    """Render a coffee's page with its order form."""
    context = {
        "product": product,
        "form": form,
        "view_count": VIEW_COUNTS[product.slug],
        "suggestions": recommendations.for_roast(product.roast),
    }
    return render(request, "store/product_detail.html", context)


def product_detail(request, slug):
    product = get_object_or_404(Product, slug=slug)
    VIEW_COUNTS[product.slug] += 1
    return show_product(request, product, OrderForm())


@require_POST
def place_order(request, slug):
    product = get_object_or_404(Product, slug=slug)
    form = OrderForm(request.POST)
    if not form.is_valid():
        return show_product(request, product, form)

    order = form.save(commit=False)
    order.product = product
    order.save()
    logger.info("order %s placed: %s x %s", order.pk, order.quantity, product.slug)

    try:
        charge_id = payments.charge(
            order.total_cents, order.email, f"Bean Counter order {order.pk}"
        )
    except payments.PaymentError as exc:
        order.status = Order.Status.PAYMENT_FAILED
        order.save(update_fields=["status"])
        logger.warning("order %s payment failed: %s", order.pk, exc)
    else:
        order.status = Order.Status.PAID
        order.save(update_fields=["status"])
        logger.info("order %s paid, charge %s", order.pk, charge_id)
        # Send the confirmation in the background so the customer doesn't wait
        # for the mail server.
        threading.Thread(
            target=send_confirmation,
            args=(order,),
            name=f"confirm-order-{order.pk}",
            daemon=True,
        ).start()

    RECENT_ORDERS[order.pk] = order
    return redirect("store:order_done", order_id=order.pk)


def send_confirmation(order):
    """Email the customer that their order is paid and on its way."""
    send_mail(
        subject=f"Your Bean Counter order {order.pk}",
        message=(
            f"Thank you for your order!\n\n"
            f"{order.quantity} x {order.product.name}, ${order.total} in total.\n"
            f"We roast on Mondays and Thursdays and ship the same day.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[order.email],
    )
    logger.info("order %s confirmation sent", order.pk)


def order_done(request, order_id):
    order = RECENT_ORDERS.get(order_id)
    if order is None:
        order = get_object_or_404(Order.objects.select_related("product"), pk=order_id)
    return render(request, "store/order_done.html", {"order": order})
