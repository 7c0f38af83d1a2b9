"""Exercises are made from their solutions, and each check cell gives its hint for each mistake a learner makes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from workshop.checkpoints import state_before
from workshop.exercises import check_02, check_03
from workshop.project import Project

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
_spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "scripts" / "make_exercises.py")
make_exercises = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_exercises)


def cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, str, list[str]]]:
    """What must match between a generated and a committed exercise: each cell's id, type, source and tags."""
    return [(c.id, c.cell_type, c.source, c.metadata.get("tags", [])) for c in notebook.cells]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_the_committed_exercise_is_made_from_its_solution(solution):
    exercise = ROOT / "exercises" / solution.name
    assert exercise.exists(), f"run: python scripts/make_exercises.py {solution.name[:2]}"
    made = make_exercises.make_exercise(nbformat.read(solution, as_version=4), solution.name[:2])
    assert cells(nbformat.read(exercise, as_version=4)) == cells(made), (
        f"exercises/{solution.name} is out of date: run python scripts/make_exercises.py {solution.name[:2]}"
    )


def test_regions_are_blanked_and_solution_cells_dropped():
    solution = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('project = start("solution 07")'),
        nbformat.v4.new_code_cell("# Do it.\nif True:\n    ### BEGIN SOLUTION\n    answer()\n    ### END SOLUTION\nshow()"),
        nbformat.v4.new_markdown_cell("Why it works", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("check_07(project)", metadata={"tags": ["change", "stderr-expected"]}),
    ])
    exercise = make_exercises.make_exercise(solution, "07")
    assert [c.source for c in exercise.cells] == [
        'project = start("exercise 07")',
        "# Do it.\nif True:\n    # Your answer here.\nshow()",
        "check_07(project)",
    ]
    assert exercise.cells[2].metadata["tags"] == ["stderr-expected"]
    with pytest.raises(ValueError, match="without"):
        make_exercises.blank_regions("### BEGIN SOLUTION\nanswer()")


def stored_check_output(path: Path, check: str) -> str:
    """The output stored under the exercise's check cell."""
    [cell] = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code" and f"{check}(project)" in c.source]
    return "".join(o.get("text", "") for o in cell.outputs)


def hints(check, project: Project, capsys) -> list[str]:
    """The lines the check printed after naming the working copy."""
    check(project)
    return capsys.readouterr().out.splitlines()[1:]


@pytest.mark.parametrize(("number", "check"), [("02", check_02), ("03", check_03)])
def test_an_unanswered_exercise_stores_the_hints_the_check_gives(number, check, tmp_path, capsys):
    [exercise] = (ROOT / "exercises").glob(f"{number}_*.ipynb")
    unanswered = state_before(number, "exercise", tmp_path / "copy")
    fresh = hints(check, unanswered, capsys)
    assert fresh[-1].endswith("to fix. Change your files, then run this cell again.")
    assert stored_check_output(exercise, check.__name__).splitlines()[1:] == fresh


@pytest.mark.parametrize(("number", "check"), [("02", check_02), ("03", check_03)])
def test_the_solution_passes_its_check(number, check, tmp_path, capsys):
    answered = state_before(f"{int(number) + 1:02d}", "lesson", tmp_path / "copy")
    [line] = hints(check, answered, capsys)
    assert line.startswith("✔ ") and line.endswith("Well done!")


def edit(project: Project, name: str, old: str, new: str) -> None:
    """Change a file of the working copy as a learner would, by hand."""
    text = project.read(name)
    assert old in text, f"{name} has no {old!r}"
    project.file(name).write_text(text.replace(old, new))


@pytest.fixture
def answered_02(tmp_path) -> Project:
    """Exercise 02 answered as the solution does."""
    return state_before("03", "lesson", tmp_path / "copy")


@pytest.fixture
def answered_03(tmp_path) -> Project:
    """Exercise 03 answered as the solution does."""
    return state_before("04", "lesson", tmp_path / "copy")


def test_02_unanswered_says_both_secrets_are_still_typed_in(tmp_path, capsys):
    found = hints(check_02, state_before("02", "exercise", tmp_path / "copy"), capsys)
    assert found[0].startswith("✘ PAYMENT_API_KEY is still typed into shop/settings.py (line ")
    assert found[1].startswith("✘ EMAIL_HOST_PASSWORD is still typed into shop/settings.py (line ")
    assert len(found) == 3


