"""Generate exercises/NN_*.ipynb from solutions/NN_*.ipynb, then execute them and store their outputs.

    python scripts/make_exercises.py            # every solution
    python scripts/make_exercises.py 02 03      # only these

The solutions are the one source. In a solution notebook:
- a code cell's lines from `### BEGIN SOLUTION` to `### END SOLUTION` are the answer: the
  exercise has the line `# Your answer here.` in their place (comments above the region, kept
  in both, tell the learner what to do);
- a cell tagged `solution` is left out of the exercise;
- `start("solution NN")` becomes `start("exercise NN")`, and the `change` tags are dropped (an
  exercise changes nothing for the lessons after it: the learner does).
The exercise is then run as a learner who has not answered yet, so its check cell stores hints.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = "# Your answer here."
#: Tags that only mean something in the solution.
SOLUTION_TAGS = {"change", "solution"}


def blank_regions(source: str) -> str:
    """The source with each solution region replaced by the placeholder, at the region's indentation."""
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            if inside:
                raise ValueError(f"{BEGIN} inside another region:\n{source}")
            inside = True
            lines.append(line[: len(line) - len(line.lstrip())] + PLACEHOLDER)
        elif line.strip() == END:
            if not inside:
                raise ValueError(f"{END} without {BEGIN}:\n{source}")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}:\n{source}")
    return "\n".join(lines)


def make_exercise(solution: nbformat.NotebookNode, number: str) -> nbformat.NotebookNode:
    """The exercise notebook made from a solution notebook, not yet executed."""
    exercise = nbformat.v4.new_notebook(metadata=solution.metadata)
    exercise.nbformat_minor = solution.nbformat_minor
    for cell in solution.cells:
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            continue
        if cell.cell_type == "code":
            source = blank_regions(cell.source).replace(f'start("solution {number}")', f'start("exercise {number}")')
            new = nbformat.v4.new_code_cell(source)
        else:
            if BEGIN in cell.source:
                raise ValueError(f"solution regions belong in code cells; tag markdown cells `solution`:\n{cell.source}")
            new = nbformat.v4.new_markdown_cell(cell.source)
        new.id = cell.id
        kept = [tag for tag in tags if tag not in SOLUTION_TAGS]
        if kept:
            new.metadata["tags"] = kept
        exercise.cells.append(new)
    return exercise


def solutions(numbers: list[str]) -> list[Path]:
    """The solution notebooks with these numbers, or all of them."""
    found = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    return [path for path in found if not numbers or path.name[:2] in numbers]


def main() -> int:
    """Write every exercise from its solution, then execute them all and store their outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("numbers", nargs="*", help="two-digit exercise numbers; all when none is given")
    args = parser.parse_args()
    written = []
    for path in solutions(args.numbers):
        if not re.fullmatch(r"\d\d_\w+\.ipynb", path.name):
            raise SystemExit(f"unexpected solution name: {path.name}")
        exercise = make_exercise(nbformat.read(path, as_version=4), path.name[:2])
        target = ROOT / "exercises" / path.name
        nbformat.write(exercise, target)
        written.append(target)
        print(f"wrote {target.relative_to(ROOT)}")
    if written:
        runner = [sys.executable, str(ROOT / "scripts" / "run_notebooks.py"), "--save", *map(str, written)]
        return subprocess.run(runner, cwd=ROOT).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
