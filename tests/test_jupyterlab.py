"""What a learner meets in JupyterLab, in a real browser.

JupyterLab is started as the README says (`./run.sh lab`, options passed on to it), and driven
by Playwright with the operating system's Chromium (nothing is downloaded). Checks, in order:
1. the file browser at the root lists notebooks/, exercises/, solutions/ and sample_project/;
2. lesson 00, run from the Run menu's "Run All Cells", finishes with no error output;
3. lesson 04's first cell makes its working copy, which appears in the file browser, and its
   .env opens in the editor;
4. a terminal opened from the launcher starts in the repository root, with the workshop's
   python, honcho, django-admin and uv first on PATH and uv's settings for lesson 05 set, and runs honcho;
5. the scoreboard (lesson 04's last output) shows `$PORT` literally.
(nbval runs every cell of every lesson; here the point is what JupyterLab shows.)
A screenshot of each step is saved in tests/screenshots/ (overwritten on every run).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="Playwright is not installed: ./run.sh test installs requirements-dev.txt")
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from workshop.processes import Background, free_port, http_get, owned_processes, stop_owned

expect.set_options(timeout=20_000)  # a busy 2-core machine can take that long to show a page

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "tests" / "screenshots"
WELCOME = ROOT / "notebooks" / "00_welcome.ipynb"
LESSON = ROOT / "notebooks" / "04_backing_services.ipynb"
CHROMIUM_FLAGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
#: Where operating systems' packages put Chromium (or Chrome, which works the same here).
KNOWN_CHROMIUMS = ["chromium", "chromium-browser", "google-chrome",
                   "/Applications/Chromium.app/Contents/MacOS/Chromium",
                   "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"]
HOW_TO_GET_CHROMIUM = ("no Chromium found: install your system's package (Debian: sudo apt-get install chromium; "
                       "Ubuntu: sudo apt-get install chromium-browser; macOS: brew install --cask chromium), "
                       "or set CHROMIUM=/path/to/chromium")
#: JupyterLab's settings for this run only: the notebook is never saved back into the repository,
#: and the terminal keeps its text in the page too (xterm's screen-reader rows), so it can be read.
TEST_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/terminal-extension/plugin.jupyterlab-settings": {"screenReaderMode": True},
}


def chromium() -> str:
    """The Chromium to drive: $CHROMIUM if set (it must then work), else the first one installed; skip if none."""
    if os.environ.get("CHROMIUM"):
        assert shutil.which(os.environ["CHROMIUM"]), f"CHROMIUM={os.environ['CHROMIUM']} is not an executable"
        return shutil.which(os.environ["CHROMIUM"])
    found = next((shutil.which(name) for name in KNOWN_CHROMIUMS if shutil.which(name)), None)
    if found is None:
        pytest.skip(HOW_TO_GET_CHROMIUM)
    return found


def answers(url: str) -> bool:
    """Whether url answers 200 right now."""
    try:
        return http_get(url, timeout=2)[0] == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """JupyterLab started with the README's command, its working copies in a folder of their own under workspace/."""
    (ROOT / "workspace").mkdir(exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix="browser-test-", dir=ROOT / "workspace"))
    jupyter = tmp_path_factory.mktemp("jupyter")
    for name, values in TEST_SETTINGS.items():
        (jupyter / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (jupyter / "settings" / name).write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    env = {"WORKSHOP_WORKSPACE": str(workspace),  # the learner's own working copies are left alone
           # nothing written into the home folder: Jupyter's runtime files, settings, layouts, kernels' history
           "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(jupyter / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "layouts"), "IPYTHONDIR": str(jupyter / "ipython")}
    notebooks_before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in (WELCOME, LESSON)}
    server = Background(f"./run.sh lab --no-browser --port={port} --ServerApp.port_retries=0 "
                        f"--IdentityProvider.token={token}", ROOT, env=env, log=jupyter / "jupyterlab.log")
    try:
        server.start()
        deadline = time.monotonic() + 60
        while not answers(f"http://127.0.0.1:{port}/api/status?token={token}"):
            assert server.process.poll() is None, f"JupyterLab exited:\n{server.output()}"
            assert time.monotonic() < deadline, f"JupyterLab did not answer within 60 s:\n{server.output()}"
            time.sleep(0.2)
        yield {"url": f"http://127.0.0.1:{port}/?token={token}", "workspace": workspace, "server": server}
    finally:
        server.stop()
        left = owned_processes(Path(server.owner)) + owned_processes(workspace)
        stop_owned(workspace)
        shutil.rmtree(workspace, ignore_errors=True)
        notebooks_after = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in (WELCOME, LESSON)}
        assert notebooks_after == notebooks_before, "the browser saved a notebook into the repository"
        assert not left, f"left running: {[p.cmdline() for p in left]}"


@pytest.fixture(scope="module")
def page(lab: dict) -> Iterator[Page]:
    """A Chromium page on JupyterLab, opened at the URL `./run.sh lab` gives."""
    executable = chromium()
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        flags = [*CHROMIUM_FLAGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]  # root has no sandbox
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(20_000)
            page.goto(lab["url"])
            yield page
        finally:
            browser.close()


@contextmanager
def step(page: Page, name: str) -> Iterator[None]:
    """One check; a screenshot of the page when it ends, passed or failed."""
    try:
        yield
    finally:
        page.screenshot(path=SCREENSHOTS / f"{name}.png")


def code_cells(notebook: Path) -> int:
    """How many code cells the notebook has."""
    return sum(cell["cell_type"] == "code" for cell in json.loads(notebook.read_text())["cells"])


