"""IX. Disposability: fast start-up, a graceful stop on SIGTERM, no work lost when a process goes."""

from __future__ import annotations

import ast
import re

from workshop.audit import runner as running
from workshop.audit.factors.common import attempt, code_unreadable, not_confirmed
from workshop.audit.factors.vii_port_binding import uwsgi_config
from workshop.audit.factors.viii_concurrency import threads
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, Kind, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import dotted, statements

ROMAN, NAME = "IX", "Disposability"

#: Web servers that finish their requests and stop on SIGTERM.
GRACEFUL = re.compile(r"(^|[\s/])(gunicorn|uvicorn|daphne|hypercorn|waitress-serve|granian)(\s|$)")


def sleeps_at_import(tree: ast.Module) -> list[tuple[int, str]]:
    """Where a module sleeps while it is imported: (line, through which function, '' if directly)."""

    def is_sleep(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and dotted(node.func) in ("time.sleep", "sleep")

    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    sleepers = {name for name, f in functions.items() if any(map(is_sleep, ast.walk(f)))}
    grown = True
    while grown:
        more = {
            name
            for name, f in functions.items()
            if name not in sleepers and any(isinstance(n, ast.Call) and dotted(n.func) in sleepers for n in ast.walk(f))
        }
        sleepers |= more
        grown = bool(more)
    found = []
    for statement in statements(tree.body):
        for node in ast.walk(statement):
            if is_sleep(node):
                found.append((getattr(node, "lineno", 0), ""))
            elif isinstance(node, ast.Call) and dotted(node.func) in sleepers:
                found.append((node.lineno, dotted(node.func)))
    return found


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Nothing slow at import time, no work in daemon threads, a server that stops on SIGTERM; a run confirms."""
    evidence = code_unreadable(facts, ROMAN)
    for rel in [*facts.production, *facts.code_files]:
        tree = facts.tree(rel)
        for line, through in sleeps_at_import(tree) if tree else ():
            how = f" (in {through}())" if through else ""
            evidence.append(
                problem(
                    "IX.sleep-at-import",
                    f"waits at import time{how}: every process and every command pays it at start-up",
                    f"{rel}:{line}",
                )
            )
    for rel, line, daemon in threads(facts):
        if daemon:
            evidence.append(
                problem(
                    "IX.daemon-thread", "work done in a daemon thread is lost when the process stops", f"{rel}:{line}"
                )
            )
    web = facts.deploy.web
    for process in web:
        text = process.command.text
        if re.search(r"(^|[\s/])uwsgi(\s|$)", text):
            config = uwsgi_config(facts, text)
            dies = "--die-on-term" in text or (
                config is not None and config.get("die-on-term").lower() in ("true", "1", "yes", "on")
            )
            if not dies:
                evidence.append(
                    problem(
                        "IX.sigterm-reloads",
                        "uWSGI without die-on-term reloads on SIGTERM instead of "
                        "stopping: a platform's stop waits, then kills it mid-request",
                        config.rel if config else process.command.where,
                    )
                )
            else:
                evidence.append(ok("IX.graceful-server", "uWSGI stops on SIGTERM (die-on-term)", process.command.where))
        elif GRACEFUL.search(text):
            server = GRACEFUL.search(text)[2]  # type: ignore[index]
            evidence.append(
                ok("IX.graceful-server", f"{server} finishes its requests and stops on SIGTERM", process.command.where)
            )
    if not web and not evidence:
        return [unknown("IX.no-web", "no web process declared: nothing to start and stop")]
    outcome, why = attempt(runner.web)
    if outcome is None:
        decided = any(e.kind is Kind.OK for e in evidence) or any(e.kind is Kind.PROBLEM for e in evidence)
        return [*evidence, not_confirmed(ROMAN, why) if decided else unknown("IX.not-run", why)]
    shown = f"PORT=<free port> {outcome.shown}"
    if outcome.status == 0:
        return [*evidence, unknown("IX.run-no-answer", "nothing answered on $PORT: cannot time its start", shown)]
    probe, _ = attempt(runner.probe)
    if outcome.took <= running.START_LIMIT:
        evidence.append(
            ok("IX.run-started", f"answered its first request within {running.START_LIMIT:g} s of starting", shown)
        )
    elif probe is not None and outcome.took <= 3 * probe.took:
        evidence.append(
            ok(
                "IX.run-started",
                f"answered its first request {outcome.took:.0f} s after starting: no slower "
                f"than this busy machine loads its settings ({probe.took:.0f} s)",
                shown,
            )
        )
    else:
        evidence.append(
            problem(
                "IX.run-slow-start",
                f"took {outcome.took:.0f} s to answer its first request: every "
                "new process, every scale-out and every restart waits that long",
                shown,
            )
        )
    if outcome.stopped:
        evidence.append(ok("IX.run-stopped", f"stopped within {running.STOP_LIMIT:g} s of SIGTERM", shown))
    else:
        evidence.append(
            problem(
                "IX.run-not-stopped",
                f"still running {running.STOP_LIMIT:g} s after SIGTERM: a process manager would kill it mid-work",
                shown,
            )
        )
    return evidence
