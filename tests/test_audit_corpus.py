"""The audit against an expert's reading of realistic projects: tests/audit_corpus/.

Each project there is a Django project in a style the audit meets in the wild (a platform's
getting-started app, a generated template with split settings and Docker, a CMS demo, a classic
uWSGI server, ...). Next to it, NAME.toml gives the verdict an expert reading gives each factor, with
a one-line reason and the ids of the evidence that must be among the audit's: written before the
code that reaches them. The suite audits every project once (committed to git, as a real one is),
reports the agreement factor by factor, and requires all of it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workshop.audit import audit

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

CORPUS = Path(__file__).resolve().parent / "audit_corpus"
FACTORS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
EXPECTED = {path.stem: tomllib.loads(path.read_text()) for path in sorted(CORPUS.glob("*.toml"))}


def committed_copy(name: str, dest: Path) -> Path:
    """The corpus project copied to dest and committed to a git repository of its own."""
    spec = EXPECTED[name]
    source = (CORPUS / spec.get("source", name)).resolve()
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3", "*.log"))
    git = ["git", "-C", str(dest), "-c", "user.name=Corpus", "-c", "user.email=corpus@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "The project as published"], check=True)
    return dest


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list]]:
    """Every corpus project audited once, in full and without running it: name -> {"run": ..., "static": ...}."""
    folders = {name: committed_copy(name, tmp_path_factory.mktemp(name) / "project") for name in EXPECTED}

    def timed(folder: Path) -> tuple[list, float]:
        started = time.monotonic()
        report = audit(folder)
        return report, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=2) as pool:
        full = dict(zip(folders, pool.map(timed, folders.values()), strict=True))
    static = {name: audit(folder, run=False) for name, folder in folders.items()}
    return {name: {"run": full[name][0], "took": full[name][1], "static": static[name]} for name in folders}


def disagreements(name: str, findings: list) -> list[str]:
    """Where the audit's verdicts or evidence differ from the expert's reading of one project."""
    expected = EXPECTED[name]["expected"]
    found = []
    for finding in findings:
        verdict, why, *ids = expected[finding.factor]
        got_ids = {e.id for e in finding.evidence}
        if finding.verdict != verdict:
            shown = "; ".join(f"{e.kind.value} {e.id} {e.text}" for e in finding.evidence)
            found.append(f"{name} {finding.factor}: expected {verdict} ({why}), got {finding.verdict}: {shown}")
        missing = set(ids[0] if ids else []) - got_ids
        if missing:
            found.append(f"{name} {finding.factor}: evidence {sorted(missing)} missing; got {sorted(got_ids)}")
    return found


def agreement_table(results: dict[str, dict[str, list]], mode: str) -> tuple[str, int, int]:
    """The agreement as a table, one row per project (+ agrees, x differs), and the counts."""
    lines = [f"{'project':<24}" + "".join(f"{f:>5}" for f in FACTORS) + "  agree"]
    agree = total = 0
    for name in EXPECTED:
        expected = EXPECTED[name]["expected"]
        marks = []
        for finding in results[name][mode]:
            same = finding.verdict == expected[finding.factor][0]
            agree, total = agree + same, total + 1
            marks.append("+" if same else "x")
        lines.append(f"{name:<24}" + "".join(f"{m:>5}" for m in marks) + f"  {marks.count('+')}/12")
    lines.append(f"{'all':<24}{'':>60}  {agree}/{total} = {100 * agree / total:.0f}%")
    return "\n".join(lines), agree, total


def test_the_corpus_has_the_styles_the_audit_meets():
    assert len(EXPECTED) >= 8
    for name, spec in EXPECTED.items():
        assert sorted(spec["expected"]) == sorted(FACTORS), f"{name}.toml must give a verdict for every factor"
        for factor, (verdict, why, *_) in spec["expected"].items():
            assert verdict in ("pass", "fail", "cannot tell") and why, f"{name} {factor}"


@pytest.mark.parametrize("name", EXPECTED)
def test_the_audit_agrees_with_the_expert_reading(audited, name):
    problems = disagreements(name, audited[name]["run"])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", EXPECTED)
def test_the_files_decide_without_running_the_project(audited, name):
    """Verdicts come from the files; a run only confirms: auditing with run=False gives the same verdicts."""
    run = {f.factor: f.verdict for f in audited[name]["run"]}
    static = {f.factor: f.verdict for f in audited[name]["static"]}
    assert static == run


def test_the_audit_of_each_project_takes_less_than_ten_seconds(audited):
    took = {name: round(result["took"], 1) for name, result in audited.items()}
    assert max(took.values()) < 10, took  # two audits at a time on two cores: each had about one


def test_the_agreement_over_the_whole_corpus_is_complete(audited, capsys):
    table, agree, total = agreement_table(audited, "run")
    with capsys.disabled():
        print(f"\nTwelve-factor audit against the corpus's expected verdicts:\n{table}")
    assert agree == total, table
