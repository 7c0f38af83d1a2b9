"""Lesson 06 and its exercise, as the project stands at the start of lesson 07: gunicorn serves on $PORT.

WEB_CONCURRENCY is checked before gunicorn reads it (one line naming it when missing, empty or malformed), the
view counts and the orders live in the database, and the app serves its own static files with DEBUG off. The
lesson's notebook shows each with real requests to two workers; these tests pin the behaviour the notebook's
output does not print.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from dotenv import dotenv_values

from workshop.browser import Browser
from workshop.checkpoints import state_before
from workshop.processes import Background, exact_env, free_port
from workshop.project import Project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project at the start of lesson 07, its database made and its static files collected, as a build does."""
    project = state_before("07", "lesson", tmp_path_factory.mktemp("lesson-06") / "project")
    for command in (["migrate", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=project.path, check=False,
                              env=exact_env(str(project.path), {}), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    return project


def gunicorn_conf(project: Project, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python gunicorn.conf.py`, the Procfile's check, with exactly env."""
    return subprocess.run([sys.executable, "gunicorn.conf.py"], cwd=project.path, check=False,
                          env=exact_env(str(project.path), env), capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("value", "said"), [
    (None, "WEB_CONCURRENCY is not set; expected a whole number of 1 or more, like 2."),
    ("", "WEB_CONCURRENCY is empty; expected a whole number of 1 or more, like 2."),
    ("   ", "WEB_CONCURRENCY is empty; expected a whole number of 1 or more, like 2."),
    ("two", "WEB_CONCURRENCY is not a positive whole number; expected a whole number of 1 or more, like 2."),
    ("0", "WEB_CONCURRENCY is not a positive whole number; expected a whole number of 1 or more, like 2."),
    ("-1", "WEB_CONCURRENCY is not a positive whole number; expected a whole number of 1 or more, like 2."),
    ("2.5", "WEB_CONCURRENCY is not a positive whole number; expected a whole number of 1 or more, like 2."),
    ("²", "WEB_CONCURRENCY is not a positive whole number; expected a whole number of 1 or more, like 2."),
])
def test_a_bad_web_concurrency_stops_the_check_with_one_line_naming_it(project, value, said):
    done = gunicorn_conf(project, {} if value is None else {"WEB_CONCURRENCY": value})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"ImproperlyConfigured: {said}\n"


@pytest.mark.parametrize("value", ["1", "2", " 3 ", "16"])
def test_a_whole_number_passes_the_check_silently(project, value):
    done = gunicorn_conf(project, {"WEB_CONCURRENCY": value})
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_procfile_checks_before_gunicorn_reads_web_concurrency(project):
    """gunicorn itself would stop with a traceback on WEB_CONCURRENCY=two; the web line's check comes first."""
    line = next(line for line in project.read("Procfile").splitlines() if line.startswith("web:"))
    assert line == "web: python gunicorn.conf.py && exec gunicorn shop.wsgi"
    assert "8000" not in line and "--bind" not in line
    assert not project.file("bin/start-production.sh").exists()
    done = subprocess.run(line.removeprefix("web:").strip(), shell=True, cwd=project.path, check=False,
                          env=exact_env(str(project.path), {"WEB_CONCURRENCY": "two", "PORT": str(free_port())}),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "ImproperlyConfigured: WEB_CONCURRENCY is not a positive whole number; expected a whole number of 1 or "
        "more, like 2."
    ]


def test_web_concurrency_is_documented_and_set_for_development(project):
    example = project.read(".env.example").splitlines()
    line = example.index("WEB_CONCURRENCY=2")
    assert example[line - 1].startswith("#")
    assert dotenv_values(project.path / ".env")["WEB_CONCURRENCY"] == "2"


def test_the_web_process_serves_the_admins_stylesheets_with_debug_off_on_all_interfaces(project):
    port = free_port()
    with Background(f"honcho run env DEBUG=false PORT={port} gunicorn shop.wsgi", project.path, {}, "web") as web:
        web.wait_for_port(port)
        browser = Browser(f"http://127.0.0.1:{port}")
        status, page = browser.get("/admin/login/")
        css = [browser.get(href)[0] for href in ("/static/admin/css/base.css", "/static/admin/css/login.css")]
        web.wait_for_output("Listening at")
        assert f"Listening at: http://0.0.0.0:{port}" in web.output()
    assert status == 200 and "/static/admin/css/base.css" in page
    assert css == [200, 200]


def test_staticfiles_is_ignored_by_git(project):
    assert "staticfiles/" in project.read(".gitignore").splitlines()
