"""What the instructors' guide and the learners' summary repeat from the notebooks, made from them.

    python scripts/guide.py           # print the lessons' counts and modelled minutes
    python scripts/guide.py --write   # rewrite the marked blocks of docs/instructors.md and docs/summary.md

The notebooks are the one source: each lesson's `**Time:**` line, key points and counts. The
counts become minutes at the rates below (the model the stated times are set from); the
schedules are made from the stated times, as the README's is by `scripts/schedule.py`.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import schedule  # (the script next to this one, found through the line above)

ROOT = schedule.ROOT
GUIDE, SUMMARY = ROOT / "docs" / "instructors.md", ROOT / "docs" / "summary.md"

# The rates, in minutes: chosen, not measured. docs/instructors.md explains each.
READING = 150  # words of prose a minute, technical reading
SKIMMING = 300  # words of text output a minute
CODE_LINE = 0.1  # to read one line of code in a cell
CELL = 0.25  # to run one code cell and wait for it
EDIT = 1.5  # one ✎ change made by hand, finding the file included
PREDICTION = 2.0  # one "Your turn": think, write it down, run, read the answer
SCOREBOARD = 2.0  # one scoreboard: find the highlighted rows, open one
ANSWER_LINE = 1.0  # one line of an exercise's answer, or one command, worked out and typed
CHECK_ROUND = 3.0  # an exercise's check: run it, read a ✘, fix, run it again
ROOM = 1.25  # a room goes at the pace of its slower half: the sum above, times this
OPENING = 5.0  # a lesson's questions and objectives, and its key points at the end, with the room
TOLERANCE = 0.10  # a stated time may differ from the model by this much (at least 5 minutes)

WORD = re.compile(r"[\w'’.-]+")
SCOREBOARD_HEADLINE = re.compile(r"<strong>(\d+ of 12 factors pass[^<]*)</strong>")


@dataclass(frozen=True)
class Counts:
    """What a notebook asks of a learner, counted from its cells."""

    words: int  # prose in Markdown cells, to the instructor notes
    edits: int  # ✎ paragraphs
    predictions: int  # "Your turn" headings
    commands: int  # `$` commands its cells run (`project.run`)
    cells: int  # code cells
    code_lines: int  # lines of code in them
    output_words: int  # words of the text they print
    scoreboards: int  # scoreboards (HTML tables)
    answer_lines: int  # lines the solution's answers write or type (exercises only)

    def minutes(self) -> float:
        """The model: the time this takes a room, in minutes."""
        solo = (
            self.words / READING
            + self.output_words / SKIMMING
            + self.code_lines * CODE_LINE
            + self.cells * CELL
            + self.edits * EDIT
            + self.predictions * PREDICTION
            + self.scoreboards * SCOREBOARD
            + self.answer_lines * ANSWER_LINE
            + (CHECK_ROUND if self.answer_lines else 0)
        )
        return solo * ROOM + (0 if self.answer_lines else OPENING)


def cells(path: Path) -> list[dict]:
    """A notebook's cells."""
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    """A cell's source text."""
    return "".join(cell["source"])


def output_words(cell: dict) -> tuple[int, int]:
    """The words of a code cell's text output, and how many HTML outputs (scoreboards) it has."""
    words = html = 0
    for output in cell.get("outputs", []):
        if "text" in output:
            words += len(WORD.findall("".join(output["text"])))
        elif "text/html" in output.get("data", {}):
            html += 1
        elif "text/plain" in output.get("data", {}):
            words += len(WORD.findall("".join(output["data"]["text/plain"])))
    return words, html


def answer_lines(path: Path) -> int:
    """Lines a solution's answers write into the working copy, or type as commands, as a learner would by hand."""
    regions, lines, inside = [], [], False
    for cell in cells(path):
        for line in source(cell).splitlines():
            if line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION"):
                inside = line.strip() == "### BEGIN SOLUTION"
                if not inside:
                    regions.append(textwrap.dedent("\n".join(lines)))
                    lines = []
            elif inside:
                lines.append(line)
    written = 0
    for call in (node for region in regions for node in ast.walk(ast.parse(region)) if isinstance(node, ast.Call)):
        method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        texts = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else "" for a in call.args]
        if method == "replace" and len(texts) == 3:  # the new lines, not those it keeps
            old = set(texts[1].splitlines())
            written += len([line for line in texts[2].splitlines() if line.strip() and line not in old]) or 1
        elif method in ("append", "write") and len(texts) == 2:
            written += len([line for line in texts[1].splitlines() if line.strip()])
        elif method in ("replace_line", "run", "export", "move", "delete"):
            written += 1  # one line, or one command
    return written


