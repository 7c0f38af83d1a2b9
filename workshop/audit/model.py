"""What the audit says: evidence with a kind and a stable id, a verdict per factor, the report of an audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What one piece of evidence says about its factor."""

    OK = "ok"  # in the project's favour
    PROBLEM = "problem"  # fails the factor
    UNKNOWN = "unknown"  # something the audit could not decide, and why
    NOTE = "note"  # worth knowing; no weight in the verdict

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class Verdict(str, Enum):
    """A factor's verdict."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "cannot tell"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


@dataclass(frozen=True)
class Evidence:
    """One fact behind a verdict: a stable id (like `III.secret-literal`), its kind, what it is, and where."""

    id: str
    kind: Kind
    text: str
    where: str = ""  # file:line, a file, or the command that showed it


def ok(id: str, text: str, where: str = "") -> Evidence:  # noqa: A002 - the id is the evidence's name
    """A fact in the project's favour."""
    return Evidence(id, Kind.OK, text, where)


def problem(id: str, text: str, where: str = "") -> Evidence:  # noqa: A002
    """A fact that fails the factor."""
    return Evidence(id, Kind.PROBLEM, text, where)


def unknown(id: str, text: str, where: str = "") -> Evidence:  # noqa: A002
    """Something the audit could not decide, and why."""
    return Evidence(id, Kind.UNKNOWN, text, where)


def note(id: str, text: str, where: str = "") -> Evidence:  # noqa: A002
    """Something worth knowing that does not weigh in the verdict."""
    return Evidence(id, Kind.NOTE, text, where)


ORDER = {Kind.PROBLEM: 0, Kind.UNKNOWN: 1, Kind.OK: 2, Kind.NOTE: 3}


def verdict_of(evidence: Iterable[Evidence]) -> Verdict:
    """fail on any problem; else cannot tell on anything undecided; else pass when something is in its favour."""
    kinds = {e.kind for e in evidence}
    if Kind.PROBLEM in kinds:
        return Verdict.FAIL
    if Kind.UNKNOWN in kinds or Kind.OK not in kinds:
        return Verdict.UNKNOWN
    return Verdict.PASS


@dataclass(frozen=True)
class Finding:
    """The verdict on one factor (or on a check outside the twelve) and the evidence for it, most telling first."""

    factor: str  # "I" ... "XII", or "deploy" for a row outside the twelve
    name: str
    verdict: Verdict
    evidence: tuple[Evidence, ...]
    counted: bool = True  # one of the twelve, counted in "n of 12"

    @classmethod
    def of(cls, factor: str, name: str, evidence: Iterable[Evidence], counted: bool = True) -> Finding:
        """A finding with its verdict worked out from its evidence, sorted problems first."""
        ordered = tuple(sorted(dict.fromkeys(evidence), key=lambda e: ORDER[e.kind]))
        return cls(factor, name, verdict_of(ordered), ordered, counted)

    @property
    def headline(self) -> Evidence | None:
        """The one piece of evidence that says most about the verdict."""
        return self.evidence[0] if self.evidence else None

    def as_dict(self) -> dict[str, object]:
        """The finding as plain data, for JSON."""
        return {
            "factor": self.factor,
            "name": self.name,
            "verdict": self.verdict.value,
            "counted": self.counted,
            "evidence": [{"id": e.id, "kind": e.kind.value, "where": e.where, "text": e.text} for e in self.evidence],
        }


class Report(list[Finding]):
    """The twelve findings, in order I to XII, with the rows outside the twelve (the deploy check) beside them."""

    def __init__(
        self, findings: Iterable[Finding] = (), extra: Iterable[Finding] = (), silenced: Iterable[Evidence] = ()
    ) -> None:
        super().__init__(findings)
        self.extra = tuple(extra)
        self.silenced = tuple(silenced)

    def every(self) -> list[Finding]:
        """The twelve findings, then the rows outside them."""
        return [*self, *self.extra]
