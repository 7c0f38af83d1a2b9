"""Import posts from the partner feeds. Run nightly from cron."""

import os
import sys

sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

import django  # noqa: E402

django.setup()

from blog.models import Post  # noqa: E402

FEEDS = ["https://partner.example.com/feed.json"]

if __name__ == "__main__":
    for feed in FEEDS:
        Post.import_feed(feed)
