"""The pre-flight check (`./run.sh check`) passes here, and names the problem when a real part fails.

Each failure is made for real: PostgreSQL's programs given a setting they can't honour, a Python
whose environment has no honcho command and a PATH without one, a port held by a listening socket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

from workshop.checkpoints import workspace
from workshop.processes import free_port, owned_processes

ROOT = Path(__file__).resolve().parents[1]


def preflight(*args: str, python: str = sys.executable, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Run the pre-flight check as `./run.sh check` does, with environment variables set (or, for None, unset)."""
    changed = {**os.environ, **env}
    return subprocess.run([python, "-m", "workshop.preflight", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={name: value for name, value in changed.items() if value is not None})


def verdict(done: subprocess.CompletedProcess[str]) -> str:
    """The last line the check printed."""
    return done.stdout.splitlines()[-1]


def test_it_passes_here_and_leaves_nothing_behind():
    ports = [str(free_port()), str(free_port())]
    done = subprocess.run(["./run.sh", "check", "--port", ports[0], "--port", ports[1]], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert verdict(done).startswith("Ready for the workshop (Python ")
    for line in ("✔ PostgreSQL starts, answers and stops", "✔ honcho starts the app, which serves its front page",
                 f"✔ port {ports[0]} (given) is free", "✔ git ", "✔ proxy variables "):
        assert line in done.stdout, done.stdout
    assert "✘" not in done.stdout
    scratch = workspace() / "preflight"
    assert not scratch.exists() and owned_processes(scratch) == []


def test_a_postgres_that_cannot_start_is_named_with_the_variable_that_broke_it():
    done = preflight("--only", "postgres", PGSSLMODE="require")
    assert done.returncode == 1
    assert "✘ PostgreSQL starts, answers and stops" in done.stdout and "sslmode" in done.stdout
    assert verdict(done).startswith('Not ready (Python ')
    assert 'first fix "PostgreSQL starts, answers and stops"' in verdict(done)
    assert verdict(done).endswith("Fix: unset PGSSLMODE: these variables change how PostgreSQL's programs connect")


def test_without_a_honcho_command_it_names_honcho_and_how_to_reinstall(tmp_path):
    """A Python with the workshop's packages but no honcho command beside it, and none on PATH."""
    bare = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", bare], check=True)
    site = Path(sysconfig.get_paths(vars={"base": str(bare), "platbase": str(bare)})["purelib"])
    (site / "workshop-packages.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    done = preflight("--only", "honcho", python=str(bare / "bin" / "python"), PATH="/usr/bin:/bin")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "✘ honcho starts the app, which serves its front page" in done.stdout
    assert "honcho: not found" in done.stdout or "honcho: command not found" in done.stdout
    assert 'first fix "honcho starts the app, which serves its front page"' in verdict(done)
    assert verdict(done).endswith("Fix: make the workshop's environment anew: rm -rf .venv && ./run.sh check")


def test_a_port_in_use_is_named_with_what_holds_it():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        done = preflight("--only", "ports", "--port", str(port))
    assert done.returncode == 1
    assert f"✘ port {port} (given) is free" in done.stdout
    if sys.platform.startswith("linux"):  # where any user may see who listens
        assert "in use by python" in done.stdout, done.stdout
    assert f'first fix "port {port} (given) is free": in use by' in verdict(done)


def test_a_proxy_without_no_proxy_for_this_machine_is_a_warning_not_a_stop():
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    done = preflight("--only", "proxies", HTTPS_PROXY=dead_proxy, NO_PROXY=None, no_proxy=None)
    assert done.returncode == 0
    assert "! proxy variables" in done.stdout and "export NO_PROXY=127.0.0.1,localhost" in done.stdout
    assert verdict(done).endswith("0 checks passed, 1 warning (proxy variables).")
    covered = preflight("--only", "proxies", HTTPS_PROXY=dead_proxy, NO_PROXY="localhost,127.0.0.1", no_proxy=None)
    assert "✔ proxy variables" in covered.stdout and verdict(covered).endswith("1 check passed.")
