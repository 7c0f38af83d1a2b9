"""Exercises are made from their solutions, and each check cell gives its hint for each mistake a learner makes.

Every answer below is a learner's, in a real working copy: the right ones must get "Well done!", each wrong
one the hint that names its mistake. There are more wrong answers than right ones.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from workshop.checkpoints import state_before
from workshop.exercises import check_02, check_03
from workshop.exercises.checks import WIDTH
from workshop.project import Project, display_path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
_spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "scripts" / "make_exercises.py")
make_exercises = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_exercises)
SUMMARY = "to fix. Change your files, then run this cell again."


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
    solution = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('project = start("solution 07")'),
            nbformat.v4.new_code_cell(
                "# Do it.\nif True:\n    ### BEGIN SOLUTION\n    answer()\n    ### END SOLUTION\nshow()"
            ),
            nbformat.v4.new_markdown_cell("Why it works", metadata={"tags": ["solution"]}),
            nbformat.v4.new_code_cell("check_07(project)", metadata={"tags": ["change", "stderr-expected"]}),
        ]
    )
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
    [cell] = [
        c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code" and f"{check}(project)" in c.source
    ]
    return "".join(o.get("text", "") for o in cell.outputs)


def printed(check, project: Project, capsys) -> list[str]:
    """The lines the check printed after naming the working copy, each short enough not to wrap in JupyterLab
    (the copy's own name is short in a learner's workspace: workspace/exercise-02/)."""
    check(project)
    header, *lines = capsys.readouterr().out.splitlines()
    assert header == f"Checking your working copy: {display_path(project.path)}/"
    too_wide = [line for line in lines if len(line) > WIDTH]
    assert not too_wide, f"JupyterLab would wrap these lines anywhere, even mid-word: {too_wide}"
    return lines


def hints(check, project: Project, capsys) -> list[str]:
    """What the check said, one item per ✘ hint, ✔ message or summary, its lines joined again."""
    found: list[str] = []
    for line in printed(check, project, capsys):
        if line.startswith("  ") and found:
            found[-1] += " " + line.strip()
        else:
            found.append(line)
    return found


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Project]:
    """One working copy of each exercise, unanswered and answered as the solution does, made once: the tests
    that only read them share them; the others change a copy of their own."""
    folder = tmp_path_factory.mktemp("exercises")
    return {
        "02 unanswered": state_before("02", "exercise", folder / "02-unanswered"),
        "02 answered": state_before("03", "lesson", folder / "02-answered"),
        "03 unanswered": state_before("03", "exercise", folder / "03-unanswered"),
        "03 answered": state_before("04", "lesson", folder / "03-answered"),
    }


def answered(copies: dict[str, Project], number: str, dest: Path) -> Project:
    """A copy of the working copy with exercise `number` answered as the solution does, for a learner to change."""
    shutil.copytree(copies[f"{number} answered"].path, dest)
    return Project(dest)


def edit(project: Project, name: str, old: str, new: str) -> None:
    """Change a file of the working copy as a learner would, by hand."""
    text = project.read(name)
    assert old in text, f"{name} has no {old!r}"
    project.file(name).write_text(text.replace(old, new, 1))


def learner(copies, number: str, dest: Path, changes: list[tuple[str, str, str]]) -> Project:
    """The answered exercise, changed by a learner as changes say: (file, old text, new text) each."""
    project = answered(copies, number, dest)
    for name, old, new in changes:
        if old is None:
            project.file(name).write_text(new)
        else:
            edit(project, name, old, new)
    return project


def assert_well_done(found: list[str]) -> None:
    [line] = found
    assert line.startswith("✔ ") and line.endswith("Well done!"), found


def assert_hint(found: list[str], hint: str) -> None:
    """The check named this mistake, told the learner to fix it, and showed no traceback nor secret."""
    assert [line for line in found if line.startswith(hint)], found
    assert found[-1].endswith(SUMMARY), found
    assert not re.search(r"Traceback|django-insecure|pay_test_dev|pay_test_y2jz|7GN98jJNWP3T3aUr5GZt", "\n".join(found))


# An unanswered exercise's hints and a solution's "Well done!" are the stored outputs of their check
# cells, which nbval compares with a fresh run of every exercise and solution notebook: the solution's
# own answer is proven there, on the working copy its cells leave, and needs no test of its own here.
IGNORED_OUTPUT = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "nbval-ignore-output", "nbval-skip")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_each_solution_stores_well_done_where_nbval_compares_it(solution):
    number = solution.name[:2]
    [cell] = [
        c for c in nbformat.read(solution, as_version=4).cells
        if c.cell_type == "code" and f"check_{number}(project)" in c.source
    ]
    markers = [m for m in IGNORED_OUTPUT if m in cell.source or m in cell.metadata.get("tags", [])]
    assert cell.execution_count is not None and not markers, f"nbval would not compare the check's output: {markers}"
    lines = stored_check_output(solution, f"check_{number}").splitlines()
    assert lines[0] == f"Checking your working copy: workspace/solution-{number}/", lines
    assert lines[1].startswith("✔ ") and lines[-1].endswith("Well done!"), lines


# ---- Exercise 02 ---------------------------------------------------------------------------------------------


def test_02_unanswered_says_both_secrets_are_still_typed_in_without_giving_the_answer(copies, capsys):
    found = hints(check_02, copies["02 unanswered"], capsys)
    assert found[0].startswith("✘ PAYMENT_API_KEY is still typed into shop/settings.py (line ")
    assert found[1].startswith("✘ EMAIL_HOST_PASSWORD is still typed into shop/settings.py (line ")
    assert len(found) == 3
    assert "require(" not in "\n".join(found)


PAYMENT = 'PAYMENT_API_KEY = require("PAYMENT_API_KEY")'
PASSWORD = 'EMAIL_HOST_PASSWORD = require("EMAIL_HOST_PASSWORD")'
RIGHT_02 = {
    "a stricter minimum length": [
        ("shop/settings.py", PAYMENT, 'PAYMENT_API_KEY = require("PAYMENT_API_KEY", min_length=32)')
    ],
    "code of the learner's own, as strict": [
        (
            "shop/settings.py",
            PAYMENT,
            """\
