"""Lesson 04 and its exercise, as the project stands at the start of lesson 05: every backing service is attached by config.

The database comes from DATABASE_URL (SQLite from .env by default, a real PostgreSQL server when it
points at one), the cache from MEMCACHED_LOCATION, the payment API from PAYMENT_API_URL, the mail
server from EMAIL_URL; a missing or malformed value stops the app with one line that names it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from workshop.audit import audit
from workshop.checkpoints import state_before
from workshop.exercises import check_04
from workshop.postgres import start_postgres
from workshop.processes import command_env
from workshop.project import Project

ROOT = Path(__file__).resolve().parents[1]
#: The variables the app reads at the start of lesson 05, with the values of a deploy that has no .env.
SERVER_ENV = {
    "SECRET_KEY": "server-key-" * 6,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "localhost",
    "DATABASE_URL": "sqlite:///server.sqlite3",
    "PAYMENT_API_URL": "http://127.0.0.1:9/v1",
    "PAYMENT_API_KEY": "pay_live_server-key",
    "EMAIL_URL": "consolemail://",
    "ORDER_REPORT_RECIPIENTS": "owner@beancounter.example",
}
SETTINGS = "from django.conf import settings as s; import json; print(json.dumps({n: getattr(s, n) for n in NAMES}))"


@pytest.fixture(scope="module")
def project() -> Iterator[Project]:
    """The project at the start of lesson 05, in a folder user nobody may enter (root's PostgreSQL runs as nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="lesson-04-"))
    folder.chmod(0o755)
    yield state_before("05", "lesson", folder / "project")
    shutil.rmtree(folder)


def manage(project: Project, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python manage.py ARGS` in the project, with the project's variables taken from env (and .env) alone."""
    inherited = {k: v for k, v in command_env(str(project.path)).items() if k not in SERVER_ENV and k != "MEMCACHED_LOCATION"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=project.path, env={**inherited, **(env or {})},
                          capture_output=True, text=True, timeout=60)


def settings_of(project: Project, env: dict[str, str], *names: str) -> dict:
    """The named settings as the app loads them with env, on a server with no .env."""
    done = manage(project, "shell", "-v", "0", "-c", SETTINGS.replace("NAMES", repr(names)), env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refusal(project: Project, env: dict[str, str]) -> str:
    """What `manage.py check` prints when it refuses to start with env: exactly one line."""
    done = manage(project, "check", env=env)
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    return line


def without(name: str) -> dict[str, str]:
    """SERVER_ENV without one variable."""
    return {k: v for k, v in SERVER_ENV.items() if k != name}


@pytest.fixture
def no_dotenv(project: Project) -> Iterator[None]:
    """The project as a server runs it: no .env file."""
    dotenv = project.file(".env")
    kept = dotenv.read_text()
    dotenv.unlink()
    yield
    dotenv.write_text(kept)


@pytest.mark.usefixtures("no_dotenv")
@pytest.mark.parametrize("name", ["DATABASE_URL", "PAYMENT_API_URL", "EMAIL_URL"])
def test_a_missing_or_empty_service_stops_the_app_naming_it(project: Project, name: str) -> None:
    assert refusal(project, without(name)).startswith(f"ImproperlyConfigured: {name} is not set; expected ")
    assert refusal(project, {**SERVER_ENV, name: ""}).startswith(f"ImproperlyConfigured: {name} is empty; expected ")


MALFORMED = {
    "a path, not a URL": ("DATABASE_URL", "db.sqlite3", "is not a database URL"),
    "no scheme separator": ("DATABASE_URL", "postgres//shop:s3cret-pw@db.internal/shop", "is not a database URL"),
    "a port that is no number": ("DATABASE_URL", "postgres://shop:s3cret-pw@db.internal:port/shop", "is not a database URL"),
    "an unencoded # in the password": ("DATABASE_URL", "postgres://shop:s3cret#pw@db.internal:5432/shop", "is not a database URL"),
    "no database name": ("DATABASE_URL", "postgres://shop:s3cret-pw@db.internal:5432", "names no database"),
    "a host, not a mail URL": ("EMAIL_URL", "smtp.mailgun.example", "is not a mail URL"),
    "a mail URL without a port": ("EMAIL_URL", "smtp://postmaster:s3cret-pw@smtp.mailgun.example", "is not a mail URL"),
}


@pytest.mark.usefixtures("no_dotenv")
@pytest.mark.parametrize("mistake", MALFORMED)
def test_a_malformed_url_stops_the_app_with_one_line_that_names_it_and_hides_it(project: Project, mistake: str) -> None:
    name, value, says = MALFORMED[mistake]
    line = refusal(project, {**SERVER_ENV, name: value})
    assert line.startswith(f"ImproperlyConfigured: {name} {says}; expected a URL like ")
    assert "s3cret" not in line and "internal" not in line and "mailgun" not in line


def test_by_default_it_runs_on_the_sqlite_file_from_dotenv(project: Project) -> None:
    assert "DATABASE_URL='sqlite:///db.sqlite3'" in project.read(".env")
    assert manage(project, "migrate", "-v", "0").returncode == 0
    found = settings_of(project, {}, "DATABASES", "CACHES", "EMAIL_BACKEND", "PAYMENT_API_URL")
    assert found["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert found["DATABASES"]["default"]["NAME"] == "db.sqlite3"
    assert project.file("db.sqlite3").stat().st_size > 0
    assert found["CACHES"] == {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert found["PAYMENT_API_URL"] == "https://sandbox.payments.example/v1"


def test_with_database_url_pointing_at_postgresql_it_runs_there(project: Project) -> None:
    data = project.path.parent / "postgres"
    with start_postgres(data, owner=str(data)) as server:
        env = {"DATABASE_URL": server.url}
        migrated = manage(project, "migrate", "-v", "0", env=env)
        assert migrated.returncode == 0, migrated.stderr
        done = manage(project, "shell", "-v", "0", "-c", (
            "from django.db import connection; from store.models import Product\n"
            "cursor = connection.cursor(); cursor.execute('SELECT version()')\n"
            "print(connection.vendor, cursor.fetchone()[0].split()[:2], Product.objects.count())"), env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split()[:2] == ["postgresql", "['PostgreSQL',"]
        assert done.stdout.split()[-1] == "5"  # the beans the migrations add
    assert not data.exists()


@pytest.mark.usefixtures("no_dotenv")
def test_the_cache_is_memcached_at_its_location_or_each_process_memory(project: Project) -> None:
    memcached = {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": "10.0.3.20:11211"}
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert settings_of(project, {**SERVER_ENV, "MEMCACHED_LOCATION": "10.0.3.20:11211"}, "CACHES")["CACHES"]["default"] == memcached
    assert settings_of(project, SERVER_ENV, "CACHES")["CACHES"]["default"] == local
    assert settings_of(project, {**SERVER_ENV, "MEMCACHED_LOCATION": ""}, "CACHES")["CACHES"]["default"] == local


@pytest.mark.usefixtures("no_dotenv")
def test_each_part_of_the_mail_url_lands_in_its_setting(project: Project) -> None:
    url = "smtp+tls://postmaster%40mg.beancounter.example:s3cret%23pw@smtp.mailgun.example:587"
    assert settings_of(project, {**SERVER_ENV, "EMAIL_URL": url}, "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT",
                       "EMAIL_USE_TLS", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.mailgun.example",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_HOST_USER": "postmaster@mg.beancounter.example",
        "EMAIL_HOST_PASSWORD": "s3cret#pw",
    }


def test_the_audit_finds_every_backing_service_attached(project: Project) -> None:
    [backing] = [finding for finding in audit(project.path) if finding.factor == "IV"]
    texts = [e.text for e in backing.evidence]
    assert backing.verdict == "pass", texts
    assert "DATABASES['default'] comes from DATABASE_URL" in texts
    assert any(text.startswith("with DATABASE_URL=sqlite:///audit.sqlite3, Django's default database is that file") for text in texts)


# The exercise's check --------------------------------------------------------------------------

EXERCISE = ROOT / "exercises" / "04_attach_the_mail_server.ipynb"


def hints(project: Project, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines check_04 printed after naming the working copy."""
    check_04(project)
    return capsys.readouterr().out.splitlines()[1:]


def test_the_unanswered_exercise_stores_the_hints_the_check_gives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fresh = hints(state_before("04", "exercise", tmp_path / "copy"), capsys)
    assert fresh[0].startswith("✘ EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER are still typed")
    assert fresh[-1] == "3 things to fix. Change your files, then run this cell again."
    [cell] = [c for c in nbformat.read(EXERCISE, as_version=4).cells if c.cell_type == "code" and "check_04(project)" in c.source]
    assert "".join(o.get("text", "") for o in cell.outputs).splitlines()[1:] == fresh


@pytest.fixture
def answered(tmp_path: Path) -> Project:
    """Exercise 04 answered as the solution does: the project at the start of lesson 05."""
    return state_before("05", "lesson", tmp_path / "copy")


def test_the_solution_passes_the_check(answered: Project, capsys: pytest.CaptureFixture[str]) -> None:
    [line] = hints(answered, capsys)
    assert line.startswith("✔ ") and line.endswith("Well done!")


SETTING = 'EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = mail_server("EMAIL_URL")'
MISTAKES = {
    "the host still typed in": (
        "shop/settings.py", SETTING, SETTING + '\nEMAIL_HOST = "smtp.mailgun.example"',
        "✘ EMAIL_HOST is still typed into shop/settings.py (line ",
    ),
    "the settings in the wrong order": (
        "shop/settings.py", SETTING, SETTING.replace("EMAIL_HOST, EMAIL_PORT", "EMAIL_PORT, EMAIL_HOST"),
        "✘ EMAIL_HOST, EMAIL_PORT do not come from EMAIL_URL",
    ),
    "the password still from its own variable": (
        "shop/settings.py", SETTING, SETTING + '\nEMAIL_HOST_PASSWORD = require("EMAIL_HOST_PASSWORD")',
        "✘ EMAIL_HOST_PASSWORD does not come from EMAIL_URL",
    ),
    "a default left in": (
        "shop/settings.py", SETTING, "import os\n" + SETTING.replace(
            'mail_server("EMAIL_URL")', 'mail_server("EMAIL_URL") if os.environ.get("EMAIL_URL") else '
            '("django.core.mail.backends.console.EmailBackend", "localhost", 25, False, "", "")'),
        "✘ Without EMAIL_URL the settings still load.",
    ),
    "a typo in the settings": (
        "shop/settings.py", SETTING, SETTING[:-1],
        "✘ The settings do not load even with every variable set: `SyntaxError:",
    ),
    "missing from .env": (
        ".env", "EMAIL_URL='consolemail://'\n", "",
        "✘ EMAIL_URL is missing from .env: add your development value, EMAIL_URL='consolemail://'",
    ),
    "left pointing at a mail server": (
        ".env", "EMAIL_URL='consolemail://'", "EMAIL_URL='smtp://127.0.0.1:2525'",
        "✘ EMAIL_URL in .env is not consolemail://",
    ),
    "unquoted with a # in .env": (
        ".env", "EMAIL_URL='consolemail://'", "EMAIL_URL=smtp+tls://postmaster:s3cret#pw@smtp.mailgun.example:587",
        "✘ Line 11 of .env (EMAIL_URL) is read differently by honcho and python-dotenv.",
    ),
    "missing from .env.example": (
        ".env.example", "EMAIL_URL='consolemail://'\n", "",
        "✘ EMAIL_URL is missing from .env.example:",
    ),
    "the old password left in .env": (
        ".env", "EMAIL_URL='consolemail://'\n", "EMAIL_URL='consolemail://'\nEMAIL_HOST_PASSWORD='old'\n",
        "✘ The settings no longer read EMAIL_HOST_PASSWORD: remove it from .env.",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_gets_its_hint(mistake: str, answered: Project, capsys: pytest.CaptureFixture[str]) -> None:
    name, old, new, hint = MISTAKES[mistake]
    text = answered.read(name)
    assert old in text, f"{name} has no {old!r}"
    answered.file(name).write_text(text.replace(old, new, 1))
    found = hints(answered, capsys)
    assert [line for line in found if line.startswith(hint)], found
    assert found[-1].endswith("to fix. Change your files, then run this cell again.")
    assert "Traceback" not in "\n".join(found) and "s3cret" not in "\n".join(found)
