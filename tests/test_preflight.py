"""The pre-flight check (`./run.sh check`) passes here, and names the problem when a real part fails.

Each failure is made for real: PostgreSQL's programs asked for SSL they don't have, a Python whose
environment has no honcho command and a PATH without one, a port held by a listening socket, a
proxy variable pointing at a dead port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

from workshop.checkpoints import workspace
from workshop.preflight import proxies, verdict
from workshop.processes import free_port, owned_processes

ROOT = Path(__file__).resolve().parents[1]


def preflight(*args: str, python: str = sys.executable, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Run the pre-flight check as `./run.sh check` does, with environment variables set (or, for None, unset)."""
    changed = {**os.environ, **env}
    return subprocess.run([python, "-m", "workshop.preflight", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={name: value for name, value in changed.items() if value is not None})


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    """The last line the check printed."""
    return done.stdout.splitlines()[-1]


def test_it_passes_here_and_leaves_nothing_behind():
    """Behind the suite's dead HTTP proxy (with no NO_PROXY) it still passes, and warns about the proxy."""
    ports = [str(free_port()), str(free_port())]
    done = subprocess.run(["./run.sh", "check", "--port", ports[0], "--port", ports[1]], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert last_line(done).startswith("Ready for the workshop (Python ")
    for line in ("✔ PostgreSQL starts, answers and stops", "✔ honcho starts the app, which serves its front page",
                 f"✔ port {ports[0]} (given) is free", "✔ git ", "! proxy variables "):
        assert line in done.stdout, done.stdout
    assert "✘" not in done.stdout
    scratch = workspace() / "preflight"
    assert not scratch.exists() and owned_processes(scratch) == []


def test_postgres_honcho_and_a_port_that_fail_are_each_named_and_the_last_line_names_the_first(tmp_path):
    """All three at once, each made for real: PostgreSQL's programs asked for SSL they don't have;
    a Python with the workshop's packages but no honcho command beside it, and none on PATH;
    a port held by a listening socket."""
    bare = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", bare], check=True)
    site = Path(sysconfig.get_paths(vars={"base": str(bare), "platbase": str(bare)})["purelib"])
    (site / "workshop-packages.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        done = preflight("--only", "ports", "--only", "postgres", "--only", "honcho", "--port", str(port),
                         python=str(bare / "bin" / "python"), PATH="/usr/bin:/bin", PGSSLMODE="require")
    assert done.returncode == 1, done.stdout + done.stderr
    rows = {line[2:54].strip(): line for line in done.stdout.splitlines() if line[:2] in ("✔ ", "✘ ", "! ")}
    assert list(rows) == [f"port {port} (given) is free", "PostgreSQL starts, answers and stops",
                          "honcho starts the app, which serves its front page"], done.stdout
    assert all(line.startswith("✘ ") for line in rows.values())
    if sys.platform.startswith("linux"):  # where any user may see who listens
        assert "in use by python" in rows[f"port {port} (given) is free"]
    assert "SSL was required" in rows["PostgreSQL starts, answers and stops"]
    assert rows["PostgreSQL starts, answers and stops"].endswith(
        "-> unset PGSSLMODE: these variables change how PostgreSQL's programs connect")
    assert "honcho: not found" in done.stdout or "honcho: command not found" in done.stdout
    assert rows["honcho starts the app, which serves its front page"].endswith(
        "-> make the workshop's environment anew: rm -rf .venv && ./run.sh check")
    assert last_line(done).startswith("Not ready (Python ")
    assert f'first fix "port {port} (given) is free": in use' in last_line(done)


def test_a_proxy_without_no_proxy_for_this_machine_is_a_warning_not_a_stop(monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{free_port()}")  # a dead proxy
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "https_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    [row] = proxies(tmp_path)
    assert (row.level, row.found) == ("warning", "HTTPS_PROXY set, and NO_PROXY does not cover 127.0.0.1 and localhost")
    assert "export NO_PROXY=127.0.0.1,localhost" in row.fix
    assert verdict([row]).endswith("0 checks passed, 1 warning (proxy variables).")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    [row] = proxies(tmp_path)
    assert (row.level, row.found) == ("ok", "HTTPS_PROXY set; NO_PROXY covers 127.0.0.1 and localhost")
    assert verdict([row]).endswith("1 check passed.")


def test_a_missing_wheel_of_the_app_is_named_with_the_fix(tmp_path):
    from workshop.preflight import WHEELS, app_wheels

    [found] = app_wheels(tmp_path)
    assert found.level == "ok" and found.found.endswith(" in .venv/wheels/")
    for wheel in WHEELS.glob("*.whl"):
        if not wheel.name.startswith("markdown-"):
            (tmp_path / wheel.name).symlink_to(wheel)
    [missing] = app_wheels(tmp_path, folder=tmp_path)
    assert missing.level == "problem" and missing.found == "missing from .venv/wheels/: Markdown==3.10.3"
    assert missing.fix == "download them again: rm .venv/installed-requirements.txt && ./run.sh check"
