"""Lesson 03 and its exercise, at the checkpoint they leave (the start of lesson 04): no literal secret, a
.env read the same way by honcho and python-dotenv, and every variable the settings read in .env.example."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values
from honcho.environ import parse as honcho_parse

from workshop.checkpoints import source_files, state_before
from workshop.exercises.checks import PROBE_ENV, load_each
from workshop.project import SECRET_LITERAL, Project

#: A made-up key in the sample app's own tests, not a secret of any deploy.
TEST_FIXTURES = {"store/tests.py"}
NOT_SET = re.compile(r"^ImproperlyConfigured: (\w+) is not set; expected .+\.$")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project at the start of lesson 04."""
    return state_before("04", "lesson", tmp_path_factory.mktemp("lesson-04") / "project").path


def run(project: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """Run the kernel's Python with only the given variables of the app set; stdout and stderr together."""
    env = {k: v for k, v in os.environ.items() if k not in PROBE_ENV and k != "DJANGO_SETTINGS_MODULE"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=project,
        env={**env, **variables},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )


def ignored(project: Path, name: str) -> bool:
    """Whether the project's .gitignore keeps this file out of git (plain name patterns only)."""
    patterns = [
        p.strip() for p in (project / ".gitignore").read_text().splitlines() if p.strip() and not p.startswith("#")
    ]
    return any(fnmatch.fnmatch(part, p.rstrip("/")) for p in patterns for part in name.split("/"))


def test_env_is_kept_out_of_git(project):
    assert ignored(project, ".env")
    assert not ignored(project, ".env.example") and not ignored(project, "shop/settings.py")


def test_no_secret_is_typed_into_any_committed_file(project):
    found = [
        (name, match["name"].strip(" =:"))
        for name, text in source_files(project).items()
        if not ignored(project, name) and name not in TEST_FIXTURES
        for match in SECRET_LITERAL.finditer(text.decode(errors="replace"))
    ]
    assert found == []


def test_without_env_it_starts_only_with_its_variables_set(project):
    env_file = project / ".env"
    saved = env_file.read_text()
    env_file.unlink()
    try:
        done = run(project, "manage.py", "check")
        assert done.returncode == 1 and NOT_SET.match(done.stdout.strip()), done.stdout
        assert run(project, "manage.py", "check", **PROBE_ENV).returncode == 0
    finally:
        env_file.write_text(saved)


def test_every_variable_the_settings_read_is_in_env_example(project):
    """With .env's values the settings load; without any one of them that the settings read, they stop and
    name it; and each of those is documented in .env.example (all loaded in one fresh Python, without .env)."""
    documented = dotenv_values(project / ".env.example")
    development = dotenv_values(project / ".env")
    without = {name: {k: v for k, v in development.items() if k != name} for name in development}
    full, *each = load_each(Project(project), [development, *without.values()], [])
    assert full.values is not None, f"the settings do not load with .env's values: {full.error}"
    needed = []
    for name, loaded in zip(without, each, strict=True):
        if loaded.values is None:
            assert NOT_SET.match(loaded.error) and NOT_SET.match(loaded.error)[1] == name, loaded.error
            needed.append(name)
    read = re.findall(r"""(?:require|boolean|list_of)\(["'](\w+)""", (project / "shop" / "settings.py").read_text())
    assert sorted(needed) == sorted(read)
    assert [name for name in needed if name not in documented] == [], "read by the settings, missing from .env.example"


def test_honcho_and_python_dotenv_read_env_the_same_way(project):
    text = (project / ".env").read_text()
    assert honcho_parse(text) == dict(dotenv_values(project / ".env"))


def test_with_env_manage_py_and_honcho_run_start_and_the_shell_wins_over_env_only_in_manage_py(project):
    """`manage.py check` passes with .env; `honcho run` starts the app with .env too (its settings loaded: honcho reads
    .env as python-dotenv does, tested above, and solution 03's check runs `honcho run python manage.py check`)."""
    done = run(project, "manage.py", "check")
    assert done.returncode == 0, done.stdout
    show = ["manage.py", "shell", "-v", "0", "-c", "from django.conf import settings; print(settings.DEBUG)"]
    done = run(project, *show, DEBUG="false")
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stdout
    done = run(project, "-m", "honcho", "run", "python", *show, DEBUG="false")
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stdout
