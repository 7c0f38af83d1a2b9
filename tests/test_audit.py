"""The twelve-factor audit, run on real projects: the sample app, Django's startproject output, settings in the
styles real projects use (plain os.environ, django-environ, dj-database-url, a cookiecutter-style split), one
twelve-factor project with one thing broken at a time, and the workshop's own checkpoints."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from workshop.audit import Scoreboard, audit, main, run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_project"
FIXTURES = Path(__file__).resolve().parent / "audit_fixtures"
CORPUS = Path(__file__).resolve().parent / "audit_corpus"
FACTORS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def project(tmp_path: Path, changes: dict | None = None, source: Path = CORPUS / "twelve_factor",
            git: bool = True) -> Path:
    """A copy of a fixture project, each file in changes written (text), edited ((old, new) pairs) or deleted
    (None); then put under git."""
    dest = tmp_path / "project"
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3"))
    for name, change in (changes or {}).items():
        path = dest / name
        if change is None:
            path.unlink()
        elif isinstance(change, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change)
        else:
            text = path.read_text()
            for old, new in [change] if isinstance(change[0], str) else change:
                assert old in text, f"{old!r} is not in {name}"
                text = text.replace(old, new)
            path.write_text(text)
    if git:
        track(dest)
    return dest


def track(folder: Path) -> None:
    """Put the folder under git, as a learner's project would be (its files added, nothing committed)."""
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "add", "-A"], check=True)


def verdicts(findings) -> dict[str, str]:
    """factor -> verdict."""
    return {f.factor: f.verdict for f in findings}


def said(findings, factor: str) -> str:
    """All the evidence given for one factor, as one text."""
    finding = next(f for f in findings if f.factor == factor)
    return "\n".join(f"{e.kind} {e.where}: {e.text}" for e in finding.evidence)


def literal_secrets(folder: Path) -> list[str]:
    """The literal values of secret-looking settings in a project's settings files."""
    pattern = re.compile(r"""(SECRET|PASSWORD|_KEY)\w*["']?\s*[:=]\s*["']([^"'\n]{8,})["']""")
    files = [f for f in folder.rglob("*.py") if "settings" in f.relative_to(folder).as_posix()]
    return [m[2] for f in files for m in pattern.finditer(f.read_text())]


# The projects the workshop is about ---------------------------------------------------------


def test_the_sample_app_fails_every_factor_quickly_and_shows_no_secret(capsys):
    started = time.monotonic()
    assert main([str(SAMPLE)]) == 1
    took = time.monotonic() - started
    text = capsys.readouterr().out
    findings = audit(SAMPLE)
    assert verdicts(findings) == dict.fromkeys(FACTORS, "fail"), text
    assert took < 10, f"the audit of sample_project took {took:.1f} s"
    assert "3 standalone settings modules" in said(findings, "I")
    assert "literal string, 66 chars" in said(findings, "III")
    assert "psycopg is needed" in said(findings, "II")
    assert "VIEW_COUNTS" in said(findings, "VI")
    assert "binds port 8000" in said(findings, "VII")
    assert "sets Django up by hand" in said(findings, "XII")
    as_json = json.dumps([f.as_dict() for f in findings])
    secrets = literal_secrets(SAMPLE)
    assert len(secrets) >= 9
    for secret in secrets:
        assert secret not in text and secret not in as_json


def test_django_startproject_fails_config_and_says_what_it_cannot_tell(tmp_path):
    subprocess.run([sys.executable, "-m", "django", "startproject", "mysite", str(tmp_path)], check=True)
    findings = audit(tmp_path, only=["I", "II", "III", "IV", "VII", "X", "XI"])
    assert verdicts(findings) == {"I": "cannot tell", "II": "fail", "III": "fail", "IV": "fail",
                                  "VII": "cannot tell", "X": "fail", "XI": "fail"}
    assert "not tracked in git" in said(findings, "I")
    assert "SECRET_KEY is a literal string, 66 chars" in said(findings, "III")
    assert "DEBUG = True is written in the code" in said(findings, "III")
    assert "security.W009, security.W012, security.W016, security.W018, security.W020" in said(findings, "X")
    assert "'django' comes out on stderr" in said(findings, "XI")


def test_a_twelve_factor_project_passes_all_twelve_and_prints_what_it_printed_before(tmp_path, capsys):
    folder = project(tmp_path)
    assert main([str(folder)]) == 0
    expected = (FIXTURES / "twelve_factor.txt").read_text().replace("PROJECT", str(folder))
    assert capsys.readouterr().out == expected  # no temporary paths, ports, pids or timings in it


