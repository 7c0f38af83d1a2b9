"""Running a copy of the project, only to confirm what its files say or to decide what they cannot.

A run copies the project to a temporary folder and starts it in a production-like environment: the variables
it cannot start without get a placeholder of the type its code expects (a number where it calls int(), a
database URL where it parses one, a random secret); variables with a default in the code are left unset, and
optional switches stay off. Anything that stops a run raises CannotRun with the reason: a crash the audit may
have caused is never a verdict of "fail". Every process started is tagged and stopped through
workshop.processes, and the copy is deleted.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import psutil

from workshop.audit.facts import Facts
from workshop.audit.source import SECRET_NAME, EnvRead, is_remote_host, leaves, literal_text
from workshop.processes import OWNER_VARIABLE, die_with_parent, free_port, owned_processes, port_open, stop_owned

#: Seconds a web process may take to answer its first request, on a machine that loads its settings in about
#: a third of that: on a busier machine, it may take three times as long as loading its settings did.
START_LIMIT = 5.0
#: Seconds the run waits for that first answer, however slow the machine, before it says none came.
WAIT_LIMIT = 20.0
#: Seconds it may take to stop after SIGTERM: honcho's grace before it sends SIGKILL.
STOP_LIMIT = 5.0
#: Seconds any one command may take.
TIMEOUT = 30.0
#: Variables of the audit's own environment that a run keeps; everything else is left out.
KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT")
T = TypeVar("T")

#: The marker in front of the probe's one line of JSON.
MARKER = "TWELVE-FACTOR-AUDIT "


class CannotRun(Exception):
    """The project was not run, or its run stopped before it could show anything; the reason says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    """What one command did: the command as typed, its exit status (None: timed out) and its output."""

    shown: str
    status: int | None
    output: str  # stdout (and stderr, unless errors holds it)
    errors: str = ""

    @property
    def last_line(self) -> str:
        """The line that names what went wrong: the last exception it printed, else its last line."""
        return error_line(self.errors or self.output)


ERROR = re.compile(r"^([\w.]*(Error|Exception|Exit|Interrupt)|[\w.]+\.(ImproperlyConfigured|SystemCheckError)):\s")


def error_line(text: str) -> str:
    """The line of some output that names what went wrong: the last exception, else the last line."""
    lines = [re.sub(r"^(\[[^\]]*\]\s*)+", "", line.strip()) for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if ERROR.match(line)]
    line = errors[-1] if errors else (lines[-1] if lines else "(no output)")
    return line if len(line) <= 160 else line[:157] + "..."


@dataclass(frozen=True)
class Probe:
    """The settings as Django loaded them in the production-like environment, its checks, and where logs go."""

    shown: str
    took: float  # seconds it took to load the settings and run the checks
    django: str  # Django's version where the project ran
    debug: bool
    secret: str  # sha256 of SECRET_KEY
    databases: dict[str, dict[str, str]]
    caches: dict[str, dict[str, str]]
    checks: list[dict[str, Any]]  # check --deploy's messages: id, level, msg
    loggers: dict[str, list[dict[str, str]]]  # logger -> its handlers (class, stream, file)
    stdout: str
    stderr: str


@dataclass(frozen=True)
class WebRun:
    """A web process started on $PORT: its first answer (HTTP status), how long it took, whether it stopped."""

    shown: str
    status: int  # 0: nothing answered on $PORT
    took: float
    stopped: bool
    listening: tuple[int, ...] = ()  # when nothing answered: the TCP ports it listens on instead


@dataclass(frozen=True)
class Plan:
    """What a run sets: each variable's placeholder, which of them are secrets, and the Python that runs it."""

    values: dict[str, str]
    secret: frozenset[str]
    python: Path
    why_not: str  # why the project is not run at all ('' when it can be)

    @property
    def shown(self) -> str:
        """The environment as evidence: secrets described, never shown."""
        return " ".join(
            f"{var}=<random, {len(value)} chars>" if var in self.secret else f"{var}={value}"
            for var, value in self.values.items()
        )


