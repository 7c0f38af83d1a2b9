"""The twelve checks: each reads the project, runs a copy of it where reading cannot tell, and gives its evidence."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import packages_distributions
from pathlib import Path

from workshop.audit import run
from workshop.audit.static import (
    NOT_CONSTANT,
    SECRET_NAME,
    URL_WITH_USER,
    EnvRead,
    Line,
    Names,
    Project,
    Setting,
    SettingsFile,
    constant,
    describe,
    dotted,
    is_test_or_migration,
    keyword,
    leaves,
    settings_choices,
    top_level,
)

PASS, FAIL, UNKNOWN = "pass", "fail", "cannot tell"
LOOPBACK = ("", "localhost", "127.0.0.1", "::1", "0.0.0.0")
SERVERS = r"\b(runserver|gunicorn|uvicorn|daphne|hypercorn|waitress-serve|uwsgi)\b"


@dataclass(frozen=True)
class Evidence:
    """One fact behind a verdict: kind 'ok', 'problem' or 'unknown', what it is, and where (file:line or command)."""

    kind: str
    text: str
    where: str = ""


def ok(text: str, where: str = "") -> Evidence:
    """A fact in the project's favour."""
    return Evidence("ok", text, where)


def problem(text: str, where: str = "") -> Evidence:
    """A fact that fails the factor."""
    return Evidence("problem", text, where)


def unknown(text: str, where: str = "") -> Evidence:
    """Something the audit could not decide, and why."""
    return Evidence("unknown", text, where)


@dataclass(frozen=True)
class Finding:
    """The verdict on one factor and the evidence for it."""

    factor: str
    name: str
    verdict: str
    evidence: tuple[Evidence, ...]

    def as_dict(self) -> dict[str, object]:
        """The finding as plain data, for JSON."""
        return {
            "factor": self.factor,
            "name": self.name,
            "verdict": self.verdict,
            "evidence": [{"kind": e.kind, "where": e.where, "text": e.text} for e in self.evidence],
        }


def verdict(evidence: list[Evidence]) -> str:
    """fail if anything failed, else cannot tell if anything was undecided, else pass (when there is evidence)."""
    kinds = {e.kind for e in evidence}
    if "problem" in kinds:
        return FAIL
    return PASS if kinds == {"ok"} else UNKNOWN


def hostname(value: str) -> str:
    """The host of 'scheme://user@host:port/x' or 'host:port'."""
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value, flags=re.IGNORECASE).split("/")[0].rsplit("@", 1)[-1]
    return value.rsplit(":", 1)[0].strip("[]") if value.count(":") == 1 or value.startswith("[") else value


def dict_get(node: ast.AST | None, key: str) -> ast.expr | None:
    """The value under a constant key in a dict literal, or None."""
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values):
            if constant(k) == key:
                return v
    return None


def literal_text(node: ast.AST | None) -> str:
    """The string a node holds, when it is a literal string; else ''."""
    value = constant(node)
    return value if isinstance(value, str) else ""


def short(node: ast.AST) -> str:
    """An expression as written, cut to a readable length."""
    text = ast.unparse(node)
    return text if len(text) <= 50 else text[:47] + "..."