def open_in_file_browser(page: Page, *names: str) -> None:
    """From the root of the file browser, double-click each name in turn, as a learner does."""
    page.locator(".jp-BreadCrumbs-home").click()
    expect(page.locator(".jp-DirListing-content").get_by_text("notebooks", exact=True)).to_be_visible()
    for name in names:
        page.locator(".jp-DirListing-content").get_by_text(name, exact=True).dblclick()
        if name != names[-1]:
            expect(page.locator(".jp-BreadCrumbs")).to_contain_text(name)


def test_a_learner_reaches_every_folder_runs_a_lesson_opens_env_and_uses_a_terminal(lab: dict, page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/lab/tree/notebooks/00_welcome\.ipynb"))  # opens on lesson 00
    expect(page.get_by_role("tab", name="00_welcome.ipynb")).to_be_visible()
    expect(page.get_by_text("Jupyter news", exact=False)).to_have_count(0)  # no pop-up asks about news

    with step(page, "1-the-repository-root"):
        page.locator(".jp-BreadCrumbs-home").click()
        for folder in ("notebooks", "exercises", "solutions", "sample_project"):
            expect(page.locator(".jp-DirListing-content").get_by_text(folder, exact=True)).to_be_visible()

    with step(page, "2-lesson-00-run-all"):
        notebook = page.locator(".jp-NotebookPanel:visible")
        expect(page.locator(".jp-StatusBar-Item", has_text="Idle")).to_contain_text("Python 3", timeout=30_000)
        page.get_by_role("menuitem", name="Edit", exact=True).click()  # the stored outputs out of the way
        page.get_by_role("menuitem", name=re.compile("^Clear Outputs of All Cells")).click()
        prompts = notebook.locator(".jp-CodeCell .jp-InputPrompt")
        expect(prompts.filter(has_text=re.compile(r"\d"))).to_have_count(0)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile("^Run All Cells")).click()
        expect(prompts.filter(has_text=re.compile(r"^\s*\[\d+\]:\s*$"))).to_have_count(code_cells(WELCOME))
        errors = notebook.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        assert errors.count() == 0, f"error output: {errors.all_inner_texts()}"
        expect(notebook.locator(".jp-OutputArea-output").last).to_contain_text("All set: on to lesson 01.")

    with step(page, "3-the-working-copy-and-its-env"):
        open_in_file_browser(page, "notebooks", LESSON.name)
        expect(page.locator(".jp-StatusBar-Item", has_text="Idle")).to_contain_text("Python 3", timeout=30_000)
        first = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").first
        first.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")  # run the lesson's first cell, as a learner does
        working_copy = f"workspace/{lab['workspace'].name}/lesson-04/"  # the stored output says workspace/lesson-04/
        expect(first.locator(".jp-OutputArea-output")).to_contain_text(f"Working copy: {working_copy}")
        open_in_file_browser(page, *working_copy.strip("/").split("/"))
        for name in (".env", ".env.example", "Procfile", "manage.py"):
            expect(page.locator(".jp-DirListing-content").get_by_text(name, exact=True)).to_be_visible()
        page.locator(".jp-DirListing-content").get_by_text(".env", exact=True).dblclick()
        expect(page.get_by_role("tab", name=".env", exact=True)).to_be_visible()
        editor = page.locator(".jp-FileEditor:visible .cm-content")
        expect(editor).to_contain_text("SECRET_KEY='django-insecure-dev-only")
        expect(editor).to_contain_text("PYTHONUNBUFFERED=1")

    with step(page, "4-a-terminal-from-the-launcher"):
        page.locator(".jp-BreadCrumbs-home").click()  # the launcher opens its terminal in the folder shown
        page.get_by_role("menuitem", name="File", exact=True).click()
        page.get_by_role("menuitem", name=re.compile("^New Launcher")).click()
        page.locator(".jp-Launcher:visible .jp-LauncherCard", has_text="Terminal").click()
        terminal = page.locator(".jp-Terminal:visible")
        expect(terminal.locator(".xterm-accessibility-tree")).to_contain_text(re.compile(r"\S"), timeout=20_000)  # a prompt
        terminal.locator(".xterm-helper-textarea").type(
            "pwd; command -v python honcho django-admin uv; echo $UV_CONFIG_FILE; honcho --version\n"
        )
        venv = ROOT / ".venv" / "bin"
        rows = terminal.locator(".xterm-accessibility-tree")
        expect(rows).to_contain_text("honcho 2.0.0", timeout=20_000)
        shown = [line.strip() for line in rows.inner_text().splitlines()]
        uv_settings = str(ROOT / "jupyter-config" / "uv.toml")  # lesson 05: uv installs from .venv/wheels/ alone
        for line in (str(ROOT), str(venv / "python"), str(venv / "honcho"), str(venv / "django-admin"),
                     str(venv / "uv"), uv_settings, "honcho 2.0.0"):
            assert line in shown, f"the terminal did not print {line!r}; it shows:\n" + "\n".join(shown)


class DollarsTypesetAsMaths(AssertionError):
    """Text between two `$` in an output was typeset by MathJax instead of shown as it is."""


def test_the_scoreboard_shows_PORT_literally(lab: dict, page: Page) -> None:
    with step(page, "5-the-scoreboard"):
        page.get_by_role("tab", name=LESSON.name).click()
        scoreboard = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output", has_text="Port binding").last
        row = scoreboard.locator("tr", has_text="Port binding")
        row.locator("summary").click()  # open the row's evidence, as a learner would
        row.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)  # MathJax typesets an output shortly after it is shown
        row.evaluate("element => element.scrollIntoView({block: 'center'})")  # for the screenshot
        maths = row.locator("mjx-container").count()
        if maths or "runserver 127.0.0.1:$PORT --noreload" not in row.inner_text():
            raise DollarsTypesetAsMaths(f"{maths} formula(s) in the scoreboard: {row.inner_text()[:300]!r}")
