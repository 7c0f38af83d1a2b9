"""I. Codebase: one codebase tracked in revision control, many deploys made from it."""

from __future__ import annotations

from pathlib import PurePosixPath

from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, note, ok, unknown
from workshop.audit.runner import Runner

ROMAN, NAME = "I", "Codebase"


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Tracked in git: one codebase, every deploy made from it. Settings per environment are factor III's concern."""
    del runner  # the files decide
    evidence = []
    if facts.git == "no-git":
        evidence.append(
            unknown("I.no-git", "git is not installed: cannot tell whether the project is under version control")
        )
    elif facts.git == "tracked":
        evidence.append(
            ok(
                "I.git",
                f"tracked in git ({len(facts.tracked)} files): one codebase, every deploy made from it",
                "manage.py",
            )
        )
    elif facts.git == "untracked":
        evidence.append(
            unknown(
                "I.not-in-git",
                "in a git repository that does not track it: cannot tell which codebase it belongs to",
                "manage.py",
            )
        )
    else:
        evidence.append(
            unknown("I.not-in-git", "not tracked in git: cannot tell which codebase it belongs to", "manage.py")
        )
    if len(facts.settings) > 1:
        names = ", ".join(sorted(PurePosixPath(m.rel).name for m in facts.settings))
        evidence.append(
            note(
                "I.settings-per-environment",
                f"{len(facts.settings)} settings modules ({names}) in one "
                "repository are still one codebase; grouping config by environment is factor III's concern",
                str(PurePosixPath(facts.settings[0].rel).parent) + "/",
            )
        )
    return evidence