class Context:
    """The project under audit, what the checks share about it, and (made on first need) a running copy."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._lock = threading.Lock()
        self._sandbox: run.Sandbox | str | None = None

    def close(self) -> None:
        """Remove the running copy, if one was made."""
        if isinstance(self._sandbox, run.Sandbox):
            self._sandbox.close()

    # What the settings say -------------------------------------------------------------------

    def read(self) -> None:
        """Work out, once and before the checks run in threads, what they share (the random values above all)."""
        for name in ("values", "secret_literals", "required", "literal_hosts", "loggers", "code_reads"):
            getattr(self, name)

    def file(self, rel: str) -> SettingsFile:
        """The settings module at rel."""
        return next(f for f in self.project.settings_files if f.rel == rel)

    def reads(self, setting: Setting) -> list[EnvRead]:
        """The environment reads in one setting's value."""
        return self.file(setting.file).names.reads_in(setting.value)

    @cached_property
    def all_leaves(self) -> list[Setting]:
        """Every setting of every settings module, split at dict literals."""
        return [leaf for f in self.project.settings_files for s in f.settings for leaf in leaves(s)]

    @cached_property
    def code_reads(self) -> list[EnvRead]:
        """Environment reads in the project's own code outside its settings."""
        found = []
        for rel in ["manage.py", *self.project.code_files]:
            tree = self.project.tree(rel)
            if tree is not None:
                found += Names(self.project, rel, tree).reads_in(tree)
        return found

    @cached_property
    def roles(self) -> dict[str, tuple[str, str]]:
        """Every variable read, with its type and the setting it feeds ('' outside the settings)."""
        found: dict[str, tuple[str, str]] = {}
        for leaf in self.all_leaves:
            for read in self.reads(leaf):
                found.setdefault(read.var, (read.cast, leaf.name))
        for read in [*self.project.reads, *self.code_reads]:
            found.setdefault(read.var, (read.cast, ""))
        return found

    @cached_property
    def secret_literals(self) -> list[tuple[Setting, str, str]]:
        """(setting, literal, what) for every secret written in the settings: values, fallbacks, URLs with a user."""
        found = []
        for leaf in self.all_leaves:
            key = leaf.keys[-1] if leaf.keys else leaf.name
            value = constant(leaf.value)
            if SECRET_NAME.search(key) and isinstance(value, str) and value:
                found.append((leaf, value, f"{leaf.label} is a {describe(value, True)}"))
                continue
            for read in self.reads(leaf):
                fallback = constant(read.fallback)
                if isinstance(fallback, str) and fallback and (SECRET_NAME.search(key) or SECRET_NAME.search(read.var)):
                    found.append((leaf, fallback, f"{leaf.label} falls back to a {describe(fallback, True)} when {read.var} is unset"))
            for node in ast.walk(leaf.value):
                text = constant(node) if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and URL_WITH_USER.match(text) and ":" in text.split("://", 1)[1].split("@")[0]:
                    found.append((leaf, text, f"{leaf.label} holds a URL with a password ({describe(text, True)})"))
        return found

    @cached_property
    def production_module(self) -> str:
        """The settings module of a production run: a sibling named production (or prod, live), else the default."""
        for f in self.project.settings_files:
            if Path(f.rel).stem in ("production", "prod", "live"):
                return f.rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        return self.project.settings_module

    @cached_property
    def active(self) -> list[SettingsFile]:
        """The settings modules a production run loads: the production module and what it star-imports."""
        by_rel = {f.rel: f for f in self.project.settings_files}
        order: list[str] = []

        def visit(rel: str) -> None:
            if rel in by_rel and rel not in order:
                order.append(rel)
                for base in by_rel[rel].bases:
                    visit(base)

        visit(self.project.module_file(self.production_module) or "")
        return [by_rel[rel] for rel in order]

    @cached_property
    def required(self) -> list[EnvRead]:
        """Reads a production run cannot do without: no fallback, and either raising or feeding SECRET_KEY/DATABASES."""
        found: dict[str, EnvRead] = {}
        for f in self.active:
            for setting in f.settings:
                for read in f.names.reads_in(setting.value):
                    if read.fallback is None and (read.raises or setting.name in ("SECRET_KEY", "DATABASES")):
                        found.setdefault(read.var, read)
            for read in f.reads:
                if read.raises and read.fallback is None:
                    found.setdefault(read.var, read)
        return list(found.values())

    @cached_property
    def values(self) -> dict[str, str]:
        """The production-like environment: a value for every variable read or documented."""
        example = self.project.env_example[1]
        names = dict(self.roles)
        for var in example:
            names.setdefault(var, ("", ""))
        values = {
            var: run.production_value(var, cast, role, example.get(var, ""))
            for var, (cast, role) in names.items()
            if var not in ("PORT", "DJANGO_SETTINGS_MODULE")
        }
        if self.production_module:
            values["DJANGO_SETTINGS_MODULE"] = self.production_module
        return values

    def is_secret(self, var: str) -> bool:
        """Is this variable a secret (its value is never shown)?"""
        return bool(SECRET_NAME.search(var)) or self.roles.get(var, ("", ""))[1] == "SECRET_KEY"

    def shown_values(self) -> str:
        """The production-like environment as evidence: secrets described, not shown."""
        return " ".join(
            f"{var}=<random, {len(value)} chars>" if self.is_secret(var) else f"{var}={value}"
            for var, value in self.values.items()
        )

    @cached_property
    def outside_writes(self) -> list[tuple[Setting, str]]:
        """Log files the settings write outside the project: (setting, path)."""
        found = []
        for leaf in self.all_leaves:
            if leaf.name == "LOGGING" and leaf.keys[-1:] == ("filename",):
                for node in ast.walk(leaf.value):
                    value = constant(node) if isinstance(node, ast.Constant) else None
                    if isinstance(value, str) and os.path.isabs(value) and not value.startswith(str(self.project.root)):
                        found.append((leaf, value))
        return found

    @cached_property
    def literal_hosts(self) -> list[tuple[Setting, str]]:
        """Backing services the settings name in the code, at hosts beyond this machine: (setting, host)."""
        found = []
        for leaf in self.all_leaves:
            key = leaf.keys[-1] if leaf.keys else leaf.name
            value = constant(leaf.value)
            if not isinstance(value, str) or leaf.name in ("STATIC_URL", "MEDIA_URL"):
                continue
            names_host = key == "HOST" or key.endswith("_HOST")
            names_service = (key == "LOCATION" and ":" in value) or (
                "://" in value and key.endswith(("_URL", "_URI", "_DSN", "_ENDPOINT")))
            host = hostname(value)
            if (names_host or names_service) and host not in LOOPBACK and not value.startswith(("/", "unix:")):
                found.append((leaf, host))
        return found

    # What a running copy shows ---------------------------------------------------------------

    def sandbox(self) -> run.Sandbox | str:
        """The running copy, or why the audit does not run this project."""
        with self._lock:
            if self._sandbox is None:
                self._sandbox = self._why_not_run() or run.Sandbox(
                    self.project.root, self.values, self.hidden()
                )
            return self._sandbox

    def hidden(self) -> list[str]:
        """Every value that must never appear in the output: the project's literal secrets, the random ones."""
        randoms = [value for var, value in self.values.items() if self.is_secret(var)]
        return [literal for _, literal, _ in self.secret_literals] + randoms

    def _why_not_run(self) -> str:
        """Why the project is not run, or '' when it can be."""
        if os.name != "posix":
            return "the audit runs projects only on Linux and macOS"
        if not self.project.settings_module:
            return "manage.py names no default settings module"
        if self.outside_writes:
            leaf, path = self.outside_writes[0]
            return f"not run: {leaf.where} writes logs to {path}, outside the project"
        return ""

    def baseline(self) -> run.Outcome | str:
        """`manage.py check` in the production-like environment, or why the project could not be run."""
        box = self.sandbox()
        if isinstance(box, str):
            return box
        outcome = box.manage("check")
        if outcome.status != 0:
            return f"`{outcome.shown}` fails in a production-like environment: {outcome.last_line}"
        return outcome

    def probe(self) -> dict | str:
        """Facts from the settings as Django loaded them in the production-like environment, and where logs went."""
        base = self.baseline()
        if isinstance(base, str):
            return base
        box = self.sandbox()
        assert isinstance(box, run.Sandbox)
        outcome = box.once("probe", lambda: box.probe(PROBE.replace("LOGGERS", repr(self.loggers))))
        for line in outcome.output.splitlines():
            if line.startswith(MARKER):
                facts = json.loads(line[len(MARKER):])
                facts["stdout"], facts["stderr"] = outcome.output, outcome.errors
                return facts
        return f"the settings could not be inspected: {outcome.last_line}"

    @cached_property
    def loggers(self) -> list[str]:
        """The loggers to try: Django's own and those the project's code names."""
        found = ["django"]
        for rel in self.project.code_files:
            tree = self.project.tree(rel)
            for node in ast.walk(tree) if tree else ():
                if isinstance(node, ast.Call) and dotted(node.func).endswith("getLogger") and node.args:
                    arg = node.args[0]
                    name = constant(arg)
                    if isinstance(arg, ast.Name) and arg.id == "__name__":
                        name = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                    if isinstance(name, str) and name and name not in found:
                        found.append(name)
        return found[:6]

    def web(self) -> run.WebOutcome | str:
        """The Procfile's web process started on $PORT, asked for /, and stopped; or why it was not."""
        line = self.project.procfile.get("web")
        if line is None:
            return "no `web` process in a Procfile to start"
        if literal_ports(line.text):
            return "its web process binds a fixed port, so the audit does not start it"
        for leaf, host in self.literal_hosts:
            if leaf.name in ("DATABASES", "CACHES"):  # what a page is likely to reach
                return f"not started: {leaf.where} names a service at {host}, which the audit does not connect to"
        facts = self.probe()
        if isinstance(facts, str):
            return facts
        box = self.sandbox()
        assert isinstance(box, run.Sandbox)
        database = facts["databases"].get("default", {})
        if "sqlite" in database.get("ENGINE", "") and database.get("NAME", "").endswith("audit.sqlite3"):
            box.manage("migrate", "--noinput")
        return box.web(line.text)