MISTAKES_02 = {
    "a default left in": (
        'PAYMENT_API_KEY = require("PAYMENT_API_KEY")',
        'import os\nPAYMENT_API_KEY = os.environ.get("PAYMENT_API_KEY", "pay_test_sandbox")',
        "✘ Without PAYMENT_API_KEY the settings still load: a default is left in.",
    ),
    "a bare KeyError": (
        'EMAIL_HOST_PASSWORD = require("EMAIL_HOST_PASSWORD")',
        'import os\nEMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]',
        "✘ Without EMAIL_HOST_PASSWORD the app stops with `KeyError: 'EMAIL_HOST_PASSWORD'`",
    ),
    "an empty value accepted": (
        'EMAIL_HOST_PASSWORD = require("EMAIL_HOST_PASSWORD")',
        'import os\nEMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") if os.environ.get("EMAIL_HOST_PASSWORD") == "" '
        'else require("EMAIL_HOST_PASSWORD")',
        "✘ An empty EMAIL_HOST_PASSWORD is accepted.",
    ),
    "the wrong variable": (
        'PAYMENT_API_KEY = require("PAYMENT_API_KEY")',
        'PAYMENT_API_KEY = require("EMAIL_HOST_PASSWORD")',
        "✘ PAYMENT_API_KEY does not take its value from the environment variable PAYMENT_API_KEY",
    ),
    "the setting deleted": (
        'PAYMENT_API_KEY = require("PAYMENT_API_KEY")',
        "",
        "✘ shop/settings.py no longer sets PAYMENT_API_KEY, and the shop uses it.",
    ),
    "a typo in the settings": (
        'PAYMENT_API_KEY = require("PAYMENT_API_KEY")',
        'PAYMENT_API_KEY = require("PAYMENT_API_KEY"',
        "✘ The settings do not load even with every variable set: `SyntaxError:",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES_02)
def test_02_gives_a_hint_for_each_mistake(mistake, answered_02, capsys):
    old, new, hint = MISTAKES_02[mistake]
    edit(answered_02, "shop/settings.py", old, new)
    found = hints(check_02, answered_02, capsys)
    assert [line for line in found if line.startswith(hint)], found
    assert found[-1].endswith("to fix. Change your files, then run this cell again.")
    assert "Traceback" not in "\n".join(found)


def test_02_says_when_the_app_does_not_start_though_the_settings_load(answered_02, capsys):
    edit(answered_02, "store/payments.py", "from django.conf import settings", "from django.conf import setting")
    found = hints(check_02, answered_02, capsys)
    assert found[0].startswith("✘ The app does not start even with every variable set: `ImportError: cannot import name 'setting'")
    assert len(found) == 2


def test_03_unanswered_names_the_setting_env_and_env_example(tmp_path, capsys):
    found = hints(check_03, state_before("03", "exercise", tmp_path / "copy"), capsys)
    assert found[0].startswith("✘ ORDER_REPORT_RECIPIENTS is still typed into shop/settings.py (line ")
    assert found[1].startswith("✘ ORDER_REPORT_RECIPIENTS is missing from .env:")
    assert found[2].startswith("✘ ORDER_REPORT_RECIPIENTS is missing from .env.example:")
    assert len(found) == 4


SETTING = 'ORDER_REPORT_RECIPIENTS = list_of("ORDER_REPORT_RECIPIENTS")'
ENV_LINE = "ORDER_REPORT_RECIPIENTS=dev@beancounter.example\n"
MISTAKES_03 = {
    "a string, not a list": (
        "shop/settings.py", SETTING, 'ORDER_REPORT_RECIPIENTS = require("ORDER_REPORT_RECIPIENTS")',
        "✘ ORDER_REPORT_RECIPIENTS is one string, not a list of addresses.",
    ),
    "a default left in": (
        "shop/settings.py", SETTING,
        'import os\nORDER_REPORT_RECIPIENTS = os.environ.get("ORDER_REPORT_RECIPIENTS", "dev@beancounter.example").split(",")',
        "✘ Without ORDER_REPORT_RECIPIENTS the settings still load: a default is left in.",
    ),
    "missing from .env": (
        ".env", ENV_LINE, "",
        "✘ ORDER_REPORT_RECIPIENTS is missing from .env:",
    ),
    "missing from .env.example": (
        ".env.example", "ORDER_REPORT_RECIPIENTS=owner@beancounter.example\n", "",
        "✘ ORDER_REPORT_RECIPIENTS is missing from .env.example:",
    ),
    "an export in .env": (
        ".env", ENV_LINE, "export " + ENV_LINE,
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) is read differently by honcho and python-dotenv.",
    ),
    "a blank inside a value in .env": (
        ".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS=dev@beancounter.example, owner@beancounter.example\n",
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) is read differently by honcho and python-dotenv.",
    ),
    "an unclosed quote in .env": (
        ".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS='dev@beancounter.example\n",
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) is read differently by honcho and python-dotenv.",
    ),
    "a .env the app refuses": (
        ".env", "DEBUG=true", "DEBUG=maybe",
        "✘ `honcho run python manage.py shell` fails: `ImproperlyConfigured: DEBUG is not a boolean;",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES_03)
def test_03_gives_a_hint_for_each_mistake(mistake, answered_03, capsys):
    name, old, new, hint = MISTAKES_03[mistake]
    edit(answered_03, name, old, new)
    found = hints(check_03, answered_03, capsys)
    assert [line for line in found if line.startswith(hint)], found
    assert found[-1].endswith("to fix. Change your files, then run this cell again.")
    assert not re.search(r"Traceback|django-insecure|pay_test_dev", "\n".join(found))
