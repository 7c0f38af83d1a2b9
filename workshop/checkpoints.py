"""Working copies and checkpoints: the project as it stands at the start of any notebook.

Each change to the project is written once, in a code cell tagged `change` of a lesson or
solution notebook. The state at the start of a notebook is `sample_project/` with the change
cells of every notebook before it replayed, in order.

A working copy is a git repository whose last commit is that starting state, so `git diff`
shows what the learner changed. Starting a notebook again keeps those changes first, in a
git branch `saved/...`, and prints the one command that brings them back.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from workshop.errors import WorkshopError
from workshop.processes import stop_owned
from workshop.project import ROOT, Project, display_path

SAMPLE = ROOT / "sample_project"

#: Files a project makes when it runs, its own environment (lesson 05), its collected static files (lesson 06),
#: and its git history: not part of its state, never copied.
GENERATED = ["__pycache__", "*.pyc", "db.sqlite3", "*.log", ".workshop", ".venv", "staticfiles", ".git"]

#: Who makes the commit of a starting state, and when: fixed, so that it is the same commit everywhere.
START_COMMITTER = {
    "GIT_AUTHOR_NAME": "Twelve-Factor Django workshop",
    "GIT_AUTHOR_EMAIL": "workshop@example.invalid",
    "GIT_COMMITTER_NAME": "Twelve-Factor Django workshop",
    "GIT_COMMITTER_EMAIL": "workshop@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
}

#: Folders holding notebooks that change the project, in the order they are replayed for a lesson.
KINDS = ("lesson", "solution")
FOLDERS = {"lesson": ROOT / "notebooks", "solution": ROOT / "solutions", "exercise": ROOT / "exercises"}


def workspace() -> Path:
    """The folder holding this user's working copies: $WORKSHOP_WORKSPACE when set; else `workspace/` in
    the workshop's folder, or, where that folder is shared and not this user's to write (a hub where
    one copy serves everyone), `twelve-factor-workspace/` in the user's home."""
    if "WORKSHOP_WORKSPACE" in os.environ:
        return Path(os.environ["WORKSHOP_WORKSPACE"]).resolve()
    own = ROOT / "workspace"
    writable = os.access(own, os.W_OK) if own.exists() else os.access(ROOT, os.W_OK)
    return own.resolve() if writable else (Path.home() / "twelve-factor-workspace").resolve()


def notebook_path(kind: str, number: str) -> Path:
    """The notebook of that kind and number, e.g. ('lesson', '02') -> notebooks/02_....ipynb."""
    matches = sorted(FOLDERS[kind].glob(f"{number}_*.ipynb"))
    if not matches:
        raise ValueError(f"There is no {kind} {number} in {display_path(FOLDERS[kind])}/")
    return matches[0]


def replayed_notebooks() -> list[tuple[str, str, Path]]:
    """Every (number, kind, path) whose change cells build the checkpoints, in lesson order."""
    found = []
    for rank, kind in enumerate(KINDS):
        for path in FOLDERS[kind].glob("[0-9][0-9]_*.ipynb"):
            found.append((path.name[:2], rank, kind, path))
    return [(number, kind, path) for number, _, kind, path in sorted(found)]


def change_cells(notebook: Path) -> list[str]:
    """The source of every code cell tagged `change` in a notebook."""
    cells = json.loads(notebook.read_text())["cells"]
    return [
        "".join(cell["source"])
        for cell in cells
        if cell["cell_type"] == "code" and "change" in cell.get("metadata", {}).get("tags", [])
    ]


def apply_changes(notebook: Path, project: Project) -> None:
    """Replay a notebook's change cells on a working copy, quietly."""
    for source in change_cells(notebook):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, str(notebook), "exec"), {"project": project})


def ignore_generated(folder: str, names: list[str]) -> set[str]:
    """For shutil.copytree: the names in folder that are generated, not source."""
    return {name for name in names if any(fnmatch.fnmatch(name, p) for p in GENERATED)}


