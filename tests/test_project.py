"""Changes to a working copy are shown as diffs, and secret values never reach the output."""

from __future__ import annotations

import pytest

from workshop.project import Project, hide_secrets


def test_hide_secrets_keeps_names_and_hides_values():
    text = 'SECRET_KEY = "django-insecure-abc"\n"PASSWORD": \'hunter2\',\nDEBUG = True\nPAYMENT_API_KEY="pay_live_1"'
    assert hide_secrets(text) == (
        'SECRET_KEY = "<hidden: 19 characters>"\n'
        '"PASSWORD": \'<hidden: 7 characters>\',\n'
        "DEBUG = True\n"
        'PAYMENT_API_KEY="<hidden: 10 characters>"'
    )


def test_hide_secrets_hides_passwords_in_urls():
    assert hide_secrets("DATABASE_URL=postgres://shop:s3cr3t@127.0.0.1:5432/shop") == (
        "DATABASE_URL=postgres://shop:<hidden: 6 characters>@127.0.0.1:5432/shop"
    )
    assert hide_secrets("see https://docs.djangoproject.com/en/5.2/") == "see https://docs.djangoproject.com/en/5.2/"
    assert hide_secrets("like postgres://user:password@host/name") == "like postgres://user:password@host/name"


def test_hide_secrets_leaves_code_that_reads_the_environment_alone():
    line = 'SECRET_KEY = os.environ["SECRET_KEY"]'
    assert hide_secrets(line) == line


@pytest.fixture
def project(tmp_path):
    (tmp_path / "settings.py").write_text('DEBUG = True\nSECRET_KEY = "abcdef"\n')
    return Project(tmp_path)


def test_replace_changes_the_file_and_shows_a_diff_without_the_secret(project, capsys):
    project.replace("settings.py", 'SECRET_KEY = "abcdef"', 'SECRET_KEY = os.environ["SECRET_KEY"]')
    assert project.read("settings.py") == 'DEBUG = True\nSECRET_KEY = os.environ["SECRET_KEY"]\n'
    shown = capsys.readouterr().out
    assert '-SECRET_KEY = "<hidden: 6 characters>"' in shown
    assert '+SECRET_KEY = os.environ["SECRET_KEY"]' in shown
    assert "abcdef" not in shown


def test_replace_twice_says_it_is_already_done(project, capsys):
    project.replace("settings.py", "DEBUG = True", "DEBUG = False")
    project.replace("settings.py", "DEBUG = True", "DEBUG = False")
    assert capsys.readouterr().out.endswith("settings.py: already changed, nothing to do\n")


def test_replace_explains_when_the_file_was_edited_by_hand(project):
    with pytest.raises(ValueError, match="re-run the lesson's first cell"):
        project.replace("settings.py", "DEBUG = 1", "DEBUG = 0")


def test_write_and_delete(project, capsys):
    project.write("new/app.py", "x = 1\n")
    assert project.read("new/app.py") == "x = 1\n"
    project.delete("new")
    assert not project.file("new").exists()
    assert "deleted new" in capsys.readouterr().out


def test_show_numbers_lines_and_hides_secrets(project, capsys):
    project.show("settings.py", 2, 2)
    assert capsys.readouterr().out.splitlines()[1] == '   2 SECRET_KEY = "<hidden: 6 characters>"'
