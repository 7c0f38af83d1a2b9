"""Exercise 04's check, on real working copies: every right answer gets "Well done!", each wrong one its own hint.

The learner writes mail_server() in shop/env.py, sets the six mail settings from it, and puts EMAIL_URL in
.env and .env.example. Each answer below is the solution's working copy with the learner's edits made by hand.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import nbformat
import pytest

from workshop.checkpoints import state_before
from workshop.exercises import check_04
from workshop.project import Project

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "04_attach_the_mail_server.ipynb"
SETTING = 'EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = mail_server("EMAIL_URL")'
FINISHED = "to fix. Change your files, then run this cell again."


def hints(project: Project, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines check_04 printed after naming the working copy."""
    check_04(project)
    return capsys.readouterr().out.splitlines()[1:]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Exercise 04 answered as its solution does (the project at the start of lesson 05), made once."""
    return state_before("05", "lesson", tmp_path_factory.mktemp("exercise-04") / "solved").path


@pytest.fixture
def answered(solved: Path, tmp_path: Path) -> Project:
    """A copy of the solved working copy, for one learner's answer."""
    shutil.copytree(solved, tmp_path / "copy", symlinks=True)
    return Project(tmp_path / "copy")


def edit(project: Project, edits: list[tuple[str, str, str]]) -> None:
    """Change files of the working copy as a learner would, by hand: each (file, old, new) once."""
    for name, old, new in edits:
        text = project.read(name)
        assert text.count(old) == 1, f"{name} has {text.count(old)} of {old!r}"
        project.file(name).write_text(text.replace(old, new))


def test_the_unanswered_exercise_stores_the_hints_the_check_gives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fresh = hints(state_before("04", "exercise", tmp_path / "copy"), capsys)
    assert fresh[0] == "✘ EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER"
    assert fresh[1].startswith("  are still typed into shop/settings.py (line ")
    assert fresh[-1] == f"3 things {FINISHED}"
    [cell] = [c for c in nbformat.read(EXERCISE, as_version=4).cells if c.cell_type == "code" and "check_04(project)" in c.source]
    assert "".join(o.get("text", "") for o in cell.outputs).splitlines()[1:] == fresh


# Right answers -----------------------------------------------------------------------------------

#: Another mail_server() that works: a table of schemes, its own port parsing, None for no login, its own messages.
ANOTHER_MAIL_SERVER = '''

TLS_BY_SCHEME = {"smtp": False, "smtp+tls": True}


def mail_server(name):
    """The mail settings in the URL in the variable name, as a tuple."""
    value = present(name, "a mail URL")
    if value == "consolemail://":
        return "django.core.mail.backends.console.EmailBackend", "", 0, False, None, None
    url = urlsplit(value)
    if url.scheme not in TLS_BY_SCHEME:
        raise ImproperlyConfigured(f"{name} must start with smtp:// or smtp+tls://.")
    host, _, port = url.netloc.rpartition("@")[2].rpartition(":")
    if not host or not port.isdigit():
        raise ImproperlyConfigured(f"{name} needs a host and a port number.")
    user = unquote(url.username) if url.username else None
    password = unquote(url.password) if url.password else None
    return "django.core.mail.backends.smtp.EmailBackend", host, int(port), TLS_BY_SCHEME[url.scheme], user, password
'''

#: Besides the solution's own answer: nbval runs the solution's cells and compares its check's stored "Well done!"
#: (tests/test_exercises.py makes sure it is stored, where nbval compares it).
RIGHT = {
    "a local mail catcher in .env": [(".env", "EMAIL_URL='consolemail://'", "EMAIL_URL='smtp://127.0.0.1:1025'")],
    "console mail written without quotes": [(".env", "EMAIL_URL='consolemail://'", "EMAIL_URL=consolemail://")],
    "another mail_server(), read by index": [
        ("shop/env.py", "\n\ndef mail_server(", ANOTHER_MAIL_SERVER + "\n\ndef solution_mail_server("),
        ("shop/settings.py", SETTING, "MAIL = mail_server('EMAIL_URL')\n" + "\n".join(
            f"{name} = MAIL[{index}]" for index, name in enumerate(SETTING.split(" = ")[0].split(", ")))),
    ],
}


@pytest.mark.parametrize("answer", RIGHT)
def test_a_right_answer_is_well_done(answer: str, answered: Project, capsys: pytest.CaptureFixture[str]) -> None:
    edit(answered, RIGHT[answer])
    found = hints(answered, capsys)
    assert found[0].startswith("✔ ") and found[-1].endswith("Well done!"), found


