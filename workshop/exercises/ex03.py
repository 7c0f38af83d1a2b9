"""Exercise 03: the order report's recipients, a list from the environment, in .env and .env.example."""

from __future__ import annotations

from workshop.exercises.checks import (
    PROBE_ENV,
    dotenv_hints,
    example_hints,
    last_line,
    load_settings,
    report,
    run_python,
    setting_hints,
)
from workshop.project import Project


def check_03(project: Project) -> None:
    """Exercise 03: is ORDER_REPORT_RECIPIENTS a list from the environment, in .env and .env.example?"""
    name = "ORDER_REPORT_RECIPIENTS"
    settings, error = load_settings(project, PROBE_ENV, [name])
    hints = setting_hints(project, name, "list_of", settings, error) + dotenv_hints(project, name) + example_hints(project, name)
    if not hints:
        show = f"from django.conf import settings; print(settings.{name})"
        done = run_python(project, ["-m", "honcho", "run", "python", "manage.py", "shell", "-v", "0", "-c", show], {})
        if done.returncode != 0:
            hints.append(f"`honcho run python manage.py shell` fails: `{last_line(done.stdout + done.stderr)}`")
    report(project, hints, f"{name} comes from the environment as a list, .env sets it for development, "
           ".env.example documents it, and honcho runs the app with it. Well done!")
