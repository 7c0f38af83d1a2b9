"""What every exercise check uses: probes that load the learner's settings in a fresh Python, and hints."""

from __future__ import annotations

import ast
import difflib
import io
import json
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field

from dotenv import dotenv_values
from honcho.environ import parse as honcho_parse

from workshop.processes import exact_env
from workshop.project import Project, display_path, hide_secrets

#: Every variable the settings read by the end of lesson 03, with a made-up value for the probes: long and
#: well-formed, so that an answer stricter than the lesson's (a longer minimum length, say) is not refused
#: for the probe's sake. The values are never printed: they only show where a setting takes its value from.
PROBE_ENV = {
    "SECRET_KEY": "Probe-Secret-Key_" + "q7Xz-4kRw_9TmB2v" * 6,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "PAYMENT_API_KEY": "pay_test_" + "Pr0beKey7xQ2mW9z" * 6,
    "EMAIL_HOST_PASSWORD": "Probe-Mail-Password_" + "h3Vt8sLq2Nc6Yw1d" * 6,
    "ORDER_REPORT_RECIPIENTS": "probe-1@example.com,probe-2@example.com",
}
#: The functions of the lesson's shop/env.py that read a variable.
ENV_FUNCTIONS = ("require", "boolean", "list_of")
#: A variable the settings read with one of shop/env.py's functions.
READ_BY_SETTINGS = re.compile(r"""\b(?:require|boolean|list_of)\(\s*["'](\w+)["']""")
#: Loads the settings once for each environment given (as JSON in argv[1]) and prints, as JSON, for each:
#: the named settings and which of them the module sets itself, or the error it stops with, as the app would.
PROBE = """\
import json, os, sys, traceback
from django.conf import Settings
request, here, basics = json.loads(sys.argv[1]), os.getcwd(), dict(os.environ)
results = []
for env in request["envs"]:
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(here + os.sep):
            del sys.modules[name]
    os.environ.clear()
    os.environ.update({**basics, **env})
    try:
        settings = Settings("shop.settings")
        results.append({"values": {name: getattr(settings, name, None) for name in request["names"]},
                        "explicit": [name for name in request["names"] if settings.is_overridden(name)]})
    except BaseException as error:
        results.append({"error": traceback.format_exception_only(type(error), error)[-1].strip()})
print(json.dumps(results, default=repr))
"""
ENV_RULES = "No `export`, no empty value, and single quotes around special characters."
#: Hint lines are at most this wide: JupyterLab wraps a longer output line anywhere, even mid-word.
WIDTH = 100


def text_of(project: Project, name: str) -> str:
    """A file of the working copy, or '' when it is missing."""
    return project.read(name) if project.file(name).is_file() else ""


def run_python(project: Project, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the kernel's Python in the working copy with exactly env: nothing inherited from the kernel or the shell."""
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=project.path,
        env=exact_env(str(project.path.resolve()), env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def last_line(output: str) -> str:
    """The last line a failing command printed, as a learner would read it, secret values hidden."""
    lines = output.strip().splitlines() or ["(no output)"]
    return hide_secrets(lines[-1].removeprefix("django.core.exceptions."))


@dataclass
class Loaded:
    """The settings as one probe environment loads them: their values, or the error they stop with."""

    values: dict[str, object] | None
    error: str = ""
    #: The names shop/settings.py sets itself (the others are Django's defaults, or not set at all).
    explicit: list[str] = field(default_factory=list)


def load_each(project: Project, envs: list[dict[str, str]], names: list[str]) -> list[Loaded]:
    """The named settings, loaded in one fresh Python once for each env, with exactly that env set."""
    envs = [{**env, "DJANGO_SETTINGS_MODULE": "shop.settings"} for env in envs]  # as manage.py sets it
    done = run_python(project, ["-c", PROBE, json.dumps({"envs": envs, "names": names})], {})
    try:
        results = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):  # the settings ended the probe itself, with os._exit() say
        return [Loaded(None, last_line(done.stderr)) for _ in envs]
    return [
        Loaded(None, last_line(r["error"])) if "error" in r else Loaded(r["values"], "", r["explicit"]) for r in results
    ]


def load_settings(project: Project, env: dict[str, str], names: list[str]) -> tuple[dict[str, object] | None, str]:
    """The named settings, loaded in a fresh Python with only env set; or None and the error's last line."""
    loaded = load_each(project, [env], names)[0]
    return loaded.values, loaded.error


def literal_line(project: Project, name: str) -> int | None:
    """The line where shop/settings.py gives name a value typed into the code, if it does."""
    try:
        tree = ast.parse(text_of(project, "shop/settings.py"))
    except SyntaxError:
        return None
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)):
            continue
        if not any(isinstance(part, (ast.Call, ast.Name, ast.Attribute)) for part in ast.walk(node.value)):
            return node.lineno
    return None


