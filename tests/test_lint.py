"""The helper package passes ruff (lint and format) and mypy, with the pinned versions and pyproject.toml's settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["workshop"]


@pytest.mark.parametrize("command", [
    ["ruff", "check", *CHECKED],
    ["ruff", "format", "--check", *CHECKED],
    ["mypy", *CHECKED],
], ids=["ruff check", "ruff format", "mypy"])
def test_the_code_passes(command):
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
