"""A working copy of the Django project: read it, change it, run commands in it."""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from workshop import processes

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
    text = SECRET_LITERAL.sub(
        lambda m: f"{m['name']}{m['q']}<hidden: {len(m['value'])} characters>{m['q']}", text
    )
    return URL_PASSWORD.sub(
        lambda m: m[0] if m["value"] == "password" else f"{m['before']}<hidden: {len(m['value'])} characters>{m['after']}",
        text,
    )


def coloured_diff(before: str, after: str, name: str, other: str | None = None, context: int = 2) -> str:
    """A unified diff of two texts, with removed lines red and added lines green; secret values hidden."""
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{name}", f"b/{other or name}", n=context, lineterm=""
    ):
        line = hide_secrets(line)
        if line.startswith(("---", "+++")):
            lines.append(line)
        elif line.startswith("-"):
            lines.append(f"{RED}{line}{RESET}")
        elif line.startswith("+"):
            lines.append(f"{GREEN}{line}{RESET}")
        elif line.startswith("@@"):
            lines.append(f"{CYAN}{line}{RESET}")
        else:
            lines.append(line)
    return "\n".join(lines)


@dataclass
class Project:
    """The working copy at path; every change made through it is printed as a diff."""

    path: Path

    def __repr__(self) -> str:
        return f"Project({display_path(self.path)})"

    def file(self, name: str) -> Path:
        """The path of a file inside the working copy."""
        return self.path / name

    def read(self, name: str) -> str:
        """The text of a file in the working copy."""
        return self.file(name).read_text()

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
        """Create or overwrite a file and show what changed."""
        target = self.file(name)
        before = target.read_text() if target.exists() else ""
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        print(coloured_diff(before, text, name) if before != text else f"{name}: unchanged")

    def replace(self, name: str, old: str, new: str) -> None:
        """Replace the one occurrence of old with new in a file and show the diff."""
        text = self.read(name)
        count = text.count(old)
        if count == 1:
            self.write(name, text.replace(old, new))
        elif count == 0 and new in text:
            print(f"{name}: already changed, nothing to do")
        elif count == 0:
            raise ValueError(
                f"{name} no longer contains the text this step changes. "
                "If you edited it by hand, re-run the lesson's first cell to start again."
            )
        else:
            raise ValueError(f"{name} contains the text to replace {count} times; expected once")

    def delete(self, name: str) -> None:
        """Delete a file or a folder of the working copy."""
        target = self.file(name)
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        else:
            print(f"{name}: already deleted")
            return
        print(f"{RED}deleted {name}{RESET}")

    def run(self, command: str, **options) -> None:
        """Run a shell command in the working copy as a learner would in a terminal (see processes.run)."""
        processes.run(command, self.path, **options)

    def background(self, command: str, env: dict[str, str] | None = None, name: str = "") -> processes.Background:
        """A command to run in the background in a `with` block, stopped with all its children at the end."""
        return processes.Background(command, self.path, dict(env or {}), name)


def line_containing(lines: list[str], text: str, after: int, name: str) -> int:
    """The number of the first line at or after line `after` that contains text."""
    for number in range(after, len(lines) + 1):
        if text in lines[number - 1]:
            return number
    raise ValueError(f"{name} has no line containing {text!r}")


def display_path(path: Path) -> str:
    """A path as the learner sees it in the file browser: relative to the workshop's folder."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
