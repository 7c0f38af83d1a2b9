"""Lesson 00's environment check names what is missing and how to fix it."""

from __future__ import annotations

from workshop import environment


def test_all_is_well_here(capsys):
    environment.check_environment()
    assert capsys.readouterr().out.endswith("All set: on to lesson 01.\n")


def test_a_missing_package_or_wrong_version_is_named_with_the_fix(monkeypatch, capsys):
    pins = {**environment.pinned_versions(), "no-such-package": "1.0", "django": "0.1"}
    monkeypatch.setattr(environment, "pinned_versions", lambda: pins)
    monkeypatch.setattr(environment, "PACKAGES", [*environment.PACKAGES, "no-such-package"])
    environment.check_environment()
    out = capsys.readouterr().out
    assert "✘ no-such-package 1.0" in out and "missing  -> from the workshop's folder, run: ./run.sh lab" in out
    assert "✘ Django 0.1" in out and "found 5.2." in out
    assert out.endswith("2 problem(s): fix them, then restart the kernel and run this cell again.\n")


def test_app_variables_in_jupyterlabs_environment_are_named(monkeypatch, capsys):
    """A variable the app reads, set where JupyterLab started, would change what a terminal shows."""
    monkeypatch.setenv("DATABASE_URL", "postgres://elsewhere/db")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    environment.check_environment()
    out = capsys.readouterr().out
    assert "✘ no app variable set in this environment  found DATABASE_URL, DEBUG  -> the notebooks ignore them" in out
