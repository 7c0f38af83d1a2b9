"""Changes to a working copy are shown as diffs, and secret values never reach the output."""

from __future__ import annotations

import shutil

import pytest

from workshop.checkpoints import commit_start, make_repository
from workshop.errors import WorkshopError
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
    return Project(tmp_path / ".")


def test_replace_changes_the_file_and_shows_a_diff_without_the_secret(project, capsys):
    project.replace("settings.py", 'SECRET_KEY = "abcdef"', 'SECRET_KEY = os.environ["SECRET_KEY"]')
    assert project.read("settings.py") == 'DEBUG = True\nSECRET_KEY = os.environ["SECRET_KEY"]\n'
    shown = capsys.readouterr().out
    assert '-SECRET_KEY = "<hidden: 6 characters>"' in shown
    assert '+SECRET_KEY = os.environ["SECRET_KEY"]' in shown
    assert "abcdef" not in shown


# A change cell meets three states: still to make, made already (by hand or by the cell), neither.

def test_replace_makes_a_change_once_and_then_says_it_is_done(project, capsys):
    project.replace("settings.py", "DEBUG = True", "DEBUG = False")
    project.replace("settings.py", "DEBUG = True", "DEBUG = False")
    assert project.read("settings.py").startswith("DEBUG = False\n")
    assert capsys.readouterr().out.endswith("settings.py: already changed, nothing to do\n")


def test_replace_recognises_the_same_change_made_by_hand(project, capsys):
    project.file("settings.py").write_text('DEBUG = False\nSECRET_KEY = "abcdef"\n')
    project.replace("settings.py", "DEBUG = True", "DEBUG = False")
    assert capsys.readouterr().out == "settings.py: already changed, nothing to do\n"


def test_replace_in_neither_state_stops_with_the_nearest_line_and_changes_nothing(project):
    project.file("settings.py").write_text('DEBUG = "maybe"\nSECRET_KEY = "abcdef"\n')
    with pytest.raises(WorkshopError, match="holds neither .* The nearest is line 1: 'DEBUG = \"maybe\"'"):
        project.replace("settings.py", "DEBUG = True", "DEBUG = False")
    assert project.read("settings.py") == 'DEBUG = "maybe"\nSECRET_KEY = "abcdef"\n'


def test_a_typo_in_old_is_not_taken_for_a_change_made(project):
    project.file(".env.example").write_text("DEBUG=false\nEMAIL_HOST_PASSWORD=\nPORT_NOTE=1\n")
    with pytest.raises(WorkshopError, match="nearest is line 2: 'EMAIL_HOST_PASSWORD='"):
        project.replace(".env.example", "EMAIL_HOST_PASWORD=\n", "")
    with pytest.raises(WorkshopError, match="nearest is line 1"):
        project.replace(".env.example", "DEBUG=fasle\n", "DEBUG=true\n")
    assert project.read(".env.example") == "DEBUG=false\nEMAIL_HOST_PASSWORD=\nPORT_NOTE=1\n"


def test_a_change_that_resembles_another_line_is_still_recognised_as_done(project, capsys):
    project.file("deploy.sh").write_text("manage.py migrate --settings=shop.settings.production\n"
                                         "manage.py collectstatic --noinput --settings=shop.settings.production\n")
    for _ in range(2):
        project.replace("deploy.sh", "migrate --settings=shop.settings.production", "migrate")
    assert capsys.readouterr().out.endswith("deploy.sh: already changed, nothing to do\n")


def test_a_change_that_keeps_the_old_text_is_made_only_once(project):
    for _ in range(2):
        project.replace("settings.py", "DEBUG = True\n", "DEBUG = True\nTIME_ZONE = 'UTC'\n")
    assert project.read("settings.py").count("TIME_ZONE") == 1


def test_replace_line_hides_the_rest_of_the_line_and_is_done_once(project, capsys):
    for _ in range(2):
        project.replace_line("settings.py", 'SECRET_KEY = "', 'SECRET_KEY = os.environ["SECRET_KEY"]')
    shown = capsys.readouterr().out
    assert "abcdef" not in shown and shown.endswith("already changed, nothing to do\n")
    with pytest.raises(WorkshopError, match="no line starting with 'DEBUG = 1'"):
        project.replace_line("settings.py", "DEBUG = 1", "DEBUG = 0")


def test_append_adds_once_and_stops_on_a_half_typed_version(project, capsys):
    function = "\n\ndef cache(name):\n    return name\n"
    project.append("settings.py", function)
    project.append("settings.py", function)
    assert project.read("settings.py").count("def cache") == 1
    assert capsys.readouterr().out.endswith("settings.py: already added, nothing to do\n")
    project.file("other.py").write_text("def cache(name):\n    return None\n")
    with pytest.raises(WorkshopError, match="holds 'def cache\\(name\\):', but not as this step adds it"):
        project.append("other.py", function)


