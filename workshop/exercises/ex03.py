"""Exercise 03: the order report's recipients, a list from the environment, in .env and .env.example."""

from __future__ import annotations

import io
import re
from email.utils import parseaddr

from dotenv import dotenv_values
from honcho.environ import parse as honcho_parse

from workshop.exercises.checks import (
    ENV_RULES,
    PROBE_ENV,
    READ_BY_SETTINGS,
    dotenv_hints,
    example_hints,
    last_line,
    report,
    run_python,
    setting_hints,
    text_of,
)
from workshop.project import Project

NAME = "ORDER_REPORT_RECIPIENTS"


def address_hints(items: list[str], where: str) -> list[str]:
    """Hints when the items of the list, as read from where, are not one e-mail address each."""
    # The To: header Django's send_mail() writes for this list, and who would get it.
    sent = f"`To: {', '.join(items)}`"
    sent = (
        f"the report would go to {sent}"
        if where != ".env.example"
        else f"a deploy set up from it would send the report to {sent}"
    )
    if any(mark in item for item in items for mark in "[]\"'"):
        return [
            f"{NAME} in {where} is written with brackets and quotes, as a list in JSON or Python: {sent}. "
            "Write the addresses separated by commas, without brackets or quotes."
        ]
    if any(";" in item for item in items):
        return [
            f"{NAME} in {where} separates the addresses with semicolons. list_of() splits at commas only, "
            f"so {sent}. Separate them with commas."
        ]
    wrong = [item for item in items if not re.fullmatch(r"[^@\s]+@[^@\s]+", parseaddr(item)[1])]
    if wrong:
        return [
            f"{NAME} in {where} holds {wrong[0]!r}, which is not an e-mail address. Write one address per "
            "item, separated by commas, like dev@beancounter.example,owner@beancounter.example."
        ]
    return []


def example_value_hints(project: Project) -> list[str]:
    """Hints when .env.example documents the variable with a value that is not a list of addresses, or that
    honcho and python-dotenv would read differently in a .env copied from it."""
    line = next((line for line in text_of(project, ".env.example").splitlines() if line.startswith(f"{NAME}=")), "")
    value = dotenv_values(stream=io.StringIO(line)).get(NAME)
    try:
        same = honcho_parse(line).get(NAME) == value
    except ValueError:  # honcho: "No closing quotation"
        same = False
    if value and not same:
        return [
            f"{NAME} in .env.example is read differently by honcho and python-dotenv: a .env copied from it "
            f"would be too. {ENV_RULES}"
        ]
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    return address_hints(items, ".env.example") if items else []


def check_03(project: Project) -> None:
    """Exercise 03: is ORDER_REPORT_RECIPIENTS a list from the environment, in .env and .env.example?"""
    env = dotenv_hints(project, NAME)
    # The variables honcho gives the app from .env (when both readers agree on it), loaded with the probes.
    development = [] if env else [honcho_parse(text_of(project, ".env"))]
    setting, with_env = setting_hints(
        project, [NAME], "list_of", "as a list, as ALLOWED_HOSTS is, with no default", also=development
    )
    # A variable the settings read by mistake (a misspelt name, say) is not one to document: setting says so.
    unknown = tuple(
        f"{name} " for name in READ_BY_SETTINGS.findall(text_of(project, "shop/settings.py")) if name not in PROBE_ENV
    )
    documented = [hint for hint in example_hints(project, NAME) if not hint.startswith(unknown)]
    hints = setting + env + documented + example_value_hints(project)
    if not setting and with_env:  # the settings read it right and .env is well written: what does the app make of it?
        [loaded] = with_env
        if loaded.values is None:
            hints.append(f"With your .env, as honcho reads it, the settings stop: `{loaded.error}`")
        else:
            value = loaded.values[NAME]
            hints += address_hints(
                [str(item) for item in value] if isinstance(value, list) else [str(value)], "your .env"
            )
    if not hints:  # all seems right: start the app through honcho, as the exercise did
        done = run_python(project, ["-m", "honcho", "run", "python", "manage.py", "check"], {})
        if done.returncode != 0:
            hints.append(
                f"`honcho run python manage.py check` fails with your .env: `{last_line(done.stdout + done.stderr)}`"
            )
    report(
        project,
        hints,
        f"{NAME} comes from the environment as a list, .env sets it for development, "
        ".env.example documents it, and honcho runs the app with it. Well done!",
    )
