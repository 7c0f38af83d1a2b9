"""XII. Admin processes: one-off tasks run as processes of the release, with its code and its config."""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from workshop.audit.facts import Facts, is_test_or_migration
from workshop.audit.model import Evidence, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import dotted, settings_choices

ROMAN, NAME = "XII", "Admin processes"


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Admin tasks are manage.py commands; nothing sets Django up by hand or forces its settings."""
    del runner  # the files decide
    evidence = []
    own = {"manage.py", *(m.rel for m in facts.settings)}
    for rel, tree in facts.trees.items():
        if rel in own or is_test_or_migration(rel) or not rel.endswith(".py"):
            continue
        text = facts.text(rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and dotted(node.func) in ("django.setup", "setup") and "django" in text:
                if dotted(node.func) == "setup" and "from django import setup" not in text:
                    continue
                evidence.append(
                    problem(
                        "XII.setup-by-hand",
                        "sets Django up by hand outside manage.py: not a one-off process of the release",
                        f"{rel}:{node.lineno}",
                    )
                )
        for kind, module, line in settings_choices(tree):
            if kind == "assign":
                evidence.append(
                    problem(
                        "XII.forced-settings",
                        f"forces DJANGO_SETTINGS_MODULE to {module}: it ignores the environment it runs in",
                        f"{rel}:{line}",
                    )
                )
    if "manage.py" in facts.broken:
        line, message = facts.broken["manage.py"]
        evidence.append(unknown("XII.manage-unreadable", f"does not parse ({message})", f"manage.py:{line}"))
    elif all(kind != "assign" for kind, _, _ in settings_choices(facts.tree("manage.py"))):
        evidence.append(
            ok(
                "XII.manage-py",
                "manage.py takes DJANGO_SETTINGS_MODULE from the environment when it is set",
                "manage.py",
            )
        )
    commands = [f for f in facts.files if re.search(r"(^|/)management/commands/(?!__init__)[^/]+\.py$", f)]
    if commands:
        evidence.append(
            ok(
                "XII.commands",
                f"admin tasks are management commands, run with manage.py ({len(commands)} found)",
                str(PurePosixPath(commands[0]).parent) + "/",
            )
        )
    return evidence
