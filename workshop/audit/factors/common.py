"""What several factors share: judging settings production loads, weighing findings, asking the runner."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TypeVar

from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, note, problem, unknown
from workshop.audit.runner import CannotRun
from workshop.audit.source import Setting, SettingsModule, constant, dotted

T = TypeVar("T")

#: Settings whose value names a URL that is not a service: pages and files of the app itself.
OWN_URLS = re.compile(r"^(STATIC|MEDIA|LOGIN|LOGOUT|LOGIN_REDIRECT|LOGOUT_REDIRECT|ADMIN|\w*_REDIRECT|\w*BASE)_URL$")
#: Mail backends that send nothing: fine on a laptop, a code change away from production.
DEV_MAIL = re.compile(r"\.(console|filebased|locmem|dummy)\.EmailBackend$")


def attempt(run: Callable[[], T]) -> tuple[T | None, str]:
    """(result, '') from a run, or (None, why it did not happen)."""
    try:
        return run(), ""
    except CannotRun as error:
        return None, error.reason


def not_confirmed(factor: str, reason: str) -> Evidence:
    """A note that a run did not confirm what the files say, and why."""
    return note(f"{factor}.not-run", f"not confirmed by running it: {reason}")


def settings_unreadable(facts: Facts, factor: str) -> list[Evidence]:
    """'cannot tell' evidence when the settings production uses cannot be read."""
    broken = facts.settings_broken
    if broken:
        return [
            unknown(
                f"{factor}.settings-unreadable",
                f"does not parse ({message}): cannot judge its settings",
                f"{rel}:{line}",
            )
            for rel, line, message in broken
        ]
    if not facts.settings:
        return [
            unknown(
                f"{factor}.settings-unreadable",
                "no settings module found: manage.py names none in the project",
                "manage.py",
            )
        ]
    return []


def code_unreadable(facts: Facts, factor: str) -> list[Evidence]:
    """'cannot tell' evidence for the project's own modules that do not parse."""
    return [
        unknown(f"{factor}.code-unreadable", f"does not parse ({message}): cannot judge it", f"{rel}:{line}")
        for rel, (line, message) in facts.broken.items()
        if rel in facts.code_files
    ]


def is_fallback(module: SettingsModule, setting: Setting) -> bool:
    """Is this assignment the fallback of a variable another assignment of the same setting reads
    (`if "X" in os.environ: S = os.environ["X"] else: S = ...`)?"""
    tested = {v for c in setting.conditions for v in c.variables}
    read = {r.var for other in module.get(setting.name) if other is not setting for r in module.reads_in(other.value)}
    return bool(tested & read)


#: Settings modules named for a deploy rather than for a way of working (local, test).
DEPLOY_NAMES = {"production", "prod", "staging", "stage", "live", "qa", "uat", "demo", "preprod"}


def weigh(
    facts: Facts,
    module: SettingsModule,
    setting: Setting,
    id: str,  # noqa: A002 - the evidence's id
    text: str,
    consequence: str = "",
    where: str = "",
) -> Evidence:
    """A problem when a deploy runs with this assignment (text and its consequence); a note when only development
    loads the module, or when the environment chooses the branch it is in."""
    where = where or setting.where
    factor = id.split(".")[0]
    deploy = module.rel in facts.production or PurePosixPath(module.rel).stem in DEPLOY_NAMES
    if not deploy:
        return note(
            f"{factor}.dev-only", f"{text} (in {PurePosixPath(module.rel).name}, which production never loads)", where
        )
    if setting.switched and not is_fallback(module, setting):
        condition = " and ".join(c.shown for c in setting.conditions if c.variables)
        return note(f"{factor}.env-switched", f"{text} (only when {condition}: the environment chooses)", where)
    return problem(id, text + (f": {consequence}" if consequence else ""), where)


def dotted_strings(node: ast.AST) -> list[str]:
    """Every literal string in an expression."""
    return [v for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(v := constant(n), str)]


def callee(node: ast.AST) -> str:
    """The dotted name a call calls, or ''."""
    return dotted(node.func) if isinstance(node, ast.Call) else ""


def is_service_url(key: str, value: str) -> bool:
    """Does a setting's literal value name another service: an API or broker URL, not a page of the app?"""
    return (
        "://" in value
        and bool(re.search(r"(_URL|_URI|_DSN|_ENDPOINT|_BROKER|_LOCATION)$", key))
        and not OWN_URLS.match(key)
        and not value.startswith(("file://", "ext://"))
    )
