"""Lesson 04 and its exercise, as the project stands at the start of lesson 05: every backing service is attached by config.

The database comes from DATABASE_URL (SQLite from .env by default), the cache from CACHE_URL (each process's
memory from .env, chosen by name), the payment API from PAYMENT_API_URL, the mail server from EMAIL_URL; a missing,
empty or malformed value stops the app with one line that names it. PostgreSQL attached through DATABASE_URL is
shown, for real, by the lesson's own notebook, which the suite runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from dotenv import dotenv_values

from workshop.checkpoints import state_before
from workshop.processes import exact_env
from workshop.project import Project

#: The variables the app reads at the start of lesson 05, with the values of a deploy that has no .env.
SERVER_ENV = {
    "SECRET_KEY": "server-key-" * 6,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "localhost",
    "DATABASE_URL": "sqlite:///server.sqlite3",
    "CACHE_URL": "pymemcache://10.0.3.20:11211",
    "PAYMENT_API_URL": "http://127.0.0.1:9/v1",
    "PAYMENT_API_KEY": "pay_live_server-key",
    "EMAIL_URL": "consolemail://",
    "ORDER_REPORT_RECIPIENTS": "owner@beancounter.example",
}
SETTINGS = "from django.conf import settings as s; import json; print(json.dumps({n: getattr(s, n) for n in NAMES}))"
LOCAL_MEMORY = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project at the start of lesson 05."""
    return state_before("05", "lesson", tmp_path_factory.mktemp("lesson-04") / "project")


