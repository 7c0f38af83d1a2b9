"""Working copies and checkpoints: the project as it stands at the start of any notebook.

Each change to the project is written once, in a code cell tagged `change` of a lesson or
solution notebook. The state at the start of a notebook is `sample_project/` with the change
cells of every notebook before it replayed, in order.
"""

from __future__ import annotations

import contextlib
import fnmatch
import io
import json
import os
import re
import shutil
from pathlib import Path

from workshop.processes import stop_owned
from workshop.project import ROOT, Project, display_path

SAMPLE = ROOT / "sample_project"

#: Files a project makes when it runs; they are not part of its state and never copied.
GENERATED = ["__pycache__", "*.pyc", "db.sqlite3", "*.log", ".workshop"]

#: Folders holding notebooks that change the project, in the order they are replayed for a lesson.
KINDS = ("lesson", "solution")
FOLDERS = {"lesson": ROOT / "notebooks", "solution": ROOT / "solutions", "exercise": ROOT / "exercises"}


def workspace() -> Path:
    """The folder holding every working copy: `workspace/`, or $WORKSHOP_WORKSPACE when set."""
    return Path(os.environ.get("WORKSHOP_WORKSPACE", ROOT / "workspace")).resolve()


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
    """Write into dest the project as it stands when the given notebook starts."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SAMPLE, dest, ignore=ignore_generated)
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
    """Write the project as it stands at the start of lesson ("02") or after the last one ("final")."""
    if lesson == "final":
        state_before("99", "lesson", Path(dest))
    elif re.fullmatch(r"\d\d", lesson):
        last = max(number for number, _, _ in replayed_notebooks())
        if int(lesson) != int(last) + 1:  # the state after the last lesson is the next one's start
            notebook_path("lesson", lesson)
        state_before(lesson, "lesson", Path(dest))
    else:
        raise ValueError(f"LESSON must be a two-digit lesson number like 02, or 'final'; got {lesson!r}")
    return Path(dest)


def start(notebook: str) -> Project:
    """Reset this notebook's working copy to its starting state, e.g. start("lesson 02")."""
    kind, _, number = notebook.partition(" ")
    if kind not in FOLDERS or not re.fullmatch(r"\d\d", number):
        raise ValueError(f'Say which notebook this is, like "lesson 02" or "exercise 03"; got {notebook!r}')
    dest = workspace() / f"{kind}-{number}"
    stop_owned(dest)
    project = state_before(number, kind, dest)
    print(f"Working copy: {display_path(dest)}/")
    print(f"It holds the project as it stands at the start of {kind} {number}.")
    print("Open it in the file browser on the left. Re-run this cell to start again from here.")
    return project
