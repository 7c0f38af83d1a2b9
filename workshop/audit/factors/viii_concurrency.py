"""VIII. Concurrency: scale out by process type; background work in processes of its own, not threads or cron."""

from __future__ import annotations

import ast
import re

from workshop.audit.factors.common import code_unreadable
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import constant, dotted, keyword

ROMAN, NAME = "VIII", "Concurrency"

THREADS = {
    "threading.Thread",
    "threading.Timer",
    "multiprocessing.Process",
    "concurrent.futures.ThreadPoolExecutor",
    "ThreadPoolExecutor",
    "ProcessPoolExecutor",
    "_thread.start_new_thread",
}
DAEMONIZES = re.compile(r"\bnohup\b|&\s*$|\s(--daemon|-D)\b|\bdaemonize\s*=")


def threads(facts: Facts) -> list[tuple[str, int, bool]]:
    """Threads or processes the app's own code starts while serving: (file, line, daemon)."""
    found = []
    for rel in facts.code_files:
        tree = facts.tree(rel)
        if tree is None or "/management/commands/" in f"/{rel}":
            continue
        imported = {
            a.asname or a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module in ("threading", "multiprocessing")
            for a in n.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = dotted(node.func)
                if name in THREADS or (name in imported and name in ("Thread", "Timer", "Process")):
                    daemon = constant(keyword(node, "daemon")) is True or ".daemon = True" in facts.text(rel)
                    found.append((rel, node.lineno, daemon))
    return found


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Process types declared; no threads for background work, no cron on one server, no daemonizing."""
    del runner  # the files decide
    evidence = code_unreadable(facts, ROMAN)
    for rel, line, _ in threads(facts):
        evidence.append(
            problem(
                "VIII.thread",
                "starts a thread for background work inside the web process: a worker "
                "process type would scale on its own",
                f"{rel}:{line}",
            )
        )
    for command in facts.deploy.cron:
        if command.context != "development":
            evidence.append(
                problem(
                    "VIII.cron",
                    f"work scheduled by cron on one server, outside any process type: `{command.text}`",
                    command.where,
                )
            )
    for command in facts.deploy.scripts:
        if DAEMONIZES.search(command.text):
            evidence.append(
                problem(
                    "VIII.daemonizes",
                    f"daemonizes a process instead of leaving it to a process manager: `{command.text}`",
                    command.where,
                )
            )
    for config in facts.deploy.uwsgi:
        if config.get("daemonize", "daemonize2"):
            evidence.append(
                problem(
                    "VIII.daemonizes", "uWSGI daemonizes itself instead of leaving it to a process manager", config.rel
                )
            )
    declared = [p for p in facts.deploy.processes if not p.release and p.formation]
    kinds = list(dict.fromkeys(p.name for p in declared))
    if kinds:
        where = declared[0].declared.rsplit(":", 1)[0]
        evidence.append(ok("VIII.process-types", f"process types declared: {', '.join(kinds)}", where))
    elif not evidence:
        evidence.append(
            unknown(
                "VIII.no-process-types",
                "no process types declared (Procfile, Compose, platform file): cannot tell how it scales out",
            )
        )
    return evidence