def count(path: Path, solution: Path | None = None) -> Counts:
    """Count what a lesson or an exercise (with its solution) asks of a learner."""
    markdown = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    prose = markdown.split("## Instructor notes")[0]
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    printed = [output_words(c) for c in code]
    return Counts(
        words=len(WORD.findall(prose)),
        edits=len(re.findall(r"(?m)^✎", prose)),
        predictions=len(re.findall(r"(?m)^### Your turn", prose)),
        commands=sum(source(c).count("project.run(") for c in code),
        cells=len(code),
        code_lines=sum(len([line for line in source(c).splitlines() if line.strip()]) for c in code),
        output_words=sum(words for words, _ in printed),
        scoreboards=sum(html for _, html in printed),
        answer_lines=answer_lines(solution) if solution else 0,
    )


@dataclass(frozen=True)
class Lesson:
    """A lesson, its exercise if it has one, what they state and what they count."""

    number: str
    title: str
    teaching: int  # stated minutes
    exercise: int
    path: Path
    exercise_path: Path | None
    counts: Counts
    exercise_counts: Counts | None
    key_points: str


def key_points(path: Path) -> str:
    """The lesson's key points, as the Markdown list it has under `## Key points`."""
    text = next(source(c) for c in cells(path) if "## Key points" in source(c))
    return text.split("## Key points", 1)[1].split("\n## ", 1)[0].strip()


def lessons() -> list[Lesson]:
    """Every lesson, with its exercise, from the notebooks."""
    found = []
    for number, title, teaching, exercise in schedule.lessons():
        [path] = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
        exercises = sorted((ROOT / "exercises").glob(f"{number}_*.ipynb"))
        exercise_path = exercises[0] if exercises else None
        solution = ROOT / "solutions" / exercise_path.name if exercise_path else None
        found.append(
            Lesson(
                number,
                title,
                teaching,
                exercise,
                path,
                exercise_path,
                count(path),
                count(exercise_path, solution) if exercise_path and solution else None,
                key_points(path),
            )
        )
    return found


def exercise_time(path: Path) -> int | None:
    """The minutes an exercise notebook states in its own `**Time:** N minutes.` line."""
    found = re.search(r"\*\*Time:\*\* (\d+) minutes\.", source(cells(path)[0]))
    return int(found[1]) if found else None


def off(stated: int, modelled: float) -> bool:
    """Whether a stated time is further from the model than the tolerance allows."""
    return abs(stated - modelled) > max(5.0, TOLERANCE * modelled)


# The blocks.


def rates_table() -> str:
    """The model's rates, as the guide states them."""
    rows = [
        ("prose, read", f"{READING} words a minute", "technical reading, Markdown cells up to the instructor notes"),
        ("text output, skimmed", f"{SKIMMING} words a minute", "what the cells print; a scoreboard is counted apart"),
        ("code, read", f"{CODE_LINE * 60:.0f} s a line", "every non-blank line of every code cell"),
        ("a code cell, run", f"{CELL * 60:.0f} s", "select, Shift+Enter, wait (no cell takes more than a few seconds)"),
        ("a ✎ edit", f"{EDIT} min", "find the file, make the change, run the cell that checks it"),
        ("a prediction", f"{PREDICTION:g} min", 'a "Your turn": think, write it down, run, read the answer'),
        ("a scoreboard", f"{SCOREBOARD:g} min", "find the highlighted rows, open one, read its evidence"),
        (
            "an exercise's answer",
            f"{ANSWER_LINE:g} min a line",
            "each line the solution writes into a file, or command it types",
        ),
        ("an exercise's check", f"{CHECK_ROUND:g} min", "run it, read a ✘ and its hint, fix, run it again"),
        ("the room", f"× {ROOM}", "a room goes at the pace of its slower half"),
        (
            "opening and closing",
            f"{OPENING:g} min",
            "a lesson's questions and objectives, its key points, with the room",
        ),
        (
            "tolerance",
            f"{TOLERANCE:.0%}, at least 5 min",
            "how far a stated time may be from the model (the tests check it)",
        ),
    ]
    return "\n".join(["| what | rate | covers |", "| --- | --- | --- |", *(f"| {a} | {b} | {c} |" for a, b, c in rows)])


