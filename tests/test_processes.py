"""Commands run as a learner types them; background processes always stop, children included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from workshop.processes import (
    Background,
    CommandFailed,
    command_env,
    exact_env,
    free_port,
    http_get,
    owned_processes,
    port_open,
    run,
    stop_owned,
)



def test_run_shows_the_command_and_its_output(tmp_path, capsys):
    output = run("echo hello; echo oops >&2", tmp_path)
    assert capsys.readouterr().out == "$ echo hello; echo oops >&2\nhello\noops\n"
    assert output == "hello\noops\n"


def test_run_shows_extra_variables_in_front_of_the_command(tmp_path, capsys):
    run('echo "$GREETING"', tmp_path, env={"GREETING": "hi"})
    assert capsys.readouterr().out == '$ GREETING=hi echo "$GREETING"\nhi\n'


def test_a_failing_command_fails_the_cell(tmp_path):
    with pytest.raises(CommandFailed, match="exited with status 3"):
        run("exit 3", tmp_path)


def test_an_expected_failure_must_fail_and_say_what_was_meant(tmp_path, capsys):
    run("echo 'KeyError: SECRET_KEY'; exit 1", tmp_path, fails_with="SECRET_KEY")
    assert "[exit status 1: failed as expected]" in capsys.readouterr().out
    with pytest.raises(CommandFailed, match="expected to fail"):
        run("true", tmp_path, fails_with="SECRET_KEY")
    with pytest.raises(CommandFailed, match="does not say"):
        run("echo 'No module named django'; exit 1", tmp_path, fails_with="SECRET_KEY")


def test_tail_keeps_the_last_lines(tmp_path, capsys):
    run("seq 1 10", tmp_path, tail=2)
    assert capsys.readouterr().out.splitlines()[1:] == ["[... 8 lines above not shown ...]", "9", "10"]


def test_commands_find_the_kernels_own_python_first(tmp_path):
    output = run("command -v python", tmp_path)
    assert Path(output.strip()).parent == Path(sys.executable).parent


def test_commands_do_not_inherit_the_kernels_settings_module_or_forced_colours(tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "somewhere.else")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert run('echo "[$DJANGO_SETTINGS_MODULE$FORCE_COLOR]"', tmp_path) == "[]\n"


def test_background_server_answers_then_stops(tmp_path):
    port = free_port()
    (tmp_path / "index.html").write_text("hello from the background")
    with Background(f"python -m http.server {port} --bind 127.0.0.1", tmp_path) as server:
        server.wait_for_port(port)
        assert http_get(f"http://127.0.0.1:{port}/") == (200, "hello from the background")
    assert not port_open(port)
    assert owned_processes(tmp_path) == []


CHILD_IN_OWN_SESSION = textwrap.dedent(
    """
    import subprocess, sys, time
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    print("started", flush=True)
    time.sleep(60)
    """
)


def test_children_in_sessions_of_their_own_are_stopped_too(tmp_path):
    (tmp_path / "spawn.py").write_text(CHILD_IN_OWN_SESSION)
    with Background("python spawn.py", tmp_path) as parent:
        parent.wait_for_output("started")
        assert len(owned_processes(tmp_path)) >= 2
    assert owned_processes(tmp_path) == []


def test_a_failing_cell_still_stops_the_process(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with Background("sleep 60", tmp_path):
            1 / 0
    assert owned_processes(tmp_path) == []


KERNEL = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workshop.processes import Background
    Background("python spawn.py", Path(sys.argv[1])).start()
    time.sleep(60)
    """
)


def command_line(proc: psutil.Process) -> str:
    """A process's command line, or '' once it has exited (it may, at any moment)."""
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def test_a_killed_kernel_leaves_nothing_behind(tmp_path):
    """The kernel is SIGKILLed (as nbval does): Linux stops the children; stop_owned catches the rest."""
    (tmp_path / "spawn.py").write_text(CHILD_IN_OWN_SESSION)
    root = Path(__file__).resolve().parents[1]
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL, str(tmp_path)], cwd=root)
    deadline = time.monotonic() + 10
    while len(owned_processes(tmp_path)) < 2:
        assert time.monotonic() < deadline, "the background command never started"
        time.sleep(0.05)
    os.kill(kernel.pid, signal.SIGKILL)
    kernel.wait()
    if sys.platform.startswith("linux"):
        direct = [p for p in owned_processes(tmp_path) if "spawn.py" in command_line(p)]
        psutil.wait_procs(direct, timeout=5)
        assert all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in direct)
    stop_owned(tmp_path)
    assert owned_processes(tmp_path) == []


def test_wait_for_output_reports_an_early_exit(tmp_path):
    with Background("echo 'no such setting' && exit 1", tmp_path) as broken:
        with pytest.raises(CommandFailed, match="exited early:\nno such setting"):
            broken.wait_for_output("Listening")