def source_files(root: Path) -> dict[str, bytes]:
    """Every source file under root (generated files left out), by relative path, with its content."""
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(set(dirs) - ignore_generated(folder, dirs))
        for name in sorted(set(names) - ignore_generated(folder, names)):
            path = Path(folder, name)
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def state_before(number: str, kind: str, dest: Path) -> Project:
    """Write into dest the project as it stands when the given notebook starts (keeping dest's .git)."""
    if dest.exists():
        for entry in dest.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    shutil.copytree(SAMPLE, dest, ignore=ignore_generated, dirs_exist_ok=True)
    project = Project(dest)
    order = {"lesson": 0, "exercise": 1, "solution": 1}[kind]
    for other_number, other_kind, path in replayed_notebooks():
        if (other_number, KINDS.index(other_kind)) >= (number, order):
            break
        apply_changes(path, project)
    return project


def state_after(number: str, kind: str, dest: Path) -> Project | None:
    """Write into dest the project as the given notebook leaves it; None for an exercise (left to the learner)."""
    if kind == "lesson":
        return state_before(number, "solution", dest)
    if kind == "solution":
        return state_before(f"{int(number) + 1:02d}", "lesson", dest)
    return None


def checkpoint(lesson: str, dest: Path) -> Path:
    """Write the project as it stands at the start of lesson ("02") or after the last one ("final"), committed."""
    if lesson == "final":
        state_before("99", "lesson", Path(dest))
    elif re.fullmatch(r"\d\d", lesson):
        last = max(number for number, _, _ in replayed_notebooks())
        if int(lesson) != int(last) + 1:  # the state after the last lesson is the next one's start
            notebook_path("lesson", lesson)
        state_before(lesson, "lesson", Path(dest))
    else:
        raise ValueError(f"LESSON must be a two-digit lesson number like 02, or 'final'; got {lesson!r}")
    commit_start(
        Path(dest),
        f"The project at the start of lesson {lesson}" if lesson != "final" else "The project after the last lesson",
    )
    return Path(dest)


def existing() -> str:
    """The notebooks start() knows, e.g. 'lessons 00-04, exercises 02-04, solutions 02-04'."""
    parts = []
    for kind, folder in FOLDERS.items():
        numbers = sorted({path.name[:2] for path in folder.glob("[0-9][0-9]_*.ipynb")})
        if numbers:
            listed = f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 2 else " and ".join(numbers)
            parts.append(f"{kind}s {listed}")
    return ", ".join(parts)


def start(notebook: str) -> Project:
    """Reset this notebook's working copy to its start, e.g. start("lesson 02"), keeping the learner's changes."""
    kind, _, number = notebook.partition(" ")
    if kind not in FOLDERS or not re.fullmatch(r"\d\d", number):
        raise WorkshopError(f'Say which notebook this is, like "lesson 02" or "exercise 03"; got {notebook!r}.')
    if not list(FOLDERS[kind].glob(f"{number}_*.ipynb")):
        raise WorkshopError(f"There is no {kind} {number}. There are {existing()}.")
    dest = workspace() / f"{kind}-{number}"
    stop_owned(dest)
    kept, branch = keep_changes(dest, number, kind)
    state_before(number, kind, dest)
    commit_start(dest, f"The project at the start of {kind} {number}")
    print(f"Working copy: {display_path(dest)}/")
    print(f"It holds the project as it stands at the start of {kind} {number}.")
    if kept:
        print(kept)
    print("Open it in the file browser on the left. Re-run this cell to start again from here.")
    return Project(dest, kept=branch)


