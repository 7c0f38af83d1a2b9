"""IV. Backing services: databases, caches, mail and APIs are attached resources, swapped by config alone."""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from workshop.audit.factors.common import DEV_MAIL, attempt, is_service_url, not_confirmed, settings_unreadable
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, note, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import Setting, SettingsModule, constant, describe, hostname, leaves, literal_text, short

ROMAN, NAME = "IV", "Backing services"


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Each service production uses is named by config: no address, file or backend of one written in the code."""
    unreadable = settings_unreadable(facts, ROMAN)
    if unreadable:
        return unreadable
    evidence: list[Evidence] = []
    databases = False
    for module in facts.production_settings:
        for setting in module.get("DATABASES"):
            for alias, node, where in aliases(setting):
                databases = True
                evidence.append(database(module, setting, alias, node, where))
        for setting in module.get("CACHES"):
            for alias, node, where in aliases(setting):
                evidence += cache(module, setting, alias, node, where)
        for setting in module.settings:
            if setting.name in ("DATABASES", "CACHES", "LOGGING"):
                continue
            for leaf in leaves(setting):
                evidence += service(module, leaf)
    if not databases:
        evidence.append(note("IV.no-database", "production's settings set up no database"))
    return evidence + run(facts, runner, evidence)


def aliases(setting: Setting) -> list[tuple[str, ast.expr, str]]:
    """(alias, its configuration, where) for DATABASES or CACHES, whole or one alias at a time."""
    if not setting.keys and isinstance(setting.value, ast.Dict):
        return [
            (str(constant(k)), v, f"{setting.file}:{getattr(v, 'lineno', setting.line)}")
            for k, v in zip(setting.value.keys, setting.value.values, strict=False)
            if isinstance(constant(k), str)
        ]
    if len(setting.keys) == 1:
        return [(setting.keys[0], setting.value, setting.where)]
    return []


def switched(module: SettingsModule, setting: Setting, text: str, where: str) -> Evidence | None:
    """A note instead of a problem when the environment chooses this branch and another branch reads it."""
    others = [s for s in module.get(setting.name) if s is not setting and module.uses_environment(s.value)]
    if setting.switched and others:
        condition = " and ".join(c.shown for c in setting.conditions if c.variables)
        return note("IV.env-switched", f"{text}, only when {condition}: other deploys attach theirs by config", where)
    return None


def database(module: SettingsModule, setting: Setting, alias: str, node: ast.expr, where: str) -> Evidence:
    """Where one database alias points: the environment, or a place written in the code."""
    label = f"DATABASES[{alias!r}]"
    engine = literal_text(dict_get(node, "ENGINE")) or "a database"
    kind = engine.split(".")[-1]
    if module.uses_environment(node) and not literal_place(node):
        reads = module.reads_in(node)
        names = ", ".join(dict.fromkeys(r.var for r in reads)) or "the environment"
        return ok("IV.database-env", f"{label} comes from {names}", where)
    if isinstance(node, ast.Dict):
        if "sqlite" in engine:
            name = dict_get(node, "NAME")
            text = (
                f"{label} is a SQLite file named in the code ({short(name) if name else '?'}): attaching another "
                "database takes a code change"
            )
        else:
            host = literal_text(dict_get(node, "HOST"))
            text = (
                f"{label} is {kind}" + (f" at {host}" if host else "") + ", set up in the code: attaching another "
                "database takes a code change"
            )
        return switched(module, setting, text, where) or problem("IV.database-literal", text, where)
    return unknown("IV.database-computed", f"{label} is computed ({short(node)}): cannot tell where it points", where)


def literal_place(node: ast.expr) -> bool:
    """Does a database's configuration type in where it is (a literal host or file) next to what it reads?"""
    host = literal_text(dict_get(node, "HOST"))
    return bool(host) and hostname(host) not in ("localhost", "127.0.0.1", "")


def cache(module: SettingsModule, setting: Setting, alias: str, node: ast.expr, where: str) -> list[Evidence]:
    """Where one cache alias points."""
    backend = literal_text(dict_get(node, "BACKEND")) or "a cache"
    location = dict_get(node, "LOCATION")
    if module.uses_environment(node):
        return [ok("IV.cache-env", f"CACHES[{alias!r}] comes from the environment", where)]
    if (
        isinstance(constant(location), str)
        and constant(location)
        and any(k in backend for k in ("Memcache", "Redis", "redis", "memcache"))
    ):
        text = f"CACHES[{alias!r}] is {backend.split('.')[-1]} at {constant(location)}, written in the code"
        return [switched(module, setting, text, where) or problem("IV.cache-literal", text, where)]
    return []


def service(module: SettingsModule, leaf: Setting) -> list[Evidence]:
    """Another service (an API, a mail server) named in the code, or attached through the environment."""
    value = constant(leaf.value)
    key = leaf.key
    if isinstance(value, str) and value:
        host = (key == "HOST" or key.endswith("_HOST")) and hostname(value) not in ("localhost", "127.0.0.1", "")
        if host or is_service_url(key, value):
            text = f"{leaf.label} = {describe(value, False)} names a service in the code"
            return [switched(module, leaf, text, leaf.where) or problem("IV.service-literal", text, leaf.where)]
        if key == "EMAIL_BACKEND" and DEV_MAIL.search(value):
            return [
                note(
                    "IV.mail-not-sent",
                    f"EMAIL_BACKEND is {value.split('.')[-2]}: production's mail is printed "
                    "or dropped, never sent; attaching a mail server takes a code change",
                    leaf.where,
                )
            ]
    if key.endswith(("_HOST", "_URL", "_DSN", "_URI", "_ENDPOINT")) or key == "EMAIL_BACKEND":
        reads = module.reads_in(leaf.value)
        if reads:
            return [ok("IV.service-env", f"{leaf.label} comes from {reads[0].var}", leaf.where)]
    return []


def dict_get(node: ast.AST | None, key: str) -> ast.expr | None:
    """The value under a constant key in a dict literal, or None."""
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=False):
            if constant(k) == key:
                return v
    return None


def run(facts: Facts, runner: Runner, evidence: list[Evidence]) -> list[Evidence]:
    """Attach a database by config alone: with DATABASE_URL set by the run, Django must use that database."""
    urls = [v for v, value in runner.plan.values.items() if value.startswith("sqlite:///audit")]
    if not urls:
        return []
    probe, why = attempt(runner.probe)
    if probe is None:
        return [not_confirmed(ROMAN, why)]
    default = probe.databases.get("default", {})
    value = runner.plan.values[urls[0]]
    if "sqlite" in default.get("ENGINE", "") and PurePosixPath(default.get("NAME", "")).name == "audit.sqlite3":
        return [
            ok(
                "IV.run-attached",
                f"with {urls[0]}={value}, Django's default database is that file: attached by config alone",
                probe.shown,
            )
        ]
    del facts
    engine = default.get("ENGINE", "?")
    branch = next((e for e in evidence if e.id == "IV.env-switched" and e.text.startswith("DATABASES")), None)
    if branch:  # the run turns no switch on: it took the branch the files already weigh as a note
        condition = re.search(r", only when (.*?): other deploys", branch.text)
        return [
            not_confirmed(
                ROMAN,
                f"with {urls[0]}={value}, Django's default database is still {engine}, the one the settings "
                f"choose only when {condition[1] if condition else 'a switch is off'}; the run turns no switch on",
            )
        ]
    return [
        problem(
            "IV.run-not-attached",
            f"with {urls[0]}={value}, Django's default database is still {engine}",
            probe.shown,
        )
    ]