MARKER = "TWELVE-FACTOR-AUDIT "
PROBE = """
import hashlib, json, logging, sys
from django.conf import settings as s
for name in LOGGERS:
    logging.getLogger(name).warning("twelve-factor-audit log line from %s", name)
sys.stderr.flush()
facts = {
    "debug": bool(s.DEBUG),
    "secret": hashlib.sha256(str(s.SECRET_KEY).encode()).hexdigest(),
    "databases": {a: {k: str(d.get(k, "")) for k in ("ENGINE", "NAME", "HOST")} for a, d in s.DATABASES.items()},
}
print(MARKER + json.dumps(facts), flush=True)
""".replace("MARKER", repr(MARKER))


def literal_ports(command: str) -> list[str]:
    """The port numbers a server command binds, written into it."""
    end = r"(?=['\"\s]|$)"  # the number ends the address: 127.0.0.1:$PORT binds no fixed port
    found = re.findall(r"runserver\s+(?:\S*:)?(\d{2,5})" + end, command)
    found += re.findall(r"(?:--bind|-b|--port|-p|--listen|--http|--socket)[=\s]+['\"]?(?:\S*:)?(\d{2,5})" + end, command)
    found += re.findall(r"\b(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]):(\d{2,5})" + end, command)
    return sorted(set(found))


# I. Codebase ---------------------------------------------------------------------------------


def codebase(ctx: Context) -> list[Evidence]:
    """One codebase in version control, many deploys: no per-deploy copies of the settings."""
    files = ctx.project.settings_files
    evidence = []
    copies = [f for f in files if f.standalone]
    if len(copies) > 1:
        names = ", ".join(Path(f.rel).name for f in copies)
        evidence.append(problem(
            f"{len(copies)} standalone settings modules ({names}), each a whole copy of the settings for one "
            "deploy: the deploys run different code", str(Path(copies[0].rel).parent) + "/",
        ))
    elif len(files) > 1:
        evidence.append(ok(f"{len(files)} settings modules share one base: no copies per deploy",
                           str(Path(files[0].rel).parent) + "/"))
    elif files:
        evidence.append(ok("one settings module for every deploy", files[0].rel))
    else:
        evidence.append(unknown("manage.py names no settings module found in the project", "manage.py"))
    evidence.append(version_control(ctx.project.root))
    return evidence


def version_control(root: Path) -> Evidence:
    """Whether the project's files are tracked in a git repository."""
    if shutil.which("git") is None:
        return unknown("git is not installed: cannot tell whether the project is under version control")

    def git(*args: str) -> int:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=10, check=False).returncode

    # Outside a repository, or inside one that does not track it: the same to the learner, so the same words.
    if git("ls-files", "--error-unmatch", "manage.py") != 0:
        return unknown("not tracked in git: cannot tell which codebase it belongs to", "manage.py")
    return ok("tracked in git: one codebase for every deploy", "manage.py")


# II. Dependencies ----------------------------------------------------------------------------

#: Modules whose distribution is named differently (used when they are not installed here).
DISTRIBUTIONS = {
    "psycopg": {"psycopg", "psycopg-binary", "psycopg2", "psycopg2-binary"},
    "psycopg2": {"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary"},
    "MySQLdb": {"mysqlclient"}, "environ": {"django-environ"}, "dj_database_url": {"dj-database-url"},
    "dotenv": {"python-dotenv"}, "decouple": {"python-decouple"}, "yaml": {"pyyaml"}, "PIL": {"pillow"},
    "debug_toolbar": {"django-debug-toolbar"}, "rest_framework": {"djangorestframework"},
    "corsheaders": {"django-cors-headers"}, "storages": {"django-storages"}, "sentry_sdk": {"sentry-sdk"},
    "dateutil": {"python-dateutil"}, "jwt": {"pyjwt"}, "bs4": {"beautifulsoup4"}, "waitress": {"waitress"},
}
#: What a setting's dotted path needs installed.
BACKEND_MODULES = {
    "django.db.backends.postgresql": "psycopg", "django.db.backends.mysql": "MySQLdb",
    "PyMemcacheCache": "pymemcache", "PyLibMCCache": "pylibmc", "backends.redis.RedisCache": "redis",
}
PROGRAM_MODULES = {"gunicorn": "gunicorn", "uvicorn": "uvicorn", "daphne": "daphne", "hypercorn": "hypercorn",
                   "waitress-serve": "waitress", "celery": "celery", "uwsgi": "uwsgi"}
LOCK_FILES = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


def normalize(name: str) -> str:
    """A distribution name as pip compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """One declared dependency."""

    name: str  # as written
    pinned: bool
    where: str


def requirements(project: Project) -> tuple[list[str], list[Requirement], list[Evidence]]:
    """The declaration files, the requirements they declare, and anything about them that cannot be read."""
    files = [f for f in project.files if re.fullmatch(r"(requirements/[^/]+|requirements[^/]*)\.(txt|in)", f)]
    declared: list[Requirement] = []
    notes: list[Evidence] = []
    for rel in files:
        declared += requirements_txt(project, rel)
    for rel in ("pyproject.toml", "Pipfile"):
        if rel in project.files:
            found, note = requirements_toml(project, rel)
            if found or note:
                files.append(rel)
            declared += found
            notes += [note] if note else []
    return files, declared, notes


def requirements_txt(project: Project, rel: str) -> list[Requirement]:
    """The requirements of a requirements file (its -r includes are read as files of their own)."""
    found = []
    text = project.text(rel).replace("\\\n", " ")
    for number, line in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", line).strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", line)
        if match:
            spec = re.sub(r"\s--hash\S*", "", match[3]).strip()
            pinned = bool(re.match(r"^===?\s*[^\s*,;]+\s*(;.*)?$", spec)) or spec.startswith("@")
            found.append(Requirement(match[1], pinned, f"{rel}:{number}"))
    return found


def requirements_toml(project: Project, rel: str) -> tuple[list[Requirement], Evidence | None]:
    """The dependencies in pyproject.toml or a Pipfile; pinned when exact or when a lock file exists."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return [], unknown("cannot read TOML on this Python (needs 3.11, or tomli)", rel)
    try:
        data = tomllib.loads(project.text(rel))
    except tomllib.TOMLDecodeError as error:
        return [], unknown(f"does not parse: {error}", rel)
    locked = any(lock in project.files for lock in LOCK_FILES)
    specs: dict[str, str] = {}
    for entry in data.get("project", {}).get("dependencies", []):
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", entry)
        if match:
            specs[match[1]] = match[3]
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, spec in {**poetry, **data.get("packages", {})}.items():
        if name != "python":
            specs[name] = spec if isinstance(spec, str) else str(spec.get("version", "")) if isinstance(spec, dict) else ""
    return [
        Requirement(name, locked or bool(re.match(r"^\s*={2,3}\s*[^\s*,;]+\s*(;.*)?$", spec)), rel)
        for name, spec in specs.items()
    ], None


