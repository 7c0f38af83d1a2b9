"""A working copy of the Django project: read it, change it, run commands in it."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop import processes
from workshop.errors import WorkshopError

#: The workshop's own folder: notebooks/, sample_project/, workspace/ ...
ROOT = Path(__file__).resolve().parents[1]

RED, GREEN, CYAN, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[0m"

#: An assignment of a literal string to a name that sounds secret: its value is never shown.
SECRET_LITERAL = re.compile(
    r"""(?P<name>\w*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|_KEY)\w*["']?\s*[:=]\s*)(?P<q>['"])(?P<value>[^'"\n]+)(?P=q)""",
    re.IGNORECASE,
)


#: The password in a URL such as postgres://user:password@host/db.
URL_PASSWORD = re.compile(r"(?P<before>://[^:/@\s]*:)(?P<value>[^@\s]+)(?P<after>@)")


def hide_secrets(text: str) -> str:
    """Replace every literal secret-looking assignment, and every password in a URL (but the
    placeholder `password` of an example URL), with a note of its length."""
    text = SECRET_LITERAL.sub(lambda m: f"{m['name']}{m['q']}<hidden: {len(m['value'])} characters>{m['q']}", text)
    return URL_PASSWORD.sub(
        lambda m: (
            m[0] if m["value"] == "password" else f"{m['before']}<hidden: {len(m['value'])} characters>{m['after']}"
        ),
        text,
    )


def coloured_diff(before: str, after: str, name: str, other: str | None = None, context: int = 2) -> str:
    """A unified diff of two texts, with removed lines red and added lines green; secret values hidden."""
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{name}", f"b/{other or name}", n=context, lineterm=""
    ):
        shown = hide_secrets(line)
        if shown.startswith(("---", "+++")):
            lines.append(shown)
        elif shown.startswith("-"):
            lines.append(f"{RED}{shown}{RESET}")
        elif shown.startswith("+"):
            lines.append(f"{GREEN}{shown}{RESET}")
        elif shown.startswith("@@"):
            lines.append(f"{CYAN}{shown}{RESET}")
        else:
            lines.append(shown)
    return "\n".join(lines)


