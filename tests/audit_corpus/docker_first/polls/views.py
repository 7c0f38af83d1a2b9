import logging

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Choice

logger = logging.getLogger(__name__)


def index(request):
    return HttpResponse("Polls: see /admin/ to add some.\n", content_type="text/plain")


def vote(request, choice_id):
    choice = get_object_or_404(Choice, pk=choice_id)
    Choice.objects.filter(pk=choice.pk).update(votes=F("votes") + 1)
    logger.info("vote for choice %s", choice.pk)
    return HttpResponse("Thanks!\n", content_type="text/plain")