def line_of(project: Project, text: str) -> int | None:
    """The first line of shop/settings.py that holds text."""
    for number, line in enumerate(text_of(project, "shop/settings.py").splitlines(), 1):
        if text in line:
            return number
    return None


def defaults_passed(project: Project, names: list[str]) -> list[tuple[int, str, str]]:
    """Calls of shop/env.py's functions on one of names that pass more than the name (require()'s
    min_length, a number, aside): (line, function, name) for each."""
    try:
        tree = ast.parse(text_of(project, "shop/settings.py"))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ENV_FUNCTIONS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in names
        ):
            continue
        more = [*node.args[1:], *(keyword.value for keyword in node.keywords)]
        a_minimum = (
            node.func.id == "require"
            and len(more) == 1
            and all(k.arg == "min_length" for k in node.keywords)
            and isinstance(more[0], ast.Constant)
            and type(more[0].value) is int
        )
        if more and not a_minimum:
            found.append((node.lineno, node.func.id, node.args[0].value))
    return found


def typed_in_hint(name: str, line: int, how: str) -> str:
    """The hint for a setting still typed into the settings: where, and how to read it, without the answer."""
    return f"{name} is still typed into shop/settings.py (line {line}). Read it from the environment {how}."


def not_loading_hints(project: Project, names: list[str], error: str) -> list[str]:
    """Hints when the settings do not load with every variable set: the name read instead of one of
    names, a default passed to shop/env.py's functions, or the error itself."""
    misread = re.match(r"(?:ImproperlyConfigured: (\w+) is not set|KeyError: '(\w+)'$)", error)
    read = misread and (misread[1] or misread[2])
    if read and read not in PROBE_ENV:
        meant = difflib.get_close_matches(read, names, n=1, cutoff=0.6)
        where = f" (line {line_of(project, read)})" if line_of(project, read) else ""
        return [
            f"shop/settings.py reads a variable named {read}{where}, which is not set, so the app stops. "
            + (
                f"The variable is {meant[0]}: check its spelling."
                if meant
                else f"The exercise's variables are {' and '.join(names)}: check the name you read."
            )
        ]
    if error.startswith("TypeError"):
        hints = [
            f'{function}("{name}", ...) on line {line} of shop/settings.py passes a default, and the app '
            f"stops with `{error}`. {function}() takes no default"
            + (" (its second argument is min_length, a number of characters)" if function == "require" else "")
            + f": a missing {name} must stop the app. Leave the default out."
            for line, function, name in defaults_passed(project, names)
        ]
        if hints:
            return hints
    return [
        f"With every variable set to a made-up value (the check's own, not yours), the settings do not load: `{error}`"
    ]


def setting_hints(
    project: Project, names: list[str], function: str, how: str, also: list[dict[str, str]] | None = None
) -> tuple[list[str], list[Loaded]]:
    """Hints for settings that must each come from the variable of the same name, read with function()
    (how says so without giving the answer away): typed in, misread, loose when missing or empty.

    The settings are also loaded with each environment in also, in the same fresh Python: those results
    come second ([] when a setting is still typed in, and nothing is loaded)."""
    typed = {name: literal_line(project, name) for name in names}
    hints = [typed_in_hint(name, line, how) for name, line in typed.items() if line is not None]
    names = [name for name in names if typed[name] is None]
    if not names:
        return hints, []
    missing = [{k: v for k, v in PROBE_ENV.items() if k != name} for name in names]
    empty = [{**PROBE_ENV, name: ""} for name in names]
    full, *others = load_each(project, [PROBE_ENV, *missing, *empty, *(also or [])], names)
    extra = others[2 * len(names) :]
    if full.values is None:
        return hints + not_loading_hints(project, names, full.error), extra
    for index, name in enumerate(names):
        hints += value_hints(name, function, full) or strictness_hints(
            name, function, others[index], others[len(names) + index]
        )
    return hints, extra


def value_hints(name: str, function: str, full: Loaded) -> list[str]:
    """Hints when the setting, with every variable set, is not the value of its own variable."""
    value, raw = (full.values or {})[name], PROBE_ENV[name]
    wanted = raw.split(",") if function == "list_of" else raw
    if name not in full.explicit:
        return [
            f"shop/settings.py no longer sets {name}, and the shop uses it. Set it from the environment "
            f"variable {name}."
        ]
    if value == wanted:
        return []
    if function == "list_of" and isinstance(value, str):
        return [
            f"{name} is one string, not a list of addresses. Read it with list_of(), which splits it at the commas."
        ]
    if function == "list_of" and value == [raw]:
        return [
            f"{name} is a list of one item, the whole value with its commas: a,b gives ['a,b'], "
            f"not ['a', 'b']. Read it with list_of(), which splits it at the commas."
        ]
    source = next(
        (other for other, given in PROBE_ENV.items() if other != name and value in (given, given.split(","))), None
    )
    if source:
        return [f"{name} takes the value of the variable {source}: read the variable of its own name, {name}."]
    return [f"{name} does not take its value from the environment variable {name}: check what you read it with."]


