"""Nothing a notebook started is left running, also when the notebook fails and nbval kills its kernel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from workshop.processes import owned_processes, stop_owned

FAILING_NOTEBOOK = [
    "import os\nfrom pathlib import Path\nfrom workshop.processes import Background, free_port\n"
    "folder = Path(os.environ['WORKSHOP_WORKSPACE'])\n"
    "server = Background(f'python -m http.server {free_port()} --bind 127.0.0.1', folder)\n"
    "server.start()  # no `with`: only the kernel's death can stop it",
    "raise RuntimeError('this cell fails on purpose')",
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason=(
    "only Linux stops a child when its parent dies; elsewhere the lesson's next start() stops "
    "what a killed kernel left (tests/test_terminal.py)"))
def test_a_failing_notebook_leaves_nothing_running(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": i}
             for i, s in enumerate(FAILING_NOTEBOOK, 1)]
    (tmp_path / "failing.ipynb").write_text(json.dumps({
        "cells": cells, "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    }))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-q",
         "-p", "no:xdist", "failing.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "WORKSHOP_WORKSPACE": str(workspace)},
    )
    assert "1 failed, 1 passed" in done.stdout, done.stdout[-2000:]
    deadline = time.monotonic() + 5
    while owned_processes(workspace) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = owned_processes(workspace)
    stop_owned(workspace)
    assert left == [], f"left running: {[p.cmdline() for p in left]}"
