"""A lesson's own commands, typed in a plain shell, work as the lessons show them.

The shell starts with nothing but the system's PATH, as a new terminal does, activates the
workshop's environment the documented way (`source .venv/bin/activate`), and works in a copy of
the project made with `python -m workshop checkpoint 04 DEST`. Ctrl-C is what a terminal sends
to the command in the foreground: SIGINT to its process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from workshop.processes import (
    OWNER_VARIABLE,
    die_with_parent,
    free_port,
    http_get,
    owned_processes,
    page_text,
    port_open,
    stop_owned,
)

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"


def shell(commands: str, cwd: Path) -> subprocess.Popen[str]:
    """Start commands in a plain bash in cwd, in a process group of its own as a terminal's foreground job."""
    env = {"PATH": PLAIN_PATH, "HOME": os.environ.get("HOME", "/"), "TERM": "xterm", "LANG": "C.UTF-8",
           OWNER_VARIABLE: str(cwd)}  # so that whatever is left can be found and stopped
    return subprocess.Popen(["bash", "--norc", "--noprofile", "-c", commands], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=die_with_parent)


def test_honcho_start_in_a_working_copy_serves_the_shop_and_stops_cleanly_on_ctrl_c(tmp_path):
    project = tmp_path / "lesson-04"
    subprocess.run([VENV / "bin" / "python", "-m", "workshop", "checkpoint", "04", project], check=True, capture_output=True)
    assert (project / ".env").exists() and "$PORT" in (project / "Procfile").read_text()
    port = free_port()
    terminal = shell(f"source {VENV}/bin/activate && command -v python honcho && "
                     f"honcho run python manage.py migrate > /dev/null && exec honcho start -p {port}", project)
    said: list[str] = []  # the terminal's lines, as they come
    reader = threading.Thread(target=lambda: said.extend(iter(terminal.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not port_open(port):
            assert terminal.poll() is None, "".join(said)
            assert time.monotonic() < deadline, "nothing listens after 30 s"
            time.sleep(0.1)
        status, page = http_get(f"http://127.0.0.1:{port}/")
        assert status == 200 and page_text(page).startswith("Bean Counter")
        deadline = time.monotonic() + 10  # a learner presses Ctrl-C once the request shows in the log
        while not any('"GET / HTTP/1.1" 200' in line for line in said) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(terminal.pid, signal.SIGINT)  # Ctrl-C
        terminal.wait(timeout=15)
        reader.join(timeout=5)
        output = "".join(said)
    finally:
        left = owned_processes(project)
        stop_owned(project)
    lines = output.splitlines()
    assert lines[:2] == [str(VENV / "bin" / "python"), str(VENV / "bin" / "honcho")]
    assert '"GET / HTTP/1.1" 200' in output
    for said in ("system | SIGINT received", "system | sending SIGTERM to web.1", "system | web.1 stopped"):
        assert any(said in line for line in lines), output
    assert "Traceback" not in output
    assert terminal.returncode == 130  # 128 + SIGINT: stopped by Ctrl-C, as a shell reports it
    assert not port_open(port) and left == []


def test_a_lessons_next_start_stops_what_a_killed_kernel_left_running(tmp_path, monkeypatch):
    """Where there is no death signal (macOS), this is what stops a server a killed kernel left behind."""
    monkeypatch.setenv("WORKSHOP_WORKSPACE", str(tmp_path))
    copy = tmp_path / "lesson-01"
    copy.mkdir()
    orphan = subprocess.Popen(  # as Background starts it, but with no death signal, and its kernel gone
        [sys.executable, "-c", "import time; time.sleep(60)"], env={**os.environ, OWNER_VARIABLE: str(copy / ".workshop" / "web")},
        start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        from workshop import start

        start("lesson 01")
        assert orphan.wait(timeout=5) is not None
    finally:
        orphan.kill()
    assert owned_processes(copy) == []