import os
from django.core.exceptions import ImproperlyConfigured


def secret(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set, and not empty.")
    return value


PAYMENT_API_KEY = secret("PAYMENT_API_KEY")""",
        )
    ],
    "a comment, without the old value": [
        ("shop/settings.py", PAYMENT, "# From the environment: the key that was here is revoked.\n" + PAYMENT)
    ],
}


@pytest.mark.parametrize("answer", RIGHT_02)
def test_02_accepts_every_right_answer(answer, copies, tmp_path, capsys):
    assert_well_done(hints(check_02, learner(copies, "02", tmp_path / "copy", RIGHT_02[answer]), capsys))


MISTAKES_02 = {
    "a default left in": (
        [
            (
                "shop/settings.py",
                PAYMENT,
                'import os\nPAYMENT_API_KEY = os.environ.get("PAYMENT_API_KEY", "pay_test_sandbox")',
            )
        ],
        "✘ Without PAYMENT_API_KEY in the environment the settings still load: a default is left in.",
    ),
    "os.getenv() with no default": (
        [("shop/settings.py", PAYMENT, 'import os\nPAYMENT_API_KEY = os.getenv("PAYMENT_API_KEY")')],
        "✘ Without PAYMENT_API_KEY in the environment the settings still load, with PAYMENT_API_KEY = None: "
        "os.environ.get() and os.getenv() give None",
    ),
    "a default passed to require()": (
        [("shop/settings.py", PAYMENT, 'PAYMENT_API_KEY = require("PAYMENT_API_KEY", "pay_test_sandbox")')],
        '✘ require("PAYMENT_API_KEY", ...) on line 128 of shop/settings.py passes a default, and the app stops with '
        "`TypeError: '>' not supported between instances of 'str' and 'int'`. require() takes no default "
        "(its second argument is min_length, a number of characters)",
    ),
    "a bare KeyError": (
        [("shop/settings.py", PASSWORD, 'import os\nEMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]')],
        "✘ Without EMAIL_HOST_PASSWORD the app stops with `KeyError: 'EMAIL_HOST_PASSWORD'`, which does not say",
    ),
    "an empty value accepted": (
        [
            (
                "shop/settings.py",
                PASSWORD,
                'import os\nEMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") '
                'if os.environ.get("EMAIL_HOST_PASSWORD") == "" else require("EMAIL_HOST_PASSWORD")',
            )
        ],
        "✘ An empty EMAIL_HOST_PASSWORD is accepted: EMAIL_HOST_PASSWORD= lets the settings load.",
    ),
    "the other variable read": (
        [("shop/settings.py", PAYMENT, 'PAYMENT_API_KEY = require("EMAIL_HOST_PASSWORD")')],
        "✘ PAYMENT_API_KEY takes the value of the variable EMAIL_HOST_PASSWORD: read the variable of its own name",
    ),
    "a misspelt variable name": (
        [("shop/settings.py", PAYMENT, 'PAYMENT_API_KEY = require("PAYMENT_API_KY")')],
        "✘ shop/settings.py reads a variable named PAYMENT_API_KY (line 128), which is not set, so the app stops. "
        "The variable is PAYMENT_API_KEY: check its spelling.",
    ),
    "the setting deleted": (
        [("shop/settings.py", PASSWORD, "")],
        "✘ shop/settings.py no longer sets EMAIL_HOST_PASSWORD, and the shop uses it.",
    ),
    "a typo in the settings": (
        [("shop/settings.py", PAYMENT, 'PAYMENT_API_KEY = require("PAYMENT_API_KEY"')],
        "✘ With every variable set to a made-up value (the check's own, not yours), the settings do not load: "
        "`SyntaxError:",
    ),
    "the old secret kept as a comment": (
        [("shop/settings.py", PAYMENT, '# PAYMENT_API_KEY = "pay_test_y2jz7utkrkwE7W6zrev2SKrd"\n' + PAYMENT)],
        "✘ The old PAYMENT_API_KEY is still in shop/settings.py (line 128, in a comment): a secret in a comment",
    ),
    "the old secret kept at the end of the line": (
        [("shop/settings.py", PASSWORD, PASSWORD + "  # was 7GN98jJNWP3T3aUr5GZt")],
        "✘ The old EMAIL_HOST_PASSWORD is still in shop/settings.py (line 139, in a comment)",
    ),
    "the old secret moved to a module of its own": (
        [
            ("shop/secrets.py", None, 'PAYMENT_API_KEY = "pay_test_y2jz7utkrkwE7W6zrev2SKrd"\n'),
            ("shop/settings.py", PAYMENT, "from shop.secrets import PAYMENT_API_KEY"),
        ],
        "✘ The old PAYMENT_API_KEY is still in shop/secrets.py (line 1)",
    ),
    "the app broken elsewhere": (
        [("store/payments.py", "from django.conf import settings", "from django.conf import setting")],
        "✘ The app does not start with every variable set to a made-up value (the check's own): "
        "`ImportError: cannot import name 'setting'",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES_02)
def test_02_names_each_mistake(mistake, copies, tmp_path, capsys):
    changes, hint = MISTAKES_02[mistake]
    assert_hint(hints(check_02, learner(copies, "02", tmp_path / "copy", changes), capsys), hint)


# ---- Exercise 03 ---------------------------------------------------------------------------------------------


def test_03_unanswered_names_the_setting_env_and_env_example_without_giving_the_answer(copies, capsys):
    found = hints(check_03, copies["03 unanswered"], capsys)
    assert found[0].startswith("✘ ORDER_REPORT_RECIPIENTS is still typed into shop/settings.py (line ")
    assert found[1].startswith("✘ ORDER_REPORT_RECIPIENTS is missing from .env:")
    assert found[2].startswith("✘ ORDER_REPORT_RECIPIENTS is missing from .env.example:")
    assert len(found) == 4
    assert 'list_of("' not in "\n".join(found)


SETTING = 'ORDER_REPORT_RECIPIENTS = list_of("ORDER_REPORT_RECIPIENTS")'
ENV_LINE = "ORDER_REPORT_RECIPIENTS=dev@beancounter.example\n"
EXAMPLE_COMMENT = (
    "# Who gets the order report from cron/send_order_reports.py: e-mail addresses, separated by commas.\n"
)
EXAMPLE_LINE = "ORDER_REPORT_RECIPIENTS=owner@beancounter.example\n"
RIGHT_03 = {
    "two addresses, blanks after the commas, quoted": [
        (".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS='dev@beancounter.example, owner@beancounter.example'\n")
    ],
    "the comment at the end of the entry": [
        (
            ".env.example",
            EXAMPLE_COMMENT + EXAMPLE_LINE,
            "ORDER_REPORT_RECIPIENTS=owner@beancounter.example  # who gets the order report, separated by commas\n",
        )
    ],
}


@pytest.mark.parametrize("answer", RIGHT_03)
def test_03_accepts_every_right_answer(answer, copies, tmp_path, capsys):
    assert_well_done(hints(check_03, learner(copies, "03", tmp_path / "copy", RIGHT_03[answer]), capsys))


MISTAKES_03 = {
    "a string, not a list": (
        [("shop/settings.py", SETTING, 'ORDER_REPORT_RECIPIENTS = require("ORDER_REPORT_RECIPIENTS")')],
        "✘ ORDER_REPORT_RECIPIENTS is one string, not a list of addresses.",
    ),
    "a list of one string": (
        [("shop/settings.py", SETTING, 'ORDER_REPORT_RECIPIENTS = [require("ORDER_REPORT_RECIPIENTS")]')],
        "✘ ORDER_REPORT_RECIPIENTS is a list of one item, the whole value with its commas",
    ),
    "a default left in": (
        [
            (
                "shop/settings.py",
                SETTING,
                'import os\nORDER_REPORT_RECIPIENTS = os.environ.get("ORDER_REPORT_RECIPIENTS", '
                '"dev@beancounter.example").split(",")',
            )
        ],
        "✘ Without ORDER_REPORT_RECIPIENTS in the environment the settings still load: a default is left in.",
    ),
    "a misspelt variable name": (
        [("shop/settings.py", SETTING, 'ORDER_REPORT_RECIPIENTS = list_of("ORDER_REPORT_RECIPIENT")')],
        "✘ shop/settings.py reads a variable named ORDER_REPORT_RECIPIENT (line 143), which is not set, so the app "
        "stops. The variable is ORDER_REPORT_RECIPIENTS: check its spelling.",
    ),
    "a default passed to list_of()": (
        [
            (
                "shop/settings.py",
                SETTING,
                'ORDER_REPORT_RECIPIENTS = list_of("ORDER_REPORT_RECIPIENTS", "dev@beancounter.example")',
            )
        ],
        '✘ list_of("ORDER_REPORT_RECIPIENTS", ...) on line 143 of shop/settings.py passes a default',
    ),
    "missing from .env": (
        [(".env", ENV_LINE, "")],
        "✘ ORDER_REPORT_RECIPIENTS is missing from .env:",
    ),
    "missing from .env.example": (
        [(".env.example", EXAMPLE_LINE, "")],
        "✘ ORDER_REPORT_RECIPIENTS is missing from .env.example:",
    ),
    "in .env.example without its comment": (
        [(".env.example", EXAMPLE_COMMENT, "")],
        "✘ ORDER_REPORT_RECIPIENTS in .env.example has no comment: on the line just above it, say what it expects",
    ),
    "an export in .env": (
        [(".env", ENV_LINE, "export " + ENV_LINE)],
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) is read differently by honcho and python-dotenv.",
    ),
    "blanks around = in .env": (
        [(".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS = dev@beancounter.example\n")],
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) has blanks around its =. honcho and python-dotenv accept them, "
        "but a shell does not",
    ),
    "a blank inside a value in .env": (
        [(".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS=dev@beancounter.example, owner@beancounter.example\n")],
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) is read differently by honcho and python-dotenv.",
    ),
    "an unclosed quote in .env": (
        [(".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS='dev@beancounter.example\n")],
        "✘ Line 10 of .env (ORDER_REPORT_RECIPIENTS) is read differently by honcho and python-dotenv.",
    ),
    "a JSON list in .env": (
        [(".env", ENV_LINE, """ORDER_REPORT_RECIPIENTS='["dev@beancounter.example"]'\n""")],
        "✘ ORDER_REPORT_RECIPIENTS in your .env is written with brackets and quotes, as a list in JSON or Python: "
        'the report would go to `To: ["dev@beancounter.example"]`.',
    ),
    "addresses separated by semicolons in .env": (
        [(".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS='dev@beancounter.example;owner@beancounter.example'\n")],
        "✘ ORDER_REPORT_RECIPIENTS in your .env separates the addresses with semicolons. list_of() splits at commas "
        "only, so the report would go to `To: dev@beancounter.example;owner@beancounter.example`.",
    ),
    "no address in .env": (
        [(".env", ENV_LINE, "ORDER_REPORT_RECIPIENTS=dev.beancounter.example\n")],
        "✘ ORDER_REPORT_RECIPIENTS in your .env holds 'dev.beancounter.example', which is not an e-mail address.",
    ),
    "a JSON list in .env.example": (
        [(".env.example", EXAMPLE_LINE, """ORDER_REPORT_RECIPIENTS='["owner@beancounter.example"]'\n""")],
        "✘ ORDER_REPORT_RECIPIENTS in .env.example is written with brackets and quotes",
    ),
    "blanks inside the value in .env.example": (
        [
            (
                ".env.example",
                EXAMPLE_LINE,
                "ORDER_REPORT_RECIPIENTS=owner@beancounter.example, dev@beancounter.example\n",
            )
        ],
        "✘ ORDER_REPORT_RECIPIENTS in .env.example is read differently by honcho and python-dotenv: a .env copied "
        "from it would be too.",
    ),
    "the app broken elsewhere": (
        [("store/payments.py", "from django.conf import settings", "from django.conf import setting")],
        "✘ `honcho run python manage.py check` fails with your .env: `ImportError: cannot import name 'setting'",
    ),
    "a .env the app refuses": (
        [(".env", "DEBUG=true", "DEBUG=maybe")],
        "✘ With your .env, as honcho reads it, the settings stop: `ImproperlyConfigured: DEBUG is not a boolean;",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES_03)
def test_03_names_each_mistake(mistake, copies, tmp_path, capsys):
    changes, hint = MISTAKES_03[mistake]
    assert_hint(hints(check_03, learner(copies, "03", tmp_path / "copy", changes), capsys), hint)


def test_more_wrong_answers_are_tested_than_right_ones():
    assert len(MISTAKES_02) > len(RIGHT_02) + 1 and len(MISTAKES_03) > len(RIGHT_03) + 1
