"""The twelve-factor audit: score a Django project against the twelve factors, with the evidence for each verdict.

    python -m workshop audit PATH          # a scoreboard; exit status 0 only when all twelve pass
    python -m workshop audit PATH --json   # the same as a JSON list

In a notebook, `Scoreboard(audit(path))` shows it as a table.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workshop.audit.checks import FACTORS, FAIL, PASS, UNKNOWN, Context, Evidence, Finding, unknown, verdict
from workshop.audit.static import Project

__all__ = ["Evidence", "Finding", "Scoreboard", "audit", "main"]

ORDER = {"problem": 0, "unknown": 1, "ok": 2}
MARKS = {"ok": "+", "problem": "x", "unknown": "?", "more": "."}
SYMBOLS = {PASS: "✔", FAIL: "✘", UNKNOWN: "?"}
COLOURS = {PASS: "#1a7f37", FAIL: "#cf222e", UNKNOWN: "#9a6700"}
KINDS = {"ok": PASS, "problem": FAIL, "unknown": UNKNOWN, "more": ""}  # an evidence's kind, as its verdict


def audit(path: str | Path, only: Iterable[str] | None = None) -> list[Finding]:
    """Check the Django project at path against the twelve factors (or only the numerals in only)."""
    context = Context(Project(Path(path)))
    chosen = [factor for factor in FACTORS if only is None or factor[0] in set(only)]
    context.read()
    try:
        with ThreadPoolExecutor(max_workers=len(chosen) or 1) as pool:
            results = list(pool.map(lambda factor: safely(factor[2], context), chosen))
    finally:
        context.close()
    return [
        Finding(roman, name, verdict(evidence), tuple(sorted(evidence, key=lambda e: ORDER[e.kind])))
        for (roman, name, _), evidence in zip(chosen, results)
    ]


def safely(check: Callable[[Context], list[Evidence]], context: Context) -> list[Evidence]:
    """Run one check; a project the audit cannot read makes it 'cannot tell', not a crash."""
    try:
        return check(context) or [unknown("nothing found to judge it by")]
    # The learner's project can hold anything: a check that trips on it says so instead of crashing.
    except Exception as error:  # noqa: BLE001
        return [unknown(f"the audit could not check this: {type(error).__name__}: {error}")]


class Scoreboard:
    """The findings at a glance: aligned text in a terminal, a table in a notebook."""

    def __init__(self, findings: list[Finding], title: str = "", shown: int = 6) -> None:
        self.findings, self.title, self.shown = findings, title, shown

    @property
    def summary(self) -> str:
        """'n of 12 factors pass', with how many fail and how many it cannot tell."""
        counts = {v: sum(f.verdict == v for f in self.findings) for v in (PASS, FAIL, UNKNOWN)}
        rest = ", ".join(f"{counts[v]} {v}" for v in (FAIL, UNKNOWN) if counts[v])
        return f"{counts[PASS]} of {len(self.findings)} factors pass" + (f" ({rest})" if rest else "")

    def lines(self, finding: Finding) -> list[Evidence]:
        """The evidence shown for one finding: the first `shown`, then a line counting the rest (kind 'more')."""
        evidence = list(finding.evidence)
        if len(evidence) > self.shown:
            more = len(evidence) - self.shown + 1
            evidence = evidence[: self.shown - 1] + [Evidence("more", f"and {more} more")]
        return evidence

    def __str__(self) -> str:
        heading = f"Twelve-factor audit of {self.title}" if self.title else "Twelve-factor audit"
        out = [f"{heading}: {self.summary}", ""]
        for finding in self.findings:
            out.append(f"{finding.factor:<5} {finding.name:<20} {finding.verdict}")
            for e in self.lines(finding):
                line = f"{e.where}: {e.text}" if e.where else e.text
                out.append(f"{'':6}{MARKS[e.kind]} {line}" + (" (--json shows all)" if e.kind == "more" else ""))
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The scoreboard as an HTML table, for notebooks."""
        rows = []
        for finding in self.findings:
            colour = COLOURS[finding.verdict]
            items = "".join(
                f'<li style="list-style:none"><span style="color:{COLOURS.get(KINDS[e.kind], "inherit")}">'
                f"{SYMBOLS.get(KINDS[e.kind], '…')}</span> "
                + (f'<code style="color:#57606a">{html.escape(e.where)}</code> ' if e.where else "")
                + f"{html.escape(e.text)}</li>"
                for e in self.lines(finding)
            )
            rows.append(
                f'<tr><td style="text-align:left">{finding.factor}</td>'
                f'<td style="text-align:left">{html.escape(finding.name)}</td>'
                f'<td style="text-align:left;color:{colour};font-weight:bold;white-space:nowrap">'
                f"{SYMBOLS[finding.verdict]} {finding.verdict}</td>"
                f'<td style="text-align:left"><ul style="margin:0;padding-left:0">{items}</ul></td></tr>'
            )
        heading = f"Twelve-factor audit of {html.escape(self.title)}: " if self.title else ""
        return (
            f"<p><strong>{heading}{html.escape(self.summary)}</strong></p>"
            '<table><thead><tr><th style="text-align:left">#</th><th style="text-align:left">Factor</th>'
            '<th style="text-align:left">Verdict</th><th style="text-align:left">Evidence</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )


def main(argv: list[str]) -> int:
    """`python -m workshop audit PATH [--json]`: print the scoreboard; exit 0 only when all twelve pass."""
    parser = argparse.ArgumentParser(
        prog="python -m workshop audit",
        description="Score a Django project against the twelve factors, with the evidence for each verdict. "
        "It reads the project and runs a temporary copy of it; the project itself is never changed.",
    )
    parser.add_argument("path", help="the folder that holds the project's manage.py")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    args = parser.parse_args(argv)
    try:
        findings = audit(args.path)
    except ValueError as error:
        print(f"python -m workshop audit: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], indent=2))
    else:
        print(Scoreboard(findings, title=args.path))
    return 0 if all(f.verdict == PASS for f in findings) else 1
