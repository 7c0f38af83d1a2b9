"""Exercise 04: the mail server as an attached resource, from EMAIL_URL."""

from __future__ import annotations

import io
import re

from dotenv import dotenv_values

from workshop.exercises.checks import (
    PROBE_ENV,
    READ_BY_SETTINGS,
    dotenv_hints,
    example_hints,
    last_line,
    literal_line,
    load_settings,
    report,
    run_python,
    text_of,
)
from workshop.project import Project

#: Every variable the settings read by the end of lesson 04, for exercise 04's probes: the mail server
#: in EMAIL_URL, a made-up one whose parts each land in one of Django's six mail settings.
PROBE_ENV_04 = {
    **PROBE_ENV,
    "DATABASE_URL": "sqlite:///probe.sqlite3",
    "PAYMENT_API_URL": "http://127.0.0.1:9/v1",
    "EMAIL_URL": "smtp+tls://probe-user:probe-password@mail.probe.example:2525",
}
#: What each mail setting must be with PROBE_ENV_04's EMAIL_URL.
MAIL_FROM_PROBE = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "mail.probe.example",
    "EMAIL_PORT": 2525,
    "EMAIL_USE_TLS": True,
    "EMAIL_HOST_USER": "probe-user",
    "EMAIL_HOST_PASSWORD": "probe-password",
}
CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"
FROM_EMAIL_URL = 'mail_server("EMAIL_URL")'


def mail_setting_hints(project: Project) -> list[str]:
    """Hints when the six mail settings are typed in, or do not all come from EMAIL_URL, strictly."""
    typed = [name for name in MAIL_FROM_PROBE if name != "EMAIL_HOST_PASSWORD" and literal_line(project, name)]
    if typed:
        return [f"{', '.join(typed)} {'is' if len(typed) == 1 else 'are'} still typed into shop/settings.py "
                f"(line {literal_line(project, typed[0])}). Set the six mail settings from {FROM_EMAIL_URL}."]
    settings, error = load_settings(project, PROBE_ENV_04, list(MAIL_FROM_PROBE))
    if settings is None:
        return [f"The settings do not load even with every variable set: `{error}`"]
    wrong = [name for name, wanted in MAIL_FROM_PROBE.items() if settings[name] != wanted]
    if wrong:
        return [f"{', '.join(wrong)} {'does' if len(wrong) == 1 else 'do'} not come from EMAIL_URL: set the six "
                f"mail settings from {FROM_EMAIL_URL}, in the order it returns them."]
    hints = []
    for value, problem in ((None, "Without EMAIL_URL"), ("", "With EMAIL_URL empty"), ("mail.example.com", "With EMAIL_URL=mail.example.com")):
        env = {k: v for k, v in PROBE_ENV_04.items() if k != "EMAIL_URL"}
        loaded, error = load_settings(project, env if value is None else {**env, "EMAIL_URL": value}, ["EMAIL_HOST"])
        if loaded is not None:
            hints.append(f"{problem} the settings still load. Read it with {FROM_EMAIL_URL}, which stops the app.")
        elif "EMAIL_URL" not in error:
            hints.append(f"{problem} the app stops with `{error}`, which does not name EMAIL_URL. Use {FROM_EMAIL_URL}.")
    console, _ = load_settings(project, {**PROBE_ENV_04, "EMAIL_URL": "consolemail://"}, ["EMAIL_BACKEND"])
    if console is not None and console["EMAIL_BACKEND"] != CONSOLE_MAIL:
        hints.append("With EMAIL_URL=consolemail:// mail does not go to the console: set EMAIL_BACKEND from "
                     f"{FROM_EMAIL_URL} too.")
    return hints


def mail_env_hints(project: Project) -> list[str]:
    """Hints for EMAIL_URL in .env (console mail, read alike by honcho and python-dotenv) and .env.example."""
    hints = []
    value = dotenv_values(stream=io.StringIO(text_of(project, ".env"))).get("EMAIL_URL")
    if value is None:
        hints.append("EMAIL_URL is missing from .env: add your development value, EMAIL_URL='consolemail://'")
    elif value != "consolemail://":
        hints.append("EMAIL_URL in .env is not consolemail://: in development, mail goes to the console. "
                     "Point it at a mail server only while you try one, then put it back.")
    hints += [hint for hint in dotenv_hints(project, "EMAIL_URL") if not hint.startswith("EMAIL_URL is missing")]
    hints += example_hints(project, "EMAIL_URL")
    if "EMAIL_HOST_PASSWORD" not in READ_BY_SETTINGS.findall(text_of(project, "shop/settings.py")):
        stale = [name for name in (".env", ".env.example") if re.search(r"(?m)^EMAIL_HOST_PASSWORD=", text_of(project, name))]
        if stale:
            hints.append(f"The settings no longer read EMAIL_HOST_PASSWORD: remove it from {' and '.join(stale)}. "
                         "The password is part of EMAIL_URL now.")
    return hints


def check_04(project: Project) -> None:
    """Exercise 04: does the mail server come from EMAIL_URL alone, in the settings, .env and .env.example?"""
    hints = mail_setting_hints(project) + mail_env_hints(project)
    if not hints:
        done = run_python(project, ["-m", "honcho", "run", "python", "manage.py", "check"], {})
        if done.returncode != 0:
            hints.append(f"`honcho run python manage.py check` fails: `{last_line(done.stdout + done.stderr)}`")
    report(project, hints, "The mail server is an attached resource: EMAIL_URL names it, .env prints mail to the "
           "console in development, and .env.example documents it. Well done!")
