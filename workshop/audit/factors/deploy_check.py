"""Outside the twelve: Django's deployment checklist (`manage.py check --deploy`), security hardening."""

from __future__ import annotations

from workshop.audit.factors.common import attempt
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, ok, problem, unknown
from workshop.audit.runner import Runner

ROMAN, NAME = "deploy", "Deploy check"
SHOWN = "python manage.py check --deploy"


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Each warning or error of Django's deployment checks in the production-like run, by its id."""
    del facts
    probe, why = attempt(runner.probe)
    if probe is None:
        return [unknown("deploy.not-run", why)]
    found = [
        problem(f"deploy.{m['id']}", f"{m['id']}: {runner.clean(first_sentence(m['msg']))}", SHOWN)
        for m in probe.checks
        if m["level"] >= 30
    ]
    return found or [
        ok("deploy.passes", "Django's deployment checklist passes in a production-like environment", SHOWN)
    ]


def first_sentence(text: str) -> str:
    """The first sentence of a check's message: what it found, without the advice after it."""
    head = text.split(". ", 1)[0].strip()
    return head if head.endswith(".") else head + "."