def git(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in folder and return what it printed; stop with its message if it fails."""
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        check=False,
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, **START_COMMITTER, **(env or {})},
    )
    if done.returncode != 0:
        raise WorkshopError(f"`git {' '.join(args)}` failed in {display_path(folder)}: {done.stderr.strip()}")
    return done.stdout.strip()


def has_git() -> bool:
    """Whether a working git is installed."""
    try:
        return subprocess.run(["git", "--version"], check=False, capture_output=True).returncode == 0
    except OSError:
        return False


def start_record(dest: Path) -> Path:
    """Where the fingerprints of a working copy's starting state are kept: beside it, not inside it."""
    return dest.parent / ".starts" / f"{dest.name}.json"


def fingerprints(dest: Path) -> dict[str, str]:
    """A hash of each source file of a working copy (ignored files like .env included), by path."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in source_files(dest).items()}


def commit_start(dest: Path, message: str) -> None:
    """Make dest a git repository whose last commit is its current state; remember that state's fingerprints."""
    record = start_record(dest)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(fingerprints(dest), indent=0, sort_keys=True))
    if not has_git():
        return
    make_repository(dest)
    git(dest, "add", "--all")
    tree = git(dest, "write-tree")
    git(dest, "update-ref", "HEAD", git(dest, "commit-tree", tree, "-m", message))


def make_repository(dest: Path) -> None:
    """Make dest a git repository on branch main, unless it is one, that ignores what running the app makes."""
    if (dest / ".git").is_dir():
        return
    git(dest, "init", "--quiet")
    git(dest, "symbolic-ref", "HEAD", "refs/heads/main")
    (dest / ".git" / "info").mkdir(exist_ok=True)
    (dest / ".git" / "info" / "exclude").write_text(
        "# Made by running the app or by the notebooks\n" + "\n".join(p for p in GENERATED if p != ".git") + "\n"
    )


def keep_changes(dest: Path, number: str, kind: str) -> tuple[str, str]:
    """If the learner changed dest since its start, keep the changes (in a git branch, or a copy).

    Return how to get them back, and the git branch that keeps them ('' for none).

    A working copy the notebook's own cells left complete needs no copy: the notebook makes it again.
    """
    record = start_record(dest)
    if not dest.is_dir() or not any(dest.iterdir()):
        return "", ""
    now = fingerprints(dest)
    if record.is_file() and json.loads(record.read_text()) == now:
        return "", ""
    with tempfile.TemporaryDirectory() as folder:
        finished = state_after(number, kind, Path(folder) / "after")
        if finished is not None and fingerprints(finished.path) == now:
            return "", ""
    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    if not has_git():
        copy = dest.parent / ".saved" / f"{dest.name}-{stamp}"
        shutil.copytree(dest, copy, ignore=ignore_generated)
        return (
            f"Your changes are kept in {display_path(copy)}/. To bring them back, in a terminal:\n"
            f"    cp -R {display_path(copy)}/. {display_path(dest)}/"
        ), ""
    make_repository(dest)
    index = {"GIT_INDEX_FILE": str(dest / ".git" / "workshop-saved-index")}
    Path(index["GIT_INDEX_FILE"]).unlink(missing_ok=True)
    names = "\n".join(source_files(dest))
    subprocess.run(
        ["git", "add", "--force", "--pathspec-from-file=-"],
        cwd=dest,
        input=names,
        text=True,
        env={**os.environ, **index},
        check=True,
        capture_output=True,
    )
    tree = git(dest, "write-tree", env=index)
    Path(index["GIT_INDEX_FILE"]).unlink()
    saved = [
        line.split()
        for line in git(dest, "for-each-ref", "refs/heads/saved/", "--format=%(refname:short) %(tree)").splitlines()
    ]
    branch = next((name for name, other in saved if other == tree), "")
    if not branch:
        branch = f"saved/{stamp}"
        now = dict.fromkeys(("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"), time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        has_head = (
            subprocess.run(
                ["git", "rev-parse", "--verify", "--quiet", "HEAD"], check=False, cwd=dest, capture_output=True
            ).returncode
            == 0
        )
        parent = ["-p", "HEAD"] if has_head else []
        message = f"Your changes, kept when {dest.name} was started again"
        commit = git(dest, "commit-tree", tree, *parent, "-m", message, env=now)
        git(dest, "update-ref", f"refs/heads/{branch}", commit)
    return (
        f"Your changes are kept in the git branch {branch}. To bring them back, in a terminal:\n"
        f"    git -C {display_path(dest)} restore --source={branch} ."
    ), branch
