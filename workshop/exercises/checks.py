"""What every exercise check uses: probes that load the learner's settings in a fresh Python, and hints."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys

from dotenv import dotenv_values
from honcho.environ import parse as honcho_parse

from workshop.processes import exact_env
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
    """Run the kernel's Python in the working copy with exactly env: nothing inherited from the kernel or the shell."""
    return subprocess.run([sys.executable, *args], cwd=project.path, env=exact_env(str(project.path.resolve()), env),
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
