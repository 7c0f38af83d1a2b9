"""The suite's own safety nets really catch what they are for, in one run of a tiny copy of the workshop:

- a change made in a cell tagged `change` is in the next checkpoint, and the check after the
  notebook passes;
- a change made outside the change cells makes that check fail;
- a notebook that fails, leaving a server it started without `with`, leaves nothing running once
  nbval has killed its kernel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from workshop.processes import owned_processes, stop_owned

ROOT = Path(__file__).resolve().parents[1]
START = 'from workshop import start\nproject = start("lesson {number}")'
LESSONS = {
    "01_tagged": [START, ('project.write("NOTES.md", "a change\\n")', ["change"])],
    "02_untagged_and_failing": [
        START,
        'project.write("OTHER.md", "a change outside the change cells\\n")',
        "from workshop.processes import Background, free_port\n"
        "server = Background(f'python -m http.server {free_port()} --bind 127.0.0.1', project.path)\n"
        "server.start()  # no `with`: only the kernel's death can stop it",
        "raise RuntimeError('this cell fails on purpose')",
    ],
}


def course(folder: Path) -> Path:
    """A copy of the workshop whose only notebooks are the three lessons above."""
    for name in ("workshop", "sample_project"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3", "*.log"))
    for name in ("conftest.py", "pytest.ini", "nbval_sanitize.cfg", "requirements.txt"):
        shutil.copy(ROOT / name, folder / name)
    (folder / "notebooks").mkdir()
    for name, cells in LESSONS.items():
        notebook = new_notebook(cells=[
            new_code_cell(cell.replace("{number}", name[:2])) if isinstance(cell, str)
            else new_code_cell(cell[0], metadata={"tags": cell[1]})
            for cell in cells
        ])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, folder / "notebooks" / f"{name}.ipynb")
    return folder


def test_the_safety_nets_catch_what_they_are_for(tmp_path):
    copy = course(tmp_path / "course")
    workspace = tmp_path / "workspace"
    env = {**os.environ, "PYTHONPATH": str(copy), "WORKSHOP_WORKSPACE": str(workspace)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:xdist", "--nbval-lax", "notebooks"],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=180)
    report = done.stdout
    assert "PASSED notebooks/01_tagged.ipynb::leaves the next notebook's start" in report, report[-3000:]
    assert "FAILED notebooks/02_untagged_and_failing.ipynb::leaves the next notebook's start" in report, report[-3000:]
    assert "FAILED notebooks/02_untagged_and_failing.ipynb::Cell 3" in report, report[-3000:]
    # The kernel was killed with the server running: the death signal stopped it, not the last-resort sweep.
    assert "Processes left running" not in report
    deadline = time.monotonic() + 5
    while owned_processes(workspace) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = owned_processes(workspace)
    stop_owned(workspace)
    assert left == [], f"left running: {[p.cmdline() for p in left]}"
