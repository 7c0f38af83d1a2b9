"""Checkpoints replay the notebooks' change cells on a copy of sample_project/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workshop import checkpoints
from workshop.checkpoints import SAMPLE, checkpoint, source_files, start
from workshop.errors import WorkshopError

ROOT = Path(__file__).resolve().parents[1]


def notebook(path: Path, *cells: tuple[str, list[str]]) -> None:
    """Write a minimal notebook whose code cells have the given sources and tags."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "cells": [
            {"cell_type": "code", "source": source, "metadata": {"tags": tags}, "outputs": [], "execution_count": 1}
            for source, tags in cells
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }))


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A tiny course: a sample project, lessons 01-02 and a solution to 01."""
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "settings.py").write_text("DEBUG = True\n")
    (sample / "db.sqlite3").write_text("generated")
    folders = {kind: tmp_path / kind for kind in ("lesson", "solution", "exercise")}
    notebook(folders["lesson"] / "01_first.ipynb",
             ('project.replace("settings.py", "True", "False")', ["change"]),
             ('project.write("ignored.txt", "not a change cell")', []))
    notebook(folders["solution"] / "01_first.ipynb", ('project.write("extra.py", "X = 1\\n")', ["change"]))
    notebook(folders["lesson"] / "02_second.ipynb", ('project.delete("extra.py")', ["change"]))
    notebook(folders["exercise"] / "01_first.ipynb", ('project.write("answer.py", "X = 2\\n")', []))
    monkeypatch.setattr(checkpoints, "SAMPLE", sample)
    monkeypatch.setattr(checkpoints, "FOLDERS", folders)
    monkeypatch.setenv("WORKSHOP_WORKSPACE", str(tmp_path / "workspace"))
    return tmp_path


def test_each_checkpoint_replays_the_change_cells_before_it(course):
    assert source_files(checkpoint("01", course / "a")) == {"settings.py": b"DEBUG = True\n"}
    assert source_files(checkpoint("02", course / "b")) == {"settings.py": b"DEBUG = False\n", "extra.py": b"X = 1\n"}
    assert source_files(checkpoint("final", course / "c")) == {"settings.py": b"DEBUG = False\n"}


def test_an_exercise_starts_where_its_solution_starts(course, capsys):
    exercise = start("exercise 01")
    assert source_files(exercise.path) == {"settings.py": b"DEBUG = False\n"}
    assert exercise.path == course / "workspace" / "exercise-01"
    assert "Re-run this cell to start again" in capsys.readouterr().out


def test_start_resets_whatever_the_learner_did(course):
    project = start("lesson 02")
    project.file("settings.py").write_text("broken")
    (project.path / "notes.txt").write_text("mine")
    assert source_files(start("lesson 02").path) == {"settings.py": b"DEBUG = False\n", "extra.py": b"X = 1\n"}


def git(folder: Path, command: str) -> str:
    """Run a git command line in folder, as a learner would in a terminal; return its output."""
    return subprocess.run(f"git {command}", shell=True, cwd=folder, capture_output=True, text=True, check=True).stdout


def test_a_working_copy_is_a_git_repository_holding_its_start(course):
    project = start("lesson 02")
    assert git(project.path, "log --format=%s") == "The project at the start of lesson 02\n"
    assert git(project.path, "status --porcelain") == ""
    project.replace("settings.py", "False", "None")
    assert "-DEBUG = False\n+DEBUG = None" in git(project.path, "diff")


def test_the_start_commit_is_the_same_everywhere(course):
    first = git(start("lesson 02").path, "rev-parse HEAD")
    assert git(checkpoint("02", course / "elsewhere"), "rev-parse HEAD") == first


def test_changes_survive_a_restart_and_come_back_with_the_printed_command(course, capsys):
    project = start("lesson 02")
    project.file("settings.py").write_text("DEBUG = 'my answer'\n")   # a hand edit
    project.file("notes.txt").write_text("mine\n")                    # a new file
    project.file("extra.py").unlink()                                  # a deleted file
    capsys.readouterr()
    start("lesson 02")
    printed = capsys.readouterr().out
    assert source_files(project.path) == {"settings.py": b"DEBUG = False\n", "extra.py": b"X = 1\n"}
    command = next(line.strip() for line in printed.splitlines() if line.strip().startswith("git -C"))
    subprocess.run(command, shell=True, check=True, cwd=course)
    assert source_files(project.path) == {"settings.py": b"DEBUG = 'my answer'\n", "notes.txt": b"mine\n"}


def test_a_clean_working_copy_leaves_no_backup(course, capsys):
    project = start("lesson 02")
    start("lesson 02")
    assert "kept" not in capsys.readouterr().out
    assert git(project.path, "branch --list 'saved/*'") == ""


def test_restarting_again_and_again_keeps_one_copy_of_the_same_changes(course, capsys):
    project = start("lesson 02")
    for _ in range(3):
        project.file("notes.txt").write_text("mine\n")
        start("lesson 02")
    start("lesson 02")
    assert len(git(project.path, "branch --list 'saved/*'").splitlines()) == 1


def test_a_working_copy_from_before_git_is_kept_too(course, capsys):
    old = course / "workspace" / "lesson-02"
    old.mkdir(parents=True)
    (old / "settings.py").write_text("typed before the workshop used git\n")
    start("lesson 02")
    printed = capsys.readouterr().out
    assert "Your changes are kept" in printed
    command = next(line.strip() for line in printed.splitlines() if line.strip().startswith(("git -C", "cp -R")))
    subprocess.run(command, shell=True, check=True, cwd=course)
    assert (old / "settings.py").read_text() == "typed before the workshop used git\n"


@pytest.mark.parametrize("name", ["lesson 99", "lesson 00", "exercise 02", "solution 03"])
def test_a_notebook_that_does_not_exist_is_refused_with_those_that_do(course, name):
    with pytest.raises(WorkshopError, match=rf"There is no {name}. There are lessons 01 and 02, solutions 01, exercises 01\."):
        start(name)
    assert not (course / "workspace" / name.replace(" ", "-")).exists()


def test_bad_names_are_explained(course):
    with pytest.raises(WorkshopError, match='like "lesson 02"'):
        start("lesson2")
    with pytest.raises(ValueError, match="two-digit lesson number"):
        checkpoint("2", course / "x")
    with pytest.raises(ValueError, match="There is no lesson 07"):
        checkpoint("07", course / "x")


def test_the_lesson_after_the_last_starts_from_the_final_state(course):
    assert source_files(checkpoint("03", course / "a")) == source_files(checkpoint("final", course / "b"))


def test_generated_files_are_not_copied(course):
    assert not (checkpoint("01", course / "a") / "db.sqlite3").exists()


def test_collected_static_files_are_generated_not_source(tmp_path):
    """collectstatic's folder (lesson 06) is made by each build: neither copied nor compared."""
    (tmp_path / "staticfiles" / "admin").mkdir(parents=True)
    (tmp_path / "staticfiles" / "admin" / "base.css").write_text("body {}")
    (tmp_path / "settings.py").write_text("STATIC_ROOT = 'staticfiles'\n")
    assert list(source_files(tmp_path)) == ["settings.py"]


