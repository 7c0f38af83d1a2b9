"""Exercise 04: the mail server as an attached resource, from EMAIL_URL, parsed by the learner's mail_server()."""

from __future__ import annotations

import io
import json
import re

from dotenv import dotenv_values

from workshop.exercises.checks import (
    PROBE_ENV,
    READ_BY_SETTINGS,
    dotenv_hints,
    example_hints,
    last_line,
    literal_line,
    report,
    run_python,
    text_of,
)
from workshop.project import Project, hide_secrets

#: The check's own mail server, made up: a login whose user and password are percent-encoded, and TLS.
PROBE_URL = "smtp+tls://probe%40mail.example:probe%2Fpass%23word@mail.probe.example:2525"
#: Every variable the settings read by the end of lesson 04, for exercise 04's probes.
PROBE_ENV_04 = {
    **PROBE_ENV,
    "DATABASE_URL": "sqlite:///probe.sqlite3",
    "CACHE_URL": "locmemcache://",
    "PAYMENT_API_URL": "http://127.0.0.1:9/v1",
    "EMAIL_URL": PROBE_URL,
}
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
#: What each mail setting must be with PROBE_URL.
MAIL_FROM_PROBE = {
    "EMAIL_BACKEND": SMTP,
    "EMAIL_HOST": "mail.probe.example",
    "EMAIL_PORT": 2525,
    "EMAIL_USE_TLS": True,
    "EMAIL_HOST_USER": "probe@mail.example",
    "EMAIL_HOST_PASSWORD": "probe/pass#word",
}
MAIL_SETTINGS = list(MAIL_FROM_PROBE)
#: A server with no login and no TLS, and the mail URLs that are not mail URLs, with what each one is.
PLAIN_URL = "smtp://mail.probe.example:2526"
NOT_MAIL_URLS = {
    "mail.probe.example": "no scheme",
    "http://mail.probe.example:2525": "another scheme",
    "smtp://mail.probe.example:port": "a port that is no number",
}
#: The mail servers of this machine: a development .env may send mail there (a mail catcher).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
#: How a hint names the check's own EMAIL_URL, PROBE_URL, which is not the one in the learner's .env.
WITH_THE_CHECKS_URL = "With the check's own EMAIL_URL (not your .env's),"
FROM_EMAIL_URL = 'mail_server("EMAIL_URL")'

#: Imports the settings module once for each environment given, in one fresh Python; prints what each gave.
PROBE_EACH = """
import importlib, json, os, sys
names, environments = json.loads(sys.argv[1]), json.loads(sys.argv[2])
basics, results = dict(os.environ), []
for env in environments:
    os.environ.clear()
    os.environ.update({**basics, **env})
    for module in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
        del sys.modules[module]
    try:
        settings = importlib.import_module("shop.settings")
        results.append({"settings": {name: getattr(settings, name, None) for name in names}})
    except BaseException as error:
        results.append({"error": (type(error).__name__ + ": " + str(error)).splitlines()[0]})
print(json.dumps(results, default=repr))
"""


def settings_for(project: Project, environments: list[dict[str, str]]) -> list[tuple[dict | None, str]]:
    """The mail settings loaded with each environment (exactly it, nothing inherited), or None and the error."""
    done = run_python(project, ["-c", PROBE_EACH, json.dumps(MAIL_SETTINGS), json.dumps(environments)], {})
    try:
        results = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return [(None, last_line(done.stderr))] * len(environments)
    return [
        (r.get("settings"), hide_secrets(r.get("error", "").removeprefix("django.core.exceptions."))) for r in results
    ]


def with_url(value: str | None) -> dict[str, str]:
    """PROBE_ENV_04 with EMAIL_URL set to value, or left out for None."""
    env = {k: v for k, v in PROBE_ENV_04.items() if k != "EMAIL_URL"}
    return env if value is None else {**env, "EMAIL_URL": value}


def typed_in_hints(project: Project) -> list[str]:
    """A hint when mail settings are still typed into shop/settings.py."""
    typed = [name for name in MAIL_SETTINGS if literal_line(project, name)]
    if not typed:
        return []
    names = ", ".join(typed)
    line = literal_line(project, typed[0])
    where = f"{'is' if len(typed) == 1 else 'are'} still typed into shop/settings.py (line {line})."
    first = f"{names} {where}" if len(names) + len(where) < 96 else f"{names}\n  {where}"
    return [f"{first}\n  Set the six mail settings from {FROM_EMAIL_URL}."]


def load_hint(error: str) -> str:
    """The hint when the settings do not load with the check's own EMAIL_URL."""
    if "cannot import name 'mail_server'" in error:
        return "shop/settings.py imports mail_server from shop.env, which has none yet: write it in shop/env.py."
    return (
        f"The settings do not load with every variable set (EMAIL_URL: the check's own, not your .env's):\n  `{error}`"
    )


