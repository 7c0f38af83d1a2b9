import json
import urllib.request

import markdown
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    source = models.URLField(blank=True)
    published = models.DateTimeField(auto_now_add=True)

    def html(self):
        return markdown.markdown(self.body)

    @classmethod
    def import_feed(cls, url):
        with urllib.request.urlopen(url, timeout=30) as response:
            for item in json.load(response)["items"]:
                cls.objects.get_or_create(source=item["url"], defaults={"title": item["title"], "body": item["body"]})
