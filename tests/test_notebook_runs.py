"""Every notebook runs twice in a row in one kernel, and leaves exactly the state the next one starts from.

This is what keeps the quick path (`start()` and `python -m workshop checkpoint`, which replay the
change cells) and the learner's path (running the notebooks) from drifting apart.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workshop.checkpoints import FOLDERS, source_files, state_before

KIND_OF_FOLDER = {folder.name: kind for kind, folder in FOLDERS.items()}


def run_twice(path: Path) -> None:
    """Execute every cell of a notebook, then all of them again, in one kernel, as a learner re-running it."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for _ in range(2):
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)


def expected_after(kind: str, number: str, dest: Path) -> Path | None:
    """The state the next notebook starts from, written to dest; None for an exercise (left to the learner)."""
    if kind == "lesson":
        return state_before(number, "solution", dest).path
    if kind == "solution":
        return state_before(f"{int(number) + 1:02d}", "lesson", dest).path
    return None


class NotebookRun:
    """Run one notebook twice and compare its working copy with the next notebook's checkpoint."""

    path: Path

    def test_runs_twice_and_leaves_the_next_notebooks_start(self, tmp_path, monkeypatch):
        monkeypatch.setenv("WORKSHOP_WORKSPACE", str(tmp_path / "workspace"))
        run_twice(self.path)
        kind, number = KIND_OF_FOLDER[self.path.parent.name], self.path.name[:2]
        working_copy = tmp_path / "workspace" / f"{kind}-{number}"
        if not working_copy.exists():
            code = [c.source for c in nbformat.read(self.path, as_version=4).cells if c.cell_type == "code"]
            assert not any("start(" in source for source in code), "the notebook starts a working copy it did not leave"
            return
        expected = expected_after(kind, number, tmp_path / "expected")
        if expected is not None:
            after, wanted = source_files(working_copy), source_files(expected)
            assert sorted(after) == sorted(wanted), "the notebook leaves other files than the checkpoint has"
            changed = [name for name in after if after[name] != wanted[name]]
            assert not changed, f"these files differ from the checkpoint: {changed}"


# One test class per notebook: with `--dist loadscope`, pytest-xdist sends each class to one
# worker, so the notebooks run in parallel while each nbval notebook stays whole on its worker.
for _path in sorted(p for folder in FOLDERS.values() for p in folder.glob("[0-9][0-9]_*.ipynb")):
    _name = f"Test_{_path.parent.name}_{_path.stem}"
    globals()[_name] = type(_name, (NotebookRun,), {"path": _path})