def value_hints(found: dict) -> list[str]:
    """Hints for each mail setting that is not what the check's own EMAIL_URL says."""
    wrong = [name for name, wanted in MAIL_FROM_PROBE.items() if found[name] != wanted]
    unset = [name for name in wrong if found[name] is None]
    if unset:
        return [
            f"{', '.join(unset)}\n  {'is' if len(unset) == 1 else 'are'} no longer set in shop/settings.py, "
            f"and Django sends mail with {'it' if len(unset) == 1 else 'them'}:\n"
            f"  set the six mail settings from {FROM_EMAIL_URL}."
        ]
    swapped = [name for name in wrong if found[name] in MAIL_FROM_PROBE.values() and found[name] is not True]
    if swapped:
        return [
            f"{WITH_THE_CHECKS_URL} {', '.join(swapped)}\n"
            "  get another setting's value: assign the six in the order mail_server() returns them."
        ]
    hints = []
    for name in wrong:
        value = found[name]
        if name == "EMAIL_PORT" and value == "2525":
            hints.append(
                f"{WITH_THE_CHECKS_URL} EMAIL_PORT is the text '2525':\n"
                "  Django needs a number, and url.port is one already."
            )
        elif name == "EMAIL_USE_TLS":
            hints.append(
                f"{WITH_THE_CHECKS_URL} an smtp+tls:// URL, EMAIL_USE_TLS is {value!r}:\n"
                "  TLS is on for smtp+tls://, off for smtp://."
            )
        elif name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD") and isinstance(value, str) and "%" in value:
            hints.append(
                f"{WITH_THE_CHECKS_URL} {name} is still percent-encoded:\n  decode it with urllib.parse.unquote()."
            )
        elif name == "EMAIL_HOST_PASSWORD" and value == PROBE_ENV.get("EMAIL_HOST_PASSWORD"):
            hints.append(
                "EMAIL_HOST_PASSWORD still comes from the variable EMAIL_HOST_PASSWORD:\n"
                f"  the password is part of EMAIL_URL now; take it from {FROM_EMAIL_URL}."
            )
        elif name == "EMAIL_HOST_PASSWORD":
            hints.append(f"{WITH_THE_CHECKS_URL}\n  EMAIL_HOST_PASSWORD is not the password in it.")
        else:
            hints.append(
                f"{WITH_THE_CHECKS_URL} {name} is {value!r},\n"
                f"  not {MAIL_FROM_PROBE[name]!r} as in smtp+tls://user:password@mail.probe.example:2525."
            )
    return hints


def plain_hints(found: dict | None, error: str) -> list[str]:
    """Hints for a server with no login and no TLS, smtp://host:port."""
    if found is None:
        return [f"With EMAIL_URL={PLAIN_URL} (no login, no TLS) the settings do not load:\n  `{error}`"]
    hints = []
    if found["EMAIL_USE_TLS"]:
        hints.append(
            f"With EMAIL_URL={PLAIN_URL}, EMAIL_USE_TLS is {found['EMAIL_USE_TLS']!r}: TLS is for smtp+tls:// only."
        )
    if found["EMAIL_HOST_USER"] or found["EMAIL_HOST_PASSWORD"]:
        hints.append(
            f"With EMAIL_URL={PLAIN_URL}, a URL with no login,\n"
            "  EMAIL_HOST_USER and EMAIL_HOST_PASSWORD must be empty."
        )
    if (found["EMAIL_BACKEND"], found["EMAIL_HOST"], found["EMAIL_PORT"]) != (SMTP, "mail.probe.example", 2526):
        hints.append(f"With EMAIL_URL={PLAIN_URL}, the backend, host or port is not the URL's.")
    return hints


