"""Run commands as a learner would type them, and background processes that always stop."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import psutil

from workshop.errors import WorkshopError

#: Every process the workshop starts carries this variable, set to the folder it runs in,
#: so that it and all its children can be found and stopped later, whatever became of the kernel.
OWNER_VARIABLE = "WORKSHOP_OWNER"

#: Variables of the kernel's own environment that a lesson's command must not inherit: they
#: would make a command behave differently from the one the lesson shows. (The kernel forces
#: colours for its own output; Python 3.13 would then colour the tracebacks of commands too.)
NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "PORT", "VIRTUAL_ENV", "FORCE_COLOR", "CLICOLOR_FORCE")

#: Variables a command always inherits, even when the project's code happens to name one of them.
ALWAYS_INHERITED = {
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "TERM",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SYSTEMROOT",
    OWNER_VARIABLE,
}

#: A line of an env file that names a variable, commented out or not: `NAME=...`, `# NAME=...`, `export NAME=...`.
ENV_FILE_NAME = re.compile(r"(?m)^[ \t]*(?:#[ \t]*)?(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=")
#: Code that reads a variable: os.environ["NAME"], os.environ.get("NAME"), getenv("NAME"), require("NAME") ...
CODE_READS_NAME = re.compile(r"""(?:\w\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']""")
#: Folders of a project that hold no code of its own.
NOT_THE_PROJECTS = {".git", ".venv", "venv", ".workshop", "__pycache__", "node_modules", "staticfiles"}
#: Hosts that are this machine: requests to them never go through a proxy.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
#: uv's settings for the lessons, as JupyterLab's terminals have them too (jupyter-config/terminal.bashrc): no
#: package index, the app's wheels in .venv/wheels/ (UV_CONFIG_FILE); the workshop's Python, where uv would take
#: the first Python on the system that is not in an environment (UV_PYTHON). Every command gets them, unless set.
UV_SETTINGS = {
    "UV_CONFIG_FILE": str(Path(__file__).resolve().parents[1] / "jupyter-config" / "uv.toml"),
    "UV_PYTHON": sys.executable,
}


class CommandFailed(WorkshopError):
    """A command exited differently from what the cell expected."""


def app_variables(folder: Path) -> set[str]:
    """The variables a project's code reads, or its .env / .env.example lists: a command never inherits them."""
    folder = Path(folder)
    names: set[str] = set()
    for env_file in (".env", ".env.example"):
        if (folder / env_file).is_file():
            names.update(ENV_FILE_NAME.findall((folder / env_file).read_text(errors="replace")))
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in NOT_THE_PROJECTS]
        for name in files:
            if name.endswith(".py"):
                names.update(CODE_READS_NAME.findall(Path(parent, name).read_text(errors="replace")))
    return names - ALWAYS_INHERITED


def without_proxy_for_this_machine(env: dict[str, str]) -> None:
    """Add this machine's own addresses to NO_PROXY (both spellings), so local requests skip any proxy."""
    for name in ("NO_PROXY", "no_proxy"):
        hosts = [host for host in env.get(name, "").split(",") if host.strip()]
        env[name] = ",".join(hosts + [host for host in LOCAL_HOSTS if host not in hosts])