def runner_python(facts: Facts, python: str | Path | None) -> Path:
    """The Python to run the project with: the one given, else the project's own .venv, else this one."""
    if python:
        return Path(python)
    for folder in (".venv", "venv"):
        candidate = facts.root / folder / "bin" / "python"
        if candidate.exists():
            return candidate
    return Path(sys.executable)


def off_word(read: EnvRead) -> str:
    """The value that turns a yes/no variable off, in the words its code compares with."""
    if read.off:
        return read.off[0]
    if not read.on:
        return "False"  # as a deploy would write it; a raw read then shows what it makes of it
    words = [w for w in ("false", "0", "no", "off") if w not in {o.lower() for o in read.on}]
    word = words[0] if words else "false"
    return word.capitalize() if read.on[0][:1].isupper() else word


def on_word(read: EnvRead) -> str:
    """The value that turns a yes/no variable on."""
    return read.on[0] if read.on else "True"


def placeholder(read: EnvRead, role: str, example: str) -> tuple[str, bool]:
    """(value, secret) for one variable, of the type its code expects, fit for a run that reaches nothing."""
    var = read.var.upper()
    url = var.endswith(("_URL", "_URI", "_DSN"))
    cast = read.cast
    if cast == "db" or var.endswith(("DATABASE_URL", "DB_URL")) or (role == "DATABASES" and url):
        return "sqlite:///audit.sqlite3", False
    if "REDIS" in var and (url or cast in ("", "?", "url", "cache")):
        return "redis://127.0.0.1:9/0", False
    if cast == "cache" or (role == "CACHES" and url):
        return "locmemcache://", False
    if cast == "email" or var == "EMAIL_URL":
        return "consolemail://", False
    if cast in ("bool", "raw-bool") or "DEBUG" in var:
        hardening = re.search(r"SECURE|SSL|HSTS|HTTPS", var + role) and "DEBUG" not in var
        return (on_word(read) if hardening else off_word(read)), False
    if cast in ("int", "float"):
        if example.replace(".", "", 1).isdigit():
            return example, False
        for pattern, number in (
            ("HSTS", "3600"),
            ("CONCURRENCY|WORKERS|THREADS", "2"),
            ("TIMEOUT", "30"),
            ("PORT", "9"),
            ("AGE", "60"),
        ):
            if re.search(pattern, var):
                return number, False
        return "1", False
    if role == "SECRET_KEY" or SECRET_NAME.search(var):
        return secrets.token_urlsafe(48), True
    if "HOSTS" in var or role == "ALLOWED_HOSTS":
        return "localhost,127.0.0.1", False
    if "ORIGINS" in var:
        return "http://localhost,http://127.0.0.1", False
    if re.search(r"RECIPIENTS|EMAILS|ADMINS|MANAGERS", var):
        return "audit@example.invalid", False
    if "MEMCACHE" in var or role == "CACHES":
        return "127.0.0.1:9", False
    if var.endswith("PORT"):
        return "9", False
    if var.endswith("HOST"):
        return "127.0.0.1", False
    if url or "://" in example or cast == "url":
        return "http://127.0.0.1:9/", False
    if cast == "json":
        return "{}", False
    if example and example.lower() not in ("true", "on", "yes", "1"):
        return example, False
    return "audit-placeholder", False


def make_plan(facts: Facts, python: str | Path | None, enabled: bool) -> Plan:
    """The run's environment: a typed placeholder for each variable without a default, nothing else."""
    roles: dict[str, str] = {}
    for module in facts.production_settings:
        for setting in module.settings:
            for leaf in leaves(setting):
                for read in module.reads_in(leaf.value):
                    roles.setdefault(read.var, leaf.name)
    reads = [r for m in facts.production_settings for r in m.reads] + list(facts.code_reads)
    example = facts.env_example.variables if facts.env_example else {}
    values: dict[str, str] = {}
    secret: set[str] = set()
    needed: dict[str, EnvRead] = {}
    for read in reads:
        if read.var in ("PORT", "DJANGO_SETTINGS_MODULE") or read.cast == "presence":
            continue
        if (read.raises and not read.switch) or not (read.has_default or read.switch):
            needed.setdefault(read.var, read)
    read_vars = {r.var for r in reads}
    for var, (value, _) in example.items():  # documented, but read in a way the audit does not follow
        if var not in read_vars and var not in ("PORT", "DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"):
            needed.setdefault(
                var,
                EnvRead(
                    var,
                    facts.env_example.rel if facts.env_example else "",
                    0,
                    "documented",
                    "bool" if value.lower() in ("true", "false", "on", "off", "yes", "no") else "",
                    None,
                    True,
                ),
            )
    for var, read in needed.items():
        value, is_secret = placeholder(read, roles.get(var, ""), example.get(var, ("", 0))[0])
        values[var] = value
        if is_secret:
            secret.add(var)
    if facts.production_module:
        values["DJANGO_SETTINGS_MODULE"] = facts.production_module
    return Plan(values, frozenset(secret), runner_python(facts, python), why_not(facts, enabled))