def needed(ctx: Context) -> dict[str, tuple[str, str]]:
    """Third-party modules the project needs: module -> (why, where)."""
    project = ctx.project
    local = project.local_modules | {"__future__"}
    found: dict[str, tuple[str, str]] = {}
    for rel in ["manage.py", *sorted(project.settings_paths), *project.code_files]:
        tree = project.tree(rel)
        for node in ast.walk(tree) if tree else ():
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, ("imported", f"{rel}:{node.lineno}"))
    for leaf in ctx.all_leaves:
        for node in ast.walk(leaf.value):
            value = constant(node) if isinstance(node, ast.Constant) else None
            if not isinstance(value, str):
                continue
            for fragment, module in BACKEND_MODULES.items():
                if fragment in value:
                    found.setdefault(module, (value, leaf.where))
            if leaf.name in ("INSTALLED_APPS", "MIDDLEWARE") and re.fullmatch(r"[\w.]+", value):
                top = value.split(".")[0]
                if top not in local and top != "django":
                    found.setdefault(top, (f"{leaf.name} entry {value!r}", leaf.where))
    for line in project.procfile.values():
        program = line.text.split()[0] if line.text.split() else ""
        if program in PROGRAM_MODULES:
            found.setdefault(PROGRAM_MODULES[program], (f"the Procfile runs {program}", line.where))
    return found


def dependencies(ctx: Context) -> list[Evidence]:
    """Every dependency declared, pinned to one version, and nothing used that is not declared."""
    files, declared, evidence = requirements(ctx.project)
    if not files:
        return [problem("no dependency declaration: no requirements.txt, pyproject.toml or Pipfile")]
    unpinned = [r for r in declared if not r.pinned]
    for requirement in unpinned:
        evidence.append(problem(f"{requirement.name} has no exact version (==): each install may get another",
                                requirement.where))
    names = {normalize(r.name) for r in declared}
    installed = packages_distributions()
    missing = []
    for module, (why, where) in needed(ctx).items():
        candidates = DISTRIBUTIONS.get(module, set()) | set(installed.get(module, [])) | {module}
        if not {normalize(c) for c in candidates} & names:
            missing.append(module)
            if module in DISTRIBUTIONS or module in installed:
                evidence.append(problem(f"{module} is needed ({why}) but not declared in {', '.join(files)}", where))
            else:
                evidence.append(unknown(f"{module} is needed ({why}); cannot tell which declared package provides it",
                                        where))
    if declared and not unpinned:
        locks = [lock for lock in LOCK_FILES if lock in ctx.project.files]
        how = f"locked in {locks[0]}" if locks else "each pinned with =="
        evidence.append(ok(f"{len(declared)} dependencies declared, {how}", ", ".join(files)))
    if not missing:
        evidence.append(ok("every third-party module the code, settings and Procfile use is declared"))
    return evidence


# III. Config ---------------------------------------------------------------------------------

TRUTHY = {True, "1", "true", "yes", "on"}


def config(ctx: Context) -> list[Evidence]:
    """Config in the environment: no secrets or per-deploy values in the code, and it refuses to start without them."""
    if not ctx.project.settings_files:
        return [unknown("no settings module found: manage.py names none in the project", "manage.py")]
    evidence = [problem(text, leaf.where) for leaf, _, text in ctx.secret_literals]
    for f in ctx.project.settings_files:
        for node in ast.walk(f.tree):
            if isinstance(node, ast.Call) and dotted(node.func).endswith("get_random_secret_key"):
                evidence.append(problem(
                    "SECRET_KEY is made at random at each start: every process gets its own, so sessions and "
                    "CSRF tokens break between processes", f"{f.rel}:{node.lineno}"))
    for setting in ctx.project.settings("DEBUG"):
        evidence += debug_setting(ctx, setting)
    for setting in ctx.project.settings("ALLOWED_HOSTS"):
        value = constant(setting.value)
        if isinstance(value, (list, tuple)) and value:
            evidence.append(problem(f"ALLOWED_HOSTS = {describe(list(value), False)} is written in the code: "
                                    "each deploy has its own host names", setting.where))
    if not ctx.roles and not ctx.project.env_example[1] and not evidence:
        evidence.append(problem("the settings read nothing from the environment"))
    if any(e.kind == "problem" for e in evidence):
        return evidence
    return evidence + config_run(ctx)


def debug_setting(ctx: Context, setting: Setting) -> list[Evidence]:
    """DEBUG must come from the environment, parsed, and be off when the variable is missing."""
    value = constant(setting.value)
    if value is not NOT_CONSTANT:
        return [problem(f"DEBUG = {value!r} is written in the code: it differs between deploys", setting.where)]
    found = []
    for read in ctx.reads(setting):
        node = setting.value
        raw = read.cast == "" and (
            node is not None
            and (ctx.file(setting.file).names.read(node) is not None
                 or (isinstance(node, ast.Call) and dotted(node.func) == "bool" and len(node.args) == 1))
        )
        if raw:
            found.append(problem(f"DEBUG is the raw text of {read.var} ({read.how}): the text 'False' is true, "
                                 "so DEBUG=False turns debugging on", setting.where))
        fallback = constant(read.fallback)
        if fallback is True or (isinstance(fallback, str) and fallback.lower() in TRUTHY):
            found.append(problem(f"DEBUG is on when {read.var} is unset", read.where))
    return found


