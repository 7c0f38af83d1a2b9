import logging

from django.shortcuts import get_object_or_404
from django.shortcuts import render

from .models import Product
from .tasks import send_restock_alert

logger = logging.getLogger(__name__)


def product_list(request):
    return render(request, "catalog/product_list.html", {"products": Product.objects.all()})


def product_detail(request, pk):
    product = get_object_or_404(Product, pk=pk)
    if request.GET.get("notify"):
        send_restock_alert.delay(product.pk, request.GET["notify"])
        logger.info("restock alert queued for product %s", product.pk)
    return render(request, "catalog/product_detail.html", {"product": product})
