from django.contrib import admin
from django.urls import path

from recipes import views

urlpatterns = [
    path("", views.recipe_list),
    path("recipes/<int:pk>/print/", views.print_recipe),
    path("admin/", admin.site.urls),
]
