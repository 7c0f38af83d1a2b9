from django.contrib import admin

from .models import Order, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "origin", "roast", "price_cents"]
    list_filter = ["roast"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "origin"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "product", "quantity", "email", "status", "created"]
    list_filter = ["status", "product"]
    search_fields = ["email"]
