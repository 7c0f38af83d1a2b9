"""The unit the workshop's time budgets use: a *check*, one `manage.py check` on a bare startproject.

The machines the workshop runs on differ, and a shared one varies from hour to hour, so times are
compared with this reference, measured beside them: 0.25 s on a good hour on two cores.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

#: The seconds a check takes on a good hour: the per-cell and per-notebook targets hold at this speed.
GOOD_HOUR = 0.25


def measure(runs: int = 5) -> float:
    """The median seconds of `python manage.py check` on a new bare startproject, over several runs."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "django", "startproject", "reference", folder], check=True)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "manage.py", "check"], cwd=folder, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_checks(seconds: float, check: float) -> str:
    """A duration in checks, with the seconds beside it: '12.0 checks (3.1 s)'."""
    return f"{seconds / check:5.1f} checks ({seconds:.1f} s)"


def describe(before: float, after: float) -> str:
    """The reference measured before and after a run, and the check used for the run (their mean)."""
    return (
        f"1 check = a bare `manage.py check`: {before:.2f} s before, {after:.2f} s after (a good hour: {GOOD_HOUR} s)"
    )
