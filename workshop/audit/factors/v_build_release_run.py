"""V. Build, release, run: separate stages; no code changed where it runs, no release work at every start."""

from __future__ import annotations

import re

from workshop.audit.deploy import RELEASE_WORK, Command
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, ok, problem, unknown
from workshop.audit.runner import Runner

ROMAN, NAME = "V", "Build, release, run"

CHANGES_CODE = re.compile(r"\bgit\s+(pull|fetch|checkout|reset|merge)\b|\b(svn|hg)\s+(up|update|pull)\b")
RESTARTS = re.compile(
    r"\b(runserver|gunicorn|uvicorn|daphne|uwsgi|systemctl\s+(re)?start|supervisorctl\s+restart|"
    r"service\s+\S+\s+restart|pkill|killall|nohup)\b|touch\s+\S*(uwsgi|reload|wsgi)\S*"
)


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Release steps of their own; nothing pulled or migrated on the servers where the app runs."""
    del runner  # the files decide
    deploy = facts.deploy
    evidence = []
    for command in deploy.scripts:
        if CHANGES_CODE.search(command.text):
            evidence.append(
                problem(
                    "V.code-changed-in-place",
                    f"`{command.text}`: changes the code in place on the server, where it runs",
                    command.where,
                )
            )
    by_file: dict[str, list[Command]] = {}
    for command in deploy.scripts:
        by_file.setdefault(command.file, []).append(command)
    for rel, commands in by_file.items():
        migrate = next((c for c in commands if re.search(r"\bmigrate\b", c.text)), None)
        restart = next((c for c in commands if RESTARTS.search(c.text)), None)
        if migrate and restart:
            evidence.append(
                problem(
                    "V.release-in-one-go",
                    f"migrates (`{migrate.text}`) and restarts the app "
                    f"(`{restart.text}`) in one go: no release to keep or roll back",
                    rel,
                )
            )
    at_start: dict[str, tuple[Command, list[str]]] = {}
    for process in deploy.processes:
        if process.release:
            continue
        for command in (*process.before, process.command):
            if RELEASE_WORK.search(command.text):
                at_start.setdefault(command.where, (command, []))[1].append(process.name)
    for command, names in at_start.values():
        work = RELEASE_WORK.search(command.text)
        assert work is not None
        who = f"the {names[0]} process runs" if len(names) == 1 else f"the {', '.join(names)} processes run"
        evidence.append(
            problem(
                "V.release-at-start",
                f"{who} `{command.text}` at every start: {work[1]} belongs to the build or the release",
                command.where,
            )
        )
    for process in deploy.releases:
        evidence.append(
            ok("V.release-step", f"a release step of its own: `{process.command.text}`", process.command.where)
        )
    if deploy.builds and not any(e.id == "V.release-step" for e in evidence):
        first = deploy.builds[0]
        evidence.append(ok("V.build", f"a build step of its own: `{short(first.text)}`", first.where))
    if not evidence:
        if deploy.processes:
            evidence.append(
                unknown(
                    "V.no-release",
                    "processes are declared, but nothing says how a release is made (a release step, or a build)",
                )
            )
        else:
            evidence.append(
                unknown(
                    "V.no-deploy-description",
                    "nothing says how it is built, released and run (no "
                    "Procfile, Dockerfile, platform file or deploy script)",
                )
            )
    return evidence


def short(text: str, limit: int = 70) -> str:
    """A command cut to a readable length."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
