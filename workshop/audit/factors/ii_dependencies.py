"""II. Dependencies: every dependency declared, each pinned to one version (or locked), none used undeclared."""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Mapping
from importlib.metadata import packages_distributions

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from workshop.audit.factors.common import attempt, dotted_strings
from workshop.audit.facts import Facts, normalize
from workshop.audit.model import Evidence, note, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import leaves

ROMAN, NAME = "II", "Dependencies"

#: Modules whose distribution is named otherwise.
DISTRIBUTIONS = {
    "psycopg": {"psycopg", "psycopg-binary", "psycopg2", "psycopg2-binary"},
    "psycopg2": {"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary"},
    "MySQLdb": {"mysqlclient"},
    "yaml": {"pyyaml"},
    "PIL": {"pillow"},
    "rest_framework": {"djangorestframework"},
    "corsheaders": {"django-cors-headers"},
    "jwt": {"pyjwt"},
    "bs4": {"beautifulsoup4"},
    "dateutil": {"python-dateutil"},
    "sentry_sdk": {"sentry-sdk"},
    "pymemcache": {"pymemcache"},
    "memcache": {"python-memcached"},
    "uwsgi": {"uwsgi", "pyuwsgi"},
    "markdown": {"markdown"},
    "slugify": {"python-slugify"},
}
#: What a setting's dotted path needs installed.
BACKENDS = {
    "django.db.backends.postgresql": "psycopg",
    "django.db.backends.mysql": "MySQLdb",
    "PyMemcacheCache": "pymemcache",
    "PyLibMCCache": "pylibmc",
    "backends.redis.RedisCache": "redis",
}
#: Programs a process runs, and the module that provides them.
PROGRAMS = {
    "gunicorn": "gunicorn",
    "uvicorn": "uvicorn",
    "daphne": "daphne",
    "hypercorn": "hypercorn",
    "waitress-serve": "waitress",
    "celery": "celery",
    "uwsgi": "uwsgi",
    "granian": "granian",
}
#: Settings whose strings name modules to import.
MODULE_SETTINGS = re.compile(r"(^|_)(APPS|MIDDLEWARE|BACKEND|BACKENDS|ENGINE|STORAGES|CLASS|SCHEDULER)$")


@functools.cache
def installed() -> Mapping[str, list[str]]:
    """The modules installed where the audit runs, and the distributions that provide them (read once)."""
    return packages_distributions()


def provided_by(module: str) -> set[str]:
    """The distribution names that may provide a module (normalized)."""
    names = DISTRIBUTIONS.get(module, set()) | {
        module,
        f"django-{module}",
        f"python-{module}",
        f"py{module}",
        f"{module}-binary",
    }
    names |= set(installed().get(module, []))
    return {normalize(n) for n in names}


