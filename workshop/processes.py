"""Run commands as a learner would type them, and background processes that always stop."""

from __future__ import annotations

import atexit
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

#: Every process the workshop starts carries this variable, set to the folder it runs in,
#: so that it and all its children can be found and stopped later, whatever became of the kernel.
OWNER_VARIABLE = "WORKSHOP_OWNER"

#: Variables of the kernel's own environment that a lesson's command must not inherit: they
#: would make a command behave differently from the one the lesson shows. (The kernel forces
#: colours for its own output; Python 3.13 would then colour the tracebacks of commands too.)
NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "PORT", "VIRTUAL_ENV", "FORCE_COLOR", "CLICOLOR_FORCE")


class CommandFailed(Exception):
    """A command exited differently from what the cell expected."""


def command_env(owner: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a command runs with: the kernel's, its Python first on PATH, tagged with owner."""
    result = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    result["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), result.get("PATH", "")])
    result[OWNER_VARIABLE] = owner
    result.update(env or {})
    return result


def shown(command: str, env: dict[str, str] | None) -> str:
    """The command as a learner would type it, with its extra variables in front."""
    return " ".join([*(f"{k}={v}" for k, v in (env or {}).items()), command])


def run(
    command: str,
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    fails_with: str | None = None,
    tail: int | None = None,
    timeout: float = 60,
) -> str:
    """Run a shell command in cwd, show `$ command` and its output; raise unless it exits as expected."""
    print(f"$ {shown(command, env)}")
    done = subprocess.run(
        command,
        shell=True,
        cwd=cwd,
        env=command_env(str(Path(cwd).resolve()), env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
    )
    output = done.stdout
    lines = output.rstrip("\n").splitlines()
    if tail is not None and len(lines) > tail:
        print(f"[... {len(lines) - tail} lines above not shown ...]")
        lines = lines[-tail:]
    if lines:
        print("\n".join(lines))
    if fails_with is None:
        if done.returncode != 0:
            raise CommandFailed(f"`{command}` exited with status {done.returncode}")
    else:
        if done.returncode == 0:
            raise CommandFailed(f"`{command}` was expected to fail, but it succeeded")
        if fails_with not in output:
            raise CommandFailed(f"`{command}` failed, but its output does not say {fails_with!r}")
        print(f"[exit status {done.returncode}: failed as expected]")
    return output


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def owned_processes(owner: Path) -> list[psutil.Process]:
    """Every running process tagged with this owner folder (or a folder inside it)."""
    owner_text = str(Path(owner).resolve())
    found = []
    for proc in psutil.process_iter():
        try:
            tag = proc.environ().get(OWNER_VARIABLE)
        except (psutil.Error, OSError):
            continue
        if tag and (tag == owner_text or tag.startswith(owner_text + os.sep)):
            found.append(proc)
    return found


def stop_owned(owner: Path, grace: float = 3.0) -> int:
    """Stop every process tagged with owner: SIGTERM, then SIGKILL after grace seconds; return how many."""
    procs = owned_processes(owner)
    for proc in procs:
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return len(procs)


@dataclass
class Background:
    """One command (no `&&` or `;`) running in the background in its folder, its output going to a log file."""

    command: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    name: str = ""
    log: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def owner(self) -> str:
        """The tag this command and its children carry: a name under its folder, one per log file."""
        return str(Path(self.cwd).resolve() / ".workshop" / self.log.stem)

    def __enter__(self) -> Background:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the command in a session of its own, output to the log file."""
        self.log = self.log or self.cwd / ".workshop" / f"{self.name or self.command.split()[0]}.log"
        self.log.parent.mkdir(exist_ok=True)
        print(f"$ {shown(self.command, self.env)} &")
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                f"exec {self.command}",  # the shell becomes the command: signals reach it
                shell=True,
                cwd=self.cwd,
                env=command_env(self.owner, self.env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        _RUNNING.append(self)

    def output(self) -> str:
        """Everything the command has written so far."""
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def wait_for_output(self, text: str, timeout: float = 10) -> None:
        """Wait until text appears in the output; fail with the output if the command dies first."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.process.poll() is not None:
                raise CommandFailed(f"`{self.command}` exited early:\n{self.output()}")
            if time.monotonic() > deadline:
                raise CommandFailed(f"No {text!r} after {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def wait_for_port(self, port: int, timeout: float = 10) -> None:
        """Wait until something accepts connections on 127.0.0.1:port."""
        deadline = time.monotonic() + timeout
        while not port_open(port):
            if self.process.poll() is not None:
                raise CommandFailed(f"`{self.command}` exited early:\n{self.output()}")
            if time.monotonic() > deadline:
                raise CommandFailed(f"Nothing on port {port} after {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def stop(self, grace: float = 6.0) -> int | None:
        """Send SIGTERM to the command's process group, then stop anything it left; return its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        stop_owned(Path(self.owner))
        if self in _RUNNING:
            _RUNNING.remove(self)
        return self.process.returncode


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    """Fetch url like a browser would; return the status code and the body as text."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
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
