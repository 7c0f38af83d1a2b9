"""The check cells of the exercises: what is still wrong in the learner's own files, one hint per mistake."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys

from dotenv import dotenv_values
from honcho.environ import parse as honcho_parse

from workshop.processes import command_env
from workshop.project import Project, display_path, hide_secrets

#: Every variable the settings read by the end of lesson 03, with a made-up value for the probes.
#: The values are never printed: they only show whether a setting takes its value from the environment.
PROBE_ENV = {
    "SECRET_KEY": "probe-key-" * 6,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "localhost",
    "PAYMENT_API_KEY": "probe-payment-key",
    "EMAIL_HOST_PASSWORD": "probe-mail-password",
    "ORDER_REPORT_RECIPIENTS": "probe-1@example.com,probe-2@example.com",
}
#: A variable the settings read with one of shop/env.py's functions.
READ_BY_SETTINGS = re.compile(r"""\b(?:require|boolean|list_of)\(\s*["'](\w+)["']""")
#: Loads the settings and prints the named ones as JSON, or fails as the app would.
PROBE = (
    "import json, sys\n"
    "from django.conf import settings\n"
    "print(json.dumps({name: getattr(settings, name, None) for name in sys.argv[1:]}, default=repr))\n"
)
ENV_RULES = "No `export`, no empty value, and single quotes around special characters."


def text_of(project: Project, name: str) -> str:
    """A file of the working copy, or '' when it is missing."""
    return project.read(name) if project.file(name).is_file() else ""


def run_python(project: Project, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the kernel's Python in the working copy, with env as the only variables of the app."""
    variables = {k: v for k, v in command_env(str(project.path.resolve())).items() if k not in PROBE_ENV}
    return subprocess.run([sys.executable, *args], cwd=project.path, env={**variables, **env},
                          capture_output=True, text=True, timeout=60)


def last_line(output: str) -> str:
    """The last line a failing command printed, as a learner would read it, secret values hidden."""
    lines = output.strip().splitlines() or ["(no output)"]
    return hide_secrets(lines[-1].removeprefix("django.core.exceptions."))


def load_settings(project: Project, env: dict[str, str], names: list[str]) -> tuple[dict[str, object] | None, str]:
    """The named settings, loaded in a fresh Python with only env set; or None and the error's last line."""
    done = run_python(project, ["-c", PROBE, *names], {**env, "DJANGO_SETTINGS_MODULE": "shop.settings"})
    if done.returncode != 0 or not done.stdout.strip():
        return None, last_line(done.stderr)
    return json.loads(done.stdout.splitlines()[-1]), ""


def literal_line(project: Project, name: str) -> int | None:
    """The line where shop/settings.py gives name a value typed into the code, if it does."""
    try:
        tree = ast.parse(text_of(project, "shop/settings.py"))
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if not any(isinstance(part, (ast.Call, ast.Name, ast.Attribute)) for part in ast.walk(node.value)):
                return node.lineno
    return None


def strictness_hints(project: Project, name: str, function: str) -> list[str]:
    """Hints when the settings load without name or with it empty, or stop without naming it."""
    hints = []
    settings, error = load_settings(project, {k: v for k, v in PROBE_ENV.items() if k != name}, [name])
    if settings is not None:
        hints.append(f"Without {name} the settings still load: a default is left in. "
                     f'Read it with {function}("{name}") and no default.')
    elif name not in error or "ImproperlyConfigured" not in error:
        hints.append(f"Without {name} the app stops with `{error}`, which does not say what is wrong. "
                     f'Read it with {function}("{name}") for a message that names it.')
    settings, _ = load_settings(project, {**PROBE_ENV, name: ""}, [name])
    if settings is not None:
        hints.append(f'An empty {name} is accepted. Read it with {function}("{name}"), which refuses it.')
    return hints


def setting_hints(project: Project, name: str, function: str, settings: dict[str, object] | None, error: str) -> list[str]:
    """Hints for a setting that must come from the variable of the same name, read with function()."""
    line = literal_line(project, name)
    if line is not None:
        return [f"{name} is still typed into shop/settings.py (line {line}). "
                f'Read it from the environment with {function}("{name}").']
    if settings is None:
        return [f"The settings do not load even with every variable set: `{error}`"]
    value, wanted = settings[name], PROBE_ENV[name] if function == "require" else PROBE_ENV[name].split(",")
    if value is None:
        return [f'shop/settings.py no longer sets {name}, and the shop uses it. Set it with {name} = {function}("{name}").']
    if function == "list_of" and isinstance(value, str):
        return [f'{name} is one string, not a list of addresses. Read it with list_of("{name}").']
    if value != wanted:
        return [f"{name} does not take its value from the environment variable {name}: "
                f"check the name you pass to {function}()."]
    return strictness_hints(project, name, function)


def app_starts(project: Project) -> str:
    """'' when `python manage.py check` passes with every variable set, else a hint with its last line."""
    done = run_python(project, ["manage.py", "check"], PROBE_ENV)
    if done.returncode == 0:
        return ""
    return f"The app does not start even with every variable set: `{last_line(done.stdout + done.stderr)}`"


def report(project: Project, hints: list[str], success: str) -> None:
    """Print the hints, one a line, or the success message when there are none."""
    print(f"Checking your working copy: {display_path(project.path)}/")
    for hint in hints:
        print(f"✘ {hint}")
    if hints:
        print(f"{len(hints)} thing{'s' if len(hints) > 1 else ''} to fix. Change your files, then run this cell again.")
    else:
        print(f"✔ {success}")


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


def dotenv_hints(project: Project, name: str) -> list[str]:
    """Hints for the lines of a .env file that honcho and python-dotenv read differently."""
    hints = []
    for number, line in enumerate(text_of(project, ".env").splitlines(), 1):
        variable = line.removeprefix("export ").split("=")[0].strip()
        try:
            same = honcho_parse(line) == dict(dotenv_values(stream=io.StringIO(line)))
        except ValueError:  # honcho: "No closing quotation"
            same = False
        if not same:
            hints.append(f"Line {number} of .env ({variable}) is read differently by honcho and python-dotenv. {ENV_RULES}")
    if name not in dotenv_values(stream=io.StringIO(text_of(project, ".env"))):
        hints.insert(0, f"{name} is missing from .env: add your development value, like {name}=dev@beancounter.example")
    return hints


def example_hints(project: Project, name: str) -> list[str]:
    """Hints for each variable the settings read, and name, that .env.example does not document."""
    documented = set(re.findall(r"(?m)^(\w+)=", text_of(project, ".env.example")))
    read = dict.fromkeys([*READ_BY_SETTINGS.findall(text_of(project, "shop/settings.py")), name])
    return [f"{missing} is missing from .env.example: add a line for it, with a comment saying what it expects."
            for missing in read if missing not in documented]


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
