from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Remove expired sessions (a one-off admin task)."

    def handle(self, *args, **options):
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        self.stdout.write(f"{deleted} expired sessions removed")
