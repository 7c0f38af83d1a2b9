"""The check after each notebook really fails when a notebook changes the project outside its `change` cells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]


def course_with(tmp_path: Path, tags: list[str]) -> Path:
    """A copy of the workshop with one lesson, 01, whose second cell edits the project, tagged with tags."""
    course = tmp_path / "course"
    for name in ("workshop", "sample_project"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3", "*.log"))
    for name in ("conftest.py", "pytest.ini", "nbval_sanitize.cfg", "requirements.txt"):
        shutil.copy(ROOT / name, course / name)
    notebook = new_notebook(cells=[
        new_code_cell('from workshop import start\nproject = start("lesson 01")'),
        new_code_cell('project.write("NOTES.md", "a change\\n")', metadata={"tags": tags}),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (course / "notebooks").mkdir()
    nbformat.write(notebook, course / "notebooks" / "01_only.ipynb")
    return course


def run_suite(course: Path) -> str:
    """Run the copied workshop's suite on its one notebook (outputs not compared); return what pytest printed."""
    env = {k: v for k, v in os.environ.items() if k != "WORKSHOP_WORKSPACE"}
    env["PYTHONPATH"] = str(course)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--nbval-lax", "notebooks"],
                          cwd=course, env=env, capture_output=True, text=True, timeout=120)
    return done.stdout


def test_a_change_in_a_change_cell_is_in_the_next_checkpoint(tmp_path):
    assert "5 passed" in run_suite(course_with(tmp_path, ["change"]))


def test_a_change_outside_the_change_cells_fails_the_check(tmp_path):
    output = run_suite(course_with(tmp_path, []))
    assert "FAILED notebooks/01_only.ipynb::leaves the next notebook's start" in output
    assert "4 passed" in output