def config_run(ctx: Context) -> list[Evidence]:
    """Run the copy: it starts with the production-like environment, refuses without each required variable."""
    base = ctx.baseline()
    if isinstance(base, str):
        return [unknown(base)]
    evidence = [ok(f"starts in a production-like environment: {ctx.shown_values()}", base.shown)]
    box = ctx.sandbox()
    assert isinstance(box, run.Sandbox)
    # Without each variable it needs; or, when the audit sees none it needs, without any of them.
    missing = [(read.var,) for read in ctx.required] or [tuple(v for v in ctx.values if v != "DJANGO_SETTINGS_MODULE")]
    for unset in missing:
        outcome = box.manage("check", unset=unset)
        what = unset[0] if len(unset) == 1 else "any of its variables"
        if outcome.status is None:
            evidence.append(unknown(f"still running after {run.TIMEOUT:g} s without {what}", outcome.shown))
        elif outcome.status == 0:
            evidence.append(problem(f"starts without {what} (exit status 0): nothing stops it until something "
                                    "needs the missing value", outcome.shown))
        elif any(var in outcome.output for var in unset):
            evidence.append(ok(f"refuses to start without {what}: {outcome.last_line}", outcome.shown))
        else:
            evidence.append(problem(f"fails without {what}, but does not say which: {outcome.last_line}",
                                    outcome.shown))
    facts = ctx.probe()
    if isinstance(facts, str):
        return evidence + [unknown(facts)]
    debug_vars = [r.var for s in ctx.project.settings("DEBUG") for r in ctx.reads(s)]
    if debug_vars and facts["debug"]:
        evidence.append(problem(f"with {debug_vars[0]}=False, settings.DEBUG is still true", "python manage.py shell"))
    elif debug_vars:
        evidence.append(ok(f"with {debug_vars[0]}=False, settings.DEBUG is False", "python manage.py shell"))
    digests = {hashlib.sha256(value.encode()).hexdigest(): var for var, value in ctx.values.items()}
    if facts["secret"] in digests:
        evidence.append(ok(f"SECRET_KEY is the value of {digests[facts['secret']]}", "python manage.py shell"))
    else:
        evidence.append(unknown("SECRET_KEY is not the value of any variable the audit set: cannot tell where it comes from",
                                "python manage.py shell"))
    return evidence


# IV. Backing services ------------------------------------------------------------------------


def backing_services(ctx: Context) -> list[Evidence]:
    """Databases, caches, mail and other services attached through config: no address written in the code."""
    evidence: list[Evidence] = []
    for setting in ctx.project.settings("DATABASES"):
        for alias, node, where in aliases(setting):
            evidence.append(database(ctx, setting, alias, node, where))
    for setting in ctx.project.settings("CACHES"):
        for alias, node, where in aliases(setting):
            location = dict_get(node, "LOCATION")
            backend = literal_text(dict_get(node, "BACKEND")) or "a cache"
            if ctx.file(setting.file).names.reads_in(node):
                evidence.append(ok(f"CACHES[{alias!r}] comes from the environment", where))
            elif isinstance(constant(location), str) and not re.search(r"LocMem|Dummy|FileBased|DatabaseCache", backend):
                evidence.append(problem(f"CACHES[{alias!r}] is {backend.split('.')[-1]} at {constant(location)}, "
                                        "written in the code", where))
    listed = {e.where for e in evidence}
    for leaf, host in ctx.literal_hosts:
        if leaf.name not in ("DATABASES", "CACHES") and leaf.where not in listed:
            value = constant(leaf.value)
            secret = SECRET_NAME.search(leaf.label) is not None
            evidence.append(problem(f"{leaf.label} = {describe(value, secret)} names a service in the code", leaf.where))
    for leaf in ctx.all_leaves:
        key = leaf.keys[-1] if leaf.keys else leaf.name
        if leaf.name not in ("DATABASES", "CACHES", "LOGGING") and re.search(r"(_HOST|_URL|_DSN|_URI|_ENDPOINT)$", key):
            for read in ctx.reads(leaf)[:1]:
                evidence.append(ok(f"{leaf.label} comes from {read.var}", leaf.where))
    if not ctx.project.settings("DATABASES"):
        evidence.append(unknown("no DATABASES setting found"))
    if any(e.kind == "problem" for e in evidence):
        return evidence
    return evidence + services_run(ctx)


def aliases(setting: Setting) -> list[tuple[str, ast.expr, str]]:
    """(alias, its configuration, where) for DATABASES or CACHES, whole or one alias at a time."""
    if not setting.keys and isinstance(setting.value, ast.Dict):
        return [(str(constant(k)), v, f"{setting.file}:{getattr(v, 'lineno', setting.line)}")
                for k, v in zip(setting.value.keys, setting.value.values) if isinstance(constant(k), str)]
    if len(setting.keys) == 1:
        return [(setting.keys[0], setting.value, setting.where)]
    return []


def database(ctx: Context, setting: Setting, alias: str, node: ast.expr, where: str) -> Evidence:
    """Where one database alias points: the environment, or a place written in the code."""
    reads = ctx.file(setting.file).names.reads_in(node)
    engine = literal_text(dict_get(node, "ENGINE")) or "a database"
    label = f"DATABASES[{alias!r}]"
    host = constant(dict_get(node, "HOST"))
    if isinstance(node, ast.Dict) and isinstance(host, str) and hostname(host) not in LOOPBACK:
        return problem(f"{label} is {engine.split('.')[-1]} at {host}, written in the code", where)
    if reads:
        variables = ", ".join(dict.fromkeys(r.var for r in reads))
        return ok(f"{label} comes from {variables}", where)
    if "sqlite" in engine:
        name = dict_get(node, "NAME")
        return problem(f"{label} is a SQLite file named in the code ({short(name) if name else '?'}): attaching "
                       "another database takes a code change", where)
    if isinstance(node, ast.Dict):
        return problem(f"{label} is {engine.split('.')[-1]}, set up in the code", where)
    return unknown(f"{label} is computed ({short(node)}): cannot tell where it points", where)


