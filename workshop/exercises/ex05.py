"""Exercise 05: the shop's new dependency, Markdown, in the input, in the lock with its hash, and in the app's own
environment, where the shop's tests pass."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import subprocess
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from workshop.exercises.checks import last_line, report, text_of
from workshop.processes import UV_SETTINGS, exact_env
from workshop.project import ROOT, Project

#: The new dependency, as it is installed (its distribution) and as the code imports it (its module).
PACKAGE, MODULE = "Markdown", "markdown"
#: The command that makes the lock, as lesson 05 runs it.
COMPILE = "uv pip compile requirements.in --generate-hashes -o requirements.txt"
SYNC = "uv pip sync -p .venv --require-hashes requirements.txt"
#: Where ./run.sh keeps the wheels the lessons install from.
WHEELS = ROOT / ".venv" / "wheels"
#: Lists the distributions installed in an environment, as JSON: {normalized name: version}.
INSTALLED = (
    "import importlib.metadata as m, json, re; "
    "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version for d in m.distributions()}))"
)


def normalize(name: str) -> str:
    """A package's name as pip compares them: case, `-`, `_` and `.` alike."""
    return re.sub(r"[-_.]+", "-", name).lower()


def input_names(text: str) -> tuple[dict[str, int], list[str]]:
    """The packages requirements.in names (normalized, with their line), and a hint for each line that is none."""
    names: dict[str, int] = {}
    hints: list[str] = []
    for number, written in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", written).strip()
        if not line or line.startswith("-"):
            continue
        try:
            names[normalize(Requirement(line).name)] = number
        except InvalidRequirement:
            hints.append(
                f"requirements.in, line {number}: {written.strip()!r} is not a requirement. Write a package's name, "
                f"like {PACKAGE}, or a name and the versions it may have, like {PACKAGE}>=3.10."
            )
    return names, hints


def lock_entries(text: str) -> dict[str, tuple[str, list[str]]]:
    """The packages the lock lists (normalized): the version it pins ('' for none) and the hashes of its files."""
    entries = {}
    for logical in text.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#.*", "", logical).strip()
        if not line or line.startswith("-"):
            continue
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        spec = re.sub(r"\s--hash\S*", "", line).strip()
        try:
            requirement = Requirement(spec)
        except InvalidRequirement:
            continue
        pins = [s.version for s in requirement.specifier if s.operator in ("==", "===")]
        entries[normalize(requirement.name)] = (pins[0] if pins else "", hashes)
    return entries


def wheel_hashes(name: str, version: str) -> set[str]:
    """The SHA-256 of every wheel of name and version in the workshop's folder of wheels."""
    stem = f"{normalize(name).replace('-', '_')}-{version}-"
    return {
        hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (WHEELS.glob("*.whl") if WHEELS.is_dir() else [])
        if path.name.lower().startswith(stem)
    }


