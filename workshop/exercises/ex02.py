"""Exercise 02: the payment key and the mail password from the environment."""

from __future__ import annotations

from workshop.checkpoints import SAMPLE, source_files
from workshop.exercises.checks import app_starts, literal_line, report, setting_hints
from workshop.project import SECRET_LITERAL, Project

NAMES = ["PAYMENT_API_KEY", "EMAIL_HOST_PASSWORD"]


def old_values() -> dict[str, str]:
    """The values NAMES had in the sample app's settings modules, each with its name: secrets that were committed."""
    found = {}
    for module in sorted((SAMPLE / "shop" / "settings").glob("*.py")):
        for match in SECRET_LITERAL.finditer(module.read_text()):
            name = match["name"].strip(" =:\"'")
            if name in NAMES:
                found[match["value"]] = name
    return found


def kept_secret_hints(project: Project) -> list[str]:
    """Hints for an old value of NAMES kept anywhere in the working copy: in a comment, in another module..."""
    old, typed, hints = old_values(), {name: literal_line(project, name) for name in NAMES}, []
    for path, data in source_files(project.path).items():
        for number, line in enumerate(data.decode(errors="replace").splitlines(), 1):
            for value, name in old.items():
                if value not in line or (path, number) == ("shop/settings.py", typed[name]):
                    continue  # the setting still typed in: setting_hints() says so
                where = ", in a comment" if "#" in line.partition(value)[0] else ""
                hints.append(
                    f"The old {name} is still in {path} (line {number}{where}): a secret in a comment or "
                    "in another file is in the code all the same. Delete it. It was committed, so the git "
                    "history keeps it: a real shop would also rotate it (get a new one, revoke the old)."
                )
    return hints


def check_02(project: Project) -> None:
    """Exercise 02: do PAYMENT_API_KEY and EMAIL_HOST_PASSWORD come from the environment, strictly?"""
    hints, _ = setting_hints(project, NAMES, "require", "as strictly as SECRET_KEY is, with no default")
    hints += kept_secret_hints(project)
    if not hints:
        problem = app_starts(project)
        hints += [problem] if problem else []
    report(
        project,
        hints,
        "PAYMENT_API_KEY and EMAIL_HOST_PASSWORD come from the environment; missing or empty, "
        "they stop the app with a message that names them, and the old values are gone from the code. Well done!",
    )
