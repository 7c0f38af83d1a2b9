"""Charging customers through our payment provider's API."""

import json
import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger("store")


class PaymentError(Exception):
    """The payment provider could not be reached, or it refused the charge."""


def charge(amount_cents: int, email: str, description: str) -> str:
    """Charge the customer and return the provider's id for the charge."""
    payload = {
        "amount": amount_cents,
        "currency": "usd",
        "receipt_email": email,
        "description": description,
    }
    request = urllib.request.Request(
        settings.PAYMENT_API_URL + "/charges",
        data=json.dumps(payload).encode(),
        headers={
            "Authorization": f"Bearer {settings.PAYMENT_API_KEY}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        # Don't keep the customer waiting too long if the provider is slow.
        with urllib.request.urlopen(request, timeout=3) as response:
            answer = json.load(response)
    except (OSError, ValueError) as exc:
        # OSError covers refused connections, timeouts and HTTP errors (URLError
        # and HTTPError); ValueError covers an answer that isn't JSON.
        raise PaymentError(str(exc)) from exc
    logger.info("charged %s cents for %s", amount_cents, description)
    return str(answer.get("id", ""))
