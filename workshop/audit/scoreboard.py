"""The findings at a glance: aligned text in a terminal, a compact table in a notebook."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from workshop.audit.model import Evidence, Finding, Kind, Verdict

MARKS = {Kind.OK: "+", Kind.PROBLEM: "x", Kind.UNKNOWN: "?", Kind.NOTE: "-"}
SYMBOLS = {Verdict.PASS: "✔", Verdict.FAIL: "✘", Verdict.UNKNOWN: "?"}
KIND_SYMBOLS = {Kind.OK: "✔", Kind.PROBLEM: "✘", Kind.UNKNOWN: "?", Kind.NOTE: "•"}
COLOURS = {Verdict.PASS: "#1a7f37", Verdict.FAIL: "#cf222e", Verdict.UNKNOWN: "#9a6700"}
KIND_COLOURS = {Kind.OK: "#1a7f37", Kind.PROBLEM: "#cf222e", Kind.UNKNOWN: "#9a6700", Kind.NOTE: "#57606a"}
CHANGED = "#fff8c5"  # the background of a row whose verdict changed


def literal_html(text: str) -> str:
    """Text as HTML that shows commands literally: `quoted` spans and anything with a $ go in <code>, which
    MathJax leaves alone (it would typeset the text between two $ signs as mathematics)."""
    parts = re.split(r"`([^`]*)`", text)
    out = []
    for index, part in enumerate(parts):
        escaped = html.escape(part)
        if index % 2:
            out.append(f"<code>{escaped}</code>")
        else:
            out.append(re.sub(r"(\S*\$\S*)", r"<code>\1</code>", escaped))
    return "".join(out)


def cut(text: str, limit: int) -> str:
    """Text cut to limit characters, with '...' when cut; a `quoted` span the cut opens is closed again."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 3].rstrip()
    return kept + ("`" if kept.count("`") % 2 else "") + "..."


class Scoreboard:
    """The findings at a glance. With since (the findings at a lesson's start), what changed is highlighted."""

    def __init__(
        self, findings: Sequence[Finding], title: str = "", shown: int = 6, since: Sequence[Finding] | None = None
    ) -> None:
        self.findings = list(findings)
        self.extra = list(getattr(findings, "extra", ()))
        self.title, self.shown = title, shown
        self.before = (
            {f.factor: f for f in [*(since or []), *getattr(since, "extra", ())]} if since is not None else None
        )

    @property
    def summary(self) -> str:
        """'n of 12 factors pass', with how many fail and how many it cannot tell."""
        counts = {v: sum(f.verdict is v for f in self.findings) for v in Verdict}
        rest = ", ".join(f"{counts[v]} {v}" for v in (Verdict.FAIL, Verdict.UNKNOWN) if counts[v])
        return f"{counts[Verdict.PASS]} of {len(self.findings)} factors pass" + (f" ({rest})" if rest else "")

    def was(self, finding: Finding) -> Verdict | None:
        """The finding's verdict at the start, when it has changed since."""
        if self.before is None or finding.factor not in self.before:
            return None
        earlier = self.before[finding.factor].verdict
        return earlier if earlier is not finding.verdict else None

    def lines(self, finding: Finding) -> list[Evidence]:
        """The evidence shown for one finding: the first `shown`, then a line counting the rest."""
        evidence = list(finding.evidence)
        if len(evidence) > self.shown:
            more = len(evidence) - self.shown + 1
            evidence = [*evidence[: self.shown - 1], Evidence("more", Kind.NOTE, f"and {more} more (--json shows all)")]
        return evidence

    # A terminal ----------------------------------------------------------------------------------

    def __str__(self) -> str:
        heading = f"Twelve-factor audit of {self.title}" if self.title else "Twelve-factor audit"
        since = " (what changed since the start is shown in full)" if self.before is not None else ""
        out = [f"{heading}: {self.summary}{since}", ""]
        for index, finding in enumerate([*self.findings, *self.extra]):
            if index == len(self.findings):
                out += ["", "Outside the twelve, not counted:"]
            was = self.was(finding)
            verdict = f"{finding.verdict}" + (f" (was {was})" if was else "")
            out.append(f"{finding.factor:<7}{finding.name:<21}{verdict}")
            if self.before is not None and not was:
                headline = finding.headline
                if headline is not None:
                    out.append(f"{'':7}{MARKS[headline.kind]} {cut(headline.text, 90)}")
                continue
            for e in self.lines(finding):
                line = f"{e.where}: {e.text}" if e.where else e.text
                out.append(f"{'':7}{MARKS[e.kind]} {line}")
        return "\n".join(out)

    __repr__ = __str__

    # A notebook ----------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        """The scoreboard as a compact HTML table: one row per factor, a verdict and one line; the evidence folded
        away, except for the rows whose verdict changed since the start, which are highlighted."""
        rows = [self._row(f) for f in self.findings]
        if self.extra:
            rows.append(
                '<tr><td colspan="4" style="text-align:left;padding-top:0.6em"><em>Outside the twelve, '
                "not counted:</em></td></tr>"
            )
            rows += [self._row(f) for f in self.extra]
        heading = f"Twelve-factor audit of {literal_html(self.title)}: " if self.title else ""
        changed = sum(self.was(f) is not None for f in [*self.findings, *self.extra])
        since = f" ({changed} changed since the start, highlighted)" if self.before is not None and changed else ""
        return (
            f"<p><strong>{heading}{html.escape(self.summary)}</strong>{html.escape(since)}</p>"
            '<table><thead><tr><th style="text-align:left">#</th><th style="text-align:left">Factor</th>'
            '<th style="text-align:left">Verdict</th><th style="text-align:left">Evidence</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _row(self, finding: Finding) -> str:
        """One factor's row."""
        was = self.was(finding)
        verdict = f"{SYMBOLS[finding.verdict]} {finding.verdict}"
        if was is not None:
            verdict += f', was <span style="color:{COLOURS[was]}">{SYMBOLS[was]} {was}</span>'
        items = "".join(self._item(e) for e in self.lines(finding))
        headline = finding.headline
        line = (
            (
                f'<span style="color:{KIND_COLOURS[headline.kind]}">{KIND_SYMBOLS[headline.kind]}</span> '
                f"{literal_html(cut(headline.text, 100))}"
            )
            if headline
            else ""
        )
        if was is not None:
            cell = f'<ul style="margin:0;padding-left:0">{items}</ul>'
        else:
            cell = (
                f"{line}<details><summary>evidence ({len(finding.evidence)})</summary>"
                f'<ul style="margin:0;padding-left:0">{items}</ul></details>'
            )
        background = f";background:{CHANGED}" if was is not None else ""
        return (
            f'<tr style="vertical-align:top{background}"><td style="text-align:left">{finding.factor}</td>'
            f'<td style="text-align:left;white-space:nowrap">{html.escape(finding.name)}</td>'
            f'<td style="text-align:left;color:{COLOURS[finding.verdict]};font-weight:bold;white-space:nowrap">'
            f'{verdict}</td><td style="text-align:left">{cell}</td></tr>'
        )

    @staticmethod
    def _item(e: Evidence) -> str:
        """One piece of evidence, as a list item."""
        where = f'<code style="color:#57606a">{html.escape(e.where)}</code> ' if e.where else ""
        return (
            f'<li style="list-style:none"><span style="color:{KIND_COLOURS[e.kind]}">{KIND_SYMBOLS[e.kind]}</span> '
            f"{where}{literal_html(e.text)}"
            + (f' <code style="color:#8c959f;font-size:80%">{html.escape(e.id)}</code>' if e.id != "more" else "")
            + "</li>"
        )
