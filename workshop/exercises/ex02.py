"""Exercise 02: the payment key and the mail password from the environment."""

from __future__ import annotations

from workshop.exercises.checks import (
    PROBE_ENV,
    app_starts,
    load_settings,
    report,
    setting_hints,
)
from workshop.project import Project


def check_02(project: Project) -> None:
    """Exercise 02: do PAYMENT_API_KEY and EMAIL_HOST_PASSWORD come from the environment, strictly?"""
    names = ["PAYMENT_API_KEY", "EMAIL_HOST_PASSWORD"]
    problem = app_starts(project)
    settings, error = load_settings(project, PROBE_ENV, names)
    hints = [hint for name in names for hint in setting_hints(project, name, "require", settings, error)]
    if problem and not any(hint.startswith("The settings do not load") for hint in hints):
        hints.append(problem)
    report(project, list(dict.fromkeys(hints)), "PAYMENT_API_KEY and EMAIL_HOST_PASSWORD come from the environment; "
           "missing or empty, they stop the app with a message that names them. Well done!")
