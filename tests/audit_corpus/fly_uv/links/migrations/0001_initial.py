from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Link",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("url", models.URLField()),
                ("title", models.CharField(blank=True, max_length=300)),
                ("saved", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