def counts_table(all_lessons: list[Lesson]) -> str:
    """Each lesson's and exercise's counts, modelled minutes and stated minutes."""
    rows = [
        "| notebook | words | ✎ edits | predictions | `$` commands | code cells | code lines | output words "
        "| scoreboards | answer lines | model | stated |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total_model = total_stated = 0.0
    for lesson in all_lessons:
        parts = [
            (f"[{lesson.number} · {lesson.title}](../{lesson.path.relative_to(ROOT)})", lesson.counts, lesson.teaching)
        ]
        if lesson.exercise_path and lesson.exercise_counts:
            parts.append(
                (
                    f"[exercise {lesson.number}](../{lesson.exercise_path.relative_to(ROOT)})",
                    lesson.exercise_counts,
                    lesson.exercise,
                )
            )
        for name, c, stated in parts:
            model = c.minutes()
            total_model += model
            total_stated += stated
            rows.append(
                f"| {name} | {c.words} | {c.edits} | {c.predictions} | {c.commands} | {c.cells} | {c.code_lines} "
                f"| {c.output_words} | {c.scoreboards} | {c.answer_lines or '–'} | {model:.0f} min | {stated} min |"
            )
    rows.append(f"| **all** | | | | | | | | | | **{hours(round(total_model))}** | **{hours(round(total_stated))}** |")
    return "\n".join(rows)


def hours(minutes: int) -> str:
    """Minutes as "4 h 05"."""
    return f"{minutes // 60} h {minutes % 60:02d}"


def clock(minutes: int) -> str:
    """Minutes since midnight as "09:05"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


SETUP, FEEDBACK, RECAP = 15, 10, 10  # minutes
BREAK, LUNCH = 15, 60
LONGEST = 120  # minutes of work in a row, at most: a break comes before a block that would go over


def day(start: int, blocks: list[tuple[str, int]], lunch_at: int | None = None) -> list[tuple[int, str, int]]:
    """A day's rows (start, what, minutes): the blocks in order, breaks between them, lunch the one nearest lunch_at."""
    plan: list[tuple[str, int]] = []
    worked = 0
    for index, (what, minutes) in enumerate(blocks):
        plan.append((what, minutes))
        worked += minutes
        rest = sum(m for _, m in blocks[index + 1 :])
        if rest > BREAK and worked + blocks[index + 1][1] > LONGEST:
            plan.append(("Break", BREAK))
            worked = 0
    if lunch_at is not None:
        starts = [start + sum(m for _, m in plan[:i]) for i in range(len(plan))]
        breaks = [i for i, (what, _) in enumerate(plan) if what == "Break"]
        if breaks:  # a short day has none, and needs no lunch
            nearest = min(breaks, key=lambda i: abs(starts[i] - lunch_at))
            plan[nearest] = ("Lunch", LUNCH)
    rows, now = [], start
    for what, minutes in plan:
        rows.append((now, what, minutes))
        now += minutes
    return [*rows, (now, "End", 0)]


def blocks(all_lessons: list[Lesson]) -> list[tuple[str, int]]:
    """The work of the workshop in order: each lesson's teaching, then its exercise."""
    found = []
    for lesson in all_lessons:
        found.append((f"[{lesson.number} · {lesson.title}](../{lesson.path.relative_to(ROOT)})", lesson.teaching))
        if lesson.exercise:
            found.append((f"[exercise {lesson.number}](../{lesson.exercise_path.relative_to(ROOT)})", lesson.exercise))
    return found


def schedule_table(rows: list[tuple[int, str, int]]) -> str:
    """A day as a Markdown table."""
    lines = ["| time | what | minutes |", "| --- | --- | ---: |"]
    lines += [f"| {clock(start)} | {what} | {minutes or ''} |" for start, what, minutes in rows]
    return "\n".join(lines)


#: When a day ends at the latest, and when a half-day does: a block that would end later waits for the next one.
DAY_ENDS, HALF_DAY_ENDS = 17 * 60, 13 * 60


def days(work: list[tuple[str, int]], ends: int, lunch: bool) -> list[list[tuple[int, str, int]]]:
    """The work packed into days from 9:00, in order, each ending by `ends`; setup first, feedback last."""
    setup = ("Setup check: everyone runs `./run.sh check`; helpers fix what it names", SETUP)
    recap = ("Recap of the day before; everyone runs the next lesson's first cell", RECAP)
    feedback = ("Feedback: the minute cards ([feedback.md](feedback.md))", FEEDBACK)
    lunch_at = 12 * 60 + 30 if lunch else None
    packed: list[list[tuple[int, str, int]]] = []
    left = list(work)
    while left:
        opening = setup if not packed else recap
        taken = 1
        while taken < len(left):
            closing = [feedback] if taken + 1 == len(left) else []
            if day(9 * 60, [opening, *left[: taken + 1], *closing], lunch_at)[-1][0] > ends:
                break
            taken += 1
        closing = [feedback] if taken == len(left) else []
        plan = [opening, *left[:taken], *closing]
        short = day(9 * 60, plan)[-1][0] <= HALF_DAY_ENDS  # over by lunchtime: no lunch break in it
        packed.append(day(9 * 60, plan, None if short else lunch_at))
        left = left[taken:]
    return packed


def schedules(all_lessons: list[Lesson]) -> str:
    """Full days and half-days, from the stated times: each lesson and exercise whole, in order."""
    work = blocks(all_lessons)
    parts = [f"**Full days** (9:00 to {clock(DAY_ENDS)} at most)", ""]
    for number, rows in enumerate(days(work, DAY_ENDS, lunch=True), start=1):
        parts += [f"Day {number}", "", schedule_table(rows), ""]
    parts += [f"**Half-days** (9:00 to {clock(HALF_DAY_ENDS)} at most)", ""]
    for number, rows in enumerate(days(work, HALF_DAY_ENDS, lunch=False), start=1):
        parts += [f"Half-day {number}", "", schedule_table(rows), ""]
    return "\n".join(parts).rstrip("\n")


def times_line(lesson: Lesson) -> str:
    """A lesson's stated time and its model, for its section of the guide."""
    parts = [f"**Time:** {lesson.teaching} min teaching (model {lesson.counts.minutes():.0f})"]
    if lesson.exercise_counts:
        parts.append(f"{lesson.exercise} min exercise (model {lesson.exercise_counts.minutes():.0f})")
    else:
        parts.append("no exercise")
    c = lesson.counts
    return (
        ", ".join(parts) + f". It asks for {plural(c.edits, '✎ edit')}, {plural(c.predictions, 'prediction')}, "
        f"and runs {plural(c.commands, '`$` command')} in {plural(c.cells, 'code cell')}."
    )


def plural(number: int, thing: str) -> str:
    """ "1 code cell", "2 code cells"."""
    return f"{number} {thing}{'s' * (number != 1)}"


def scoreboard_headline(path: Path) -> str:
    """The headline of the last scoreboard a notebook shows, as stored: "2 of 12 factors pass (10 fail)"."""
    headlines = [
        found[1]
        for cell in cells(path)
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
        for found in [SCOREBOARD_HEADLINE.search("".join(output.get("data", {}).get("text/html", "")))]
        if found
    ]
    return headlines[-1] if headlines else ""


def lesson_block(lesson: Lesson) -> str:
    """A lesson's generated part of the guide: its notebook, times, scoreboard and key points."""
    links = [f"[lesson](../{lesson.path.relative_to(ROOT)})"]
    if lesson.exercise_path:
        links += [
            f"[exercise](../{lesson.exercise_path.relative_to(ROOT)})",
            f"[solution](../solutions/{lesson.exercise_path.name})",
        ]
    headline = scoreboard_headline(lesson.path)
    board = [f"The scoreboard at its end reads **{headline}**.", ""] if headline else []
    return "\n".join([" · ".join(links), "", times_line(lesson), "", *board, "Key points:", lesson.key_points])


def summary_block(all_lessons: list[Lesson]) -> str:
    """The learners' summary: each lesson's key points under a link to it."""
    parts = []
    for lesson in all_lessons:
        parts += [
            f"## [{lesson.number} · {lesson.title}](../{lesson.path.relative_to(ROOT)})",
            "",
            lesson.key_points,
            "",
        ]
    return "\n".join(parts).rstrip()


def markers(name: str) -> tuple[str, str]:
    """The comments around a generated block."""
    return f"<!-- {name}: made by scripts/guide.py -->", f"<!-- end of {name} -->"


def blocks_of(path: Path, all_lessons: list[Lesson]) -> dict[str, str]:
    """The generated blocks a document has, by name."""
    if path == SUMMARY:
        return {"key points": summary_block(all_lessons)}
    found = {"rates": rates_table(), "times": counts_table(all_lessons), "schedules": schedules(all_lessons)}
    found.update({f"lesson {lesson.number}": lesson_block(lesson) for lesson in all_lessons})
    return found


def rewritten(path: Path, all_lessons: list[Lesson] | None = None) -> str:
    """The document's text with every generated block made anew; a block whose markers are missing is an error."""
    all_lessons = all_lessons if all_lessons is not None else lessons()
    text = path.read_text()
    for name, body in blocks_of(path, all_lessons).items():
        begin, end = markers(name)
        if begin not in text or end not in text:
            raise LookupError(f"{path.relative_to(ROOT)} has no '{begin}' ... '{end}' block: add those two lines")
        text = schedule.between(text, begin, end, body)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/instructors.md and docs/summary.md")
    all_lessons = lessons()
    if parser.parse_args().write:
        try:
            texts = {path: rewritten(path, all_lessons) for path in (GUIDE, SUMMARY)}
        except LookupError as error:
            raise SystemExit(str(error)) from None
        for path, text in texts.items():
            path.write_text(text)
    else:
        print(counts_table(all_lessons))
        for lesson in all_lessons:
            for stated, c, what in (
                (lesson.teaching, lesson.counts, "teaching"),
                (lesson.exercise, lesson.exercise_counts, "exercise"),
            ):
                if c and off(stated, c.minutes()):
                    print(f"{lesson.path.name}: states {stated} minutes {what}; the model says {c.minutes():.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
