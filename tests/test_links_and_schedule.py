"""Every link in the notebooks and the README leads somewhere, and the README's schedule matches the lessons."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md")),
             *sorted(p for folder in ("notebooks", "exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb"))]
#: A Markdown link or image: [text](target) or ![alt](target).
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")

_spec = importlib.util.spec_from_file_location("schedule", ROOT / "scripts" / "schedule.py")
schedule = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(schedule)


def markdown_of(path: Path) -> str:
    """The Markdown text of a document: a .md file, or a notebook's Markdown cells."""
    if path.suffix == ".md":
        return path.read_text()
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS])
def test_every_local_link_leads_to_a_file_of_the_workshop(path):
    broken = []
    for target in LINK.findall(markdown_of(path)):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor on the same page
        if not (path.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)} links to missing files: {broken}"


def test_every_lesson_links_on_to_the_next():
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for lesson, after in zip(lessons, lessons[1:]):
        assert f"]({after.name})" in markdown_of(lesson), f"{lesson.name} does not link to {after.name}"


def test_each_exercise_and_solution_links_back_to_its_lesson():
    for path in sorted(p for folder in ("exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb")):
        [lesson] = (ROOT / "notebooks").glob(f"{path.name[:2]}_*.ipynb")
        assert f"](../notebooks/{lesson.name})" in markdown_of(path), f"{path.relative_to(ROOT)} does not link to its lesson"


def test_the_readme_schedule_is_made_from_the_lessons_times():
    readme = (ROOT / "README.md").read_text()
    assert schedule.with_table(readme) == readme, "run: python scripts/schedule.py --write"