def test_django_environ_style(tmp_path):
    settings = (CORPUS / "twelve_factor" / "config" / "settings.py").read_text()
    head, rest = settings.split("import os\n", 1)
    rest = rest[rest.index("INSTALLED_APPS"):].replace(
        'dj_database_url.parse(env("DATABASE_URL"))', "env.db()")
    environ_style = head + (
        "from pathlib import Path\n\nimport environ\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n"
        'env = environ.Env(DEBUG=(bool, False))\n\nSECRET_KEY = env("SECRET_KEY")\nDEBUG = env("DEBUG")\n'
        'ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")\n\n'
    ) + rest
    folder = project(tmp_path, {"config/settings.py": environ_style,
                                "requirements.txt": "Django==5.2.19\ndjango-environ==0.14.0\ngunicorn==27.0.1\n"})
    findings = audit(folder)
    try:
        import environ  # noqa: F401
    except ImportError:  # the audit then cannot run it, and says so
        assert verdicts(findings)["III"] == "cannot tell"
        assert "No module named 'environ'" in said(findings, "III")
        return
    assert verdicts(findings) == dict.fromkeys(FACTORS, "pass"), "\n".join(map(str, findings))
    assert "refuses to start without DATABASE_URL" in said(findings, "III")
    assert "with DEBUG=False, settings.DEBUG is False" in said(findings, "III")


def test_dj_database_url_with_a_sqlite_fallback_fails_parity(tmp_path):
    folder = project(tmp_path, {"config/settings.py": (
        'dj_database_url.parse(env("DATABASE_URL"))',
        'dj_database_url.config(default=f"sqlite:///{BASE_DIR / \'db.sqlite3\'}", conn_max_age=600)')})
    findings = audit(folder, only=["IV", "X"])
    assert verdicts(findings) == {"IV": "pass", "X": "fail"}
    assert "without DATABASE_URL it falls back to sqlite" in said(findings, "X")


def test_dj_database_url_config_without_a_default_starts_without_its_database(tmp_path):
    folder = project(tmp_path, {"config/settings.py": (
        'dj_database_url.parse(env("DATABASE_URL"))', "dj_database_url.config(conn_max_age=600)")})
    findings = audit(folder, only=["III"])
    assert verdicts(findings) == {"III": "fail"}
    assert "starts without DATABASE_URL (exit status 0)" in said(findings, "III")
    assert "refuses to start without SECRET_KEY" in said(findings, "III")


COOKIECUTTER = {
    "config/settings.py": None,
    "config/settings/__init__.py": "",
    "config/settings/base.py": '''"""Settings shared by every environment."""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", False)
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "notes"]
ROOT_URLCONF = "config.urls"
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
''',
    "config/settings/local.py": '''"""Development on your own machine."""
from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="kJ2n8Vq0XQ6sZp3mW9rT1yB4cF7hL5dN0gE2aU8iO6vR3xY9")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": ""}}
''',
    "config/settings/production.py": '''"""Production."""
from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
''',
    "manage.py": ('"config.settings"', '"config.settings.local"'),
    "requirements.txt": "Django==5.2.19\ndjango-environ==0.14.0\ngunicorn==27.0.1\nredis==5.2.1\n",
}


def test_a_cookiecutter_style_split_is_one_codebase_but_keeps_a_secret_and_differs_between_deploys(tmp_path):
    folder = project(tmp_path, COOKIECUTTER)
    findings = audit(folder, only=["I", "II", "III", "IV", "X"])
    assert verdicts(findings) == {"I": "pass", "II": "pass", "III": "fail", "IV": "pass", "X": "fail"}
    assert "3 settings modules share one base" in said(findings, "I")
    assert "SECRET_KEY falls back to a literal string, 48 chars when DJANGO_SECRET_KEY is unset" in said(findings, "III")
    assert "kJ2n8Vq0" not in said(findings, "III")
    assert "CACHES differ between settings modules: LocMemCache in local.py; RedisCache in production.py" in said(
        findings, "X")


# One thing broken at a time: each check fails for its own reason -------------------------------

SERVE_IGNORING_SIGTERM = '''"""Serve the site with the standard library's WSGI server, finishing whatever it does first."""
import os
import signal
from wsgiref.simple_server import make_server

from config.wsgi import application

signal.signal(signal.SIGTERM, signal.SIG_IGN)
make_server("127.0.0.1", int(os.environ["PORT"]), application).serve_forever()
'''

