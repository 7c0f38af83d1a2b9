"""workshop.postgres starts a real PostgreSQL server, and nothing of it is left once it is stopped or its parent dies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from workshop.postgres import start_postgres, stop_leftover
from workshop.processes import port_open

ROOT = Path(__file__).resolve().parents[1]

# What a notebook kernel does: start a server, say where it is, and wait (until it is killed).
KERNEL = """
import sys, time
from pathlib import Path
from workshop.postgres import start_postgres
server = start_postgres(Path(sys.argv[1]), owner=sys.argv[2])
print(server.port, server.process.pid, flush=True)
time.sleep(60)
"""


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data folder in a new folder open to others: started by root, the server runs as user nobody."""
    parent = Path(tempfile.mkdtemp(prefix="test-postgres-"))
    parent.chmod(0o755)
    yield parent / "db"
    shutil.rmtree(parent)


@pytest.fixture
def owner() -> str:
    """A tag of this test's own for the processes it starts."""
    return f"test-postgres-{uuid.uuid4().hex[:8]}"


def tagged(owner: str) -> list[psutil.Process]:
    """The processes whose environment carries WORKSHOP_OWNER=owner."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("WORKSHOP_OWNER") == owner:
                found.append(process)
        except psutil.Error:
            pass
    return found


def running(pid: int) -> bool:
    """Whether process pid still runs (a zombie has exited and only waits to be reaped)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_until_gone(pids: list[int], seconds: float = 5) -> list[int]:
    """Wait up to seconds for the processes to end; return those still running."""
    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if running(pid)]



def test_server_serves_sql_then_leaves_nothing(data_dir: Path, owner: str) -> None:
    with start_postgres(data_dir, owner=owner) as server:
        assert server.url.startswith("postgres://workshop:")
        assert server.url.endswith(f"@127.0.0.1:{server.port}/workshop")
        password = server.url.split(":")[2].split("@")[0]
        assert len(password) >= 20 and password not in repr(server)
        with psycopg.connect(server.url) as connection:
            assert connection.execute("SELECT version()").fetchone()[0].startswith("PostgreSQL 18.")
            connection.execute("CREATE TABLE visit (id serial PRIMARY KEY, path text NOT NULL)")
            connection.execute("INSERT INTO visit (path) VALUES ('/'), ('/shop/')")
            assert connection.execute("SELECT count(*) FROM visit").fetchone()[0] == 2
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(server.url.replace(password, "wrong"))
        [template] = Path(tempfile.gettempdir()).glob(f"workshop-postgres-*-{os.geteuid()}")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(server.url.replace(password, (template / "superuser-password").read_text()))
        assert [p.pid for p in tagged(owner)] == [server.process.pid]
        pids = [server.process.pid] + [child.pid for child in psutil.Process(server.process.pid).children()]
        assert len(pids) > 3  # the postmaster and its workers: checkpointer, walwriter, ...
        assert (data_dir / "pgdata" / "PG_VERSION").read_text() == "18\n"
    assert not port_open(server.port)
    assert not data_dir.exists()
    assert wait_until_gone(pids, seconds=0) == []
    assert tagged(owner) == []


def test_server_goes_when_its_kernel_is_killed(data_dir: Path, owner: str) -> None:
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL, str(data_dir), owner], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = kernel.stdout.readline()
        assert line, kernel.communicate()[1]
        port, pid = map(int, line.split())
        assert port_open(port) and running(pid)
        kernel.kill()
        kernel.wait()
        if sys.platform == "linux":  # the death signal stops it at once
            assert wait_until_gone([pid]) == []
            assert not port_open(port)
        assert stop_leftover(data_dir) is (sys.platform != "linux")  # elsewhere, the next start stops it
        assert wait_until_gone([pid]) == []
        assert not port_open(port)
        assert not data_dir.exists()
        assert tagged(owner) == []
    finally:
        kernel.kill()
        stop_leftover(data_dir)


def test_a_forgotten_server_is_stopped_by_the_next_start(data_dir: Path, owner: str) -> None:
    forgotten = start_postgres(data_dir, owner=owner)
    with start_postgres(data_dir, owner=owner) as server:
        assert forgotten.process.wait(timeout=5) is not None
        assert not port_open(forgotten.port)
        with psycopg.connect(server.url) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
    assert tagged(owner) == []
    assert not data_dir.exists()


def test_a_failed_start_says_why_and_leaves_nothing(data_dir: Path, owner: str) -> None:
    with pytest.raises(RuntimeError, match='role name "pg_app" is reserved'):
        start_postgres(data_dir, owner=owner, user="pg_app")
    assert not data_dir.exists()
    assert tagged(owner) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root's servers run as user nobody")
def test_root_is_told_which_folder_nobody_may_not_enter(data_dir: Path, owner: str) -> None:
    data_dir.parent.chmod(0o700)
    with pytest.raises(PermissionError, match=f"may not enter {data_dir.parent}: run as an ordinary user"):
        start_postgres(data_dir, owner=owner)
    assert not data_dir.exists()
    assert tagged(owner) == []
