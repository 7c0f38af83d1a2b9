from django.db import migrations

BEANS = [
    {
        "name": "Ethiopia Yirgacheffe",
        "slug": "ethiopia-yirgacheffe",
        "origin": "Ethiopia",
        "roast": "light",
        "description": "Floral and bright, with notes of jasmine, bergamot and lemon.",
        "price_cents": 1450,
    },
    {
        "name": "Colombia Huila",
        "slug": "colombia-huila",
        "origin": "Colombia",
        "roast": "medium",
        "description": "Sweet and round: caramel, red apple and a hint of cocoa.",
        "price_cents": 1250,
    },
    {
        "name": "Guatemala Antigua",
        "slug": "guatemala-antigua",
        "origin": "Guatemala",
        "roast": "medium",
        "description": "Grown between volcanoes: milk chocolate, toffee and orange.",
        "price_cents": 1300,
    },
    {
        "name": "Kenya Nyeri AA",
        "slug": "kenya-nyeri-aa",
        "origin": "Kenya",
        "roast": "light",
        "description": "Juicy and bold, with blackcurrant and grapefruit.",
        "price_cents": 1600,
    },
    {
        "name": "Sumatra Mandheling",
        "slug": "sumatra-mandheling",
        "origin": "Indonesia",
        "roast": "dark",
        "description": "Earthy and full-bodied, with dark chocolate and cedar.",
        "price_cents": 1350,
    },
]


def add_beans(apps, schema_editor):
    Product = apps.get_model("store", "Product")
    for bean in BEANS:
        Product.objects.create(**bean)


def remove_beans(apps, schema_editor):
    Product = apps.get_model("store", "Product")
    Product.objects.filter(slug__in=[bean["slug"] for bean in BEANS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_beans, remove_beans),
    ]