def services_run(ctx: Context) -> list[Evidence]:
    """Attach a database by config alone: the run's DATABASE_URL must be the database Django uses."""
    urls = [var for var, (cast, role) in ctx.roles.items() if role == "DATABASES" and ctx.values.get(var, "").startswith("sqlite")]
    if not urls:
        return []
    facts = ctx.probe()
    if isinstance(facts, str):
        return [unknown(facts)]
    default = facts["databases"].get("default", {})
    value = ctx.values[urls[0]]
    if "sqlite" in default.get("ENGINE", "") and default.get("NAME", "").endswith("audit.sqlite3"):
        return [ok(f"with {urls[0]}={value}, Django's default database is that file: attached by config alone",
                   "python manage.py shell")]
    return [problem(f"with {urls[0]}={value}, Django's default database is still {default.get('ENGINE', '?')}",
                    "python manage.py shell")]


# V. Build, release, run ----------------------------------------------------------------------

RESTARTS = r"\b(runserver|gunicorn|uvicorn|daphne|systemctl\s+(re)?start|supervisorctl\s+restart|service\s+\S+\s+restart|pkill|killall|nohup)\b"


def build_release_run(ctx: Context) -> list[Evidence]:
    """Build, release and run are separate stages: no code changed in place, no release work at start-up."""
    evidence = []
    by_file: dict[str, list[Line]] = {}
    for line in ctx.project.script_lines:
        by_file.setdefault(line.file, []).append(line)
        if re.search(r"\bgit\s+(pull|fetch|checkout|reset|merge)\b", line.text):
            evidence.append(problem(f"`{line.text}`: changes the code in place where it runs", line.where))
    for rel, lines in by_file.items():
        if rel.startswith("Procfile"):
            continue
        migrate = next((ln for ln in lines if re.search(r"\bmigrate\b", ln.text)), None)
        restart = next((ln for ln in lines if re.search(RESTARTS, ln.text)), None)
        if migrate and restart:
            evidence.append(problem(f"migrates (line {migrate.number}) and restarts the server (line {restart.number}) "
                                    "in one go: no release to keep or roll back", rel))
    procfile = ctx.project.procfile
    for kind, line in procfile.items():
        if kind != "release" and re.search(r"\b(migrate|collectstatic|pip\s+install)\b", line.text):
            evidence.append(problem(f"the {kind} process does release work at every start: `{line.text}`", line.where))
    if "release" in procfile:
        evidence.append(ok(f"a release step of its own: `{procfile['release'].text}`", procfile["release"].where))
    elif not evidence:
        evidence.append(unknown("no release step found (a Procfile `release:` line): cannot tell how it is built, "
                                "released and run"))
    return evidence


# VI. Processes -------------------------------------------------------------------------------

CONTAINERS = {"dict", "list", "set", "Counter", "defaultdict", "OrderedDict", "deque", "collections.Counter",
              "collections.defaultdict", "collections.OrderedDict", "collections.deque"}
MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "clear", "remove",
            "discard", "appendleft", "__setitem__"}


def module_state(tree: ast.Module) -> dict[str, int]:
    """Mutable containers made at a module's top level: name -> line."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
                isinstance(value, ast.Call) and dotted(value.func) in CONTAINERS
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if mutable and isinstance(target, ast.Name):
                    found[target.id] = node.lineno
    return found


def changed_in_functions(tree: ast.Module, names: dict[str, int]) -> dict[str, tuple[str, int]]:
    """Which of names a function changes while serving: name -> (function, line).

    Functions that run at import time (decorators, calls at the top level) fill registries, not state: skipped.
    """
    at_import = {dotted(d.func if isinstance(d, ast.Call) else d) for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for d in n.decorator_list}
    at_import |= {dotted(n.func) for statement in top_level(tree.body) for n in ast.walk(statement)
                  if isinstance(n, ast.Call)}
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    functions += [m for c in tree.body if isinstance(c, ast.ClassDef) for m in c.body
                  if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
    found: dict[str, tuple[str, int]] = {}
    for func in functions:
        if func.name in at_import:
            continue
        declared_global = {n for g in ast.walk(func) if isinstance(g, ast.Global) for n in g.names}
        for node in ast.walk(func):
            name = None
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
                name = dotted(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
                name = dotted(node.func.value)
            elif isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                name = next((t.id for t in targets if isinstance(t, ast.Name) and t.id in declared_global), None)
            if name in names:
                found.setdefault(name, (func.name, node.lineno))
    return found


def calls(project: Project, pattern: str) -> list[tuple[str, int]]:
    """(file, line) of every call in the project's code whose callee, as written, matches pattern."""
    return [(rel, node.lineno) for rel in project.code_files for node in ast.walk(project.tree(rel) or ast.Module([], []))
            if isinstance(node, ast.Call) and re.fullmatch(pattern, ast.unparse(node.func))]


def memory_state(project: Project) -> list[Evidence]:
    """Module-level containers that the code changes while it serves."""
    evidence = []
    for rel in project.code_files:
        tree = project.tree(rel)
        state = module_state(tree) if tree else {}
        for name, (func, line) in changed_in_functions(tree, state).items() if tree else ():
            evidence.append(problem(
                f"{name} is kept in the process's memory and changed by {func}() (line {line}): lost on restart, "
                "not shared between processes", f"{rel}:{state[name]}"))
    return evidence


def local_state(project: Project) -> list[Evidence]:
    """Sessions, cached data and uploads kept in one process's memory or on one machine's disk."""
    evidence = []
    # Django's default cache, and LocMemCache, is the memory of each process.
    local_cache = all("LocMemCache" in ast.unparse(s.value) for s in project.settings("CACHES"))
    for setting in project.settings("SESSION_ENGINE"):
        value = constant(setting.value)
        if value == "django.contrib.sessions.backends.file" or (value == "django.contrib.sessions.backends.cache"
                                                                and local_cache):
            evidence.append(problem(f"sessions are kept by one process or machine ({value})", setting.where))
    cached = calls(project, r"(\w+\.)*caches?(\[.*\])?\.(set|add|incr|decr|get_or_set|set_many)")
    if cached and local_cache:
        evidence.append(problem("keeps data in Django's cache, which is the memory of each process here "
                                "(LocMemCache, or no CACHES)", "{}:{}".format(*cached[0])))
    uploads = calls(project, r"(\w+\.)*(FileField|ImageField)")
    storages = " ".join(ast.unparse(s.value) for name in ("STORAGES", "DEFAULT_FILE_STORAGE") for s in project.settings(name))
    if uploads and (not storages or "FileSystemStorage" in storages):
        evidence.append(problem("uploaded files are kept on the local disk of one machine (FileSystemStorage)",
                                "{}:{}".format(*uploads[0])))
    return evidence