def test_app_variables_set_where_jupyterlab_started_change_nothing(
    answered: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {"EMAIL_URL": "smtp://mail.elsewhere.example:25", "EMAIL_HOST_PASSWORD": "from-the-shell",
                        "DATABASE_URL": "db.sqlite3", "CACHE_URL": "10.0.3.20:11211", "DEBUG": "maybe"}.items():
        monkeypatch.setenv(name, value)
    found = hints(answered, capsys)
    assert found[0].startswith("✔ ") and found[-1].endswith("Well done!"), found


# Wrong answers ---------------------------------------------------------------------------------

#: The solution's lines that the wrong answers below change.
PORT = ('    try:\n        port = url.port\n    except ValueError:  # a port that is no number, or out of range\n'
        '        port = None\n    if url.scheme not in ("smtp", "smtp+tls")')
DECODE = 'user, password = unquote(url.username or ""), unquote(url.password or "")'
TLS = 'url.scheme == "smtp+tls", user, password'
READ = "url = urlsplit(present(name, expected))\n    if url.scheme == \"consolemail\""
CONSOLE = '    if url.scheme == "consolemail":\n        return "django.core.mail.backends.console.EmailBackend", "localhost", 25, False, "", ""\n'
SCHEME = 'if url.scheme not in ("smtp", "smtp+tls") or not url.hostname or not port:'

WRONG = {
    "mail_server() not written": (
        [("shop/env.py", "def mail_server(", "def mail_server_draft(")],
        "✘ shop/settings.py imports mail_server from shop.env, which has none yet",
    ),
    "the port as text": (
        [("shop/env.py", PORT, PORT.replace("port = url.port", 'port = url.netloc.rpartition(":")[2]'))],
        "✘ With the check's own EMAIL_URL (not your .env's), EMAIL_PORT is the text '2525':",
    ),
    "TLS from the wrong scheme": (
        [("shop/env.py", TLS, 'url.scheme == "smtp", user, password')],
        "✘ With the check's own EMAIL_URL (not your .env's), an smtp+tls:// URL, EMAIL_USE_TLS is False:",
    ),
    "TLS always on": (
        [("shop/env.py", TLS, "True, user, password")],
        "✘ With EMAIL_URL=smtp://mail.probe.example:2526, EMAIL_USE_TLS is True",
    ),
    "the password not percent-decoded": (
        [("shop/env.py", DECODE, 'user, password = unquote(url.username or ""), url.password or ""')],
        "✘ With the check's own EMAIL_URL (not your .env's), EMAIL_HOST_PASSWORD is still percent-encoded:",
    ),
    "the user not percent-decoded": (
        [("shop/env.py", DECODE, 'user, password = url.username or "", unquote(url.password or "")')],
        "✘ With the check's own EMAIL_URL (not your .env's), EMAIL_HOST_USER is still percent-encoded:",
    ),
    "a default left in": (
        [("shop/env.py", READ, 'url = urlsplit(os.environ.get(name, "consolemail://"))\n    if url.scheme == "consolemail"')],
        "✘ Without EMAIL_URL the settings still load: a default is left in.",
    ),
    "EMAIL_URL read with os.environ.get": (
        [("shop/env.py", READ, 'url = urlsplit(os.environ.get(name))\n    if url.scheme == "consolemail"')],
        "✘ Without EMAIL_URL the app says what it says for a malformed URL:",
    ),
    "EMAIL_URL read with os.environ[...]": (
        [("shop/env.py", READ, 'url = urlsplit(os.environ[name])\n    if url.scheme == "consolemail"')],
        "✘ Without EMAIL_URL the app stops with\n  `KeyError: 'EMAIL_URL'`,",
    ),
    "a port that is no number crashes the app": (
        [("shop/env.py", PORT, '    port = url.port\n    if url.scheme not in ("smtp", "smtp+tls")')],
        "✘ With EMAIL_URL=smtp://mail.probe.example:port (a port that is no number) the app stops with\n"
        "  `ValueError: Port could not be cast to integer value as 'port'`,",
    ),
    "any scheme taken for SMTP": (
        [("shop/env.py", SCHEME, "if not url.hostname or not port:")],
        "✘ With EMAIL_URL=http://mail.probe.example:2525 (another scheme) the settings still load",
    ),
    "console mail not handled": (
        [("shop/env.py", CONSOLE, "")],
        "✘ With EMAIL_URL=consolemail:// the settings do not load:",
    ),
    "a message that does not name the variable": (
        [("shop/env.py", 'f"{name} is not a mail URL; expected {expected}."', '"This is not a mail URL."')],
        "✘ With EMAIL_URL=mail.probe.example (no scheme) the app stops with\n"
        "  `ImproperlyConfigured: This is not a mail URL.`,\n  which does not name EMAIL_URL",
    ),
    "the mail settings deleted": (
        [("shop/settings.py", SETTING + "\n", "")],
        "✘ EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD\n"
        "  are no longer set in shop/settings.py",
    ),
    "one of the six still typed in": (
        [("shop/settings.py", SETTING, SETTING + "\nEMAIL_PORT = 587")],
        "✘ EMAIL_PORT is still typed into shop/settings.py (line 126).",
    ),
    "the password still from its own variable": (
        [("shop/settings.py", SETTING, SETTING + '\nEMAIL_HOST_PASSWORD = require("EMAIL_HOST_PASSWORD")')],
        "✘ EMAIL_HOST_PASSWORD still comes from the variable EMAIL_HOST_PASSWORD:",
    ),
    "the settings in the wrong order": (
        [("shop/settings.py", SETTING, SETTING.replace("EMAIL_HOST, EMAIL_PORT", "EMAIL_PORT, EMAIL_HOST"))],
        "✘ With the check's own EMAIL_URL (not your .env's), EMAIL_HOST, EMAIL_PORT\n"
        "  get another setting's value",
    ),
    "a typo in the settings": (
        [("shop/settings.py", SETTING, SETTING[:-1])],
        "✘ The settings do not load with every variable set",
    ),
    "EMAIL_URL missing from .env": (
        [(".env", "EMAIL_URL='consolemail://'\n", "")],
        "✘ EMAIL_URL is missing from .env: add your development value",
    ),
    "a real mail server in .env": (
        [(".env", "EMAIL_URL='consolemail://'", "EMAIL_URL='smtp+tls://postmaster%40mg.beancounter.example:s3cret@smtp.mailgun.example:587'")],
        "✘ EMAIL_URL in .env sends mail to smtp.mailgun.example.",
    ),
    "a development value the settings refuse": (
        [(".env", "EMAIL_URL='consolemail://'", "EMAIL_URL='smtp://localhost'")],
        "✘ EMAIL_URL in .env is refused by your settings: `ImproperlyConfigured: EMAIL_URL is not a mail URL",
    ),
    "unquoted with a # in .env": (
        [(".env", "EMAIL_URL='consolemail://'", "EMAIL_URL=smtp+tls://postmaster:s3cret#pw@smtp.mailgun.example:587")],
        "✘ Line 12 of .env (EMAIL_URL) is read differently by honcho and python-dotenv.",
    ),
    "EMAIL_URL missing from .env.example": (
        [(".env.example", "EMAIL_URL='consolemail://'\n", "")],
        "✘ EMAIL_URL is missing from .env.example:",
    ),
    "the old password left in .env": (
        [(".env", "EMAIL_URL='consolemail://'\n", "EMAIL_URL='consolemail://'\nEMAIL_HOST_PASSWORD='s3cret'\n")],
        "✘ The settings no longer read EMAIL_HOST_PASSWORD: remove it from .env.",
    ),
    "the old password left in .env.example": (
        [(".env.example", "EMAIL_URL='consolemail://'\n", "EMAIL_URL='consolemail://'\nEMAIL_HOST_PASSWORD=\n")],
        "✘ The settings no longer read EMAIL_HOST_PASSWORD: remove it from .env.example.",
    ),
}


@pytest.mark.parametrize("answer", WRONG)
def test_a_wrong_answer_gets_the_hint_that_names_its_mistake(answer: str, answered: Project, capsys: pytest.CaptureFixture[str]) -> None:
    changes, hint = WRONG[answer]
    edit(answered, changes)
    found = hints(answered, capsys)
    shown = "\n".join(found)
    assert hint in shown, found
    assert found[-1].endswith(FINISHED), found
    assert "Traceback" not in shown and "s3cret" not in shown and "probe/pass" not in shown and "pass%2F" not in shown
    start = next(index for index, line in enumerate(found) if line.startswith(hint.splitlines()[0]))
    lines = [found[start], *itertools.takewhile(lambda line: line.startswith("  "), found[start + 1:])]
    assert all(len(line) <= 100 for line in lines if "`" not in line), lines  # no wrapping mid-word in JupyterLab