def strict_hints(missing: tuple, empty: tuple, not_mail: dict[str, tuple]) -> list[str]:
    """Hints when EMAIL_URL missing, empty or not a mail URL does not stop the app with one line naming it."""
    hints = []
    cases = [("Without EMAIL_URL", missing), ("With EMAIL_URL empty", empty)]
    cases += [(f"With EMAIL_URL={value} ({what})", not_mail[value]) for value, what in NOT_MAIL_URLS.items()]
    for problem, (found, error) in cases:
        if found is not None and problem.startswith("Without"):
            hints.append(
                f"{problem} the settings still load: a default is left in.\n"
                "  Read it with present(), which stops the app."
            )
        elif found is not None:
            hints.append(
                f"{problem} the settings still load:\n  stop the app with ImproperlyConfigured, naming EMAIL_URL."
            )
        elif error.startswith("ImproperlyConfigured") and "EMAIL_URL" not in error:
            hints.append(
                f"{problem} the app stops with\n  `{error}`,\n"
                "  which does not name EMAIL_URL: say which variable is wrong, and what it expects."
            )
        elif not error.startswith("ImproperlyConfigured"):
            fix = (
                "Catch the ValueError that url.port raises, and raise\n  ImproperlyConfigured"
                if error.startswith("ValueError")
                else "Raise ImproperlyConfigured"
            )
            hints.append(
                f"{problem} the app stops with\n  `{error}`,\n"
                f"  which does not say what is wrong. {fix} with a message that names EMAIL_URL."
            )
    (_, missing_error), (_, malformed_error) = missing, not_mail["mail.probe.example"]
    if missing_error and missing_error == malformed_error:
        hints.append(
            f"Without EMAIL_URL the app says what it says for a malformed URL:\n  `{missing_error}`\n"
            "  Read the variable with present(), which says that it is not set."
        )
    return hints


def mail_setting_hints(project: Project) -> list[str]:
    """Hints when the six mail settings do not all come from EMAIL_URL, through a strict mail_server()."""
    hints = typed_in_hints(project)
    if hints:
        return hints
    development = dotenv_values(stream=io.StringIO(text_of(project, ".env"))).get("EMAIL_URL")
    urls: list[str | None] = [PROBE_URL, PLAIN_URL, "consolemail://", None, "", *NOT_MAIL_URLS]
    results = settings_for(project, [with_url(url) for url in [*urls, *([development] if development else [])]])
    (found, error), plain, (console, console_error), missing, empty, *rest = results
    if found is None:
        return [load_hint(error)]
    hints = value_hints(found)
    if hints:
        return hints
    hints = plain_hints(*plain)
    if console is None:
        hints.append(f"With EMAIL_URL=consolemail:// the settings do not load:\n  `{console_error}`")
    elif console["EMAIL_BACKEND"] != CONSOLE:
        hints.append(
            f"With EMAIL_URL=consolemail:// mail does not go to the console:\n  EMAIL_BACKEND must be {CONSOLE}."
        )
    hints += strict_hints(missing, empty, dict(zip(NOT_MAIL_URLS, rest, strict=False)))
    if development and not hints:
        hints += development_hints(*rest[len(NOT_MAIL_URLS)])
    return hints


def development_hints(found: dict | None, error: str) -> list[str]:
    """Hints when .env's EMAIL_URL is refused by the settings, or sends mail away from this machine."""
    if found is None:
        return [f"EMAIL_URL in .env is refused by your settings: `{error}`"]
    if found["EMAIL_BACKEND"] == SMTP and found["EMAIL_HOST"] not in LOCAL_HOSTS:
        return [
            f"EMAIL_URL in .env sends mail to {found['EMAIL_HOST']}. In development, print it (consolemail://)\n"
            "  or catch it on your machine (smtp://127.0.0.1:1025); point it at a real server only to try one."
        ]
    return []


def mail_env_hints(project: Project) -> list[str]:
    """Hints for EMAIL_URL in .env (read alike by honcho and python-dotenv) and .env.example, and the old password."""
    hints = []
    if dotenv_values(stream=io.StringIO(text_of(project, ".env"))).get("EMAIL_URL") is None:
        hints.append("EMAIL_URL is missing from .env: add your development value, like EMAIL_URL='consolemail://'")
    hints += [hint for hint in dotenv_hints(project, "EMAIL_URL") if not hint.startswith("EMAIL_URL is missing")]
    hints += example_hints(project, "EMAIL_URL")
    if "EMAIL_HOST_PASSWORD" not in READ_BY_SETTINGS.findall(text_of(project, "shop/settings.py")):
        stale = [
            name for name in (".env", ".env.example") if re.search(r"(?m)^EMAIL_HOST_PASSWORD=", text_of(project, name))
        ]
        if stale:
            hints.append(
                f"The settings no longer read EMAIL_HOST_PASSWORD: remove it from {' and '.join(stale)}.\n"
                "  The password is part of EMAIL_URL now."
            )
    return hints


def check_04(project: Project) -> None:
    """Exercise 04: does the mail server come from EMAIL_URL alone, in the settings, .env and .env.example?"""
    hints = mail_setting_hints(project) + mail_env_hints(project)
    if not hints:
        done = run_python(project, ["-m", "honcho", "run", "python", "manage.py", "check"], {})
        if done.returncode != 0:
            hints.append(f"`honcho run python manage.py check` fails: `{last_line(done.stdout + done.stderr)}`")
    report(
        project,
        hints,
        "The mail server is an attached resource: mail_server() reads EMAIL_URL strictly,\n"
        "  .env sets it for development, and .env.example documents it. Well done!",
    )