def processes(ctx: Context) -> list[Evidence]:
    """Stateless, share-nothing processes: no state kept in memory or on the local disk between requests."""
    evidence = memory_state(ctx.project) + local_state(ctx.project)
    if evidence:
        return evidence
    if not ctx.project.code_files:
        return [unknown("no code of its own found to read")]
    return [ok(f"no state kept in memory between requests in {len(ctx.project.code_files)} modules; no sessions, "
               "cached data or uploads in one process or on one disk")]


# VII. Port binding ---------------------------------------------------------------------------


def port_binding(ctx: Context) -> list[Evidence]:
    """Self-contained: the app's own web server listens on $PORT."""
    evidence = []
    web = ctx.project.procfile.get("web")
    lines = [ln for ln in ctx.project.script_lines if re.search(SERVERS, ln.text)]
    for line in lines:
        ports = literal_ports(line.text)
        if ports:
            evidence.append(problem(f"`{line.text}` binds port {', '.join(ports)}, written in the code", line.where))
    if web and re.search(r"\brunserver\b", web.text):
        evidence.append(problem("the web process is Django's development server (runserver)", web.where))
    if web is None:
        if not evidence:
            evidence.append(unknown("no `web` process declared (Procfile): cannot tell how it serves"))
        return evidence
    if re.search(r"\$\{?PORT\b", web.text):
        evidence.append(ok(f"the web process binds $PORT: `{web.text}`", web.where))
    if any(e.kind == "problem" for e in evidence):
        return evidence
    outcome = ctx.web()
    if isinstance(outcome, str):
        return evidence + [unknown(outcome)]
    if outcome.status is None:
        return evidence + [problem(f"started with PORT set, {outcome.problem}", f"PORT=<free port> {web.text}")]
    return evidence + [ok(f"started with PORT set, it answered GET / on that port (HTTP {outcome.status})",
                          f"PORT=<free port> {web.text}")]


# VIII. Concurrency ---------------------------------------------------------------------------

THREADS = {"threading.Thread", "threading.Timer", "multiprocessing.Process", "concurrent.futures.ThreadPoolExecutor",
           "ThreadPoolExecutor", "ProcessPoolExecutor", "_thread.start_new_thread"}


def threads(ctx: Context) -> list[tuple[str, int, bool]]:
    """Threads or processes the app's own code starts: (file, line, daemon)."""
    found = []
    for rel in ctx.project.code_files:
        tree = ctx.project.tree(rel)
        if tree is None or "/management/commands/" in f"/{rel}":
            continue
        imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                    and n.module in ("threading", "multiprocessing") for a in n.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = dotted(node.func)
                if name in THREADS or (name in imported and name in ("Thread", "Timer", "Process")):
                    daemon = constant(keyword(node, "daemon")) is True or ".daemon = True" in ctx.project.text(rel)
                    found.append((rel, node.lineno, daemon))
    return found


def concurrency(ctx: Context) -> list[Evidence]:
    """Scale out with process types: background work in processes of its own, not threads, cron or daemons."""
    evidence = []
    for rel, line, _ in threads(ctx):
        evidence.append(problem("starts a thread for background work inside the web process: a worker process "
                                "type would scale on its own", f"{rel}:{line}"))
    for line in ctx.project.script_lines:
        if "cron" in line.file.lower() and re.search(r"\bpython\d?\b|manage\.py", line.text):
            evidence.append(problem(f"work scheduled by cron on one server, outside any process type: `{line.text}`",
                                    line.where))
        elif re.search(r"\bnohup\b|&\s*$|\s(--daemon|-D)\b", line.text) and not line.file.startswith("Procfile"):
            evidence.append(problem(f"daemonizes a process instead of leaving it to a process manager: `{line.text}`",
                                    line.where))
    procfile = ctx.project.procfile
    if procfile:
        evidence.append(ok(f"process types declared: {', '.join(procfile)}", "Procfile"))
    elif not evidence:
        evidence.append(unknown("no process types declared (no Procfile): cannot tell how it scales out"))
    return evidence


# IX. Disposability ---------------------------------------------------------------------------


