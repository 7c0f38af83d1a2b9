"""The instructors' guide and the learners' summary say what the notebooks say, and the stated times are the model's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import guide  # noqa: E402  (scripts/guide.py)

LESSONS = guide.lessons()
FIX = "run: .venv/bin/python scripts/guide.py --write"


@pytest.mark.parametrize("path", [guide.GUIDE, guide.SUMMARY], ids=["instructors.md", "summary.md"])
def test_the_generated_blocks_say_what_the_notebooks_say(path):
    assert guide.rewritten(path, LESSONS) == path.read_text(), f"{path.relative_to(ROOT)} is stale: {FIX}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.path.name for lesson in LESSONS])
def test_each_stated_time_is_the_models(lesson):
    wrong = []
    for stated, counts, what in (
        (lesson.teaching, lesson.counts, "teaching"),
        (lesson.exercise, lesson.exercise_counts, "exercise"),
    ):
        if counts is None:
            assert stated == 0, f"{lesson.path.name} states {stated} minutes of exercise, and has none"
        elif guide.off(stated, counts.minutes()):
            wrong.append(f"{stated} minutes {what}, where the model says {counts.minutes():.0f}")
    assert not wrong, (
        f"{lesson.path.name} states {' and '.join(wrong)}: set its **Time:** line (and its exercise's) to the model's "
        "minutes, rounded to 5, then run .venv/bin/python scripts/schedule.py --write and scripts/guide.py --write"
    )


@pytest.mark.parametrize(
    "lesson",
    [lesson for lesson in LESSONS if lesson.exercise_path],
    ids=[lesson.path.name for lesson in LESSONS if lesson.exercise_path],
)
def test_each_exercise_states_the_time_its_lesson_gives_it(lesson):
    for folder in ("exercises", "solutions"):
        path = ROOT / folder / lesson.exercise_path.name
        assert guide.exercise_time(path) == lesson.exercise, (
            f"{folder}/{path.name} states {guide.exercise_time(path)} minutes, its lesson {lesson.exercise}: "
            "edit the solution's **Time:** line, then scripts/make_exercises.py " + lesson.number
        )


def test_the_counts_see_what_a_notebook_asks(tmp_path):
    cells = [
        {"cell_type": "markdown", "source": ["# 09 · A lesson\n", "\n", "Two words.\n"]},
        {"cell_type": "markdown", "source": ["### Your turn: predict\n", "✎ Change one file.\n", "Not ✎ here."]},
        {
            "cell_type": "code",
            "source": ['project.run("git status")\n', "\n", "x = 1"],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["three words here\n"]}],
        },
        {
            "cell_type": "code",
            "source": ["Scoreboard(x)"],
            "outputs": [{"output_type": "display_data", "data": {"text/html": ["<p>board</p>"]}}],
        },
        {"cell_type": "markdown", "source": ["## Instructor notes\n", "Many words the learner does not read."]},
    ]
    notebook = tmp_path / "09_a_lesson.ipynb"
    notebook.write_text(json.dumps({"cells": cells}))
    counts = guide.count(notebook)
    assert counts == guide.Counts(
        words=13,
        edits=1,
        predictions=1,
        commands=1,
        cells=2,
        code_lines=3,
        output_words=3,
        scoreboards=1,
        answer_lines=0,
    )
    assert counts.minutes() == pytest.approx(
        (
            13 / guide.READING
            + 3 / guide.SKIMMING
            + 3 * guide.CODE_LINE
            + 2 * guide.CELL
            + guide.EDIT
            + guide.PREDICTION
            + guide.SCOREBOARD
        )
        * guide.ROOM
        + guide.OPENING
    )


def test_an_exercise_counts_the_lines_its_answers_write_not_those_they_keep(tmp_path):
    answer = (
        "# Comments above the answer are the exercise's.\n"
        "### BEGIN SOLUTION\n"
        'project.replace("a.py", "keep\\nold\\n", "keep\\nnew\\nnewer\\n")\n'
        'project.append("a.py", "one\\n\\ntwo\\n")\n'
        'project.run("honcho run python manage.py check")\n'
        "### END SOLUTION\n"
    )
    solution = tmp_path / "solution.ipynb"
    solution.write_text(json.dumps({"cells": [{"cell_type": "code", "source": [answer], "outputs": []}]}))
    assert guide.answer_lines(solution) == 2 + 2 + 1


def test_the_schedules_hold_every_lesson_and_exercise_once_with_breaks():
    text = guide.schedules(LESSONS)
    for lesson in LESSONS:
        link = f"](../{lesson.path.relative_to(ROOT)})"
        assert text.count(link) == 2, f"{lesson.path.name} is not once in each schedule"
        if lesson.exercise_path:
            assert text.count(f"](../{lesson.exercise_path.relative_to(ROOT)})") == 2
    longest = max(guide.LONGEST, *(m for _, m in guide.blocks(LESSONS)))
    for ends, lunch in ((guide.DAY_ENDS, True), (guide.HALF_DAY_ENDS, False)):
        packed = guide.days(guide.blocks(LESSONS), ends, lunch)
        whats = [what for rows in packed for _, what, _ in rows]
        assert sum(what.startswith("Feedback") for what in whats) == 1 and whats[-2].startswith("Feedback")
        for rows in packed:
            assert rows[-1][0] <= ends or len(rows) <= 3, "a day ends too late"  # unless one block is longer than it
            assert [what for _, what, _ in rows].count("Lunch") <= 1
            worked = 0
            for _, what, minutes in rows:
                worked = 0 if what in ("Break", "Lunch") else worked + minutes
                assert worked <= longest, "too long without a break"
