"""The pre-flight check, `./run.sh check`: is this machine ready for the workshop?

Run it in a terminal, from the workshop's folder, a week before the day. It checks versions, free
ports, disk space, proxy variables, git and the app's wheels for lesson 05, then runs the real
parts: it starts and stops the PostgreSQL server from pip, and starts the app at the start of
lesson 04 with `honcho start` and fetches its front page. Everything it starts is stopped,
everything it writes is removed. Its last line says "Ready" or names the first thing to fix.

    python -m workshop.preflight                 # every check
    python -m workshop.preflight --only postgres  # one of them again, after a fix
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from workshop import environment
from workshop.checkpoints import checkpoint, workspace
from workshop.processes import Background, free_port, http_get, port_open, run, stop_owned
from workshop.project import ROOT

#: The ports a learner's own commands use unless told otherwise, and the command that does.
PORTS = {5000: "honcho start", 8000: "manage.py runserver"}
#: Free space wanted where the working copies go: each holds a copy of the app, and lesson 04 a database.
DISK_NEEDED_GB = 1
#: Variables that send HTTP requests to a proxy (any case), and the one that exempts hosts from it.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
REINSTALL = "make the workshop's environment anew: rm -rf .venv && ./run.sh check"
#: Where ./run.sh keeps the wheels of the lessons' app (lesson 05 installs the app from there).
WHEELS = ROOT / ".venv" / "wheels"


@dataclass
class Row:
    """One line of the check: what was checked, what was found, and how to fix it unless all is well."""

    what: str
    found: str = "ok"
    level: str = "ok"  # "ok", "warning" or "problem"
    fix: str = ""
    output: str = ""  # what the commands printed, shown below a problem


def versions(scratch: Path) -> list[Row]:
    """Python, the pinned packages and their commands, a writable workspace: lesson 00's own check."""
    return [
        Row(what) if result == "ok" else Row(what, result, "problem", fix)
        for what, result, fix in environment.problems()
    ]


def listener(port: int) -> str:
    """The program listening on 127.0.0.1:port, as "name (pid N)", or "" when the system won't say."""
    try:
        for connection in psutil.net_connections("tcp"):
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
                return f"{psutil.Process(connection.pid).name()} (pid {connection.pid})"
    except (psutil.Error, OSError):
        pass
    return ""


def ports(scratch: Path, wanted: dict[int, str] = PORTS) -> list[Row]:
    """Whether the ports the learner's own commands use by default are free."""
    rows = []
    for port, command in wanted.items():
        what = f"port {port} ({command}) is free"
        if not port_open(port):
            rows.append(Row(what))
            continue
        holder = listener(port)
        fix = f"stop {holder or 'the program that listens there'} before the workshop"
        if port == 5000 and sys.platform == "darwin":
            fix += " (on macOS, often the AirPlay Receiver: System Settings > General > AirDrop & Handoff)"
        rows.append(Row(what, f"in use{' by ' + holder if holder else ''}", "problem", fix))
    return rows


def disk(scratch: Path) -> list[Row]:
    """Free space where the working copies go."""
    folder = next(path for path in [scratch, *scratch.parents] if path.exists())
    free = shutil.disk_usage(folder).free / 2**30
    what = f"{DISK_NEEDED_GB} GB free for workspace/"
    if free >= DISK_NEEDED_GB:
        return [Row(what, f"{free:.1f} GB free")]
    return [Row(what, f"{free:.2f} GB free", "problem", f"free some space on the disk that holds {folder}")]


def proxies(scratch: Path) -> list[Row]:
    """A proxy variable without NO_PROXY covering this machine would send requests for the app to the proxy."""
    names = sorted(name for name, value in os.environ.items() if name.lower() in PROXY_VARIABLES and value)
    what = "proxy variables"
    if not names:
        return [Row(what, "none set")]
    bypassed = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # (not in typeshed)
    if all(bypassed(host) for host in ("127.0.0.1", "localhost")):
        return [Row(what, f"{', '.join(names)} set; NO_PROXY covers 127.0.0.1 and localhost")]
    return [
        Row(
            what,
            f"{', '.join(names)} set, and NO_PROXY does not cover 127.0.0.1 and localhost",
            "warning",
            "requests to the app on your own machine would go to the proxy: "
            "add export NO_PROXY=127.0.0.1,localhost to your shell's profile",
        )
    ]


