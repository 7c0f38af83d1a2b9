"""Test-suite set-up.

- Working copies go to a temporary folder, so a learner's own `workspace/` is never touched.
- nbval runs every notebook twice in a row in one kernel, comparing the stored outputs both
  times (learners re-run cells; `--once` skips the second run, for quick runs while you work), then checks that the notebook left its working copy exactly
  as the next notebook's checkpoint starts: the learner's path and the quick path can't drift.
- Every test and notebook runs behind a dead HTTP proxy, with no NO_PROXY, as on a corporate
  laptop: nothing the workshop does on this machine may go through a proxy.
- Stored outputs show working copies under `workspace/`; wherever the tests' workspace really is,
  its path is sanitized to that.
- The run fails if any process a notebook started is still alive at the end, wherever the
  workspace is.
- With --report-checks (as `./run.sh test` runs it), the run ends with its time and each
  notebook's and test file's cost in *checks*, and each lesson's: the time of a bare `manage.py check`,
  measured right before and right after, so that runs on any machine and at any hour compare.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from workshop import reference
from workshop.checkpoints import FOLDERS, source_files, state_after, state_before, workspace
from workshop.processes import owned_processes, stop_owned

_MADE_HERE: list[Path] = []
KIND_OF_FOLDER = {folder.name: kind for kind, folder in FOLDERS.items()}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--report-checks", action="store_true",
                     help="measure a bare `manage.py check` before and after, and report the run's costs in checks")
    parser.addoption("--once", action="store_true",
                     help="run each notebook once, not twice: quicker while you work; CI runs everything twice")


#: What --report-checks gathers: the reference before, when the tests started, and seconds per file.
COSTS: dict[str, float] = defaultdict(float)
TIMES: dict[str, float] = {}


#: A proxy that answers nothing (port 9 is "discard"; nothing listens there).
DEAD_PROXY = "http://127.0.0.1:9"


def pytest_configure(config: pytest.Config) -> None:
    """Point every notebook's kernel at a temporary workspace, so a learner's own is never touched;
    put a dead HTTP proxy in the way of every request."""
    for name in ("HTTP_PROXY", "http_proxy"):
        os.environ[name] = DEAD_PROXY
    for name in ("NO_PROXY", "no_proxy"):
        os.environ.pop(name, None)
    if config.getoption("report_checks") and not hasattr(config, "workerinput"):
        TIMES["before"] = reference.measure(3)
        TIMES["started"] = time.perf_counter()
    if "WORKSHOP_WORKSPACE" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="workshop-tests-")) / "workspace"
        folder.parent.chmod(0o755)  # as root, lesson 04's PostgreSQL runs as `nobody`, who must enter it
        folder.mkdir()
        os.environ["WORKSHOP_WORKSPACE"] = str(folder)
        _MADE_HERE.append(folder)
    sanitize_the_workspace_path(config)


def sanitize_the_workspace_path(config: pytest.Config) -> None:
    """Give nbval the committed sanitizer with one pattern in front: the workspace's real path becomes `workspace/`."""
    committed = config.option.nbval_sanitize_with
    if not committed:
        return
    handle, own = tempfile.mkstemp(prefix="workshop-sanitize-", suffix=".cfg")
    pattern = re.escape(str(workspace())) + "/"
    with os.fdopen(handle, "w") as out:
        out.write(f"regex: {pattern}\nreplace: workspace/\n\n" + Path(config.rootpath, committed).read_text())
    config.option.nbval_sanitize_with = own
    config.add_cleanup(lambda: os.unlink(own))