def strictness_hints(name: str, function: str, missing: Loaded, empty: Loaded) -> list[str]:
    """Hints when the settings load without name or with it empty, or stop without naming it."""
    hints = []
    if missing.values is not None and missing.values[name] is None:
        hints.append(
            f"Without {name} in the environment the settings still load, with {name} = None: "
            "os.environ.get() and os.getenv() give None for a variable that is not set. "
            f"A missing {name} must stop the app, with a message that names it."
        )
    elif missing.values is not None:
        hints.append(
            f"Without {name} in the environment the settings still load: a default is left in. "
            f"A missing {name} must stop the app, with a message that names it."
        )
    elif name not in missing.error or "ImproperlyConfigured" not in missing.error:
        hints.append(
            f"Without {name} the app stops with `{missing.error}`, which does not say what is wrong. "
            f"Read it with {function}() from shop/env.py, for a message that names it."
        )
    if empty.values is not None:
        hints.append(
            f"An empty {name} is accepted: {name}= lets the settings load. "
            f"Read it with {function}() from shop/env.py, which refuses it."
        )
    return hints


def app_starts(project: Project) -> str:
    """'' when `python manage.py check` passes with every variable set, else a hint with its last line."""
    done = run_python(project, ["manage.py", "check"], PROBE_ENV)
    if done.returncode == 0:
        return ""
    return (
        "The app does not start with every variable set to a made-up value (the check's own): "
        f"`{last_line(done.stdout + done.stderr)}`"
    )


def laid_out(mark: str, text: str) -> list[str]:
    """A hint as lines of at most WIDTH characters, broken between words, the lines after the first indented.
    A text with line breaks of its own is laid out already, and kept as it is."""
    if "\n" in text:
        first, *rest = text.splitlines()
        return [f"{mark} {first}", *rest]
    return textwrap.wrap(
        text, WIDTH, initial_indent=f"{mark} ", subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


def report(project: Project, hints: list[str], success: str) -> None:
    """Print the hints, one a line, or the success message when there are none."""
    print(f"Checking your working copy: {display_path(project.path)}/")
    for hint in hints:
        print("\n".join(laid_out("✘", hint)))
    if hints:
        print(f"{len(hints)} thing{'s' if len(hints) > 1 else ''} to fix. Change your files, then run this cell again.")
    else:
        print("\n".join(laid_out("✔", success)))


#: A line of a .env file with blanks around its `=`: NAME = value, NAME =value, NAME= value.
BLANKS_AROUND_EQUALS = re.compile(r"^\s*(?:export\s+)?\w+(?:[ \t]+=|=[ \t]+)")


def dotenv_hints(project: Project, name: str) -> list[str]:
    """Hints for the lines of a .env file that honcho and python-dotenv read differently, or a shell cannot read."""
    hints = []
    for number, line in enumerate(text_of(project, ".env").splitlines(), 1):
        variable = line.removeprefix("export ").split("=")[0].strip()
        try:
            same = honcho_parse(line) == dict(dotenv_values(stream=io.StringIO(line)))
        except ValueError:  # honcho: "No closing quotation"
            same = False
        if not same:
            hints.append(
                f"Line {number} of .env ({variable}) is read differently by honcho and python-dotenv. {ENV_RULES}"
            )
        elif BLANKS_AROUND_EQUALS.match(line):
            hints.append(
                f"Line {number} of .env ({variable}) has blanks around its =. honcho and python-dotenv "
                "accept them, but a shell does not (`set -a; . ./.env` runs the name as a command), nor "
                f"do other tools that read .env files. Write {variable}=value."
            )
    if name not in dotenv_values(stream=io.StringIO(text_of(project, ".env"))):
        hints.insert(0, f"{name} is missing from .env: add your development value, like {name}=dev@beancounter.example")
    return hints


def example_hints(project: Project, name: str) -> list[str]:
    """Hints for each variable the settings read, and name, that .env.example does not document, or
    documents without a comment saying what it expects."""
    lines = text_of(project, ".env.example").splitlines()
    where = {match[1]: index for index, line in enumerate(lines) if (match := re.match(r"(\w+)=", line))}
    read = dict.fromkeys([*READ_BY_SETTINGS.findall(text_of(project, "shop/settings.py")), name])
    hints = []
    for variable in read:
        if variable not in where:
            hints.append(
                f"{variable} is missing from .env.example: add a line for it, with a comment saying what it expects."
            )
        elif (
            not (where[variable] and lines[where[variable] - 1].lstrip().startswith("#"))
            and " #" not in lines[where[variable]]
        ):
            hints.append(
                f"{variable} in .env.example has no comment: on the line just above it, say what it "
                "expects, as the other entries do."
            )
    return hints