def test_cli_checkpoint_01_is_the_traditional_app_committed(tmp_path):
    """(That the traditional app runs, with its own tests passing, is lesson 01's to show.)"""
    dest = tmp_path / "x"
    subprocess.run([sys.executable, "-m", "workshop", "checkpoint", "01", str(dest)], cwd=ROOT, check=True)
    assert source_files(dest) == source_files(SAMPLE)
    assert git(dest, "status --porcelain") == "" and git(dest, "log --format=%s") == "The project at the start of lesson 01\n"


def test_cli_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    done = subprocess.run([sys.executable, "-m", "workshop", "checkpoint", "01", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "is not empty" in done.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_lesson_its_cells_completed_is_started_again_without_a_copy(course, capsys):
    """What the notebook's own cells made, they make again: only the learner's own work needs keeping."""
    project = start("lesson 01")
    project.replace("settings.py", "True", "False")  # the lesson's one change cell
    start("lesson 01")
    assert "kept" not in capsys.readouterr().out
    assert git(project.path, "branch --list 'saved/*'") == ""


def test_where_the_workshop_is_shared_read_only_each_user_works_in_their_home(tmp_path, monkeypatch):
    shared = tmp_path / "shared-workshop"
    shared.mkdir()
    monkeypatch.delenv("WORKSHOP_WORKSPACE", raising=False)
    monkeypatch.setattr(checkpoints, "ROOT", shared)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert checkpoints.workspace() == shared / "workspace"
    monkeypatch.setattr(checkpoints.os, "access", lambda path, mode: Path(path) != shared)
    assert checkpoints.workspace() == tmp_path / "home" / "twelve-factor-workspace"