def test_write_creates_a_new_file_and_shows_it_as_a_file(project, capsys):
    project.write("new/app.py", "x = 1\nTOKEN = 'abc'\n")
    assert project.read("new/app.py") == "x = 1\nTOKEN = 'abc'\n"
    assert capsys.readouterr().out == "\x1b[32mnew file new/app.py:\x1b[0m\n   1 x = 1\n   2 TOKEN = '<hidden: 3 characters>'\n"


def test_write_never_overwrites_the_learners_own_version(project, capsys):
    project.write("notes.md", "the lesson's\n")
    project.write("notes.md", "the lesson's\n")
    assert capsys.readouterr().out.endswith("notes.md: already written as this step has it, nothing to do\n")
    project.file("notes.md").write_text("mine\n")
    with pytest.raises(WorkshopError, match="line 1 is 'mine' in yours, \"the lesson's\" in the step's"):
        project.write("notes.md", "the lesson's\n")
    assert project.read("notes.md") == "mine\n"


def test_move_three_states(project, capsys):
    project.move("settings.py", "shop/settings.py")
    project.move("settings.py", "shop/settings.py")
    assert capsys.readouterr().out == "$ mv settings.py shop/settings.py\nshop/settings.py: already moved from settings.py, nothing to do\n"
    project.file("settings.py").write_text("again")
    with pytest.raises(WorkshopError, match="both exist"):
        project.move("settings.py", "shop/settings.py")


def test_delete_three_states(project, capsys):
    project.write("new/app.py", "x = 1\n")
    project.delete("new")
    project.delete("new")
    assert not project.file("new").exists()
    out = capsys.readouterr().out
    assert "$ rm -r new\n" in out and out.endswith("new: already deleted, nothing to do\n")
    with pytest.raises(WorkshopError, match="did you mean settings.py"):
        project.delete("setings.py")


def test_a_folder_deleted_by_hand_is_deleted_even_beside_a_file_of_a_similar_name(project, capsys):
    # Lesson 02: `mv shop/settings/dev.py shop/settings.py; rm -r shop/settings` by hand, then the cell.
    project.file("shop/settings").mkdir(parents=True)
    project.file("shop/settings/dev.py").write_text("DEBUG = True\n")
    make_repository(project.path)
    commit_start(project.path, "the lesson's start")
    project.move("shop/settings/dev.py", "shop/settings.py")
    shutil.rmtree(project.file("shop/settings"))
    project.delete("shop/settings")
    assert capsys.readouterr().out.endswith("shop/settings: already deleted, nothing to do\n")
    with pytest.raises(WorkshopError, match="did you mean shop/settings.py"):
        project.delete("shop/setings")  # never there: a typo


# Nothing reaches outside the working copy.

@pytest.mark.parametrize("method", ["delete", "read", "write", "show", "append"])
@pytest.mark.parametrize("path", ["", "  ", ".", "..", "../outside", "/etc", "shop/../../outside"])
def test_no_helper_reaches_outside_the_working_copy_or_takes_it_whole(project, tmp_path, method, path):
    outside = tmp_path.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "keep.txt").write_text("keep")
    args = {"delete": (), "read": (), "show": (), "write": ("x",), "append": ("x",)}[method]
    with pytest.raises(WorkshopError, match="outside the working copy|is empty|the working copy itself"):
        getattr(project, method)(path, *args)
    assert (outside / "keep.txt").read_text() == "keep"
    assert project.read("settings.py")


def test_a_symlink_out_of_the_working_copy_is_refused(project, tmp_path):
    outside = tmp_path.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    (outside / "keep.txt").write_text("keep")
    project.file("link").symlink_to(outside)
    with pytest.raises(WorkshopError, match="link/keep.txt is outside the working copy"):
        project.delete("link/keep.txt")
    assert (outside / "keep.txt").exists()


def test_a_missing_file_is_named_relative_to_the_working_copy(project):
    with pytest.raises(WorkshopError, match=r"^shop/nothing.py does not exist in "):
        project.read("shop/nothing.py")


def test_errors_show_as_one_short_message_in_a_notebook_not_a_traceback(project):
    with pytest.raises(WorkshopError) as caught:
        project.read("shop/nothing.py")
    assert len(caught.value._render_traceback_()) == 1
    assert "shop/nothing.py does not exist" in caught.value._render_traceback_()[0]


def test_show_numbers_lines_and_hides_secrets(project, capsys):
    project.show("settings.py", 2, 2)
    assert capsys.readouterr().out.splitlines()[1] == '   2 SECRET_KEY = "<hidden: 6 characters>"'


def test_a_hint_never_shows_a_password_from_the_cell(project):
    project.file(".env").write_text("DATABASE_URL='sqlite:///db.sqlite3'\n")
    with pytest.raises(WorkshopError) as caught:
        project.replace(".env", "DATABASE_URL='postgres://shop:s3cr3t-pass@127.0.0.1:5432/shop'", "DATABASE_URL='x'")
    assert "s3cr3t-pass" not in str(caught.value) and "<hidden: 11 characters>" in str(caught.value)