def command_env(owner: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> dict[str, str]:
    """The environment a command runs with: the kernel's, minus the project's own variables (those of
    the project in cwd, or in owner), its Python first on PATH, local requests never proxied, uv's settings for
    the lessons, tagged with owner."""
    dropped = set(NOT_INHERITED) | app_variables(Path(cwd or owner))
    result = {k: v for k, v in os.environ.items() if k not in dropped}
    result["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), result.get("PATH", "")])
    without_proxy_for_this_machine(result)
    for name, value in UV_SETTINGS.items():
        result.setdefault(name, value)
    result[OWNER_VARIABLE] = owner
    result.update(env or {})
    return result


def exact_env(owner: str, env: dict[str, str]) -> dict[str, str]:
    """Exactly env, for a probe: only the machine's basics are kept (PATH with the kernel's Python first, HOME,
    language, temporary folder), nothing of the kernel's or the shell's other variables."""
    basics = {k: v for k, v in os.environ.items() if k in ALWAYS_INHERITED or k.startswith("LC_")}
    basics["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    without_proxy_for_this_machine(basics)
    return {**basics, OWNER_VARIABLE: owner, **env}


def shown(command: str, env: dict[str, str] | None) -> str:
    """The command as a learner would type it, with its extra variables in front."""
    return " ".join([*(f"{k}={v}" for k, v in (env or {}).items()), command])


#: Commands that serve until they are stopped: run() would wait for them forever.
NEVER_ENDS = re.compile(r"\bhoncho\s+(?:-\S+\s+(?:\S+\s+)?)*start\b|\bmanage\.py\s+runserver\b")


def run(
    command: str,
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    exported: dict[str, str] | None = None,
    fails_with: str | None = None,
    tail: int | None = None,
    timeout: float = 60,
    quiet: bool = False,
) -> str:
    """Run a shell command in cwd, show `$ command` and its output; raise unless it exits as expected.

    env is shown in front of the command; exported is set without a word, as `export` did earlier in a terminal.
    quiet shows nothing unless the command fails (for a value that must not be shown).
    """
    if NEVER_ENDS.search(command):
        raise CommandFailed(
            f"`{command}` keeps running until it is stopped, so a cell would wait for it forever.\n"
            f'Start it in the background instead: with project.background("{command}") as server: ...'
        )
    if not quiet:
        print(f"$ {shown(command, env)}")
    owner = str(Path(cwd).resolve())
    process = subprocess.Popen(
        command,
        shell=True,
        cwd=cwd,
        env=command_env(owner, {**(exported or {}), **(env or {})}, cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: stopped as a whole, whatever it started
        preexec_fn=die_with_parent,  # noqa: PLW1509 (it only asks the kernel for a signal)
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except BaseException as error:  # a timeout, or the learner interrupting the kernel
        stop_group(process)
        stop_owned(Path(owner), grace=1.0, exact=True)
        if isinstance(error, subprocess.TimeoutExpired):
            raise CommandFailed(
                f"`{command}` was still running after {timeout:g} s, so it was stopped, with everything it started.\n"
                "A command that keeps running, like a server, belongs in project.background(...)."
            ) from None
        raise
    if quiet and process.returncode != 0:
        raise CommandFailed(f"`{command}` exited with status {process.returncode}:\n{output}")
    lines = [] if quiet else output.rstrip("\n").splitlines()
    if tail is not None and len(lines) > tail:
        print(f"[... {len(lines) - tail} lines above not shown ...]")
        lines = lines[-tail:]
    if lines:
        print("\n".join(lines))
    if fails_with is None:
        if process.returncode != 0:
            raise CommandFailed(f"`{command}` exited with status {process.returncode}")
    else:
        if process.returncode == 0:
            raise CommandFailed(f"`{command}` was expected to fail, but it succeeded")
        if fails_with not in output:
            raise CommandFailed(f"`{command}` failed, but its output does not say {fails_with!r}")
        print(f"[exit status {process.returncode}: failed as expected]")
    return output


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# Linux's prctl(), looked up once here: a child between fork and exec must not load libraries.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:port right now."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """In the child, before exec: on Linux, ask for signum when the thread that started it dies (even by SIGKILL)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signum)


def owned_processes(owner: Path, exact: bool = False) -> list[psutil.Process]:
    """Every running process tagged with this owner folder (or, unless exact, a folder inside it)."""
    owner_text = str(Path(owner).resolve())
    found = []
    for proc in psutil.process_iter():
        try:
            tag = proc.environ().get(OWNER_VARIABLE)
        except (psutil.Error, OSError):
            continue
        if tag and (tag == owner_text or (not exact and tag.startswith(owner_text + os.sep))):
            found.append(proc)
    return found


def stop_group(process: subprocess.Popen) -> None:
    """SIGKILL a process started in a session of its own, with its whole process group, and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop_owned(owner: Path, grace: float = 3.0, exact: bool = False) -> int:
    """Stop every process tagged with owner: SIGTERM, then SIGKILL after grace seconds; return how many."""
    procs = owned_processes(owner, exact)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    alive = wait_gone(procs, grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    wait_gone(alive, grace)
    return len(procs)


def wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Wait until each process has exited (a zombie counts: its parent may never reap it); return those still alive."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for proc in procs:
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
            except psutil.Error:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.02)


@dataclass
class Background:
    """One command (no `&&` or `;`) running in the background in its folder, its output going to a log file."""

    command: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    name: str = ""
    exported: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def owner(self) -> str:
        """The tag this command and its children carry: a name under its folder, one per log file."""
        return str(Path(self.cwd).resolve() / ".workshop" / self.log_file.stem)

    @property
    def log_file(self) -> Path:
        """Where the command's output goes: log, or .workshop/NAME.log in its folder."""
        return self.log or self.cwd / ".workshop" / f"{self.name or self.command.split()[0]}.log"

    @property
    def started(self) -> subprocess.Popen:
        """The running command; stop if it was never started."""
        if self.process is None:
            raise WorkshopError(f"`{self.command}` was never started: use it in a `with` block.")
        return self.process

    def __enter__(self) -> Background:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the command in a session of its own, output to the log file."""
        self.log = self.log_file
        self.log.parent.mkdir(exist_ok=True)
        print(f"$ {shown(self.command, self.env)} &")
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                f"exec {self.command}",  # the shell becomes the command: signals reach it
                shell=True,
                cwd=self.cwd,
                env=command_env(self.owner, {**self.exported, **self.env}, self.cwd),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,  # noqa: PLW1509 (it only asks the kernel for a signal)
            )
        _RUNNING.append(self)

    def output(self) -> str:
        """Everything the command has written so far."""
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def wait_for_output(self, text: str, timeout: float = 10) -> None:
        """Wait until text appears in the output; fail with the output if the command dies first."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.started.poll() is not None:
                raise CommandFailed(f"`{self.command}` exited early:\n{self.output()}")
            if time.monotonic() > deadline:
                raise CommandFailed(f"No {text!r} after {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def wait_for_port(self, port: int, timeout: float = 10) -> None:
        """Wait until this command (or a process it started) accepts connections on 127.0.0.1:port."""
        deadline = time.monotonic() + timeout
        while not port_open(port):
            if self.started.poll() is not None:
                raise CommandFailed(f"`{self.command}` exited early:\n{self.output()}")
            if time.monotonic() > deadline:
                raise CommandFailed(f"Nothing on port {port} after {timeout} s:\n{self.output()}")
            time.sleep(0.05)
        if not any(listens_on(proc, port) for proc in owned_processes(Path(self.owner), exact=True)):
            raise CommandFailed(
                f"Port {port} is answered by another program ({listener(port)}), not by "
                f"`{self.command}`. Run the cell again: it picks another free port."
            )

    def stop(self, grace: float = 6.0) -> int | None:
        """Send SIGTERM to the command's process group, then stop anything it left; return its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        stop_owned(Path(self.owner))
        if self in _RUNNING:
            _RUNNING.remove(self)
        return self.process.returncode


def listens_on(proc: psutil.Process, port: int) -> bool:
    """Whether the process holds a listening TCP socket on that port."""
    try:
        return any(
            c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
            for c in proc.net_connections(kind="tcp")
        )
    except psutil.Error:
        return False


def listener(port: int) -> str:
    """Which process listens on that port, as far as this user may know: 'pid N: command', or 'unknown'."""
    for proc in psutil.process_iter():
        if listens_on(proc, port):
            try:
                return f"pid {proc.pid}: {' '.join(proc.cmdline())[:60]}"
            except psutil.Error:
                return f"pid {proc.pid}"
    return "a process of another user"


#: Opens URLs directly, never through a proxy: the workshop only requests pages of this machine.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    """Fetch url like a browser would, never through a proxy; return the status code and the body as text."""
    try:
        with DIRECT.open(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


_RUNNING: list[Background] = []


@atexit.register
def _stop_all() -> None:
    """When the kernel shuts down normally (a restart from the menu), stop what is still running."""
    for background in list(_RUNNING):
        background.stop()


def page_text(html: str) -> str:
    """The text a browser would show for an HTML page: tags, styles and scripts left out, one line per block."""
    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", html)
    html = re.sub(r"(?i)<br\s*/?>|</(p|div|h\d|li|tr|title|header|footer|section|article|form|label)>", "\n", html)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
