import csv

from django.core.management.base import BaseCommand

from myshop.catalog.models import Product


class Command(BaseCommand):
    help = "Import products from a CSV file of name,price_cents rows."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        with open(options["path"], newline="") as rows:
            for name, price_cents in csv.reader(rows):
                Product.objects.update_or_create(name=name, defaults={"price_cents": int(price_cents)})
