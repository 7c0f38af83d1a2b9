"""X. Dev/prod parity: development runs on the same kinds of backing services as production.

The kinds each environment uses are gathered from every place that names one: settings modules per environment,
branches the environment chooses, a variable's fallback (used where it is unset, as on a laptop), env files,
Compose files, a development VM's provisioning, a platform's add-ons, and the drivers the project declares.
Django's HTTPS deployment warnings are security hardening, not parity: they are the deploy check's, outside the twelve.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from workshop.audit.deploy import DEVELOPMENT, PRODUCTION
from workshop.audit.factors.common import DEPLOY_NAMES, settings_unreadable
from workshop.audit.facts import Facts, normalize
from workshop.audit.model import Evidence, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import constant, leaves, literal_text

ROMAN, NAME = "X", "Dev/prod parity"

ENGINES = {
    "sqlite": "SQLite",
    "postgres": "PostgreSQL",
    "postgis": "PostgreSQL",
    "psql": "PostgreSQL",
    "mysql": "MySQL",
    "mariadb": "MySQL",
    "oracle": "Oracle",
    "redis": "Redis",
    "rediss": "Redis",
    "memcache": "Memcached",
    "pymemcache": "Memcached",
    "locmem": "local memory",
    "filebased": "files",
    "file": "files",
    "db": "the database",
    "database": "the database",
    "dummy": "no cache",
}
DRIVERS = {
    "psycopg": "PostgreSQL",
    "psycopg2": "PostgreSQL",
    "psycopg-binary": "PostgreSQL",
    "psycopg2-binary": "PostgreSQL",
    "mysqlclient": "MySQL",
    "pymysql": "MySQL",
    "pymemcache": "Memcached",
    "pylibmc": "Memcached",
    "django-redis": "Redis",
}
KIND_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL", "redis": "Redis", "memcached": "Memcached"}


def kind_of(text: str) -> str:
    """The kind of service a backend path, URL or location names ('' if none)."""
    lowered = text.lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*)://", lowered)
    if scheme:
        head = scheme[1].split("+")[0]
        for key, kind in ENGINES.items():
            if head.startswith(key):
                return kind
        return ""
    if "." not in lowered:
        return ""
    backend = lowered.rsplit(".", 2)
    for key, kind in ENGINES.items():
        if any(part.startswith(key) for part in backend[-2:]):
            return kind
    return ""


class Sides:
    """The kinds of one service (database or cache) each environment uses, with where each was seen."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, str]] = {DEVELOPMENT: {}, PRODUCTION: {}}

    def add(self, side: str, kind: str, where: str) -> None:
        if kind:
            self.seen[side].setdefault(kind, where)

    def both(self, kind: str, where: str) -> None:
        self.add(DEVELOPMENT, kind, where)
        self.add(PRODUCTION, kind, where)


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """The same kinds of database and cache in development as in production."""
    del runner  # the files decide
    unreadable = settings_unreadable(facts, ROMAN)
    if unreadable:
        return unreadable
    evidence = []
    sides = {"database": Sides(), "cache": Sides()}
    settings(facts, sides)
    elsewhere(facts, sides)
    deployed = bool(facts.deploy.descriptions or facts.deploy.processes)
    for service, what in (("database", "DATABASES"), ("cache", "CACHES")):
        dev, prod = sides[service].seen[DEVELOPMENT], sides[service].seen[PRODUCTION]
        if dev and prod and set(dev) != set(prod):
            shown = "; ".join(
                [
                    f"{', '.join(dev)} in development ({next(iter(dev.values()))})",
                    f"{', '.join(prod)} in production ({next(iter(prod.values()))})",
                ]
            )
            evidence.append(
                problem(
                    f"X.{service}-differs",
                    f"{what}: {shown}: a bug that shows in production may never show on a laptop",
                    next(iter(dev.values())),
                )
            )
        elif dev and prod and deployed:
            evidence.append(
                ok(
                    "X.same-services",
                    f"{what}: {', '.join(prod)} in development and in production",
                    next(iter(prod.values())),
                )
            )
    if not evidence:
        evidence.append(
            unknown("X.no-production", "nothing says what production runs on: no deploy description names its services")
        )
    return evidence


