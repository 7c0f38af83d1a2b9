"""Exercise 05's check, on real working copies with real environments made by uv: every right answer gets "Well
done!", each wrong one its own hint.

The learner declares Markdown in requirements.in, compiles the lock and installs it into .venv/. Each answer
below starts from the exercise's working copy (the lock of lesson 05 and the colleague's change, the environment
made from the lock), and does what a learner would in a terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workshop.checkpoints import state_before
from workshop.exercises import check_05
from workshop.exercises.ex05 import COMPILE, SYNC, input_names, lock_entries
from workshop.processes import UV_SETTINGS
from workshop.project import Project

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "05_add_a_dependency.ipynb"
FINISHED = "to fix. Change your files, then run this cell again."


def sh(project: Project, command: str) -> None:
    """Run a command in the working copy as a learner would in a workshop terminal (uv's settings set)."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    done = subprocess.run(
        command,
        check=False,
        shell=True,
        cwd=project.path,
        env={**env, **UV_SETTINGS},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"


def hints(project: Project, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines check_05 printed after naming the working copy."""
    check_05(project)
    return capsys.readouterr().out.splitlines()[1:]


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exercise as a learner finds it (the colleague's change made at the end of lesson 05), its first cells
    run: the environment made from the lesson's lock. Made once."""
    project = state_before("05", "exercise", tmp_path_factory.mktemp("exercise-05") / "started")
    assert "import markdown" in project.read("store/models.py")
    sh(project, f"uv venv --clear -q && {SYNC} -q")
    return project.path


@pytest.fixture
def learner(started: Path, tmp_path: Path) -> Project:
    """A copy of the started exercise, for one learner's answer."""
    return Project(copy_of(started, tmp_path / "copy"))


def copy_of(started: Path, copy: Path) -> Path:
    """A copy of a working copy; its .venv/ made of hard links, as uv itself installs, and as quick. (uv and the tests
    below only add and remove files there, never write into one, so the started environment stays as it is.)"""
    shutil.copytree(started, copy, symlinks=True, ignore=shutil.ignore_patterns(".venv"))
    shutil.copytree(started / ".venv", copy / ".venv", symlinks=True, copy_function=os.link)
    return copy


def declare(project: Project, line: str = "Markdown") -> None:
    """Add line to requirements.in, below dj-database-url, as a learner would in the editor."""
    text = project.read("requirements.in")
    project.file("requirements.in").write_text(text.replace("dj-database-url\n", f"dj-database-url\n{line}\n"))


def test_the_unanswered_exercise_stores_the_hints_the_check_gives(
    learner: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    found = hints(learner, capsys)
    assert [line for line in found if line.startswith("✘")] == [
        "✘ Markdown is not in requirements.in, the input: add it, by the name you install it with (the shop",
        "✘ Markdown is not in the lock, requirements.txt: compile it again from requirements.in, with the",
        "✘ Markdown is not installed in .venv/, the app's environment: install the lock there:",
    ]
    assert found[-1] == f"3 things {FINISHED}"
    [cell] = [c for c in nbformat.read(EXERCISE, as_version=4).cells if "check_05(project)" in c.source]
    stored = "".join(o.get("text", "") for o in cell.outputs).splitlines()
    assert stored[0] == "Checking your working copy: workspace/exercise-05/"
    assert stored[1:] == found


# Right answers -----------------------------------------------------------------------------------

#: Besides the solution's own answer (Markdown, as PyPI spells it, then sync): nbval runs the solution's cells and
#: compares its check's stored "Well done!" (tests/test_exercises.py makes sure it is stored, where nbval compares it).
RIGHT = {
    "in lower case, with a lower bound": ("markdown>=3.10", SYNC),
    "a compatible release, spaced out, and a comment": ("Markdown ~= 3.10.0  # descriptions", SYNC),
    "installed with uv pip install -r, not sync": ("Markdown", "uv pip install -p .venv -r requirements.txt"),
}


@pytest.mark.parametrize("answer", RIGHT)
def test_a_right_answer_is_well_done(answer: str, learner: Project, capsys: pytest.CaptureFixture[str]) -> None:
    line, install = RIGHT[answer]
    declare(learner, line)
    sh(learner, f"{COMPILE} -q && {install} -q")
    found = hints(learner, capsys)
    assert found[0].startswith("✔ ") and found[-1].endswith("Well done!"), found


# Wrong answers ---------------------------------------------------------------------------------


def hand_written_lock_line(project: Project, line: str) -> None:
    """Add a line to the end of the lock, by hand."""
    project.file("requirements.txt").write_text(project.read("requirements.txt") + line + "\n")


def wrong_hash(project: Project) -> None:
    """Markdown compiled in, then its hash typed over."""
    declare(project)
    sh(project, f"{COMPILE} -q")
    text = project.read("requirements.txt")
    start = text.index("markdown==")
    digest = text.index("--hash=sha256:", start) + len("--hash=sha256:")
    project.file("requirements.txt").write_text(text[:digest] + "0" * 64 + text[digest + 64 :])


WRONG = {
    "installed, never declared": (
        lambda p: sh(p, "uv pip install -q -p .venv Markdown"),
        ["✘ Markdown is not in requirements.in", "✘ Markdown is not in the lock"],
    ),
    "declared, the lock not compiled again": (
        declare,
        ["✘ Markdown is not in the lock, requirements.txt: compile it again"],
    ),
    "compiled, never installed": (
        lambda p: (declare(p), sh(p, f"{COMPILE} -q")),
        ["✘ Markdown is not installed in .venv/, the app's environment: install the lock there:"],
    ),
    "the lock edited by hand, no hash": (
        lambda p: (declare(p), hand_written_lock_line(p, "markdown==3.10.3")),
        ["✘ Markdown is in the lock without a hash: the lock is made by uv, never written by hand."],
    ),
    "the lock edited by hand, no pin, not declared": (
        lambda p: hand_written_lock_line(p, "Markdown"),
        ["✘ Markdown is not in requirements.in", "✘ Markdown is in the lock without a version pinned with ==:"],
    ),
    "compiled without hashes": (
        lambda p: (declare(p), sh(p, "uv pip compile -q requirements.in -o requirements.txt")),
        ["✘ Markdown is in the lock without a hash, and so is every other package: compile with --generate-hashes."],
    ),
    "a hash typed over": (
        wrong_hash,
        ["✘ Markdown's hash in the lock is not the hash of its wheel: installing it would be refused."],
    ),
    "a typo in the name": (
        lambda p: declare(p, "Markdwon"),
        ["✘ requirements.in names markdwon: did you mean Markdown?"],
    ),
    "not a requirement": (
        lambda p: declare(p, "Markdown = 3.10"),
        ["✘ requirements.in, line 5: 'Markdown = 3.10' is not a requirement. Write a package's name, like Markdown,"],
    ),
    "no environment of the app's own": (
        lambda p: (declare(p), sh(p, f"{COMPILE} -q && rm -r .venv")),
        ["✘ There is no environment of the app's own in .venv/: make it with `uv venv`, then"],
    ),
    "more installed than the lock": (
        lambda p: (declare(p), sh(p, f"{COMPILE} -q && {SYNC} -q && uv pip install -q -p .venv requests")),
        ["✘ certifi, charset-normalizer, idna, requests, urllib3 are installed in .venv/ but not in the lock:"],
    ),
    "an older version installed than the lock's": (
        lambda p: (declare(p), sh(p, f"{COMPILE} -q && {SYNC} -q"), edit_installed_version(p)),
        ["✘ Markdown 3.0 is installed in .venv/, but the lock says 3.10.3: install the lock:"],
    ),
}


def edit_installed_version(project: Project) -> None:
    """Make the installed Markdown say it is another version, as an install from elsewhere would. (A new file: uv
    installs files as hard links to its cache, so writing into this one would change the cache's too.)"""
    [metadata] = project.path.glob(".venv/lib/python3*/site-packages/markdown-*.dist-info/METADATA")
    text = metadata.read_text()
    metadata.unlink()
    metadata.write_text(text.replace("Version: 3.10.3", "Version: 3.0", 1))


@pytest.mark.parametrize("mistake", WRONG)
def test_each_mistake_gets_its_hint(mistake: str, learner: Project, capsys: pytest.CaptureFixture[str]) -> None:
    make, wanted = WRONG[mistake]
    make(learner)
    found = "\n".join(hints(learner, capsys))
    for hint in wanted:
        assert hint in found.replace("\n  ", " "), found
    assert found.endswith(FINISHED), found


def test_more_wrong_answers_are_tested_than_right_ones() -> None:
    assert len(WRONG) > len(RIGHT) + 2  # the solution's answer is right too


def test_the_input_and_the_lock_are_read_as_pip_reads_them() -> None:
    names, problems = input_names(
        "# a comment\nDjango>=5.2\npsycopg[binary]  # the driver\n-r other.in\nMarkdown ~= 3.10\n"
    )
    assert names == {"django": 2, "psycopg": 3, "markdown": 5} and problems == []
    lock = lock_entries(
        "markdown==3.10.3 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via -r requirements.in\n"
        "psycopg-binary==3.3.9 ; implementation_name != 'pypy' \\\n    --hash=sha256:" + "b" * 64 + "\n"
    )
    assert lock == {"markdown": ("3.10.3", ["a" * 64]), "psycopg-binary": ("3.3.9", ["b" * 64])}
