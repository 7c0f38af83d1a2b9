"""The twelve-factor audit: score a Django project against the twelve factors, with the evidence for each verdict.

    python -m workshop audit PATH              # a scoreboard; exit status 0 only when all twelve pass
    python -m workshop audit PATH --json       # the same as a JSON list
    python -m workshop audit PATH --no-run     # read the files only; never run the project's code

In a notebook, `Scoreboard(audit(path))` shows it as a table.

It works in three phases: the project's facts are read once into an immutable snapshot (facts.py, deploy.py,
source.py); a runner starts a temporary copy only to confirm what the files say or decide what they cannot
(runner.py); one small module per factor turns facts and runs into evidence with stable ids (factors/).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from workshop.audit.factors import EXTRA, TWELVE
from workshop.audit.factors.xi_logs import loggers
from workshop.audit.facts import BadInput, Facts, read_facts
from workshop.audit.model import Evidence, Finding, Kind, Report, Verdict, unknown
from workshop.audit.runner import Runner, make_plan
from workshop.audit.scoreboard import Scoreboard

__all__ = ["BadInput", "Evidence", "Finding", "Kind", "Report", "Scoreboard", "Verdict", "at_start", "audit", "main"]

#: The factors whose checks ask for the probe run and for the web run.
PROBED = {"II", "III", "IV", "XI", "deploy"}
SERVED = {"VII", "IX"}


def at_start(working_copy: str | Path) -> Report:
    """The twelve verdicts, from the files alone, on a working copy as its notebook started: for Scoreboard(since=...).

    The deploy check, which only a run can judge, is left out. The verdicts are kept beside the working copy, and
    made again only when what they depend on changes: the sample app, the change cells of the notebooks before it,
    or the audit's own code."""
    from workshop.checkpoints import SAMPLE, commit_start, replayed_notebooks, source_files, state_before

    kind, _, number = Path(working_copy).name.partition("-")
    inputs = hashlib.sha256()
    for source in (SAMPLE, Path(__file__).parent):
        for name, data in sorted(source_files(source).items()):
            inputs.update(name.encode() + data)
    for other, _, notebook in replayed_notebooks():
        if other <= number:
            inputs.update(notebook.read_bytes())
    kept = Path(working_copy).parent / ".starts" / f"{Path(working_copy).name}.audit"
    if kept.is_file() and kept.read_bytes()[:64] == inputs.hexdigest().encode():
        cached: Report = pickle.loads(kept.read_bytes()[64:])  # made by this function, in the learner's workspace
        return cached
    with tempfile.TemporaryDirectory() as folder:
        start = state_before(number, kind, Path(folder) / Path(working_copy).name)
        commit_start(start.path, "the start")
        report = Report(audit(start.path, run=False))
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(inputs.hexdigest().encode() + pickle.dumps(report))
    return report


def audit(
    path: str | Path,
    only: Iterable[str] | None = None,
    *,
    run: bool = True,
    python: str | Path | None = None,
    silence: Iterable[str] = (),
) -> Report:
    """Check the Django project at path against the twelve factors (or only the numerals in only).

    run=False reads the files only; python is the interpreter that runs the project (default: its .venv, else this
    one); silence holds evidence ids to leave out, as Django's SILENCED_SYSTEM_CHECKS does."""
    facts = read_facts(path)
    if python is not None and not Path(python).exists():
        raise BadInput(f"--python {python}: no such file")
    wanted = set(only) if only is not None else {m.ROMAN for m in TWELVE + EXTRA}
    chosen = [m for m in TWELVE if m.ROMAN in wanted]
    extra = [m for m in EXTRA if m.ROMAN in wanted]
    runner = Runner(facts, make_plan(facts, python, run), loggers(facts))
    silenced = set(silence)
    left_out: list[Evidence] = []
    try:
        runner.start(probe=bool(wanted & PROBED), web=bool(wanted & SERVED))
        rows = []
        for module in [*chosen, *extra]:
            evidence = safely(module, facts, runner)
            left_out += [e for e in evidence if e.id in silenced]
            rows.append(
                Finding.of(
                    module.ROMAN, module.NAME, [e for e in evidence if e.id not in silenced], counted=module in TWELVE
                )
            )
    finally:
        runner.close()
    return Report([r for r in rows if r.counted], [r for r in rows if not r.counted], left_out)


def safely(module: ModuleType, facts: Facts, runner: Runner) -> list[Evidence]:
    """Run one factor's check; a project the audit cannot read makes it 'cannot tell', not a crash."""
    try:
        return list(module.check(facts, runner))
    # The learner's project can hold anything: a check that trips on it says so instead of crashing.
    except Exception as error:  # noqa: BLE001
        return [
            unknown(f"{module.ROMAN}.audit-error", f"the audit could not check this: {type(error).__name__}: {error}")
        ]


def main(argv: list[str]) -> int:
    """`python -m workshop audit PATH`: print the scoreboard; exit 0 only when all twelve pass, 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m workshop audit",
        description="Score a Django project against the twelve factors, with the evidence for each verdict. It reads "
        "the project's files; where they cannot decide, it RUNS THE PROJECT'S CODE in a temporary copy (its settings, "
        "`manage.py shell` and `check --deploy`, its web process on $PORT), with placeholder values for the "
        "variables it needs. The project itself is never changed. Use --no-run to read the files only.",
    )
    parser.add_argument("path", help="the folder that holds the project's manage.py")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--no-run", action="store_true", help="never run the project's code: judge by its files alone")
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the Python to run the project with (default: the project's "
        ".venv/bin/python if there is one, else the one running the audit)",
    )
    parser.add_argument(
        "--silence",
        metavar="ID",
        action="append",
        default=[],
        help="leave out the evidence with this id (like III.default), as often as needed",
    )
    args = parser.parse_args(argv)
    try:
        report = audit(args.path, run=not args.no_run, python=args.python, silence=args.silence)
    except BadInput as error:
        print(f"python -m workshop audit: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([f.as_dict() for f in report.every()], indent=2))
    else:
        print(Scoreboard(report, title=args.path))
        if report.silenced:
            silenced = ", ".join(sorted({e.id for e in report.silenced}))
            print(f"\n{len(report.silenced)} pieces of evidence silenced: {silenced}")
    return 0 if all(f.verdict is Verdict.PASS for f in report) else 1
