"""Running a copy of the project: Django commands in a production-like environment, a web process on $PORT."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import psutil

from workshop.audit.static import SECRET_NAME
from workshop.processes import OWNER_VARIABLE, die_with_parent, free_port, stop_owned

#: Seconds a web process may take to answer its first request.
START_LIMIT = 5.0
#: Seconds it may take to stop after SIGTERM: honcho's grace before it sends SIGKILL.
STOP_LIMIT = 5.0
#: Seconds any one command may take.
TIMEOUT = 30.0
#: Variables of the audit's own environment that a run keeps; everything else is left out.
KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT")

T = TypeVar("T")

def not_copied(folder: str, names: list[str]) -> set[str]:
    """For copytree: what a run must not see (VCS data, caches, virtual environments, the local .env)."""
    skipped = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache", ".env"}
    return {n for n in names if n in skipped or n.endswith(".pyc") or Path(folder, n, "pyvenv.cfg").exists()}


def production_value(var: str, cast: str, role: str, example: str) -> str:
    """A value for one variable, fit for a production-like run that reaches nothing beyond this machine."""
    upper = var.upper()
    url = upper.endswith(("_URL", "_URI", "_DSN"))
    if cast == "db" or upper in ("DATABASE_URL", "DB_URL") or (role == "DATABASES" and url):
        return "sqlite:///audit.sqlite3"
    if "REDIS" in upper:
        return "redis://127.0.0.1:9/0"
    if cast == "cache" or (role == "CACHES" and url):
        return "locmemcache://"
    if cast == "email" or upper == "EMAIL_URL":
        return "consolemail://"
    if "MEMCACHE" in upper or role == "CACHES":
        return "127.0.0.1:9"
    if "DEBUG" in upper:
        return "False"
    if cast == "bool" or role.startswith(("SECURE_", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")):
        return "True" if re.search("SECURE|SSL|HTTPS|HSTS", upper + role) else "False"
    if "HSTS" in upper:
        return "31536000"
    if "HOSTS" in upper:
        return "localhost,127.0.0.1"
    if "ORIGINS" in upper:
        return "http://localhost,http://127.0.0.1"
    if role == "SECRET_KEY" or SECRET_NAME.search(var):
        return secrets.token_urlsafe(48)
    if upper.endswith("PORT"):
        return "9"
    if upper.endswith("HOST"):
        return "127.0.0.1"
    if url or "://" in example:
        return "http://127.0.0.1:9/"
    if cast == "int":
        return example if example.isdigit() else "1"
    return example or "audit"


@dataclass(frozen=True)
class Outcome:
    """What one command did: the command as typed, its exit status (None: timed out) and its output."""

    shown: str
    status: int | None
    output: str  # stdout and stderr together, unless errors holds stderr
    errors: str = ""

    @property
    def last_line(self) -> str:
        """The last line it printed, which names the error when it failed."""
        lines = [line.strip() for line in (self.errors or self.output).splitlines() if line.strip()]
        line = re.sub(r"^(\[[^\]]*\]\s*)+", "", lines[-1]) if lines else "(no output)"
        return line if len(line) <= 160 else line[:157] + "..."


@dataclass(frozen=True)
class WebOutcome:
    """A web process started on $PORT: its first answer (HTTP status) or why none, and whether it stopped in time."""

    shown: str
    status: int | None
    problem: str
    stopped: bool


class Sandbox:
    """A temporary copy of the project to run things in; `close()` removes it and all it started."""

    def __init__(self, root: Path, values: dict[str, str], hidden: list[str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="twelve-factor-audit-")).resolve()
        self.app = self.dir / "app"
        (self.dir / "home").mkdir()
        shutil.copytree(root, self.app, ignore=not_copied, symlinks=True)
        self.values = values
        self.hidden = sorted({h for h in hidden if len(h) >= 4}, key=len, reverse=True)
        self._lock = threading.Lock()
        self._futures: dict[str, Future] = {}

    def close(self) -> None:
        """Stop anything still running from the copy, then delete it."""
        stop_owned(self.dir, grace=1.0)
        shutil.rmtree(self.dir, ignore_errors=True)

    def once(self, key: str, make: Callable[[], T]) -> T:
        """make()'s result, computed once per key even when several threads ask at the same time."""
        with self._lock:
            future = self._futures.get(key)
            first = future is None
            if first:
                future = self._futures[key] = Future()
        if first:
            try:
                future.set_result(make())
            # Raised again by result(), in every thread that waits for it.
            except Exception as error:  # noqa: BLE001
                future.set_exception(error)
        return future.result()

    def env(self, unset: tuple[str, ...] = (), extra: dict[str, str] | None = None) -> dict[str, str]:
        """The environment of a run: a clean one, the production-like values, the venv's bin first on PATH."""
        env = {k: os.environ[k] for k in KEPT if k in os.environ}
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
        env.update(HOME=str(self.dir / "home"), PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
        env[OWNER_VARIABLE] = str(self.dir)
        env.update(self.values)
        env.update(extra or {})
        for name in unset:
            env.pop(name, None)
        return env

    def clean(self, text: str) -> str:
        """Output fit to show: no temporary paths, no secret values."""
        for path in (str(self.app), str(self.dir)):
            text = text.replace(path + os.sep, "").replace(path, ".")
        for value in self.hidden:
            text = text.replace(value, "***")
        return text

    def manage(self, *args: str, unset: tuple[str, ...] = ()) -> Outcome:
        """`python manage.py ARGS` in the copy (without the variables in unset), run once."""
        shown = " ".join(["env", *(f"-u {name}" for name in unset), "python manage.py", *args][0 if unset else 1:])
        return self.once(shown, lambda: self._manage(shown, list(args), unset))

    def probe(self, code: str) -> Outcome:
        """`python manage.py shell -c CODE` in the copy, its stdout and stderr kept apart."""
        return self._manage("python manage.py shell", ["shell", "-c", code], (), split=True)

    def _manage(self, shown: str, args: list[str], unset: tuple[str, ...], split: bool = False) -> Outcome:
        """Run manage.py with a timeout, in a session of its own."""
        try:
            done = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=self.app,
                env=self.env(unset),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE if split else subprocess.STDOUT,
                timeout=TIMEOUT,
                check=False,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        except subprocess.TimeoutExpired as expired:
            output = expired.output.decode(errors="replace") if expired.output else ""
            return Outcome(shown, None, self.clean(output))
        errors = self.clean(done.stderr.decode(errors="replace")) if split else ""
        return Outcome(shown, done.returncode, self.clean(done.stdout.decode(errors="replace")), errors)

    def web(self, command: str) -> WebOutcome:
        """Start command with $PORT set, wait for its first answer, send SIGTERM and see it stop; run once."""
        return self.once(f"web {command}", lambda: self._web(command))

    def _web(self, command: str) -> WebOutcome:
        """Start, ask, stop: everything it started is gone when this returns."""
        port = free_port()
        log = self.dir / "web.log"
        simple = not re.search(r"[;&|<>()`]", command)
        with open(log, "wb") as out:
            process = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {command}" if simple else command],
                cwd=self.app,
                env=self.env(extra={"PORT": str(port)}),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - it only calls a C function loaded beforehand
            )
        try:
            status, problem = first_answer(process, port)
            if problem:
                output = self.clean(log.read_text(errors="replace")).replace(str(port), "$PORT")
                problem = f"{problem}: {Outcome('', None, output).last_line}" if process.poll() is not None else problem
            stopped = stop(process, STOP_LIMIT)
        finally:
            stop(process, 0)
        return WebOutcome(command, status, problem, stopped)


def first_answer(process: subprocess.Popen, port: int) -> tuple[int | None, str]:
    """(HTTP status of GET / on port, '') once it answers, or (None, why not) within START_LIMIT."""
    deadline = time.monotonic() + START_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None, f"it exited with status {process.returncode} before answering"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            # As a TLS-ending proxy would forward it, so that an HTTPS redirect does not hide the page.
            connection.request("GET", "/", headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
            return connection.getresponse().status, ""
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
        finally:
            connection.close()
    return None, f"nothing answered on $PORT within {START_LIMIT:g} s"


def stop(process: subprocess.Popen, grace: float) -> bool:
    """SIGTERM to the process group, SIGKILL to whatever is left after grace seconds; did all stop in time?"""
    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.Error:
        family = []
    try:
        os.killpg(process.pid, signal.SIGTERM if grace else signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    _, alive = psutil.wait_procs(family, timeout=grace or 0.5)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    psutil.wait_procs(alive, timeout=2)
    process.wait()
    return not alive
