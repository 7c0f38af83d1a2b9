from django.urls import path

from . import views

app_name = "store"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("beans/<slug:slug>/", views.product_detail, name="product_detail"),
    path("beans/<slug:slug>/order/", views.place_order, name="place_order"),
    path("orders/<int:order_id>/", views.order_done, name="order_done"),
]