BROKEN = {
    "I copies of the settings": ("I", "2 standalone settings modules", {
        "config/staging.py": (CORPUS / "twelve_factor" / "config" / "settings.py").read_text()}),
    "II unpinned": ("II", "Django has no exact version", {"requirements.txt": ("Django==5.2.19", "Django>=5.2")}),
    "II undeclared server": ("II", "gunicorn is needed (the Procfile runs gunicorn)", {
        "requirements.txt": ("gunicorn==27.0.1\n", "")}),
    "III literal fallback": ("III", "SECRET_KEY falls back to a literal string, 50 chars", {
        "config/settings.py": ('env("SECRET_KEY")', 'os.environ.get("SECRET_KEY", "' + "s3cr3t-" * 7 + 's")')}),
    "III raw DEBUG": ("III", "DEBUG is the raw text of DEBUG (os.environ.get)", {
        "config/settings.py": ('env("DEBUG") == "True"', 'os.environ.get("DEBUG", False)')}),
    "III DEBUG parsed wrong": ("III", "with DEBUG=False, settings.DEBUG is still true", {
        "config/settings.py": ('env("DEBUG") == "True"', 'env("DEBUG")')}),
    "IV database in the code": ("IV", "DATABASES['default'] is postgresql at db.internal.example, written in the code", {
        "config/settings.py": ('dj_database_url.parse(env("DATABASE_URL"))',
                                    '{"ENGINE": "django.db.backends.postgresql", "HOST": "db.internal.example"}')}),
    "IV payment API in the code": ("IV", "PAYMENT_API_URL = 'https://api.payments.example/v1' names a service", {
        "config/settings.py": ("USE_TZ = True", 'USE_TZ = True\nPAYMENT_API_URL = "https://api.payments.example/v1"')}),
    "V migrate at start": ("V", "the web process does release work at every start", {
        "Procfile": ("web: gunicorn", "web: python manage.py migrate && gunicorn")}),
    "V deploy script": ("V", "`git pull`: changes the code in place", {
        "deploy.sh": "#!/bin/sh\ncd /srv/notes\ngit pull\npython manage.py migrate\nsystemctl restart notes\n"}),
    "VI state in memory": ("VI", "SEEN is kept in the process's memory and changed by home()", {
        "notes/views.py": [("logger = logging.getLogger(__name__)\n", "logger = logging.getLogger(__name__)\nSEEN = {}\n"),
                           ("    logger.info", "    SEEN[request.path] = True\n    logger.info")]}),
    "VI state in the local cache": ("VI", "keeps data in Django's cache, which is the memory of each process", {
        "notes/views.py": ("    logger.info", (
            '    from django.core.cache import cache\n\n    cache.set("seen", True)\n    logger.info'))}),
    "VII hard-coded port": ("VII", "binds port 8000, written in the code", {
        "Procfile": ("$PORT", "8000")}),
    "VIII thread in a view": ("VIII", "starts a thread for background work inside the web process", {
        "notes/views.py": ("    return HttpResponse", (
            '    import threading\n\n    threading.Thread(target=logger.info, args=("later",), daemon=True).start()\n'
            "    return HttpResponse"))}),
    "VIII cron": ("VIII", "work scheduled by cron on one server", {
        "crontab": "0 * * * * cd /srv/notes && python manage.py tidy\n"}),
    "IX sleep at import": ("IX", "waits at import time (in warm_up())", {
        "notes/views.py": ("logger = ", "import time\n\n\ndef warm_up():\n    time.sleep(0.1)\n\n\nwarm_up()\nlogger = ")}),
    "X deploy checklist": ("X", "Django's deployment checklist fails in a production-like environment: security.W004", {
        "config/settings.py": ("SECURE_HSTS_SECONDS = 3600", "")}),
    "XI stderr": ("XI", "a warning logged to 'notes.views' comes out on stderr, not stdout", {
        "config/settings.py": (', "stream": "ext://sys.stdout"', "")}),
    "XI file": ("XI", "handler 'file' writes to a file (BASE_DIR / 'notes.log')", {
        "config/settings.py": ('"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}',
                                    '"file": {"class": "logging.FileHandler", "filename": BASE_DIR / "notes.log"}')}),
    "XII setup by hand": ("XII", "sets Django up by hand outside manage.py", {
        "scripts/report.py": 'import django\n\ndjango.setup()\nprint("report")\n'}),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_check_fails_for_its_own_reason(case, tmp_path, monkeypatch):
    factor, expected, changes = BROKEN[case]
    monkeypatch.setattr(run, "STOP_LIMIT", 1.0)
    folder = project(tmp_path, changes)
    [finding] = audit(folder, only=[factor])
    evidence = said([finding], factor)
    assert finding.verdict == "fail", evidence
    assert expected in evidence


def test_a_web_process_that_does_not_listen_on_port_fails_port_binding(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "START_LIMIT", 2.0)
    folder = project(tmp_path, {"gunicorn.conf.py": 'bind = ["unix:web.sock"]\n',
                                "Procfile": (" --bind 0.0.0.0:$PORT", "")})
    [finding] = audit(folder, only=["VII"])
    assert finding.verdict == "fail"
    assert "started with PORT set, nothing answered on $PORT within 2 s" in said([finding], "VII")


def test_config_read_in_a_way_the_audit_cannot_follow_is_judged_by_running_it(tmp_path):
    folder = project(tmp_path, {"config/settings.py": [
        ("def env(name):", 'ENV = getattr(os, "environ")\n\n\ndef env(name):'),
        ('env("SECRET_KEY")', 'ENV["SECRET_KEY"]'), ('env("DEBUG")', 'ENV["DEBUG"]'),
        ('env("ALLOWED_HOSTS")', 'ENV["ALLOWED_HOSTS"]'), ('env("DATABASE_URL")', 'ENV["DATABASE_URL"]'),
    ]})
    [finding] = audit(folder, only=["III"])
    assert finding.verdict == "pass", said([finding], "III")
    assert ("env -u SECRET_KEY -u DEBUG -u ALLOWED_HOSTS -u DATABASE_URL python manage.py check: refuses to start "
            "without any of its variables: KeyError: 'SECRET_KEY'") in said([finding], "III")
    assert "SECRET_KEY is the value of SECRET_KEY" in said([finding], "III")


def test_a_project_outside_version_control_cannot_tell_its_codebase(tmp_path):
    [finding] = audit(project(tmp_path, git=False), only=["I"])
    assert finding.verdict == "cannot tell"
    assert "not tracked in git" in said([finding], "I")


# What the audit promises about itself ---------------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by relative path, with its content."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_it_changes_nothing_and_leaves_nothing_behind_even_when_a_process_will_not_stop(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "STOP_LIMIT", 1.0)
    folder = project(tmp_path, {
        "serve.py": SERVE_IGNORING_SIGTERM,
        "Procfile": ("gunicorn config.wsgi --bind 0.0.0.0:$PORT --workers 2", "python serve.py")})
    (folder / ".env").write_text("SECRET_KEY=from-the-learners-own-dot-env\n")
    before = files_of(folder)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    findings = audit(folder)
    assert files_of(folder) == before
    assert list(scratch.iterdir()) == []
    left = [p for p in psutil.process_iter(["cwd"]) if str(scratch) in (p.info["cwd"] or "")]
    assert left == []
    assert verdicts(findings)["IX"] == "fail"
    assert "still running 1 s after SIGTERM" in said(findings, "IX")
    assert verdicts(findings)["III"] == "pass", said(findings, "III")


def test_json_lists_every_factor_with_its_evidence(capsys):
    assert main([str(SAMPLE), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["factor"] for d in data] == FACTORS
    assert data[0]["name"] == "Codebase" and data[0]["verdict"] == "fail"
    assert {"kind", "where", "text"} <= set(data[2]["evidence"][0])


def test_in_a_notebook_it_is_a_table_with_a_count(tmp_path):
    findings = audit(SAMPLE, only=["I", "VI"]) + audit(project(tmp_path), only=["XII"])
    html = Scoreboard(findings)._repr_html_()
    assert "1 of 3 factors pass (2 fail)" in html
    assert html.count("<tr>") == 4
    assert "✘ fail" in html and "✔ pass" in html
    assert repr(Scoreboard(findings)) == str(Scoreboard(findings))


def test_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "workshop", "audit", "sample_project"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout.startswith("Twelve-factor audit of sample_project: 0 of 12 factors pass (12 fail)")
    assert done.stderr == ""
    done = subprocess.run([sys.executable, "-m", "workshop", "audit", str(tmp_path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"python -m workshop audit: {tmp_path} has no manage.py: give the folder of a Django project"


# The workshop's checkpoints ------------------------------------------------------------------


def test_the_workshops_checkpoints_get_better_lesson_by_lesson(tmp_path):
    checkpoint = getattr(__import__("workshop.checkpoints").checkpoints, "checkpoint", None)
    if checkpoint is None:
        pytest.skip("workshop.checkpoints.checkpoint does not exist yet")
    lessons = sorted({p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} - {"00", "01"})
    passing: list[tuple[str, set[str]]] = []
    for lesson in [*lessons, "final"]:
        folder = checkpoint(lesson, tmp_path / lesson)
        track(folder)
        findings = audit(folder)
        passing.append((lesson, {f.factor for f in findings if f.verdict == "pass"}))
    assert passing[0][1] == set(), f"the first checkpoint is the traditional app, yet passes {passing[0][1]}"
    for (before, was), (after, now) in itertools.pairwise(passing):
        assert was <= now, f"{sorted(was - now)} passed at {before} but not at {after}"
    if {f"{n:02d}" for n in range(2, 13)} <= set(lessons):
        assert passing[-1][1] == set(FACTORS), f"after the last lesson only {sorted(passing[-1][1])} pass"
