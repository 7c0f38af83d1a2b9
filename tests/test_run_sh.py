"""run.sh picks the Python that makes .venv/, and says exactly what is wrong when it can't.

Each test runs a copy of run.sh in a folder of its own, with stand-in interpreters on PATH: small
shell scripts that answer run.sh's version question, make a ".venv" that is a copy of themselves,
and say which Python ran the command. The real interpreters and pip are never touched, so every
case takes a few milliseconds. (The real ones are exercised by `./run.sh test` itself.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.environment import PYTHONS

ROOT = Path(__file__).resolve().parents[1]
#: The only programs run.sh may need besides Python: a PATH of these leaves out the machine's own Pythons.
TOOLS = ["sh", "cat", "cmp", "cp", "cut", "dirname", "head", "id", "mkdir", "rm", "sed"]

STAND_IN = """#!/bin/sh
# A stand-in for Python {version}.
case "$1" in
    -c) echo {version} ;;
    -m) case "$2" in
            venv) {venv} ;;
            pip) echo "pip $3 with Python {version}" >> "$(dirname "$0")/../pip.log" ;;
            *) echo "$2 ran with Python {version}: $*" ;;
        esac ;;
esac
"""
MAKES_VENV = 'mkdir -p "$3/bin" && cp "$0" "$3/bin/python"'
#: What a pyenv shim prints for a version that is installed but not active (seen on a real pyenv).
PYENV_SHIM = """#!/bin/sh
echo "pyenv: ${0##*/}: command not found" >&2
echo >&2
echo "The \\`${0##*/}' command exists in these Python versions:" >&2
echo "  3.10.13" >&2
exit 127
"""


class Folder:
    """A workshop folder holding run.sh and requirements.txt, and a PATH of stand-in Pythons."""

    def __init__(self, root: Path) -> None:
        self.path = root / "workshop"
        self.bin = root / "bin"
        self.path.mkdir()
        self.bin.mkdir()
        shutil.copy(ROOT / "run.sh", self.path / "run.sh")
        (self.path / "requirements.txt").write_text("Django==5.2.19\n")
        (self.path / "requirements-dev.txt").write_text("-r requirements.txt\nruff==0.17.6\n")
        for tool in TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool))

    def python(self, name: str, version: str, venv: str = MAKES_VENV) -> None:
        """Put a stand-in for Python version on PATH under name."""
        self.script(self.bin / name, STAND_IN.format(version=version, venv=venv))

    def script(self, path: Path, text: str) -> None:
        """Write an executable shell script."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o755)

    def venv(self, version: str) -> None:
        """A .venv/ already made with Python version, its requirements installed."""
        self.python("made-the-venv", version)
        self.script(self.path / ".venv" / "bin" / "python", (self.bin / "made-the-venv").read_text())
        (self.bin / "made-the-venv").unlink()
        for name in ("requirements.txt", "requirements-dev.txt"):
            shutil.copy(self.path / name, self.path / ".venv" / f"installed-{name}")

    def run(self, *args: str, python: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run ./run.sh with this PATH (and PYTHON=python if given)."""
        env = {"PATH": str(self.bin), "HOME": str(self.path)}
        if python:
            env["PYTHON"] = python
        return subprocess.run(["./run.sh", *args], cwd=self.path, env=env, capture_output=True, text=True, timeout=30)

    def venv_python(self) -> str:
        """The version of the stand-in in .venv/, or '' if there is none."""
        path = self.path / ".venv" / "bin" / "python"
        return re.search(r"echo (\S+)", path.read_text())[1] if path.exists() else ""


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder(tmp_path)


def test_python3_makes_the_venv_installs_and_runs_the_tests(folder):
    folder.python("python3", "3.12.1")
    done = folder.run("test", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "pytest ran with Python 3.12.1: -m pytest -n auto --dist loadscope --no-loadscope-reorder --report-checks -q\n"
    assert "Making the workshop's environment in .venv/ with python3 (Python 3.12.1)" in done.stderr
    # requirements.txt, the app's wheels for lesson 05, then the maintainers' requirements-dev.txt that the tests need
    assert (folder.path / ".venv" / "pip.log").read_text() == (
        "pip install with Python 3.12.1\npip download with Python 3.12.1\npip install with Python 3.12.1\n"
    )
    assert (folder.path / ".venv" / "installed-requirements.txt").exists()


def test_an_existing_venv_is_used_and_requirements_installed_only_when_they_change(folder):
    folder.python("python3", "3.12.1")
    folder.run("check")
    done = folder.run("check")
    assert done.stdout.startswith("workshop.preflight ran with Python 3.12.1") and done.stderr == ""
    (folder.path / "requirements.txt").write_text("Django==5.2.19\nhoncho==2.0.0\n")
    folder.run("check")
    log = (folder.path / ".venv" / "pip.log").read_text()
    assert log.count("pip install") == 2 and log.count("pip download") == 2


def test_python_3_14_is_accepted(folder):
    folder.python("python3.14", "3.14.0")
    done = folder.run("test", python="python3.14")
    assert done.returncode == 0 and done.stdout.startswith("pytest ran with Python 3.14.0"), done.stderr


def test_a_pyenv_shim_for_an_inactive_version_is_reported_as_not_running_with_its_own_message(folder):
    folder.script(folder.bin / "python3.10", PYENV_SHIM)
    folder.python("python3", "3.11.7")
    folder.python("python3.13", "3.13.0")
    done = folder.run("lab", python="python3.10")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        f"'python3.10' ({folder.bin}/python3.10) is there but does not run. It says:\n"
        "    pyenv: python3.10: command not found\n"
        "    \n"
        "    The `python3.10' command exists in these Python versions:\n"
        "      3.10.13\n"
        "Pythons here that will do: python3 (3.11.7), python3.13 (3.13.0). For example: PYTHON=python3 ./run.sh lab\n"
    )
    assert not (folder.path / ".venv").exists()


def test_a_wrong_version_is_named_and_the_suggestion_is_not_the_command_that_failed(folder):
    folder.python("python3.9", "3.9.18")
    folder.python("python3.12", "3.12.1")
    done = folder.run("test", python="python3.9")
    assert done.returncode == 1
    assert done.stderr == (
        "'python3.9' is Python 3.9.18; the workshop needs Python 3.10 to 3.14.\n"
        "Pythons here that will do: python3.12 (3.12.1). For example: PYTHON=python3.12 ./run.sh test\n"
    )


def test_a_python_that_is_not_there_is_named(folder):
    folder.python("python3", "3.11.7")
    done = folder.run("test", python="python3.13")
    assert done.returncode == 1
    assert done.stderr.startswith("'python3.13' is not on PATH.\nPythons here that will do: python3 (3.11.7).")


def test_with_no_python_that_will_do_it_says_where_to_get_one(folder):
    folder.python("python3", "3.9.6")
    done = folder.run("lab")
    assert done.returncode == 1
    assert done.stderr == (
        "'python3' is Python 3.9.6; the workshop needs Python 3.10 to 3.14.\n"
        "No Python 3.10 to 3.14 is on PATH. Install one (docs/setup.md says how), then run ./run.sh lab again.\n"
    )
    assert not (folder.path / ".venv").exists()


def test_when_python3_is_too_old_a_versioned_python_is_used_and_it_says_why(folder):
    folder.python("python3", "3.9.6")  # macOS's own python3, say
    folder.python("python3.13", "3.13.0")
    done = folder.run("test")
    assert done.returncode == 0 and done.stdout.startswith("pytest ran with Python 3.13.0")
    assert "Using python3.13 (Python 3.13.0): 'python3' is Python 3.9.6; the workshop needs Python 3.10 to 3.14.\n" in done.stderr


def test_python_asking_for_another_version_than_the_venv_has_makes_it_anew(folder):
    folder.venv("3.12.1")
    folder.python("python3.13", "3.13.0")
    done = folder.run("test", python="python3.13")
    assert done.returncode == 0 and done.stdout.startswith("pytest ran with Python 3.13.0"), done.stderr
    assert done.stderr.startswith(
        "The environment in .venv/ has Python 3.12.1; PYTHON=python3.13 is Python 3.13.0: making .venv/ anew with it.\n")
    assert folder.venv_python() == "3.13.0"


def test_python_asking_for_the_venvs_own_version_keeps_it(folder):
    folder.venv("3.12.1")
    folder.python("python3.12", "3.12.4")
    done = folder.run("test", python="python3.12")
    assert done.returncode == 0 and done.stdout.startswith("pytest ran with Python 3.12.1") and done.stderr == ""


def test_without_python_the_venv_is_kept_whatever_python3_is(folder):
    folder.venv("3.12.1")
    folder.python("python3", "3.9.6")
    done = folder.run("test")
    assert done.returncode == 0 and done.stdout.startswith("pytest ran with Python 3.12.1") and done.stderr == ""


def test_a_venv_whose_python_no_longer_runs_is_made_anew(folder):
    folder.venv("3.12.1")
    (folder.path / ".venv" / "bin" / "python").unlink()
    (folder.path / ".venv" / "bin" / "python").symlink_to(folder.bin / "uninstalled-python3.12")
    folder.python("python3", "3.13.0")
    done = folder.run("test")
    assert done.returncode == 0 and done.stdout.startswith("pytest ran with Python 3.13.0")
    assert done.stderr.startswith("The environment in .venv/ is broken: its Python does not run; making it anew.\n")


def test_when_the_venv_module_is_missing_the_half_made_venv_is_removed_and_the_fix_named(folder):
    ubuntu = 'mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; echo "ensurepip is not available" >&2; exit 1'
    folder.python("python3", "3.12.3", venv=ubuntu)
    done = folder.run("lab")
    assert done.returncode == 1
    assert done.stderr.endswith("ensurepip is not available\nCould not make .venv/ with python3: its error is above. "
                                "On Debian or Ubuntu, install the venv module first: sudo apt install python3.12-venv\n")
    assert not (folder.path / ".venv").exists()


def test_an_unknown_command_changes_nothing(folder):
    folder.python("python3", "3.12.1")
    done = folder.run("serve")
    assert done.returncode == 2 and done.stderr.startswith("usage: ./run.sh lab")
    assert not (folder.path / ".venv").exists()


def test_every_place_that_names_the_supported_pythons_agrees():
    """run.sh, lesson 00's check, pyproject.toml, the wheel check and the CI workflow."""
    oldest, newest = PYTHONS
    every = [f"3.{minor}" for minor in range(oldest[1], newest[1] + 1)]
    run_sh = (ROOT / "run.sh").read_text()
    assert f"3.1[{oldest[1] - 10}-{newest[1] - 10}].*)" in run_sh
    assert f"python3 {' '.join(f'python{v}' for v in reversed(every))}" in run_sh
    assert f'requires-python = ">={oldest[0]}.{oldest[1]},<{newest[0]}.{newest[1] + 1}"' in (ROOT / "pyproject.toml").read_text()
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import check_wheels
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert check_wheels.PYTHONS == every
    workflow = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    assert re.search(r"python-version: \[(.*)\]", workflow)[1] == ", ".join(f'"{v}"' for v in every)
    assert os.access(ROOT / "run.sh", os.X_OK)


def test_the_apps_wheels_are_the_lines_marked_app_at_their_pinned_versions(folder):
    folder.python("python3", "3.12.1")
    (folder.path / "requirements.txt").write_text("Django==5.2.19  # app\nhoncho==2.0.0\nsqlparse==0.6.1  # app\n")
    assert folder.run("check").returncode == 0
    assert (folder.path / ".venv" / "app-requirements.txt").read_text() == "Django==5.2.19  # app\nsqlparse==0.6.1  # app\n"
