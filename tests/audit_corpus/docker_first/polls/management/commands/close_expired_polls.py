import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from polls.models import Question


class Command(BaseCommand):
    help = "Close the polls whose closing time has passed; with --loop, keep doing it every minute."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")

    def handle(self, *args, **options):
        while True:
            closed = Question.objects.filter(closed=False, closes__lte=timezone.now()).update(closed=True)
            self.stdout.write(f"{closed} polls closed")
            if not options["loop"]:
                return
            time.sleep(60)