def test_a_command_that_outlives_its_timeout_is_stopped_with_its_children(tmp_path):
    (tmp_path / "spawn.py").write_text(CHILD_IN_OWN_SESSION)
    started = time.monotonic()
    with pytest.raises(CommandFailed, match=r"still running after 1 s.*\n.*belongs in project.background"):
        run("python spawn.py", tmp_path, timeout=1)
    assert time.monotonic() - started < 5
    assert owned_processes(tmp_path) == []


@pytest.mark.parametrize("command", ["honcho start", "honcho -e .env start -p 5000", "python manage.py runserver 8000"])
def test_a_server_is_refused_at_once_with_the_way_to_run_it(tmp_path, command):
    with pytest.raises(CommandFailed, match=r"keeps running until it is stopped.*\n.*project.background"):
        run(command, tmp_path)


def test_a_failed_command_is_a_short_message_without_the_helpers_traceback(tmp_path):
    with pytest.raises(CommandFailed) as caught:
        run("exit 3", tmp_path)
    assert caught.value._render_traceback_() == ["\x1b[31m✘ `exit 3` exited with status 3\x1b[0m"]


def test_commands_never_inherit_the_projects_own_variables(tmp_path, monkeypatch):
    """A variable the settings read, or .env.example lists, comes from the lesson alone, never from the kernel."""
    (tmp_path / "settings.py").write_text('import os\nA = os.environ["SECRET_KEY"]\nB = require("DATABASE_URL")\n'
                                          'C = os.environ.get("DEBUG")\nD = os.getenv("MY_CACHE_URL", "x")\n')
    (tmp_path / ".env.example").write_text("EMAIL_URL=\n# REDIS_URL=redis://\n")
    for name in ("SECRET_KEY", "DATABASE_URL", "DEBUG", "MY_CACHE_URL", "EMAIL_URL", "REDIS_URL", "UNRELATED"):
        monkeypatch.setenv(name, "from-the-kernel")
    shown = run("env | grep -- -kernel | cut -d= -f1 | sort", tmp_path)
    assert shown == "UNRELATED\n"
    assert run('echo "$DEBUG"', tmp_path, env={"DEBUG": "set-by-the-lesson"}) == "set-by-the-lesson\n"


def test_requests_to_this_machine_skip_a_dead_proxy(tmp_path, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    port = free_port()
    (tmp_path / "index.html").write_text("no proxy in between")
    fetch = f"python -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{port}/').read().decode())\""
    with Background(f"python -m http.server {port} --bind 127.0.0.1", tmp_path) as server:
        server.wait_for_port(port)
        assert http_get(f"http://127.0.0.1:{port}/") == (200, "no proxy in between")
        assert run(fetch, tmp_path) == "no proxy in between\n"


def test_wait_for_port_refuses_a_port_that_another_program_answers(tmp_path):
    port = free_port()
    with Background(f"python -m http.server {port} --bind 127.0.0.1", tmp_path, name="neighbour") as neighbour:
        neighbour.wait_for_port(port)
        with Background("python -c 'import time; time.sleep(30)'", tmp_path, name="mine") as mine:
            with pytest.raises(CommandFailed, match=rf"Port {port} is answered by another program \(pid \d+: .*http.server"):
                mine.wait_for_port(port)


def test_a_probe_gets_exactly_its_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://from-the-kernel")
    monkeypatch.setenv("SOMETHING_ELSE", "from-the-kernel")
    env = exact_env(str(tmp_path), {"DEBUG": "false"})
    assert "EMAIL_URL" not in env and "SOMETHING_ELSE" not in env
    assert env["DEBUG"] == "false" and env["PATH"].startswith(str(Path(sys.executable).parent))


def test_every_command_gets_uvs_settings_for_the_lessons_unless_they_are_set(tmp_path, monkeypatch):
    from workshop.processes import UV_SETTINGS

    root = Path(__file__).resolve().parents[1]
    monkeypatch.delenv("UV_CONFIG_FILE", raising=False)
    monkeypatch.delenv("UV_PYTHON", raising=False)
    env = command_env(str(tmp_path), cwd=tmp_path)
    assert env["UV_CONFIG_FILE"] == str(root / "jupyter-config" / "uv.toml") and Path(env["UV_CONFIG_FILE"]).is_file()
    assert env["UV_PYTHON"] == sys.executable == UV_SETTINGS["UV_PYTHON"]
    monkeypatch.setenv("UV_CONFIG_FILE", "/elsewhere/uv.toml")
    assert command_env(str(tmp_path), cwd=tmp_path)["UV_CONFIG_FILE"] == "/elsewhere/uv.toml"