def git(scratch: Path) -> list[Row]:
    """git, which the lessons use to show what changed."""
    found = shutil.which("git")
    if found is None:
        return [Row("git", "missing", "problem", "install git (docs/setup.md says how)")]
    done = subprocess.run([found, "--version"], check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        return [
            Row("git", f"does not run: {last_line(done.stderr)}", "problem", "install git (docs/setup.md says how)")
        ]
    return [Row("git", done.stdout.strip())]


def app_wheels(scratch: Path, folder: Path = WHEELS) -> list[Row]:
    """The wheels lesson 05 installs the app from, with no index: one per line of requirements.txt marked `# app`."""
    what = "the app's wheels for lesson 05"
    pins = re.findall(r"(?m)^([A-Za-z0-9][\w.-]*)==(\S+)\s+# app$", (ROOT / "requirements.txt").read_text())
    names = {path.name.lower() for path in folder.glob("*.whl")}
    missing = [
        f"{name}=={version}"
        for name, version in pins
        if not any(wheel.startswith(f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}-") for wheel in names)
    ]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        return [
            Row(
                what,
                f"missing from .venv/wheels/: {shown}",
                "problem",
                "download them again: rm .venv/installed-requirements.txt && ./run.sh check",
            )
        ]
    return [Row(what, f"{len(pins)} in .venv/wheels/")]


def postgres(scratch: Path) -> list[Row]:
    """Start the PostgreSQL server from pip, as lesson 04 does, ask it a question, and stop it."""
    what = "PostgreSQL starts, answers and stops"
    started = time.monotonic()
    try:
        import psycopg

        from workshop.postgres import start_postgres

        data = scratch / "postgres"
        with (
            start_postgres(data, owner=str(data)) as server,
            psycopg.connect(server.url, connect_timeout=5) as connection,
        ):
            version = (connection.execute("SHOW server_version").fetchone() or ("?",))[0]
        if server.process.poll() is None or port_open(server.port):
            return [Row(what, "it did not stop", "problem", f"stop it: kill {server.process.pid}")]
    except Exception as error:  # noqa: BLE001 (whatever went wrong, say it in one line)
        settings = sorted(name for name in os.environ if name.startswith("PG"))
        fix = (
            f"unset {' '.join(settings)}: these variables change how PostgreSQL's programs connect"
            if settings
            else "read the error; docs/setup.md has the usual causes"
        )
        return [Row(what, last_line(str(error)) or type(error).__name__, "problem", fix)]
    return [Row(what, f"PostgreSQL {version}, {time.monotonic() - started:.1f} s")]


def honcho(scratch: Path) -> list[Row]:
    """In the app at the start of lesson 04: migrate with `honcho run`, `honcho start`, fetch the front page, stop."""
    what = "honcho starts the app, which serves its front page"
    app = checkpoint("04", scratch / "app")
    port = free_port()
    shown, server = io.StringIO(), Background(f"honcho start -p {port}", app)
    try:
        with contextlib.redirect_stdout(shown):  # the commands as run, kept for the message if one fails
            run("honcho run python manage.py migrate", app, tail=2)
            with server:
                server.wait_for_port(port, timeout=30)
                status, page = http_get(f"http://127.0.0.1:{port}/")
    except Exception as error:  # noqa: BLE001 (whatever went wrong: its first line, then the output below)
        output = shown.getvalue() + (server.output() if server.output() not in str(error) else "") + str(error)
        if "not found" in output:
            fix = REINSTALL
        elif proxies(scratch)[0].level != "ok":
            fix = "set NO_PROXY, as the proxy line says"
        else:
            fix = "read the output below"
        return [Row(what, first_line(str(error)) or type(error).__name__, "problem", fix, output)]
    if status != 200 or "Bean Counter" not in page:
        return [Row(what, f"the front page answered {status}", "problem", "read the page above")]
    if server.started.returncode is None or port_open(port):
        return [Row(what, "honcho did not stop", "problem", f"stop it: kill {server.started.pid}")]
    return [Row(what)]


def first_line(text: str) -> str:
    """The first line of text that is not blank."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def last_line(text: str) -> str:
    """The last line of text that is not blank, which usually says what went wrong."""
    return next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")


CHECKS: dict[str, Callable[[Path], list[Row]]] = {
    "versions": versions,
    "ports": ports,
    "disk": disk,
    "proxies": proxies,
    "git": git,
    "wheels": app_wheels,
    "postgres": postgres,
    "honcho": honcho,
}
MARKS = {"ok": "✔", "warning": "!", "problem": "✘"}


def machine() -> str:
    """This Python and system, e.g. "Python 3.12.1 on Linux x86_64"."""
    system = {"Darwin": "macOS"}.get(platform.system(), platform.system())
    wsl = " (WSL)" if "microsoft" in platform.release().lower() else ""
    return f"Python {platform.python_version()} on {system} {platform.machine()}{wsl}"


def verdict(rows: list[Row]) -> str:
    """The last line: ready, or the first thing to fix."""
    problems = [row for row in rows if row.level == "problem"]
    warnings = [row.what for row in rows if row.level == "warning"]
    if problems:
        first = problems[0]
        return f'Not ready ({machine()}): first fix "{first.what}": {first.found}. Fix: {first.fix}'
    passed = len(rows) - len(warnings)
    noted = f", {len(warnings)} warning{'s' * (len(warnings) > 1)} ({'; '.join(warnings)})" if warnings else ""
    return f"Ready for the workshop ({machine()}): {passed} check{'s' * (passed != 1)} passed{noted}."


def main(argv: list[str] | None = None) -> int:
    """Run the checks, one line each as they finish, then the verdict; exit 1 unless ready."""
    parser = argparse.ArgumentParser(prog="./run.sh check", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=list(CHECKS), help="run only this check (repeatable)")
    parser.add_argument(
        "--port", action="append", type=int, help="check this port instead of 5000 and 8000 (repeatable)"
    )
    args = parser.parse_args(argv)
    scratch = workspace() / "preflight"
    stop_owned(scratch)  # what an interrupted earlier check left
    shutil.rmtree(scratch, ignore_errors=True)
    rows: list[Row] = []
    try:
        for name in args.only or list(CHECKS):
            check = CHECKS[name]
            found = (
                ports(scratch, dict.fromkeys(args.port, "given")) if name == "ports" and args.port else check(scratch)
            )
            for row in found:
                print(f"{MARKS[row.level]} {row.what:52} {row.found}{'  -> ' + row.fix if row.fix else ''}", flush=True)
                for line in row.output.strip().splitlines()[-12:]:
                    print(f"    {line}")
            rows += found
    finally:
        stop_owned(scratch)
        shutil.rmtree(scratch, ignore_errors=True)
    print(verdict(rows))
    return 0 if not any(row.level == "problem" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
