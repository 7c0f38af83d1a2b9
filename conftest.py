"""Test-suite set-up: working copies in a temporary folder, and nothing left running at the end."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from workshop.processes import owned_processes, stop_owned

_MADE_HERE: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """Point every notebook's kernel at a temporary workspace, so a learner's own is never touched."""
    if "WORKSHOP_WORKSPACE" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="workshop-tests-")) / "workspace"
        folder.parent.chmod(0o755)  # as root, lesson 04's PostgreSQL runs as `nobody`, who must enter it
        folder.mkdir()
        os.environ["WORKSHOP_WORKSPACE"] = str(folder)
        _MADE_HERE.append(folder)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any process the notebooks started is still alive; then clean up."""
    for folder in _MADE_HERE:
        left = owned_processes(folder)
        if left:
            names = ", ".join(f"{p.pid} {' '.join(p.cmdline()[:3])}" for p in left)
            stop_owned(folder)
            print(f"\nProcesses left running after the tests (now stopped): {names}")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        shutil.rmtree(folder.parent, ignore_errors=True)
