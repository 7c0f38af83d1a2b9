"""The suite's own safety nets really catch what they are for, in one run of a tiny copy of the workshop:

- a change made in a cell tagged `change` is in the next checkpoint, and the check after the
  notebook passes; a change made outside the change cells makes that check fail;
- a notebook that fails, leaving a server it started without `with`, leaves nothing running once
  nbval has killed its kernel; what escaped the kernel's death (a process in a session of its
  own) is found and stopped at the end of the run, which then fails, wherever the workspace is;
- stored outputs show `workspace/`, wherever the workspace really is;
- --report-checks ends the run with its cost in checks: each file's, and each lesson's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from workshop.processes import owned_processes, stop_owned

ROOT = Path(__file__).resolve().parents[1]
START = 'from workshop import start\nproject = start("lesson {number}")'
STARTED = ("Working copy: workspace/lesson-01/\nIt holds the project as it stands at the start of lesson 01.\n"
           "Open it in the file browser on the left. Re-run this cell to start again from here.\n")
ESCAPES = ("python -c \"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
           "'import time; time.sleep(60)  # escapes in a session of its own'], start_new_session=True); time.sleep(60)\"")
LESSONS = {
    "01_tagged": [(START, ["nbval-check-output"], STARTED), ('project.write("NOTES.md", "a change\\n")', ["change"], None)],
    "02_untagged_and_failing": [
        START,
        'project.write("OTHER.md", "a change outside the change cells\\n")',
        f"from workshop.processes import Background\nserver = Background({ESCAPES!r}, project.path)\n"
        "server.start()  # no `with`: only the kernel's death can stop it",
        "raise RuntimeError('this cell fails on purpose')",
    ],
}


def cell(spec: str | tuple[str, list[str], str | None], number: str) -> nbformat.NotebookNode:
    """A code cell from its source, or from (source, tags, stored output)."""
    source, tags, stored = (spec, [], None) if isinstance(spec, str) else spec
    made = new_code_cell(source.replace("{number}", number), metadata={"tags": tags} if tags else {})
    if stored is not None:
        made.execution_count = 1
        made.outputs = [new_output("stream", name="stdout", text=stored)]
    return made


def course(folder: Path) -> Path:
    """A copy of the workshop whose only notebooks are the two lessons above."""
    for name in ("workshop", "sample_project"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3", "*.log"))
    for name in ("conftest.py", "pytest.ini", "nbval_sanitize.cfg", "requirements.txt"):
        shutil.copy(ROOT / name, folder / name)
    (folder / "notebooks").mkdir()
    for name, cells in LESSONS.items():
        notebook = new_notebook(cells=[cell(spec, name[:2]) for spec in cells])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, folder / "notebooks" / f"{name}.ipynb")
    return folder


def test_the_safety_nets_catch_what_they_are_for(tmp_path):
    copy = course(tmp_path / "course")
    elsewhere = tmp_path / "not-named-workspace"  # set by the user: the run must not depend on the name
    env = {**os.environ, "PYTHONPATH": str(copy), "WORKSHOP_WORKSPACE": str(elsewhere)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:xdist", "--nbval-lax", "--report-checks",
                           "notebooks"],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=180)
    report = done.stdout
    assert "PASSED notebooks/01_tagged.ipynb::Cell 0" in report, report[-3000:]
    assert "PASSED notebooks/01_tagged.ipynb::leaves the next notebook's start" in report, report[-3000:]
    assert "FAILED notebooks/02_untagged_and_failing.ipynb::leaves the next notebook's start" in report, report[-3000:]
    assert "FAILED notebooks/02_untagged_and_failing.ipynb::Cell 3" in report, report[-3000:]
    # The kernel was killed with the command running. On Linux the death signal stopped the command
    # itself; elsewhere (macOS has no death signal) the sweep at the end catches it too. The process
    # that escaped into a session of its own was caught by the sweep everywhere.
    [leftovers] = [line for line in report.splitlines() if line.startswith("Processes left running")]
    assert "escapes in a session of its own" in leftovers
    assert ("Popen" not in leftovers) is sys.platform.startswith("linux")
    assert done.returncode != 0
    # --report-checks: the run's cost in checks, each file's, and each lesson's.
    costs = report[report.index("Cost in checks."):]
    for name in ("notebooks/01_tagged.ipynb", "notebooks/02_untagged_and_failing.ipynb", "wall time of the run"):
        assert name in costs, costs
    assert re.search(r"(?m)^  lesson 01 +\d+\.\d checks", costs) and re.search(r"(?m)^  lesson 02 +\d+\.\d checks", costs), costs
    deadline = time.monotonic() + 5
    while owned_processes(elsewhere) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = owned_processes(elsewhere)
    stop_owned(elsewhere)
    assert left == [], f"left running: {[p.cmdline() for p in left]}"