def needed(facts: Facts) -> dict[str, tuple[str, str]]:
    """Third-party modules the project needs in production: module -> (why, where)."""
    local = facts.local_modules | {"__future__", "django"}
    found: dict[str, tuple[str, str]] = {}
    for rel in ["manage.py", *facts.production, *facts.code_files]:
        tree = facts.tree(rel)
        for node in ast.walk(tree) if tree else ():
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, ("imported", f"{rel}:{getattr(node, 'lineno', 0)}"))
    for module in facts.production_settings:
        for setting in module.settings:
            for leaf in leaves(setting):
                listed = bool(re.search(r"(^|_)(APPS|MIDDLEWARE)$", leaf.name)) and not leaf.keys
                if not (listed or MODULE_SETTINGS.search(leaf.key) or leaf.key == "class"):
                    continue
                for value in dotted_strings(leaf.value):
                    if not listed and "." not in value:
                        continue
                    for fragment, needs in BACKENDS.items():
                        if fragment in value:
                            found.setdefault(needs, (value, leaf.where))
                    top = value.split(".")[0].split(":")[0]
                    if (
                        re.fullmatch(r"[A-Za-z_][\w.:]*", value)
                        and top not in local
                        and top not in sys.stdlib_module_names
                    ):
                        found.setdefault(top, (f"{leaf.name} names {value!r}", leaf.where))
    for process in facts.deploy.processes:
        program = re.sub(r"^(exec\s+)?([A-Za-z_]\w*=\S*\s+)*", "", process.command.text).split(" ")[0].split("/")[-1]
        if program in PROGRAMS:
            found.setdefault(PROGRAMS[program], (f"a process runs {program}", process.command.where))
    return found


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Declared, pinned or locked, complete; and the Django that ran it is one the project asks for."""
    declarations = facts.declarations
    evidence: list[Evidence] = [unknown("II.unreadable", why, rel) for rel, why in declarations.problems]
    if not declarations.files and not declarations.locks:
        return [
            *evidence,
            problem("II.no-declaration", "no dependency declaration: no requirements.txt, pyproject.toml or Pipfile"),
        ]
    locked: set[str] = set()
    for lock in declarations.locks:
        if lock.packages:
            locked |= lock.packages
        else:
            evidence.append(problem("II.empty-lock", f"{lock.rel} lists no package: it locks nothing", lock.rel))
    production = [r for r in declarations.requirements if not r.dev]
    loose = [r for r in production if not r.pinned and normalize(r.name) not in locked]
    for requirement in loose:
        spec = f" ({requirement.spec})" if requirement.spec else ""
        evidence.append(
            problem(
                "II.unpinned",
                f"{requirement.name}{spec} is not pinned to one version, and no lock "
                "pins it: each install may get another",
                requirement.where,
            )
        )
    dev_loose = [r for r in declarations.requirements if r.dev and not r.pinned and normalize(r.name) not in locked]
    if dev_loose:
        names = ", ".join(r.name for r in dev_loose[:5]) + (" ..." if len(dev_loose) > 5 else "")
        evidence.append(
            note(
                "II.unpinned-dev",
                f"development tools not pinned ({names}): production does not install them",
                dev_loose[0].where,
            )
        )
    real_locks = [lock for lock in declarations.locks if lock.packages]
    if production and not loose and real_locks:
        evidence.append(
            ok(
                "II.locked",
                f"{len({normalize(r.name) for r in production})} dependencies declared, locked in "
                f"{', '.join(lock.rel for lock in real_locks)}",
                real_locks[0].rel,
            )
        )
    elif production and not loose:
        evidence.append(
            ok(
                "II.pinned",
                f"{len({normalize(r.name) for r in production})} dependencies declared, each pinned with ==",
                ", ".join(declarations.files),
            )
        )
    declared = {normalize(r.name) for r in declarations.requirements} | locked
    missing_modules = []
    for module, (why, where) in needed(facts).items():
        if provided_by(module) & declared:
            continue
        missing_modules.append(module)
        if module in DISTRIBUTIONS or module in installed():
            evidence.append(problem("II.undeclared", f"{module} is needed ({why}) but not declared", where))
        else:
            evidence.append(
                unknown(
                    "II.unknown-module",
                    f"{module} is needed ({why}); cannot tell which declared package provides it",
                    where,
                )
            )
    if not missing_modules:
        evidence.append(
            ok("II.all-declared", "every third-party module the code, settings and processes use is declared")
        )
    probe, _ = attempt(runner.probe)
    if probe is not None:
        evidence += django_version(facts, probe.django)
    return evidence


def django_version(facts: Facts, installed: str) -> list[Evidence]:
    """A note when the Django that ran the project is not one its own requirement asks for."""
    for requirement in facts.declarations.requirements:
        if normalize(requirement.name) != "django" or not requirement.spec:
            continue
        spec = requirement.spec.split(";")[0].strip()
        if spec.startswith(("^", "~")) and not spec.startswith("~="):
            return []  # Poetry's caret and tilde: not a PEP 440 specifier
        try:
            wanted = SpecifierSet(spec)
            if Version(installed) not in wanted:
                return [
                    note(
                        "II.django-version",
                        f"the run used Django {installed}, but the project asks for "
                        f"Django{spec}: what the run shows may differ",
                        requirement.where,
                    )
                ]
        except (InvalidSpecifier, InvalidVersion):
            return []
    return []
