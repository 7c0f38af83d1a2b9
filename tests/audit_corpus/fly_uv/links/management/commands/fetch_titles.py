import signal
import time
import urllib.request
from html.parser import HTMLParser

from django.core.management.base import BaseCommand

from links.models import Link


class Title(HTMLParser):
    """The text of a page's <title>."""

    def __init__(self):
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "title"

    def handle_data(self, data):
        if self.inside:
            self.text += data


class Command(BaseCommand):
    help = "Fill in the titles of saved links; with --forever, keep doing it until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true")

    def handle(self, *args, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while not stopping:
            for link in Link.objects.filter(title="")[:20]:
                with urllib.request.urlopen(link.url, timeout=10) as page:
                    parser = Title()
                    parser.feed(page.read(200_000).decode(errors="replace"))
                link.title = parser.text.strip()[:300] or link.url
                link.save(update_fields=["title"])
            if not options["forever"]:
                return
            time.sleep(5)
