"""Email the shop owner a report of today's orders.

Runs on the production server from cron every 15 minutes (see ../crontab):

    cd /srv/beancounter && python cron/send_order_reports.py
"""

import os
import sys
from pathlib import Path

import django
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

# Make the project importable and use the production settings.
PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings.production"
django.setup()


def build_report(orders) -> str:
    """Return the report's text: one line per order, then how much was paid."""
    lines = []
    paid_cents = 0
    for order in orders:
        lines.append(
            f"#{order.pk}  {order.quantity} x {order.product.name}  "
            f"${order.total}  {order.get_status_display()}"
        )
        if order.status == "paid":
            paid_cents += order.total_cents
    lines.append("")
    lines.append(f"{len(orders)} orders, ${paid_cents / 100:.2f} paid.")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Send today's report to the people in ORDER_REPORT_RECIPIENTS."""
    # The models can only be imported once Django is set up.
    from store.models import Order

    today = timezone.localdate()
    orders = (
        Order.objects.filter(created__date=today)
        .select_related("product")
        .order_by("pk")
    )
    send_mail(
        subject=f"Bean Counter orders for {today}",
        message=build_report(orders),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=settings.ORDER_REPORT_RECIPIENTS,
    )


if __name__ == "__main__":
    main()
