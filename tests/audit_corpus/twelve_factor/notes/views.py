import logging

from django.http import HttpResponse

logger = logging.getLogger(__name__)


def home(request):
    """The front page."""
    logger.info("front page served")
    return HttpResponse("Notes: nothing here yet.\n", content_type="text/plain")
