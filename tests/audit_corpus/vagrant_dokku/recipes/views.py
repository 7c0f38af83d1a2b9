import django_rq
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Recipe
from .tasks import render_pdf


def recipe_list(request):
    titles = "\n".join(Recipe.objects.values_list("title", flat=True))
    return HttpResponse(titles or "No recipes yet.\n", content_type="text/plain")


def print_recipe(request, pk):
    recipe = get_object_or_404(Recipe, pk=pk)
    django_rq.enqueue(render_pdf, recipe.pk)
    return HttpResponse("Your printable recipe is being prepared.\n", content_type="text/plain")
