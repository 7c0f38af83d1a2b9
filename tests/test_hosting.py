"""What docs/hosting.md tells a hub holds: the Jupyter settings apply there too, the image's Python is one
the workshop supports, and the nbgitpuller link opens lesson 00."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]
HOSTING = ROOT / "docs" / "hosting.md"


def server_settings(monkeypatch: pytest.MonkeyPatch, on_a_hub: bool) -> dict:
    """The settings jupyter-config/ gives a Jupyter server, read as Jupyter reads them."""
    if on_a_hub:
        monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/learner-07/")
    else:
        monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    return PyFileConfigLoader("jupyter_server_config.py", path=str(ROOT / "jupyter-config")).load_config()


def test_run_sh_lab_serves_the_repository_and_opens_lesson_00(monkeypatch):
    settings = server_settings(monkeypatch, on_a_hub=False)
    assert settings.ServerApp.root_dir == str(ROOT)
    assert settings.LabApp.default_url == "/lab/tree/notebooks/00_welcome.ipynb"
    assert settings.ContentsManager.allow_hidden is True


def test_on_a_hub_the_hub_chooses_where_a_server_starts_and_dotfiles_still_open(monkeypatch):
    settings = server_settings(monkeypatch, on_a_hub=True)
    assert "root_dir" not in settings.ServerApp
    assert "default_url" not in settings.LabApp
    assert settings.ContentsManager.allow_hidden is True
    assert ".env" not in settings.ContentsManager.hide_globs
    assert (Path(settings.LabApp.app_settings_dir) / "overrides.json").is_file()


def test_the_images_python_is_one_the_whole_suite_runs_on():
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.1[0-4]", runtime), f"runtime.txt: {runtime!r} is not python-3.10 to 3.14"
    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| Linux") and "the whole test suite" in line)
    assert runtime.removeprefix("python-") in re.findall(r"3\.\d+", row), f"the README's platforms: {row}"
    assert runtime in HOSTING.read_text()


def test_the_nbgitpuller_link_opens_lesson_00_in_the_folder_it_clones_into():
    [link] = re.findall(r"https://HUB/\S+", HOSTING.read_text())
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    query = {key: value for key, [value] in parse_qs(parts.query).items()}
    clone = query["repo"].rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]  # nbgitpuller names it so
    app, tree, folder, notebook = query["urlpath"].split("/", 3)
    assert (app, tree, folder) == ("lab", "tree", clone)
    assert (ROOT / notebook).is_file() and notebook == "notebooks/00_welcome.ipynb"
