"""The workshop's schedule, made from each lesson's `**Time:**` line, for the README.

    python scripts/schedule.py           # print the table
    python scripts/schedule.py --write   # put it in README.md, between the schedule markers
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- schedule: made by scripts/schedule.py -->", "<!-- end of schedule -->"
TIME = re.compile(r"\*\*Time:\*\* (\d+) minutes teaching(?:, (\d+) minutes exercise|, no exercise)")


def lessons() -> list[tuple[str, str, int, int]]:
    """Each lesson's number, title, teaching minutes and exercise minutes, from its first cell."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        first = "".join(json.loads(path.read_text())["cells"][0]["source"])
        title = first.splitlines()[0].removeprefix("# ").split(" · ", 1)[1]
        times = TIME.search(first)
        if not times:
            raise SystemExit(f"{path.name}: no '**Time:** N minutes teaching, M minutes exercise.' line")
        found.append((path.name[:2], title, int(times[1]), int(times[2] or 0)))
    return found


def table() -> str:
    """The schedule as a Markdown table with a running total."""
    rows = ["| # | lesson | teaching | exercise | running total |", "| --- | --- | ---: | ---: | ---: |"]
    total = 0
    for number, title, teaching, exercise in lessons():
        total += teaching + exercise
        rows.append(f"| {number} | {title} | {teaching} min | {exercise or '–'}{' min' if exercise else ''} "
                    f"| {total // 60} h {total % 60:02d} |")
    return "\n".join(rows)


def between(text: str, begin: str, end: str, body: str) -> str:
    """The text with body in place of whatever stood between the begin and end markers."""
    before, _, rest = text.partition(begin)
    _, _, after = rest.partition(end)
    return f"{before}{begin}\n{body}\n{end}{after}"


def with_table(readme: str) -> str:
    """README's text with the table between the markers."""
    return between(readme, BEGIN, END, table())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update README.md")
    if parser.parse_args().write:
        readme = ROOT / "README.md"
        readme.write_text(with_table(readme.read_text()))
    else:
        print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