def declaration_hints(project: Project) -> list[str]:
    """Hints for the new package missing from the input or the lock, or in the lock without a pin or a true hash."""
    if not project.file("requirements.in").is_file():
        return ["requirements.in, the input, is missing: lesson 05 made it. Run the lesson's cells, or start over."]
    names, hints = input_names(text_of(project, "requirements.in"))
    key = normalize(PACKAGE)
    tried = any(key in normalize(hint.split("is not a requirement")[0]) for hint in hints)
    if key not in names and not tried:
        near = difflib.get_close_matches(key, list(names), n=1, cutoff=0.7)
        hints.append(
            f"requirements.in names {near[0]}: did you mean {PACKAGE}?"
            if near
            else f"{PACKAGE} is not in requirements.in, the input: add it, by the name you install it with "
            f"(the shop imports it as {MODULE})."
        )
    lock = lock_entries(text_of(project, "requirements.txt"))
    if not lock:
        return [*hints, f"requirements.txt, the lock, lists no package: compile it from requirements.in:\n  {COMPILE}"]
    stale = [name for name in names if name not in lock and name != key]
    if key not in lock:
        hints.append(
            f"{PACKAGE} is not in the lock, requirements.txt: compile it again from requirements.in, "
            f"with the command in its first lines."
        )
    elif not lock[key][0]:
        hints.append(
            f"{PACKAGE} is in the lock without a version pinned with ==: the lock is made by uv, never written "
            f"by hand. Compile it again from requirements.in, with the command in its first lines."
        )
    elif not lock[key][1]:
        hints.append(
            f"{PACKAGE} is in the lock without a hash"
            + (
                ", and so is every other package: compile with --generate-hashes."
                if not any(hashes for _, hashes in lock.values())
                else ": the lock is made by uv, never written by hand. Compile it again from requirements.in, "
                "with the command in its first lines."
            )
        )
    else:
        real = wheel_hashes(PACKAGE, lock[key][0])
        if real and not real & set(lock[key][1]):
            hints.append(
                f"{PACKAGE}'s hash in the lock is not the hash of its wheel: installing it would be refused. "
                "Compile the lock again, instead of editing it."
            )
    if stale:
        hints.append(
            f"{', '.join(stale)} {'is' if len(stale) == 1 else 'are'} in requirements.in but not in the lock: "
            "compile it again from requirements.in."
        )
    return hints


def environment_hints(project: Project) -> list[str]:
    """Hints when the app's own environment is missing, lacks the new package, or holds other versions than the lock."""
    python = project.path / ".venv" / "bin" / "python"
    if not python.exists():
        return [f"There is no environment of the app's own in .venv/: make it with `uv venv`, then `{SYNC}`."]
    done = run_in(project, [str(python), "-c", INSTALLED])
    try:
        installed: dict[str, str] = json.loads(done.stdout)
    except ValueError:
        return [f"The Python in .venv/ does not run: `{last_line(done.stdout + done.stderr)}`. Make it anew: uv venv"]
    lock = {name: version for name, (version, _) in lock_entries(text_of(project, "requirements.txt")).items()}
    key = normalize(PACKAGE)
    hints = []
    if key not in installed:
        hints.append(f"{PACKAGE} is not installed in .venv/, the app's environment: install the lock there:\n  {SYNC}")
    elif lock.get(key) and installed[key] != lock[key]:
        hints.append(
            f"{PACKAGE} {installed[key]} is installed in .venv/, but the lock says {lock[key]}: install the lock:\n"
            f"  {SYNC}"
        )
    extra = sorted(name for name in installed if name not in lock and name not in ("pip", key))
    if extra and lock:
        hints.append(
            f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} installed in .venv/ but not in the lock: "
            f"uv pip sync installs exactly the lock, and removes the rest:\n  {SYNC}"
        )
    return hints


def run_in(project: Project, command: list[str]) -> subprocess.CompletedProcess:
    """Run a command in the working copy, with the workshop's uv settings and nothing else of the kernel's."""
    return subprocess.run(
        command,
        check=False,
        cwd=project.path,
        env=exact_env(str(Path(project.path).resolve()), dict(UV_SETTINGS)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_05(project: Project) -> None:
    """Exercise 05: is Markdown declared in requirements.in, locked with its hash, and installed in .venv/, where the
    shop's tests pass?"""
    hints = declaration_hints(project)
    hints += environment_hints(project)
    if not hints:
        done = run_in(project, [str(project.path / ".venv" / "bin" / "python"), "manage.py", "test", "-v", "0"])
        if done.returncode != 0:
            hints.append(
                f"The shop's tests fail in .venv/, the app's environment: `{last_line(done.stdout + done.stderr)}`"
            )
    report(
        project,
        hints,
        f"{PACKAGE} is declared in requirements.in, locked with its hash in requirements.txt, and installed\n"
        "  in the app's own environment, where the shop's tests pass. Well done!",
    )
