"""VII. Port binding: the app is self-contained and exports HTTP by binding a port it is given."""

from __future__ import annotations

import re

from workshop.audit import runner as running
from workshop.audit.deploy import Process, UwsgiConfig
from workshop.audit.factors.common import attempt, not_confirmed
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, ok, problem, unknown
from workshop.audit.runner import PORT_VARIABLE, Runner, binds_port_variable, fixed_ports

ROMAN, NAME = "VII", "Port binding"


def uwsgi_config(facts: Facts, command: str) -> UwsgiConfig | None:
    """The uwsgi.ini a uwsgi command reads."""
    for config in facts.deploy.uwsgi:
        if config.rel in command or "--ini" not in command:
            return config
    return None


def judge(facts: Facts, process: Process) -> list[Evidence]:
    """How one web process exports HTTP."""
    command = process.command
    text, where = command.text, command.where
    if re.search(r"\brunserver(?:_plus)?\b", text):
        return [
            problem("VII.dev-server", f"the {process.name} process is Django's development server: `{text}`", where)
        ]
    if re.search(r"(^|[\s/])uwsgi(\s|$)", text):
        config = uwsgi_config(facts, text)
        options = " ".join(f"--{k} {v}" for k, v in (config.options.items() if config else ()))
        http = re.search(r"--(http|http-socket)[=\s]+(\S+)", f"{text} {options}")
        if not http:
            socket = re.search(r"--(socket|uwsgi-socket)[=\s]+(\S+)", f"{text} {options}")
            shown = f" on {socket[2]}" if socket else ""
            return [
                problem(
                    "VII.not-http",
                    f"uWSGI speaks its own protocol{shown} for a web server in front of it: "
                    "the app exports no HTTP port of its own",
                    config.rel if config else where,
                )
            ]
        text = f"{text} --http {http[2]}"
    gunicorn_default = re.search(r"(^|[\s/])gunicorn\s", text + " ") and not re.search(r"\s(-b|--bind)[=\s]", text)
    if re.search(r"(--bind|-b|--uds)[=\s]+['\"]?unix:|--uds\b", text) or (
        gunicorn_default and any(b.startswith("unix:") for b in facts.deploy.gunicorn_bind)
    ):
        return [
            problem(
                "VII.not-http",
                f"`{text}` listens on a unix socket for a web server in front of it: the app "
                "exports no HTTP port of its own",
                where,
            )
        ]
    if binds_port_variable(text, facts.deploy.gunicorn_bind) or PORT_VARIABLE.search(text):
        how = "" if PORT_VARIABLE.search(text) else " (gunicorn binds $PORT when no --bind is given)"
        return [ok("VII.port-env", f"the {process.name} process binds $PORT{how}: `{text}`", where)]
    ports = fixed_ports(text) or [p.split(":")[-1] for p in facts.deploy.gunicorn_bind if re.search(r":\d+$", p)]
    if ports and command.container:
        return [
            ok(
                "VII.container-port",
                f"the {process.name} process binds port {', '.join(ports)} inside its "
                f"container, which the platform publishes: `{text}`",
                where,
            )
        ]
    if ports:
        return [
            problem(
                "VII.fixed-port",
                f"`{text}` binds port {', '.join(ports)}, written in the code: two copies "
                "on one machine clash, and the platform cannot choose",
                where,
            )
        ]
    return [unknown("VII.port-unknown", f"cannot tell which port `{text}` binds", where)]


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """The web process serves HTTP itself, on the port it is given; a run confirms it answers there."""
    web = facts.deploy.web
    if not web:
        return [
            unknown(
                "VII.no-web", "no web process declared (Procfile, Dockerfile, platform file): cannot tell how it serves"
            )
        ]
    evidence = [e for process in web for e in judge(facts, process)]
    outcome, why = attempt(runner.web)
    if outcome is None:
        decided = all(e.kind.value in ("ok", "problem") for e in evidence)
        return [*evidence, not_confirmed(ROMAN, why) if decided else unknown("VII.not-run", why)]
    shown = f"PORT=<free port> {outcome.shown}"
    if outcome.status == 0:
        elsewhere = f": it listens on {', '.join(map(str, outcome.listening))} instead" if outcome.listening else ""
        waited = f"within {running.WAIT_LIMIT:g} s" if not outcome.listening else ""
        return [
            *evidence,
            problem(
                "VII.run-no-answer",
                f"started with PORT set, nothing answered on $PORT {waited}{elsewhere}".replace(" :", ":"),
                shown,
            ),
        ]
    settled = [e for e in evidence if e.id != "VII.port-unknown"]  # the run has shown which port
    return [
        *settled,
        ok("VII.run-answered", f"started with PORT set, it answered GET / on that port (HTTP {outcome.status})", shown),
    ]