def why_not(facts: Facts, enabled: bool) -> str:
    """Why the project is not run, or '' when it can be."""
    if not enabled:
        return "not run (--no-run): the verdict rests on the files"
    if os.name != "posix":
        return "not run: the audit runs projects only on Linux and macOS"
    if not facts.production_module or not facts.module_file(facts.production_module):
        return "not run: no settings module found to run it with"
    broken = facts.settings_broken
    if broken:
        rel, line, message = broken[0]
        return f"not run: {rel}:{line} does not parse ({message})"
    for module in facts.production_settings:
        for setting in module.get("LOGGING"):
            for leaf in leaves(setting):
                path = literal_text(leaf.value) if leaf.key == "filename" else ""
                if path.startswith("/") and not path.startswith(str(facts.root)):
                    return f"not run: {leaf.where} writes logs to {path}, outside the project"
    return ""


def not_copied(folder: str, names: list[str]) -> set[str]:
    """For copytree: what a run must not see (VCS data, caches, virtual environments, the local .env)."""
    skipped = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache", ".env"}
    return {n for n in names if n in skipped or n.endswith(".pyc") or Path(folder, n, "pyvenv.cfg").exists()}


PROBE = """
import hashlib, json, logging, sys
import django
from django.conf import settings as s
from django.core import checks
facts = {"django": django.get_version(), "debug": bool(s.DEBUG),
         "secret": hashlib.sha256(str(s.SECRET_KEY).encode()).hexdigest(),
         "databases": {a: {k: str(d.get(k, "")) for k in ("ENGINE", "NAME", "HOST")} for a, d in s.DATABASES.items()},
         "caches": {a: {k: str(d.get(k, "")) for k in ("BACKEND", "LOCATION")} for a, d in s.CACHES.items()}}
messages = checks.run_checks(include_deployment_checks=True)
# Django keeps its checks in a set, so their order changes from run to run; `manage.py check` sorts, and so do we.
facts["checks"] = sorted(({"id": m.id or "", "level": m.level, "msg": str(m.msg)} for m in messages
                          if not m.is_silenced()), key=lambda c: (c["id"], c["msg"]))
def handlers(name):
    found, logger = [], logging.getLogger(name)
    while logger is not None:
        for h in logger.handlers:
            stream = getattr(h, "stream", None)
            found.append({"class": type(h).__module__ + "." + type(h).__name__,
                          "stream": "stdout" if stream in (sys.stdout, sys.__stdout__) else
                                    "stderr" if stream in (sys.stderr, sys.__stderr__) else "",
                          "file": str(getattr(h, "baseFilename", ""))})
        logger = logger.parent if logger.propagate else None
    return found
facts["loggers"] = {name: handlers(name) for name in LOGGERS}
for name in LOGGERS:
    logging.getLogger(name).warning("twelve-factor-audit log line from %s", name)
sys.stderr.flush()
print(MARKER + json.dumps(facts), flush=True)
"""


