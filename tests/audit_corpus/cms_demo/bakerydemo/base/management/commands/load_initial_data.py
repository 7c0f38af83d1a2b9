import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the bakery's pages and images from fixtures."

    def handle(self, **options):
        fixtures_dir = os.path.join(settings.BASE_DIR, "bakerydemo", "base", "fixtures")
        call_command("loaddata", os.path.join(fixtures_dir, "bakerydemo.json"), verbosity=0)
        self.stdout.write("Initial data loaded")
