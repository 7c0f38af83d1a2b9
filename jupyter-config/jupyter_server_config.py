"""JupyterLab as the workshop needs it. `./run.sh lab` reads this folder through JUPYTER_CONFIG_PATH;
your own Jupyter configuration is read too, and left as it is."""

import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (Jupyter defines it while it reads this file)

# Serve the whole repository (lessons, exercises, solutions, sample_project/, workspace/),
# and open on the first lesson. On a JupyterHub (docs/hosting.md), the hub decides where each
# learner's server starts, and the link they follow opens the lesson.
if "JUPYTERHUB_SERVICE_PREFIX" not in os.environ:
    c.ServerApp.root_dir = str(HERE.parent)
    c.LabApp.default_url = "/lab/tree/notebooks/00_welcome.ipynb"

# The lessons have you open .env and .env.example: let the server list and open dotfiles,
# except the tools' own folders.
c.ContentsManager.allow_hidden = True
c.ContentsManager.hide_globs = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~",  # Jupyter's own list
                                ".git", ".venv", ".ipynb_checkpoints", ".pytest_cache", "*.egg-info"]

# lab-settings/overrides.json: the file browser shows dotfiles; no news or update pop-ups.
c.LabApp.app_settings_dir = str(HERE / "lab-settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"

# A terminal from the launcher: bash with the workshop's .venv/ active (see terminal.bashrc); where
# there is no .venv/ (a hub's image has the workshop's packages first on PATH already), the usual shell.
if shutil.which("bash") and (HERE.parent / ".venv" / "bin" / "activate").is_file():
    c.ServerApp.terminado_settings = {"shell_command": [shutil.which("bash"), "--rcfile", str(HERE / "terminal.bashrc"), "-i"]}