class Runner:
    """Runs a copy of the project on demand; each run happens at most once, and `close()` removes everything."""

    def __init__(self, facts: Facts, plan: Plan, loggers: list[str]) -> None:
        self.facts, self.plan, self.loggers = facts, plan, loggers
        self.dir: Path | None = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="audit-run")
        self._futures: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._hidden = sorted({*facts.secrets, *(plan.values[v] for v in plan.secret)}, key=len, reverse=True)

    # The runs, each started once and shared by every factor that asks ---------------------------

    def start(self, probe: bool = True, web: bool = True) -> None:
        """Start the runs the chosen factors need, side by side, before they ask for them."""
        if self.plan.why_not:
            return
        try:
            self._copy()
        except CannotRun:
            return  # each run raises it again when asked
        if probe:
            self._submit("probe", self._probe)
        if web:
            self._submit("web", self._web)

    def probe(self) -> Probe:
        """The settings as loaded in the production-like environment, Django's deploy checks, the loggers."""
        return self._result("probe", self._probe)

    def web(self) -> WebRun:
        """The web process started on $PORT, asked for /, and stopped with SIGTERM."""
        return self._result("web", self._web)

    def without_variables(self) -> Outcome:
        """`python manage.py check` with none of the placeholders set: does it refuse to start?"""
        return self._result("unset", self._without)

    def _submit(self, key: str, job: Callable[[], Any]) -> Future[Any]:
        with self._lock:
            if key not in self._futures:
                self._futures[key] = self._pool.submit(job)
            return self._futures[key]

    def _result(self, key: str, job: Callable[[], T]) -> T:
        """The job's result (raising its CannotRun), started now unless it already was."""
        if self.plan.why_not:
            raise CannotRun(self.plan.why_not)
        return cast(T, self._submit(key, job).result())

    def close(self) -> None:
        """Wait for the runs, stop anything still running from the copy, then delete it."""
        self._pool.shutdown(wait=True)
        if self.dir is not None:
            stop_owned(self.dir, grace=1.0)
            shutil.rmtree(self.dir, ignore_errors=True)

    # The copy and its environment ----------------------------------------------------------------

    def _copy(self) -> Path:
        """The temporary copy of the project (made once, whichever thread asks first)."""
        with self._lock:
            return self._copy_once()

    def _copy_once(self) -> Path:
        if "copy" not in self._futures:
            self._futures["copy"] = Future()
            try:
                folder = Path(tempfile.mkdtemp(prefix="twelve-factor-audit-")).resolve()
                self.dir = folder
                (folder / "home").mkdir()
                shutil.copytree(self.facts.root, folder / "app", ignore=not_copied, symlinks=True)
                self._futures["copy"].set_result(folder / "app")
            except OSError as error:
                self._futures["copy"].set_exception(CannotRun(f"not run: the project could not be copied: {error}"))
        return cast(Path, self._futures["copy"].result())

    def env(self, owner: str, unset: tuple[str, ...] = (), port: int | None = None) -> dict[str, str]:
        """A clean environment: the placeholders, the run's Python first on PATH, HOME in the copy."""
        assert self.dir is not None
        env = {k: os.environ[k] for k in KEPT if k in os.environ}
        env["PATH"] = os.pathsep.join([str(self.plan.python.parent), env.get("PATH", os.defpath)])
        env.update(HOME=str(self.dir / "home"), PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
        env[OWNER_VARIABLE] = owner
        env.update({k: v for k, v in self.plan.values.items() if k not in unset})
        if port is not None:
            env["PORT"] = str(port)
        return env

    def clean(self, text: str, port: int | None = None) -> str:
        """Output fit to show: no temporary paths, no secret values, the port as $PORT."""
        if self.dir is not None:
            for path in (str(self.dir / "app"), str(self.dir)):
                text = text.replace(path + os.sep, "").replace(path, ".")
        for value in self._hidden:
            if len(value) >= 4:
                text = text.replace(value, "***")
        return text.replace(str(port), "$PORT") if port else text

    def blame(self, text: str) -> str:
        """When an error shows a placeholder the audit set, say so: the crash may be the audit's doing."""
        named = [
            var
            for var, value in self.plan.values.items()
            if var != "DJANGO_SETTINGS_MODULE" and (var in text or (len(value) > 3 and value in text))
        ]
        return f" (it may stop on the audit's placeholder for {', '.join(named)})" if named else ""

    def _run(self, shown: str, args: list[str], owner: str, unset: tuple[str, ...] = ()) -> Outcome:
        """Run `python manage.py ARGS` in the copy, stdout and stderr apart, with a time limit: its output as it
        came (never shown as it is: clean() it first)."""
        app = self._copy()
        try:
            done = subprocess.run(
                [str(self.plan.python), "manage.py", *args],
                cwd=app,
                env=self.env(owner, unset),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        except subprocess.TimeoutExpired as expired:
            output = expired.output.decode(errors="replace") if expired.output else ""
            return Outcome(shown, None, output)
        except OSError as error:
            raise CannotRun(f"not run: {self.plan.python} cannot run: {error.strerror}") from None
        finally:
            stop_owned(Path(owner), grace=1.0)
        return Outcome(
            shown, done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
        )

    def _probe(self) -> Probe:
        shown = "python manage.py shell"
        code = PROBE.replace("LOGGERS", repr(self.loggers)).replace("MARKER", repr(MARKER))
        started = time.monotonic()
        outcome = self._run(shown, ["shell", "-c", code], str(self._owner("probe")))
        took = time.monotonic() - started
        for line in outcome.output.splitlines():
            if line.startswith(MARKER):
                data = json.loads(line[len(MARKER) :])
                return Probe(
                    shown,
                    took,
                    data["django"],
                    data["debug"],
                    data["secret"],
                    data["databases"],
                    data["caches"],
                    data["checks"],
                    data["loggers"],
                    outcome.output,
                    outcome.errors,
                )
        if outcome.status is None:
            raise CannotRun(f"`{shown}` was still loading the settings after {TIMEOUT:g} s")
        detail = outcome.errors or outcome.output
        raise CannotRun(
            f"it does not start in a production-like environment: {self.clean(outcome.last_line)}{self.blame(detail)}"
        )

    def _without(self) -> Outcome:
        unset = tuple(v for v in self.plan.values if v != "DJANGO_SETTINGS_MODULE")
        shown = " ".join(["env", *(f"-u {v}" for v in unset), "python manage.py check"])
        outcome = self._run(shown, ["check"], str(self._owner("unset")), unset)
        return Outcome(shown, outcome.status, self.clean(outcome.output), self.clean(outcome.errors))

    def _owner(self, name: str) -> Path:
        self._copy()
        assert self.dir is not None
        return self.dir / "owners" / name

    def web_command(self) -> str:
        """The web process the run starts: one that takes its port from $PORT, else one whose port is not written
        into it (the run then tells whether it listens on $PORT)."""
        web = self.facts.deploy.web
        for process in web:
            if binds_port_variable(process.command.text, self.facts.deploy.gunicorn_bind):
                return process.command.text
        for process in web:
            text = process.command.text
            if (
                not fixed_ports(text)
                and "unix:" not in text
                and not re.search(r"(^|[\s/])uwsgi\s", text + " ")
                and (not re.search(r"(^|[\s/])gunicorn\s", text + " ") or not self.facts.deploy.gunicorn_bind)
            ):
                return text
        raise CannotRun("not started: its web process binds a port written into it, not $PORT")

    def _web(self) -> WebRun:
        command = self.web_command()
        for module in self.facts.production_settings:
            for name in ("DATABASES", "CACHES"):
                for setting in module.get(name):
                    for leaf in leaves(setting):
                        host = literal_text(leaf.value) if leaf.key in ("HOST", "LOCATION") else ""
                        if host and is_remote_host(host.split(":")[0]):
                            raise CannotRun(
                                f"not started: {leaf.where} names a service at {host}, "
                                "which the audit does not connect to"
                            )
        program = re.sub(r"^(\s*(exec|env)\s+)?([A-Za-z_]\w*=\S*\s+)*", "", command).split(" ")[0]
        app = self._copy()
        env = self.env(str(self._owner("web")))
        if program and shutil.which(program, path=env["PATH"]) is None and not (app / program).exists():
            raise CannotRun(f"not started: {program} is not installed where the project runs ({self.plan.python})")
        port = free_port()
        log = app.parent / "web.log"
        simple = not re.search(r"[;&|<>()`]", command)
        owner = self._owner("web")
        started = time.monotonic()
        with open(log, "wb") as out:
            process = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {command}" if simple else command],
                cwd=app,
                env=self.env(str(owner), port=port),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - it only calls a C function looked up beforehand
            )
        try:
            status = self.first_answer(process, port, started, owner)
            took = time.monotonic() - started
            if isinstance(status, str):
                output = self.clean(log.read_text(errors="replace"), port)
                failed = [line for line in output.splitlines() if ERROR.match(line.strip())]
                if process.poll() is not None or failed:
                    how = f"it exited with status {process.returncode}" if process.poll() is not None else "it failed"
                    raise CannotRun(f"{how} before answering: {error_line(output)}{self.blame(output)}")
                probe = self._futures.get("probe")
                failure = probe.exception(timeout=TIMEOUT) if probe is not None else None
                if isinstance(failure, CannotRun):
                    raise failure  # the project does not start at all: not a question of its port
                return WebRun(command, 0, took, True, listening_ports(owner))
            stopping = time.monotonic()
            stop_owned(owner, grace=STOP_LIMIT)
            stopped = time.monotonic() - stopping < STOP_LIMIT - 0.05
            return WebRun(command, status, took, stopped)
        finally:
            stop_owned(owner, grace=0.5)
            process.wait()

    def first_answer(self, process: subprocess.Popen[bytes], port: int, started: float, owner: Path) -> int | str:
        """The HTTP status of GET / on port once it answers; or why none came: it exited, the settings do not load
        (the probe failed), it listens on other ports, or nothing within WAIT_LIMIT."""
        looked = started
        while time.monotonic() - started < WAIT_LIMIT:
            if process.poll() is not None:
                return "exited"
            answer = ask(port)
            if answer is not None:
                return answer
            probe = self._futures.get("probe")
            if probe is not None and probe.done() and probe.exception() is not None:
                return "settings"
            if time.monotonic() - looked > 0.5:
                looked = time.monotonic()
                if listening_ports(owner) and not port_open(port) and looked - started > 1.0:
                    return "elsewhere"
            time.sleep(0.05)
        return "silent"


def listening_ports(owner: Path) -> tuple[int, ...]:
    """The TCP ports the processes tagged with owner listen on."""
    ports: set[int] = set()
    for process in owned_processes(owner):
        try:
            ports |= {c.laddr.port for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        except psutil.Error:
            continue
    return tuple(sorted(ports))


def ask(port: int) -> int | None:
    """The HTTP status of GET / on port, or None when nothing answers there yet."""
    if port_open(port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            # As a TLS-ending proxy would forward it, so that an HTTPS redirect does not hide the page.
            connection.request("GET", "/", headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
            return connection.getresponse().status
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
    return None


PORT_VARIABLE = re.compile(r"\$\{?PORT\b|\$\(PORT\)")
ADDRESS_OPTIONS = r"(?:--bind|-b|--port|-p|--listen|--http|--http-socket|--host-port)"


def fixed_ports(command: str) -> list[str]:
    """The port numbers a server command binds, written into it."""
    end = r"(?=['\"\s]|$)"  # the number ends the address: 127.0.0.1:$PORT binds no fixed port
    found = re.findall(r"runserver(?:_plus)?\s+(?:--\S+\s+)*(?:\S*:)?(\d{2,5})" + end, command)
    found += re.findall(ADDRESS_OPTIONS + r"[=\s]+['\"]?(?:\S*:)?(\d{2,5})" + end, command)
    if re.search(r"\brunserver(?:_plus)?\b", command) and not found and not PORT_VARIABLE.search(command):
        found.append("8000")  # runserver's default
    return sorted(set(found))


def binds_port_variable(command: str, gunicorn_bind: tuple[str, ...] = ()) -> bool:
    """Does a web command take its port from $PORT, by its options or (gunicorn) by default?"""
    if PORT_VARIABLE.search(command):
        return True
    if re.search(r"(^|[\s/])gunicorn\s", command + " ") and not re.search(r"\s(-b|--bind)[=\s]", command):
        return not gunicorn_bind or "$PORT" in gunicorn_bind
    return False


def digest(value: str) -> str:
    """sha256 of a value, as the probe reports SECRET_KEY."""
    return hashlib.sha256(value.encode()).hexdigest()
