"""Lesson 02 and its exercise, at the checkpoint they leave (the start of lesson 03): one settings module,
every secret from the environment, and one clear line for each missing, empty or malformed value."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.checkpoints import checkpoint, source_files
from workshop.exercises.checks import Loaded, load_each
from workshop.project import SECRET_LITERAL, Project

#: What each variable of the settings expects, as the one-line message says it.
EXPECTED = {
    "SECRET_KEY": "at least 50 characters",
    "DEBUG": "true or false (or 1/0, yes/no, on/off, in any case)",
    "ALLOWED_HOSTS": "a comma-separated list, like one,two",
    "PAYMENT_API_KEY": "a value",
    "EMAIL_HOST_PASSWORD": "a value",
}
GOOD = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "localhost",
    "PAYMENT_API_KEY": secrets.token_urlsafe(20),
    "EMAIL_HOST_PASSWORD": secrets.token_urlsafe(20),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project at the start of lesson 03."""
    return checkpoint("03", tmp_path_factory.mktemp("lesson-03") / "project")


def manage(project: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """Run manage.py with only the given variables of the app set; stdout and stderr together."""
    env = {k: v for k, v in os.environ.items() if k not in EXPECTED and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        check=False,
        cwd=project,
        env={**env, **variables},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )


def fails_with(done: subprocess.CompletedProcess, message: str) -> None:
    """Assert the command stopped with exactly one line, that message."""
    assert done.returncode == 1, done.stdout
    assert done.stdout.splitlines() == [f"ImproperlyConfigured: {message}"]


MISSING = {("missing", name): {k: v for k, v in GOOD.items() if k != name} for name in EXPECTED}
EMPTY = {("empty", name): {**GOOD, name: ""} for name in EXPECTED}
BLANK = {
    ("blank", name): {**GOOD, name: value}
    for name, value in [("SECRET_KEY", "   "), ("DEBUG", " "), ("ALLOWED_HOSTS", " , ,")]
}
MALFORMED = [
    ("SECRET_KEY", "s3cr3t-but-far-too-short", "SECRET_KEY is too short; expected at least 50 characters."),
    ("DEBUG", "ture", "DEBUG is not a boolean; expected true or false (or 1/0, yes/no, on/off, in any case)."),
    ("DEBUG", "False!", "DEBUG is not a boolean; expected true or false (or 1/0, yes/no, on/off, in any case)."),
    (
        "ALLOWED_HOSTS",
        "localhost 127.0.0.1",
        "ALLOWED_HOSTS has a space inside an item; expected a comma-separated list, like one,two.",
    ),
]
SPELLINGS = [
    ("true", True),
    ("TRUE", True),
    ("1", True),
    ("yes", True),
    ("On", True),
    ("False", False),
    ("0", False),
    ("no", False),
    ("OFF", False),
]
TRIED = {
    **MISSING,
    **EMPTY,
    **BLANK,
    **{("malformed", name, value): {**GOOD, name: value} for name, value, _ in MALFORMED},
    **{("debug", spelling): {**GOOD, "DEBUG": spelling} for spelling, _ in SPELLINGS},
    ("hosts",): {**GOOD, "ALLOWED_HOSTS": " localhost , 127.0.0.1,, "},
}


@pytest.fixture(scope="module")
def loaded(project) -> dict[tuple[str, ...], Loaded]:
    """The settings loaded with each environment in TRIED, all in one fresh Python (as Django loads them)."""
    return dict(zip(TRIED, load_each(Project(project), list(TRIED.values()), ["DEBUG", "ALLOWED_HOSTS"]), strict=True))


def test_there_is_one_settings_module_and_nothing_names_the_old_ones(project):
    assert (project / "shop" / "settings.py").is_file()
    assert not (project / "shop" / "settings").exists()
    mentions = [name for name, text in source_files(project).items() if b"shop.settings." in text]
    assert mentions == []


def test_no_secret_is_typed_into_the_settings(project):
    settings = (project / "shop" / "settings.py").read_text()
    assert SECRET_LITERAL.findall(settings) == []
    for name in EXPECTED:
        assert re.search(rf"^{name} = (require|boolean|list_of)\(\"{name}\"", settings, re.MULTILINE), name


def test_it_starts_with_every_variable_set(project):
    done = manage(project, "check", **GOOD)
    assert done.returncode == 0, done.stdout
    assert "System check identified no issues" in done.stdout


def test_manage_py_stops_with_one_line_that_names_the_variable_and_not_its_value(project):
    key = "x" * 49
    done = manage(project, "check", **{**GOOD, "SECRET_KEY": key})
    fails_with(done, "SECRET_KEY is too short; expected at least 50 characters.")
    assert key not in done.stdout
    fails_with(
        manage(project, "check", **MISSING["missing", "DEBUG"]), f"DEBUG is not set; expected {EXPECTED['DEBUG']}."
    )


@pytest.mark.parametrize("name", EXPECTED)
def test_a_missing_variable_stops_the_app_naming_it(loaded, name):
    assert loaded["missing", name].error == f"ImproperlyConfigured: {name} is not set; expected {EXPECTED[name]}."


@pytest.mark.parametrize("name", EXPECTED)
def test_an_empty_variable_stops_the_app_naming_it(loaded, name):
    assert loaded["empty", name].error == f"ImproperlyConfigured: {name} is empty; expected {EXPECTED[name]}."


@pytest.mark.parametrize("name", [key[1] for key in BLANK])
def test_nothing_but_blanks_or_commas_is_empty(loaded, name):
    assert loaded["blank", name].error == f"ImproperlyConfigured: {name} is empty; expected {EXPECTED[name]}."


@pytest.mark.parametrize(("name", "value", "message"), MALFORMED)
def test_a_malformed_variable_stops_the_app_naming_it_and_not_its_value(loaded, name, value, message):
    error = loaded["malformed", name, value].error
    assert error == f"ImproperlyConfigured: {message}"
    assert value not in error


@pytest.mark.parametrize(("spelling", "value"), SPELLINGS)
def test_debug_accepts_the_documented_spellings(loaded, spelling, value):
    assert loaded["debug", spelling].values == {"DEBUG": value, "ALLOWED_HOSTS": ["localhost"]}


def test_allowed_hosts_splits_on_commas_and_strips_blanks(loaded):
    assert loaded["hosts",].values == {"DEBUG": False, "ALLOWED_HOSTS": ["localhost", "127.0.0.1"]}