def sleeps_at_import(tree: ast.Module) -> list[tuple[int, str]]:
    """Where a module sleeps while it is imported: (line, through which function, '' if directly)."""
    def is_sleep(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and dotted(node.func) in ("time.sleep", "sleep")

    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    sleepers = {name for name, f in functions.items() if any(map(is_sleep, ast.walk(f)))}
    grown = True
    while grown:
        more = {name for name, f in functions.items() if name not in sleepers and any(
            isinstance(n, ast.Call) and dotted(n.func) in sleepers for n in ast.walk(f))}
        sleepers |= more
        grown = bool(more)
    found = []
    for statement in top_level(tree.body):
        for node in ast.walk(statement):
            if is_sleep(node):
                found.append((node.lineno, ""))
            elif isinstance(node, ast.Call) and dotted(node.func) in sleepers:
                found.append((node.lineno, dotted(node.func)))
    return found


def disposability(ctx: Context) -> list[Evidence]:
    """Fast start-up and a graceful stop on SIGTERM, with no work lost."""
    evidence = []
    for rel in [*sorted(ctx.project.settings_paths), *ctx.project.code_files]:
        tree = ctx.project.tree(rel)
        for line, through in sleeps_at_import(tree) if tree else ():
            how = f" (in {through}())" if through else ""
            evidence.append(problem(f"waits at import time{how}: every process and every command pays it at start-up",
                                    f"{rel}:{line}"))
    for rel, line, daemon in threads(ctx):
        if daemon:
            evidence.append(problem("work done in a daemon thread is lost when the process stops", f"{rel}:{line}"))
    if any(e.kind == "problem" for e in evidence):
        return evidence
    outcome = ctx.web()
    if isinstance(outcome, str):
        return evidence + [unknown(outcome)]
    shown = f"PORT=<free port> {outcome.shown}"
    if outcome.status is None:
        return evidence + [problem(f"did not start: {outcome.problem}", shown)]
    evidence.append(ok(f"answered its first request within {run.START_LIMIT:g} s of starting", shown))
    if outcome.stopped:
        evidence.append(ok(f"stopped within {run.STOP_LIMIT:g} s of SIGTERM", shown))
    else:
        evidence.append(problem(f"still running {run.STOP_LIMIT:g} s after SIGTERM: a process manager would kill "
                                "it mid-work", shown))
    return evidence


# X. Dev/prod parity --------------------------------------------------------------------------


def parity(ctx: Context) -> list[Evidence]:
    """Development and production alike: the same backing services, and production settings that pass Django's checklist."""
    evidence = []
    for name, field in (("DATABASES", "ENGINE"), ("CACHES", "BACKEND")):
        kinds: dict[str, list[str]] = {}
        for setting in ctx.project.settings(name):
            for alias, node, _ in aliases(setting):
                value = constant(dict_get(node, field))
                if alias == "default" and isinstance(value, str):
                    kinds.setdefault(value.split(".")[-1], []).append(Path(setting.file).name)
        if len(kinds) > 1:
            text = "; ".join(f"{kind} in {', '.join(files)}" for kind, files in kinds.items())
            folder = str(Path(ctx.project.settings_files[0].rel).parent) + "/"
            evidence.append(problem(f"{name} differ between settings modules: {text}", folder))
    for setting in ctx.project.settings("DATABASES"):
        for read in ctx.reads(setting):
            fallback = constant(read.fallback)
            text = fallback if isinstance(fallback, str) else ast.unparse(read.fallback) if read.fallback else ""
            if text:
                kind = (re.search(r"([a-z][a-z0-9+]*)://", text) or re.search(r"(.*)", text))[1]
                evidence.append(problem(f"without {read.var} it falls back to {kind}: a deploy that misses the "
                                        "variable runs on another database", read.where))
    if any(e.kind == "problem" for e in evidence):
        return evidence
    base = ctx.baseline()
    if isinstance(base, str):
        return evidence + [unknown(base)]
    box = ctx.sandbox()
    assert isinstance(box, run.Sandbox)
    outcome = box.manage("check", "--deploy", "--fail-level", "WARNING")
    ids = list(dict.fromkeys(re.findall(r"\(([\w.]+\.[EWC]\d+)\)", outcome.output)))
    if outcome.status == 0:
        evidence.append(ok("Django's deployment checklist passes in a production-like environment", outcome.shown))
    elif ids:
        evidence.append(problem(f"Django's deployment checklist fails in a production-like environment: {', '.join(ids)}",
                                outcome.shown))
    else:
        evidence.append(unknown(f"the deployment checklist did not run: {outcome.last_line}", outcome.shown))
    return evidence


# XI. Logs ------------------------------------------------------------------------------------


def logs(ctx: Context) -> list[Evidence]:
    """Logs as an event stream on stdout: no log files, nothing lost."""
    evidence = []
    for setting in ctx.project.settings("LOGGING"):
        handlers = dict_get(setting.value, "handlers")
        for key, node in zip(handlers.keys, handlers.values) if isinstance(handlers, ast.Dict) else ():
            cls = literal_text(dict_get(node, "class"))
            filename = dict_get(node, "filename")
            if "FileHandler" in cls or filename is not None:
                where = f"{setting.file}:{getattr(node, 'lineno', setting.line)}"
                evidence.append(problem(f"handler {constant(key)!r} writes to a file"
                                        + (f" ({short(filename)})" if filename else ""), where))
    for rel in ctx.project.code_files:
        tree = ctx.project.tree(rel)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call) and dotted(node.func).endswith("basicConfig") and keyword(node, "filename"):
                evidence.append(problem("logging.basicConfig writes to a file", f"{rel}:{node.lineno}"))
    if evidence:
        return evidence
    facts = ctx.probe()
    if isinstance(facts, str):
        return [unknown(facts)]
    for name in ctx.loggers:
        line = f"twelve-factor-audit log line from {name}"
        if line in facts["stdout"]:
            evidence.append(ok(f"a warning logged to {name!r} comes out on stdout", "python manage.py shell"))
        elif line in facts["stderr"]:
            evidence.append(problem(f"a warning logged to {name!r} comes out on stderr, not stdout",
                                    "python manage.py shell"))
        else:
            evidence.append(problem(f"a warning logged to {name!r} does not come out at all", "python manage.py shell"))
    return evidence


# XII. Admin processes ------------------------------------------------------------------------


def admin_processes(ctx: Context) -> list[Evidence]:
    """Admin tasks run as one-off processes of the release (manage.py commands), in its environment."""
    project = ctx.project
    evidence = []
    own = {"manage.py", *project.settings_paths}
    for rel in project.python_files:
        tree = project.tree(rel)
        if tree is None or rel in own or is_test_or_migration(rel):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and dotted(node.func) in ("django.setup", "setup") and "django" in project.text(rel):
                if dotted(node.func) == "setup" and "from django import setup" not in project.text(rel):
                    continue
                evidence.append(problem("sets Django up by hand outside manage.py: not a one-off of the release",
                                        f"{rel}:{node.lineno}"))
    for rel in project.python_files:
        if is_test_or_migration(rel):
            continue
        for kind, module, line in settings_choices(project.tree(rel)):
            if kind == "assign":
                evidence.append(problem(f"forces DJANGO_SETTINGS_MODULE to {module}: it ignores the environment it runs in",
                                        f"{rel}:{line}"))
    if project.tree("manage.py") is None:
        evidence.append(unknown("manage.py does not parse", "manage.py"))
    elif all(kind != "assign" for kind, _, _ in settings_choices(project.tree("manage.py"))):
        evidence.append(ok("manage.py takes DJANGO_SETTINGS_MODULE from the environment when it is set", "manage.py"))
    commands = [f for f in project.python_files if re.search(r"(^|/)management/commands/(?!__init__)[^/]+\.py$", f)]
    if commands:
        evidence.append(ok(f"admin tasks are management commands, run with manage.py ({len(commands)} found)",
                           str(Path(commands[0]).parent) + "/"))
    return evidence


#: The twelve factors: roman numeral, name, check.
FACTORS: list[tuple[str, str, Callable[[Context], list[Evidence]]]] = [
    ("I", "Codebase", codebase),
    ("II", "Dependencies", dependencies),
    ("III", "Config", config),
    ("IV", "Backing services", backing_services),
    ("V", "Build, release, run", build_release_run),
    ("VI", "Processes", processes),
    ("VII", "Port binding", port_binding),
    ("VIII", "Concurrency", concurrency),
    ("IX", "Disposability", disposability),
    ("X", "Dev/prod parity", parity),
    ("XI", "Logs", logs),
    ("XII", "Admin processes", admin_processes),
]