def manage(project: Project, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python manage.py ARGS` in the project with exactly env (and .env, if there is one): nothing inherited."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=project.path, env=exact_env(str(project.path), env or {}),
                          capture_output=True, text=True, timeout=60)


def settings_of(project: Project, env: dict[str, str], *names: str) -> dict:
    """The named settings as the app loads them with env."""
    done = manage(project, "shell", "-v", "0", "-c", SETTINGS.replace("NAMES", repr(names)), env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


#: Runs `manage.py check` as `python manage.py check` would, once for each environment given (as JSON in argv[1]),
#: in one Python: for each, the exit status and what went to stderr (a message given to sys.exit(), or the traceback
#: of an exception nothing caught), as the interpreter would give them. Once the settings have loaded, Django keeps
#: them: it stops there, and the environments left get a Python of their own.
CHECK_EACH = """\
import contextlib, io, json, os, runpy, sys, traceback
envs, basics, results = json.loads(sys.argv[1]), dict(os.environ), []
for env in envs:
    if "django.conf" in sys.modules and sys.modules["django.conf"].settings.configured:
        break
    os.environ.clear()
    os.environ.update({**basics, **env})
    sys.argv, out, err = ["manage.py", "check"], io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path("manage.py", run_name="__main__")
            status = 0
        except SystemExit as exit:
            status = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
            if not isinstance(exit.code, (int, type(None))):
                print(exit.code, file=sys.stderr)
        except BaseException:
            status = 1
            traceback.print_exc()
    results.append({"returncode": status, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
"""


def checks(project: Project, envs: dict[str, dict[str, str]]) -> dict[str, subprocess.CompletedProcess]:
    """`python manage.py check` with exactly each env (and .env, if there is one), in as few fresh Pythons as can be:
    until one loads the settings, each starts from where a new process starts."""
    results: list[dict] = []
    while len(results) < len(envs):
        left = list(envs.values())[len(results):]
        done = subprocess.run([sys.executable, "-c", CHECK_EACH, json.dumps(left)], cwd=project.path,
                              env=exact_env(str(project.path), {}), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        results += json.loads(done.stdout.splitlines()[-1])
    return {name: subprocess.CompletedProcess(["manage.py", "check"], **result)
            for name, result in zip(envs, results, strict=True)}


def refusal(done: subprocess.CompletedProcess) -> str:
    """What `manage.py check` printed when it refused to start: exactly one line."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    return line


def without(name: str) -> dict[str, str]:
    """SERVER_ENV without one variable."""
    return {k: v for k, v in SERVER_ENV.items() if k != name}


SERVICES = ["DATABASE_URL", "CACHE_URL", "PAYMENT_API_URL", "EMAIL_URL"]
MALFORMED = {
    "a path, not a URL": ("DATABASE_URL", "db.sqlite3", "is not a database URL"),
    "no scheme separator": ("DATABASE_URL", "postgres//shop:s3cret-pw@db.internal/shop", "is not a database URL"),
    "a port that is no number": ("DATABASE_URL", "postgres://shop:s3cret-pw@db.internal:port/shop", "is not a database URL"),
    "an unencoded # in the password": ("DATABASE_URL", "postgres://shop:s3cret#pw@db.internal:5432/shop", "is not a database URL"),
    "no database name": ("DATABASE_URL", "postgres://shop:s3cret-pw@db.internal:5432", "names no database"),
    "a Memcached address, not a URL": ("CACHE_URL", "10.0.3.20:11211", "is not a cache URL"),
    "a cache scheme the app does not know": ("CACHE_URL", "redis://db.internal:6379", "is not a cache URL"),
    "a Memcached URL without a port": ("CACHE_URL", "pymemcache://db.internal", "is not a cache URL"),
    "a Memcached port that is no number": ("CACHE_URL", "pymemcache://db.internal:port", "is not a cache URL"),
    "local memory with something after it": ("CACHE_URL", "locmemcache://db.internal", "is not a cache URL"),
    "a host, not a mail URL": ("EMAIL_URL", "smtp.mailgun.example", "is not a mail URL"),
    "a mail URL without a port": ("EMAIL_URL", "smtp://postmaster:s3cret-pw@smtp.mailgun.example", "is not a mail URL"),
}


@pytest.fixture(scope="module")
def refused(project: Project) -> dict[str, subprocess.CompletedProcess]:
    """`manage.py check` as a server runs it, with no .env, for every missing, empty and malformed service."""
    envs = {**{f"{name} missing": without(name) for name in SERVICES},
            **{f"{name} empty": {**SERVER_ENV, name: ""} for name in SERVICES},
            **{mistake: {**SERVER_ENV, name: value} for mistake, (name, value, _) in MALFORMED.items()}}
    dotenv = project.file(".env")
    kept = dotenv.read_text()
    dotenv.unlink()
    try:
        return checks(project, envs)
    finally:
        dotenv.write_text(kept)


@pytest.fixture
def no_dotenv(project: Project) -> Iterator[None]:
    """The project as a server runs it: no .env file."""
    dotenv = project.file(".env")
    kept = dotenv.read_text()
    dotenv.unlink()
    yield
    dotenv.write_text(kept)


@pytest.mark.parametrize("name", SERVICES)
def test_a_missing_or_empty_service_stops_the_app_naming_it(refused: dict, name: str) -> None:
    assert refusal(refused[f"{name} missing"]).startswith(f"ImproperlyConfigured: {name} is not set; expected ")
    assert refusal(refused[f"{name} empty"]).startswith(f"ImproperlyConfigured: {name} is empty; expected ")


@pytest.mark.parametrize("mistake", MALFORMED)
def test_a_malformed_url_stops_the_app_with_one_line_that_names_it_and_hides_it(refused: dict, mistake: str) -> None:
    name, value, says = MALFORMED[mistake]
    line = refusal(refused[mistake])
    assert line.startswith(f"ImproperlyConfigured: {name} {says}; expected ")
    assert "s3cret" not in line and "internal" not in line and "mailgun" not in line and "10.0.3.20" not in line


def test_dotenv_chooses_sqlite_local_memory_the_sandbox_and_console_mail_and_example_documents_them(project: Project) -> None:
    found = settings_of(project, {}, "DATABASES", "CACHES", "EMAIL_BACKEND", "PAYMENT_API_URL")
    assert found["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert found["DATABASES"]["default"]["NAME"] == "db.sqlite3"
    assert found["CACHES"] == {"default": LOCAL_MEMORY}
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert found["PAYMENT_API_URL"] == "https://sandbox.payments.example/v1"
    development, example = dotenv_values(project.file(".env")), dotenv_values(project.file(".env.example"))
    for name, value in {"DATABASE_URL": "sqlite:///db.sqlite3", "CACHE_URL": "locmemcache://",
                        "PAYMENT_API_URL": "https://sandbox.payments.example/v1", "EMAIL_URL": "consolemail://"}.items():
        assert development[name] == value and example[name] == value
    assert "EMAIL_HOST_PASSWORD" not in development and "EMAIL_HOST_PASSWORD" not in example
    assert "one cache per process" in project.read(".env.example")


@pytest.mark.usefixtures("no_dotenv")
def test_a_deploy_attaches_memcached_and_a_mail_server_with_every_part_of_their_urls(project: Project) -> None:
    url = "smtp+tls://postmaster%40mg.beancounter.example:s3cret%23pw@smtp.mailgun.example:587"
    assert settings_of(project, {**SERVER_ENV, "EMAIL_URL": url}, "CACHES", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT",
                       "EMAIL_USE_TLS", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD") == {
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": "10.0.3.20:11211"}},
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.mailgun.example",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_HOST_USER": "postmaster@mg.beancounter.example",
        "EMAIL_HOST_PASSWORD": "s3cret#pw",
    }
