"""Committed notebooks stay strict: executed, with counts, no errors, no stray stderr, and in lesson shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))
#: A cell that means to show output on stderr carries this tag.
STDERR_TAG = "stderr-expected"


def code_cells(path: Path) -> list[dict]:
    """The code cells of a notebook."""
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def ids(paths: list[Path]) -> list[str]:
    """Readable test ids: folder/name."""
    return [f"{p.parent.name}/{p.name}" for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_every_code_cell_was_executed_and_stored(path):
    """A cell without an execution count would be skipped by nbval's comparison without a word."""
    missing = [i for i, c in enumerate(code_cells(path)) if c.get("execution_count") is None]
    assert not missing, f"code cells {missing} have no execution count: run scripts/run_notebooks.py --save {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_stored_errors_or_unexpected_stderr(path):
    for index, cell in enumerate(code_cells(path)):
        kinds = {o["output_type"] for o in cell["outputs"]}
        assert "error" not in kinds, f"code cell {index} stored an error"
        stderr = [o for o in cell["outputs"] if o.get("name") == "stderr"]
        expected = STDERR_TAG in cell.get("metadata", {}).get("tags", [])
        assert expected or not stderr, f"code cell {index} wrote to stderr: {''.join(stderr[0]['text'])[:200]}"


LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lessons_have_the_lesson_shape(path):
    text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")
    for heading in ("**Time:**", "**Questions**", "**Objectives**", "## Key points", "## Instructor notes"):
        assert heading in text, f"{path.name} lacks {heading}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebooks_run_on_the_standard_kernel(path):
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"
