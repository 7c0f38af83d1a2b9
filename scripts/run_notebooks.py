"""Execute notebooks, time each one and its slowest cell against the targets, and optionally save them.

    python scripts/run_notebooks.py                       # benchmark every lesson, solution, exercise
    python scripts/run_notebooks.py --save notebooks/02_config.ipynb   # re-record its outputs

Targets: no cell over 5 s, no notebook over 20 s at a good hour, when one *check* (a bare
`manage.py check`) takes 0.25 s: 20 and 80 checks. The reference is measured before and after the
run, and every time is given in checks too, so that runs on different machines and hours compare.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workshop import reference  # noqa: E402  (the checkout's own package, also without an install)

CELL_TARGET, NOTEBOOK_TARGET = 5.0 / reference.GOOD_HOUR, 20.0 / reference.GOOD_HOUR  # in checks


def all_notebooks() -> list[Path]:
    """Every notebook of the workshop, lessons first."""
    return [p for folder in ("notebooks", "solutions", "exercises") for p in sorted((ROOT / folder).glob("*.ipynb"))]


def as_the_learner_sees_it(notebook: nbformat.NotebookNode, folder: Path) -> None:
    """Write the recording's temporary workspace as `workspace/`, where a learner's working copies are."""
    def clean(value: object) -> object:
        if isinstance(value, str):
            return value.replace(f"{folder}/", "workspace/")
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(clean(output)) for output in cell.outputs]


def run_cells(notebook: nbformat.NotebookNode, folder: Path) -> Iterator[tuple[int, float]]:
    """Execute a notebook's cells in order, in a fresh kernel started in folder; yield each cell's index and seconds."""
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(folder)}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            started = time.perf_counter()
            client.execute_cell(cell, index)
            yield index, time.perf_counter() - started


def execute(path: Path, save: bool) -> tuple[float, float, int]:
    """Run a notebook in a fresh kernel in its own folder; return its time, its slowest cell's time and index."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    times = [seconds for _, seconds in run_cells(notebook, path.parent)]
    total = time.perf_counter() - started
    if save:
        as_the_learner_sees_it(notebook, Path(os.environ["WORKSHOP_WORKSPACE"]))
        nbformat.write(notebook, path)
    slowest = max(range(len(times)), key=times.__getitem__)
    return total, times[slowest], slowest


def main() -> int:
    """Benchmark (and with --save re-record) the notebooks given, or all of them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--save", action="store_true", help="write the fresh outputs into the notebooks")
    args = parser.parse_args()
    # Always a new workspace: the learner's own working copies are left alone, and a recording
    # starts from the same state everywhere.
    folder = Path(tempfile.mkdtemp(prefix="workshop-notebooks-"))
    folder.chmod(0o755)  # as root, lesson 04's PostgreSQL runs as `nobody`, who must enter it
    os.environ["WORKSHOP_WORKSPACE"] = str(folder / "workspace")
    over = 0
    before = reference.measure()
    results = []
    try:
        for path in [p.resolve() for p in args.notebooks] or all_notebooks():
            results.append((path, *execute(path, args.save)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    after = reference.measure()
    check = (before + after) / 2
    print(reference.describe(before, after))
    print(f"{'notebook':45} {'total':>22} {'slowest cell':>24}")
    for path, total, slowest, index in results:
        late = total / check > NOTEBOOK_TARGET or slowest / check > CELL_TARGET
        over += late
        name = str(path.relative_to(ROOT))
        took, worst = reference.in_checks(total, check), reference.in_checks(slowest, check)
        print(f"{name:45} {took:>22} {worst:>18} (#{index:>2}){'  OVER TARGET' if late else ''}")
    print(f"Targets: cell {CELL_TARGET:.0f} checks, notebook {NOTEBOOK_TARGET:.0f} checks; {over} notebook(s) over.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
