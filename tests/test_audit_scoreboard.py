"""The scoreboard, as a terminal and a notebook show it: compact rows, what changed since a lesson's start, the
deploy check outside the twelve, and command text that MathJax leaves alone."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from workshop.audit import Finding, Report, Scoreboard
from workshop.audit.model import note, ok, problem, unknown

ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def report(fixed: set[str] = frozenset(), extra_pass: bool = False) -> Report:
    """Twelve findings, each failing unless fixed, VII with $PORT in its evidence; and a deploy check row."""
    findings = []
    for roman in ROMANS:
        if roman in fixed:
            evidence = [ok(f"{roman}.fine", f"factor {roman} is fine now", "settings.py:3")]
        else:
            evidence = [problem(f"{roman}.broken", f"factor {roman} is broken", "settings.py:1"),
                        note(f"{roman}.aside", "worth knowing")]
        if roman == "VII":
            evidence.append(ok("VII.port-env", "the web process binds $PORT: `python manage.py runserver "
                               "127.0.0.1:$PORT --noreload`", "Procfile:2"))
            evidence.append(note("VII.cost", "it costs $5 a month, or $60 a year"))
        findings.append(Finding.of(roman, f"Factor {roman}", evidence))
    deploy = [ok("deploy.passes", "passes")] if extra_pass else [problem("deploy.security.W004", "security.W004: "
                                                                         "You have not set SECURE_HSTS_SECONDS.")]
    return Report(findings, [Finding.of("deploy", "Deploy check", deploy, counted=False)])


class Text(HTMLParser):
    """The text of HTML outside <code> and <pre>, which MathJax would typeset."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.outside = 0, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.depth += tag in ("code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in ("code", "pre")

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.outside.append(data)


def outside_code(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return "".join(parser.outside)


def test_the_html_shows_command_text_literally_to_mathjax():
    for board in (Scoreboard(report()), Scoreboard(report({"VII"}), since=report()),
                  Scoreboard(report(), title="/tmp/$HOME/project")):
        html = board._repr_html_()
        assert "$PORT" in html and "$5" in html
        text = outside_code(html)
        assert not re.search(r"\$[^$]*\$", text), f"a $...$ pair outside <code>: {text!r}"


def test_the_text_and_the_html_count_the_twelve_only():
    board = Scoreboard(report({"I", "II"}))
    assert board.summary == "2 of 12 factors pass (10 fail)"
    text = str(board)
    assert text.startswith("Twelve-factor audit: 2 of 12 factors pass (10 fail)")
    assert "Outside the twelve, not counted:\ndeploy Deploy check" in text
    html = board._repr_html_()
    assert html.count("<tr") == 1 + 12 + 1 + 1  # the header, the twelve, the heading of the rest, the deploy check
    assert "2 of 12 factors pass (10 fail)" in html
    assert repr(board) == str(board)


def test_each_row_is_one_line_with_its_evidence_folded_away():
    html = Scoreboard(report())._repr_html_()
    rows = re.findall(r"<tr style=\"vertical-align:top[^\"]*\">(.*?)</tr>", html)
    assert len(rows) == 13
    for row in rows:
        assert row.count("<details>") == 1 and "<summary>evidence (" in row
        assert "background" not in row


def test_since_the_start_what_changed_is_shown_highlighted_and_the_rest_folded():
    start, now = report(), report({"III", "VII"}, extra_pass=True)
    board = Scoreboard(now, since=start)
    html = board._repr_html_()
    assert "(3 changed since the start, highlighted)" in html
    highlighted = re.findall(r'<tr style="vertical-align:top;background:#fff8c5"><td style="text-align:left">(\w+)</td>',
                             html)
    assert highlighted == ["III", "VII", "deploy"]
    assert "✔ pass, was <span" in html and "✘ fail</span>" in html
    iii = html[html.index('<td style="text-align:left">III</td>'):html.index('<td style="text-align:left">IV</td>')]
    assert "<details>" not in iii and "factor III is fine now" in iii  # its evidence shown at once
    iv = html[html.index('<td style="text-align:left">IV</td>'):html.index('<td style="text-align:left">V</td>')]
    assert "<details>" in iv
    text = str(board)
    assert "III    Factor III           pass (was fail)\n       + settings.py:3: factor III is fine now" in text
    assert "IV     Factor IV            fail\n       x factor IV is broken\nV " in text  # one line, unchanged


def test_long_evidence_is_cut_with_a_count_of_the_rest():
    many = Finding.of("III", "Config", [problem("III.x", f"problem {n}") for n in range(9)])
    board = Scoreboard([many], shown=4)
    assert str(board).endswith("x problem 2\n       - and 6 more (--json shows all)")
    assert "more" not in [e.id for e in many.evidence]


def test_a_finding_without_evidence_cannot_tell():
    assert Finding.of("V", "Build, release, run", []).verdict.value == "cannot tell"
    assert Finding.of("V", "Build, release, run", [note("V.n", "only a note")]).verdict.value == "cannot tell"
    assert Finding.of("V", "Build, release, run", [ok("V.o", "fine"), unknown("V.u", "?")]).verdict.value == \
        "cannot tell"
    assert Finding.of("V", "Build, release, run", [ok("V.o", "fine"), note("V.n", "aside")]).verdict.value == "pass"


def test_a_cut_headline_closes_the_command_it_cuts():
    from workshop.audit.scoreboard import cut, literal_html

    text = "the web process is Django's development server: `python manage.py runserver 127.0.0.1:$PORT --noreload`"
    short = cut(text, 80)
    assert short.endswith("`...") and short.count("`") == 2
    assert "`" not in literal_html(short)