@dataclass
class Project:
    """The working copy at path; every change made through it is printed, and none reaches outside it.

    The change methods (write, replace, move, delete) tell three states apart: the change is still
    to make (they make it), it is made already, by hand or by an earlier run (they say so), or the
    file is in neither state (they stop with a hint, and change nothing).
    """

    path: Path
    #: Variables set with export(): every later command gets them, as in a terminal after `export`.
    exported: dict[str, str] = field(default_factory=dict, repr=False)
    #: The git branch where start() kept the learner's changes this time ('' when there were none).
    kept: str = ""

    def __repr__(self) -> str:
        return f"Project({display_path(self.path)})"

    def file(self, name: str) -> Path:
        """The path of a file inside the working copy; stop if name is empty or leads outside it."""
        if not str(name).strip():
            raise WorkshopError("Give a path inside the working copy, like shop/settings.py; this one is empty.")
        root = self.path.resolve()
        target = (self.path / name).resolve()
        if target == root:
            raise WorkshopError(f"{name!r} is the working copy itself; give a file or folder inside it.")
        if not target.is_relative_to(root):
            raise WorkshopError(
                f"{name} is outside the working copy {display_path(root)}/: "
                "the workshop's helpers only touch files inside it."
            )
        return self.path / name

    def read(self, name: str) -> str:
        """The text of a file in the working copy."""
        target = self.file(name)
        if not target.is_file():
            what = "is a folder, not a file" if target.is_dir() else "does not exist"
            raise WorkshopError(f"{name} {what} in {display_path(self.path)}/.")
        return target.read_text()

    def show(self, name: str, start: int | str = 1, end: int | str | None = None) -> None:
        """Print a file, or its lines from start to end (numbers, or text found on them), secrets hidden."""
        lines = self.read(name).splitlines()
        first = start if isinstance(start, int) else line_containing(lines, start, 1, name)
        last = end if isinstance(end, int) else len(lines) if end is None else line_containing(lines, end, first, name)
        whole = (first, last) == (1, len(lines))
        where = "" if whole else f", line {first}" if first == last else f", lines {first}-{last}"
        print(f"{CYAN}# {name}{where}{RESET}")
        for number in range(first, last + 1):
            print(f"{number:4} {hide_secrets(lines[number - 1])}")

    def compare(self, first: str, second: str, context: int = 2, limit: int | None = None) -> None:
        """Print how two files differ, as a coloured diff (at most limit lines); secret values hidden."""
        lines = coloured_diff(self.read(first), self.read(second), first, second, context).splitlines()
        for line in lines[:limit]:
            print(line)
        if limit is not None and len(lines) > limit:
            print(f"[... {len(lines) - limit} more lines ...]")

    def write(self, name: str, text: str) -> None:
        """Create a file with text and show it; if it exists already, say whether it holds exactly that text."""
        target = self.file(name)
        if target.is_dir():
            raise WorkshopError(f"{name} is a folder; this step writes a file there.")
        if target.exists():
            mine = target.read_text()
            if mine == text:
                print(f"{name}: already written as this step has it, nothing to do")
                return
            raise WorkshopError(
                f"{name} exists already, and differs from what this step writes: {first_difference(mine, text)}.\n"
                f"Make it match the cell, or rename your version (then this cell writes the file), and run it again."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        print(f"{GREEN}new file {name}:{RESET}")
        for number, line in enumerate(text.splitlines(), 1):
            print(f"{number:4} {hide_secrets(line)}")

    def replace(self, name: str, old: str, new: str) -> None:
        """Replace the one occurrence of old with new in a file and show the diff, or say it is done already."""
        if not old:
            raise WorkshopError("replace() needs the text to find; `old` is empty.")
        text = self.read(name)
        count = text.count(old)
        done = (new in text) if new and old in new else (count == 0 and (not new or new in text))
        typo = nearest(text, old, avoid=new, cutoff=0.9) if done and count == 0 else None
        if done and typo is None:
            print(f"{name}: already changed, nothing to do")
            return
        if count == 1 and typo is None:
            after = text.replace(old, new)
            self.file(name).write_text(after)
            print(coloured_diff(text, after, name))
            return
        if count > 1:
            raise WorkshopError(f"{name} holds the text to replace {count} times; this step expects it once.")
        near = typo or nearest(text, old, avoid=new, cutoff=0.6)
        where = (
            f"The nearest is line {near[0]}: {hide_secrets(near[1]).strip()!r}" if near else "Nothing there comes close"
        )
        raise WorkshopError(
            f"{name} holds neither the text this step changes, {hide_secrets(first_line(old))!r}, "
            f"nor its change. {where}.\n"
            "If you edited it by hand, make it match the cell; to start the lesson over, run its first cell again."
        )

    def replace_line(self, name: str, start: str, new: str) -> None:
        """Replace the one line starting with start by the line new (for a line whose rest, a secret, is not shown)."""
        text = self.read(name)
        lines = text.splitlines(keepends=True)
        found = [index for index, line in enumerate(lines) if line.startswith(start)]
        if len(found) == 1:
            lines[found[0]] = new + "\n"
            self.file(name).write_text("".join(lines))
            print(coloured_diff(text, "".join(lines), name))
        elif not found and any(line.rstrip("\n") == new for line in lines):
            print(f"{name}: already changed, nothing to do")
        elif found:
            raise WorkshopError(
                f"{name} has {len(found)} lines starting with {hide_secrets(start)!r}; this step expects one."
            )
        else:
            raise WorkshopError(
                f"{name} has no line starting with {hide_secrets(start)!r}, nor the line {hide_secrets(new)!r}. "
                "If you edited it "
                "by hand, make it match the cell; to start the lesson over, run its first cell again."
            )

    def append(self, name: str, text: str) -> None:
        """Add text at the end of a file and show the diff, or say it is there already."""
        before = self.read(name)
        if text.strip() in before:
            print(f"{name}: already added, nothing to do")
            return
        if first_line(text) in before:
            raise WorkshopError(
                f"{name} holds {first_line(text)!r}, but not as this step adds it. If you typed it "
                "yourself, make it match the cell, or remove it to let the cell add it."
            )
        after = before.rstrip("\n") + "\n" + text
        self.file(name).write_text(after)
        print(coloured_diff(before, after, name))

    def move(self, old: str, new: str) -> None:
        """Move or rename a file or folder (as `mv old new`), or say it is moved already."""
        source, target = self.file(old), self.file(new)
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
            print(f"$ mv {old} {new}")
        elif target.exists() and not source.exists():
            print(f"{new}: already moved from {old}, nothing to do")
        else:
            state = "both exist" if source.exists() else "neither exists"
            raise WorkshopError(
                f"Can't move {old} to {new}: {state}. Look in the file browser, "
                "or run the lesson's first cell again to start over."
            )

    def delete(self, name: str) -> None:
        """Delete a file or a folder of the working copy, or say it is deleted already."""
        target = self.file(name)
        folder = target.is_dir() and not target.is_symlink()
        if folder:
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        else:
            similar = difflib.get_close_matches(name, sorted(files_under(self.path)), n=1, cutoff=0.8)
            if similar and not self.at_start(name):
                raise WorkshopError(f"There is no {name} to delete; did you mean {similar[0]}?")
            print(f"{name}: already deleted, nothing to do")
            return
        print(f"$ rm {'-r ' if folder else ''}{name}")

    def at_start(self, name: str) -> bool:
        """Whether the working copy's start commit holds this file or folder (False outside git)."""
        if not (self.path / ".git").exists():
            return False
        done = subprocess.run(
            ["git", "cat-file", "-e", f"HEAD:{name}"], cwd=self.path, capture_output=True, check=False
        )
        return done.returncode == 0

    def run(self, command: str, **options: Any) -> None:
        """Run a shell command in the working copy as a learner would in a terminal (see processes.run)."""
        processes.run(command, self.path, exported=self.exported, **options)

    def background(self, command: str, env: dict[str, str] | None = None, name: str = "") -> processes.Background:
        """A command to run in the background in a `with` block, stopped with all its children at the end."""
        return processes.Background(command, self.path, dict(env or {}), name, exported=dict(self.exported))

    def export(self, name: str, value: str) -> None:
        """Give every later command a variable, as `export NAME=value` does in a terminal; its value is never shown."""
        print(f"$ export {name}={value}")
        evaluated = processes.run(f"printf '%s' {value}", self.path, quiet=True)
        self.exported[name] = evaluated


def files_under(root: Path) -> list[str]:
    """Every file and folder under root, relative to it, outside .git and .workshop."""
    found = []
    for parent, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".workshop", "__pycache__")]
        found += [Path(parent, name).relative_to(root).as_posix() for name in dirs + files]
    return found


