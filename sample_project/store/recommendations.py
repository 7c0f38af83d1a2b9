"""What to brew each coffee with, and what to eat with it.

The recommendation table is built once, when this module is first imported,
so that every product page can look it up instantly.
"""

import time

# What goes well with each roast, from our tasting notes.
TASTING_NOTES = {
    "light": ["pour-over", "AeroPress", "lemon cake"],
    "medium": ["filter machine", "French press", "almond biscotti"],
    "dark": ["espresso", "moka pot", "dark chocolate"],
}


def build_table() -> dict[str, list[str]]:
    """Build the recommendation table, one list of suggestions per roast."""
    # Loading the similarity model takes a moment.
    time.sleep(0.1)
    return {roast: list(notes) for roast, notes in TASTING_NOTES.items()}


# Warm up the recommendation engine now, so the first customer doesn't wait for it.
TABLE = build_table()


def for_roast(roast: str) -> list[str]:
    """Return the suggestions for a roast, or an empty list if we have none."""
    return TABLE.get(roast, [])