def settings(facts: Facts, sides: dict[str, Sides]) -> None:
    """What the settings modules name, per environment: a module production never loads is development's; a branch
    the environment chooses belongs to the side that reads the environment; a fallback is development's."""
    for module in facts.settings:
        production = module.rel in facts.production
        another_deploy = PurePosixPath(module.rel).stem in DEPLOY_NAMES
        for name, service, field in (("DATABASES", "database", "ENGINE"), ("CACHES", "cache", "BACKEND")):
            for setting in module.get(name):
                for leaf in leaves(setting):
                    if leaf.key == field or (leaf.key == "LOCATION" and name == "CACHES"):
                        kind = kind_of(literal_text(leaf.value))
                        if not production:
                            sides[service].add(PRODUCTION if another_deploy else DEVELOPMENT, kind, leaf.where)
                        elif setting.switched:
                            reading = [
                                s for s in module.get(name) if s is not setting and module.uses_environment(s.value)
                            ]
                            sides[service].add(DEVELOPMENT if reading else PRODUCTION, kind, leaf.where)
                        elif not facts.split:
                            sides[service].both(kind, leaf.where)
                        else:
                            sides[service].add(PRODUCTION, kind, leaf.where)
                    for read in module.reads_in(leaf.value):
                        fallback = constant(read.fallback)
                        if isinstance(fallback, str):
                            sides[service].add(DEVELOPMENT, kind_of(fallback), read.where)
                        elif read.fallback is not None:
                            sides[service].add(
                                DEVELOPMENT, kind_of(ast.unparse(read.fallback).strip("f'\"")), read.where
                            )


def elsewhere(facts: Facts, sides: dict[str, Sides]) -> None:
    """What env files, Compose files, provisioning, platform add-ons and declared drivers name."""
    cache_vars = {r.var for m in facts.settings for s in m.get("CACHES") for r in m.reads_in(s.value)}
    database_vars = {r.var for m in facts.settings for s in m.get("DATABASES") for r in m.reads_in(s.value)}
    for env_file in facts.env_files:
        side = PRODUCTION if env_file.role == "production" else DEVELOPMENT
        for var, (value, line) in env_file.variables.items():
            where = f"{env_file.rel}:{line}"
            if var in database_vars or var == "DATABASE_URL":
                sides["database"].add(side, kind_of(value), where)
            elif var in cache_vars or var in ("CACHE_URL",):
                sides["cache"].add(side, kind_of(value) or ("Memcached" if ":" in value else ""), where)
    uses_cache = bool(cache_vars) or any(m.get("CACHES") for m in facts.settings)
    for service in facts.deploy.services:
        if service.role == "database" or (service.role == "cache" and uses_cache):
            side = DEVELOPMENT if service.context == DEVELOPMENT else PRODUCTION
            sides[service.role].add(side, KIND_NAMES.get(service.kind, service.kind), service.where)
    # Only development's kind is known: production's is what the declared drivers allow (SQLite needs none).
    for role, kinds in (("database", ("PostgreSQL", "MySQL")), ("cache", ("Memcached", "Redis"))):
        if sides[role].seen[PRODUCTION] or not sides[role].seen[DEVELOPMENT] or (role == "cache" and not uses_cache):
            continue
        drivers = [
            (DRIVERS[normalize(r.name)], r.where)
            for r in facts.declarations.requirements
            if DRIVERS.get(normalize(r.name)) in kinds and not r.dev
        ]
        for kind, where in drivers:
            sides[role].add(PRODUCTION, kind, where)
        if role == "database" and not drivers and (facts.deploy.descriptions or facts.deploy.processes):
            sides[role].add(PRODUCTION, "SQLite", next(iter(sides[role].seen[DEVELOPMENT].values())))