def first_line(text: str) -> str:
    """The first non-blank line of text, for a hint."""
    return next((line.strip() for line in text.splitlines() if line.strip()), text)


def first_difference(mine: str, wanted: str) -> str:
    """Where two texts first differ, as a line number and both lines, secrets hidden."""
    a, b = mine.splitlines(), wanted.splitlines()
    for number, (x, y) in enumerate(zip(a, b, strict=False), 1):
        if x != y:
            return f"line {number} is {hide_secrets(x).strip()!r} in yours, {hide_secrets(y).strip()!r} in the step's"
    shorter, longer = ("yours", "the step's") if len(a) < len(b) else ("the step's", "yours")
    return f"{shorter} ends after line {min(len(a), len(b))}, {longer} goes on"


def nearest(text: str, old: str, avoid: str = "", cutoff: float = 0.8) -> tuple[int, str] | None:
    """The line where text comes closest to old (at least cutoff alike), skipping lines that hold avoid."""
    best: tuple[float, int, str] | None = None
    lines = text.splitlines(keepends=True)
    size = max(1, len(old.splitlines()))
    for index in range(len(lines)):
        window = "".join(lines[index : index + size])
        if avoid and (avoid in window or (window.strip() and window.strip() in avoid)):
            continue
        score = partial_ratio(old, window)
        if score >= cutoff and (best is None or score > best[0]):
            best = (score, index + 1, lines[index])
    return (best[1], best[2]) if best else None


def partial_ratio(needle: str, hay: str) -> float:
    """How alike needle is to the best-aligned stretch of hay, from 0 to 1."""
    if len(hay) <= len(needle):
        return difflib.SequenceMatcher(None, needle, hay, autojunk=False).ratio()
    block = difflib.SequenceMatcher(None, hay, needle, autojunk=False).find_longest_match(0, len(hay), 0, len(needle))
    start = max(0, min(block.a - block.b, len(hay) - len(needle)))
    return difflib.SequenceMatcher(None, needle, hay[start : start + len(needle)], autojunk=False).ratio()


def line_containing(lines: list[str], text: str, after: int, name: str) -> int:
    """The number of the first line at or after line `after` that contains text."""
    for number in range(after, len(lines) + 1):
        if text in lines[number - 1]:
            return number
    raise WorkshopError(f"{name} has no line containing {text!r}")


def display_path(path: Path) -> str:
    """A path as the learner sees it in the file browser: relative to the workshop's folder."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
