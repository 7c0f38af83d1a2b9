"""XI. Logs: each process writes its event stream to stdout or stderr; nothing routes or stores it to files."""

from __future__ import annotations

import ast
import re

from workshop.audit.factors.common import attempt, code_unreadable, not_confirmed, settings_unreadable, weigh
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, Kind, note, ok, problem, unknown
from workshop.audit.runner import Runner
from workshop.audit.source import constant, dotted, keyword, literal_text, short

ROMAN, NAME = "XI", "Logs"

FILE_HANDLERS = re.compile(r"FileHandler$|RotatingFileHandler$|WatchedFileHandler$")
STREAM_HANDLERS = re.compile(r"(^|\.)StreamHandler$|(^|\.)RichHandler$")


def loggers(facts: Facts) -> list[str]:
    """The loggers a run tries: Django's own and those the project's code names."""
    found = ["django"]
    for rel in facts.code_files:
        tree = facts.tree(rel)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call) and dotted(node.func).endswith("getLogger") and node.args:
                arg = node.args[0]
                name = constant(arg)
                if isinstance(arg, ast.Name) and arg.id == "__name__":
                    name = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                if isinstance(name, str) and name and name not in found:
                    found.append(name)
    return found[:6]


def handlers(facts: Facts) -> list[Evidence]:
    """What the settings' LOGGING handlers do with log records: files and syslog fail, streams pass."""
    evidence = []
    for module in facts.settings:
        for setting in module.get("LOGGING"):
            table = dict_value(setting.value, "handlers")
            for key, node in zip(table.keys, table.values, strict=False) if isinstance(table, ast.Dict) else ():
                cls = literal_text(dict_value(node, "class"))
                filename = dict_value(node, "filename")
                where = f"{setting.file}:{getattr(node, 'lineno', setting.line)}"
                if FILE_HANDLERS.search(cls) or filename is not None:
                    shown = f" ({short(filename)})" if filename is not None else ""
                    evidence.append(
                        weigh(
                            facts,
                            module,
                            setting,
                            "XI.log-file",
                            f"handler {constant(key)!r} writes to a file{shown}",
                            where=where,
                        )
                    )
                elif cls.endswith("SysLogHandler"):
                    evidence.append(
                        weigh(
                            facts,
                            module,
                            setting,
                            "XI.syslog",
                            f"handler {constant(key)!r} sends logs to syslog",
                            "the app routes its own event stream",
                            where,
                        )
                    )
                elif STREAM_HANDLERS.search(cls) and module.rel in facts.production:
                    stream = literal_text(dict_value(node, "stream")) or "stderr"
                    evidence.append(
                        ok(
                            "XI.stream",
                            f"handler {constant(key)!r} writes an event stream to {stream.removeprefix('ext://sys.')}",
                            where,
                        )
                    )
    return evidence


def dict_value(node: ast.AST | None, key: str) -> ast.expr | None:
    """The value under a constant key in a dict literal (or a dict() call), or None."""
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=False):
            if constant(k) == key:
                return v
    if isinstance(node, ast.Call) and dotted(node.func) == "dict":
        return keyword(node, key)
    return None


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """No log files, no syslog; a stream on stdout or stderr. A run shows where a warning really goes."""
    evidence = settings_unreadable(facts, ROMAN) + code_unreadable(facts, ROMAN) + handlers(facts)
    for rel in facts.code_files:
        tree = facts.tree(rel)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call) and dotted(node.func).endswith("basicConfig") and keyword(node, "filename"):
                evidence.append(problem("XI.log-file", "logging.basicConfig writes to a file", f"{rel}:{node.lineno}"))
    for config in facts.deploy.uwsgi:
        target = config.get("logto", "logto2", "daemonize", "req-logger", "logger")
        if target and (target.startswith("/") or target.startswith("file:") or "." in target):
            evidence.append(problem("XI.log-file", f"uWSGI writes its log to {target}", config.rel))
    for process in facts.deploy.processes:
        for match in re.finditer(r"--(?:access-logfile|error-logfile|log-file)[=\s]+(\S+)", process.command.text):
            if match[1] != "-":
                evidence.append(
                    problem(
                        "XI.log-file", f"the {process.name} process writes its log to {match[1]}", process.command.where
                    )
                )
    if not any(e.kind in (Kind.PROBLEM, Kind.OK) for e in evidence) and not any(
        m.get("LOGGING") for m in facts.production_settings
    ):
        evidence.append(ok("XI.default-logging", "no log files: without LOGGING, Django logs to the console (stderr)"))
        evidence.append(
            note(
                "XI.quiet-in-production",
                "with DEBUG off and no LOGGING, Django writes only "
                "django.server lines to the console and mails errors to ADMINS: set LOGGING to see them",
            )
        )
    if any(e.kind is Kind.PROBLEM for e in evidence) and not any(e.id == "XI.stream" for e in evidence):
        return evidence
    return evidence + run(facts, runner, evidence)


def run(facts: Facts, runner: Runner, evidence: list[Evidence]) -> list[Evidence]:
    """Log a warning through each logger in a production-like run and see where it goes."""
    probe, why = attempt(runner.probe)
    decided = any(e.kind in (Kind.OK, Kind.PROBLEM) for e in evidence)
    if probe is None:
        return [not_confirmed(ROMAN, why) if decided else unknown("XI.not-run", why)]
    found = []
    for name, attached in probe.loggers.items():
        files = [h["file"] for h in attached if h.get("file")]
        line = f"twelve-factor-audit log line from {name}"
        if files:
            found.append(
                problem(
                    "XI.run-log-file",
                    f"a warning logged to {name!r} goes to a file ({runner.clean(files[0])})",
                    probe.shown,
                )
            )
        elif line in probe.stdout or line in probe.stderr:
            stream = "stdout" if line in probe.stdout else "stderr"
            found.append(ok("XI.run-stream", f"a warning logged to {name!r} comes out on {stream}", probe.shown))
        else:
            found.append(note("XI.run-silent", f"a warning logged to {name!r} does not come out at all", probe.shown))
    del facts
    return found
