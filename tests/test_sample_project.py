"""The traditional app runs its own Django tests, in a copy (sample_project/ itself is never touched)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from workshop.checkpoints import SAMPLE, ignore_generated, source_files


def test_the_sample_apps_own_tests_pass(tmp_path):
    before = source_files(SAMPLE)
    copy = tmp_path / "sample_project"
    shutil.copytree(SAMPLE, copy, ignore=ignore_generated)
    done = subprocess.run([sys.executable, "manage.py", "test", "-v", "2"], cwd=copy, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "OK" in done.stderr.splitlines()
    assert source_files(SAMPLE) == before