class LeavesTheNextStart(pytest.Item):
    """After a notebook's cells: its working copy must equal the checkpoint the next notebook starts from.

    An exercise, run unanswered, must leave its working copy as it started: the learner's answer
    is the only change it sees.
    """

    def runtest(self) -> None:
        kind, number = KIND_OF_FOLDER[self.path.parent.name], self.path.name[:2]
        working_copy = workspace() / f"{kind}-{number}"
        if not working_copy.exists():
            assert not any("start(" in c.source for c in self.parent.nb.cells if c.cell_type == "code"), (
                "the notebook starts a working copy it did not leave"
            )
            return
        with tempfile.TemporaryDirectory() as folder:
            expected = state_after(number, kind, Path(folder) / "expected")
            if expected is None:  # an exercise: unanswered, it changes nothing
                expected = state_before(number, kind, Path(folder) / "expected")
            after, wanted = source_files(working_copy), source_files(expected.path)
        assert sorted(after) == sorted(wanted), "the notebook leaves other files than the next checkpoint has"
        changed = [name for name in after if after[name] != wanted[name]]
        assert not changed, f"these files differ from the next checkpoint: {changed}"

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.parent.name}::{self.name}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """After each notebook's cells, run them all again in the same kernel, then check what it left."""
    result: list[pytest.Item] = []
    for index, item in enumerate(items):
        result.append(item)
        last_of_notebook = isinstance(item, IPyNbCell) and (index + 1 == len(items) or items[index + 1].parent is not item.parent)
        if last_of_notebook and isinstance(item.parent, IPyNbFile):
            cells = [] if config.getoption("once") else [i for i in items if i.parent is item.parent]
            result += [
                IPyNbCell.from_parent(item.parent, name=f"{c.name}, run again", cell_num=c.cell_num, cell=copy.deepcopy(c.cell), options=c.options)
                for c in cells
            ]
            result.append(LeavesTheNextStart.from_parent(item.parent, name="leaves the next notebook's start"))
    items[:] = longest_first(result)


#: Files of few tests that take long: started first, so that none of them runs alone at the end of a parallel run.
STARTED_FIRST = ("tests/test_jupyterlab.py", "tests/test_exercise_05.py")


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, file by file: the files of STARTED_FIRST, then the others by their number of items, most first.
    (With --no-loadscope-reorder, as `./run.sh test` runs, pytest-xdist hands the files out in this order.)"""
    files: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        files[item.nodeid.split("::")[0]].append(item)
    order = sorted(files, key=lambda name: (name not in STARTED_FIRST, -len(files[name])))
    return [item for name in order for item in files[name]]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add each test's time to its file's cost (in the controller, workers' reports included)."""
    COSTS[report.nodeid.split("::")[0]] += report.duration


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """The run's wall time and each file's cost, in checks."""
    if "before" not in TIMES:
        return
    wall = time.perf_counter() - TIMES["started"]
    after = reference.measure(3)
    check = (TIMES["before"] + after) / 2
    write = terminalreporter.write_line
    write("")
    write(f"Cost in checks. {reference.describe(TIMES['before'], after)}")
    for name, seconds in sorted(COSTS.items(), key=lambda item: -item[1]):
        write(f"  {name:60} {reference.in_checks(seconds, check)}")
    write(f"  {'test time, all files':60} {reference.in_checks(sum(COSTS.values()), check)}")
    write("By lesson (its notebook, exercise and solution, and the tests named after it), test time:")
    for number, seconds in sorted(by_lesson(COSTS).items()):
        write(f"  {'lesson ' + number:60} {reference.in_checks(seconds, check)}")
    write(f"  {'wall time of the run':60} {reference.in_checks(wall, check)}  (budget: 200 checks)")


#: A file that belongs to one lesson: notebooks/06_..., exercises/06_..., tests/test_exercise_06.py, tests/test_lesson_06_....
LESSONS_FILE = re.compile(r"^(?:(?:notebooks|exercises|solutions)/|tests/test_(?:exercise|lesson)_)(\d\d)[_.]")


def by_lesson(costs: dict[str, float]) -> dict[str, float]:
    """The costs of the files that belong to a lesson, added up by lesson number."""
    totals: dict[str, float] = defaultdict(float)
    for name, seconds in costs.items():
        if found := LESSONS_FILE.match(name):
            totals[found[1]] += seconds
    return dict(totals)


def described(proc: psutil.Process) -> str:
    """The start of a process's command line, or why it can't be read (it may have exited meanwhile)."""
    try:
        return " ".join(proc.cmdline()[:3])
    except psutil.Error as error:
        return type(error).__name__


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any process the notebooks started is still alive; then clean up what was made here."""
    if hasattr(session.config, "workerinput"):
        return  # each xdist worker's processes are checked once, by the controller, at the very end
    left = owned_processes(workspace())
    if left:
        names = ", ".join(f"{p.pid} {described(p)}" for p in left)
        stop_owned(workspace())
        print(f"\nProcesses left running after the tests (now stopped): {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    for folder in _MADE_HERE:
        shutil.rmtree(folder.parent, ignore_errors=True)
