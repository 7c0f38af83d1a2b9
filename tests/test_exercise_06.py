"""Exercise 06's check, on real working copies: every right answer gets "Well done!", each wrong one its own hint.

The learner deletes RECENT_ORDERS from store/views.py, has order_done() read the order from the database, and
deletes what the tests did with the dict. The check reads the shop's modules, runs its tests, and orders a coffee
from the shop under gunicorn with two workers. Each answer below starts from the exercise's working copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workshop.checkpoints import state_before
from workshop.exercises import check_06
from workshop.project import Project

FINISHED = "to fix. Change your files, then run this cell again."

DICT = """# Orders placed since the server started, by id, so the thank-you page
# doesn't have to go back to the database.
RECENT_ORDERS = {}


"""
WRITE = "    RECENT_ORDERS[order.pk] = order\n"
READ = """    order = RECENT_ORDERS.get(order_id)
    if order is None:
        order = get_object_or_404(Order.objects.select_related("product"), pk=order_id)
"""
FROM_THE_DATABASE = '    order = get_object_or_404(Order.objects.select_related("product"), pk=order_id)\n'
CLEAR = """        # Order ids start again in each test, so forget the previous test's orders.
        views.RECENT_ORDERS.clear()
"""


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exercise as a learner finds it. Made once."""
    project = state_before("06", "exercise", tmp_path_factory.mktemp("exercise-06") / "started")
    assert "RECENT_ORDERS = {}" in project.read("store/views.py")
    return project.path


@pytest.fixture
def learner(started: Path, tmp_path: Path) -> Project:
    """A copy of the started exercise, for one learner's answer."""
    return Project(Path(shutil.copytree(started, tmp_path / "copy", symlinks=True)))


def edit(project: Project, name: str, old: str, new: str) -> None:
    """Replace old (present once) with new in a file, as a learner would in the editor."""
    text = project.read(name)
    assert text.count(old) == 1, f"{old!r} in {name}"
    project.file(name).write_text(text.replace(old, new))


def answer(project: Project, views: bool = True, tests: bool = True) -> None:
    """The solution's answer: the views without the dict, the tests without clearing it."""
    if views:
        edit(project, "store/views.py", DICT, "")
        edit(project, "store/views.py", WRITE, "")
        edit(project, "store/views.py", READ, FROM_THE_DATABASE)
    if tests:
        edit(project, "store/tests.py", CLEAR, "")


def hints(project: Project, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines check_06 printed after naming the working copy."""
    check_06(project)
    return capsys.readouterr().out.splitlines()[1:]


def said(lines: list[str]) -> str:
    """The hints as one text, their line breaks undone."""
    return " ".join(line.strip() for line in lines)


# Right answers ----------------------------------------------------------------------------------


def test_the_solutions_answer_is_well_done(learner, capsys):
    answer(learner)
    out = hints(learner, capsys)
    assert "Well done!" in said(out), out


def test_a_right_answer_written_otherwise_is_well_done(learner, capsys):
    """No select_related, the order found with filter().first() and a 404 by hand, the tests' import of views
    removed too."""
    answer(learner, views=False)
    edit(learner, "store/views.py", DICT, "")
    edit(learner, "store/views.py", WRITE, "")
    edit(
        learner,
        "store/views.py",
        READ,
        "    order = Order.objects.filter(pk=order_id).first()\n"
        "    if order is None:\n"
        '        raise Http404("No such order")\n',
    )
    edit(
        learner,
        "store/views.py",
        "from django import forms\n",
        "from django import forms\nfrom django.http import Http404\n",
    )
    edit(learner, "store/tests.py", "from . import views\n", "")
    out = hints(learner, capsys)
    assert "Well done!" in said(out), out


# Wrong answers ----------------------------------------------------------------------------------


def test_nothing_done_names_each_use_of_the_dict(learner, capsys):
    out = said(hints(learner, capsys))
    assert "RECENT_ORDERS is still defined in store/views.py (line 18)" in out
    assert "place_order() still puts each order in RECENT_ORDERS" in out
    assert "order_done() still reads RECENT_ORDERS" in out
    assert "store/tests.py still uses RECENT_ORDERS" in out
    assert out.endswith(f"4 things {FINISHED}")


def test_the_dict_kept_but_no_longer_used_is_still_there(learner, capsys):
    answer(learner)
    edit(
        learner,
        "store/views.py",
        'logger = logging.getLogger("store")\n',
        'logger = logging.getLogger("store")\nRECENT_ORDERS = {}\n',
    )
    out = said(hints(learner, capsys))
    assert "RECENT_ORDERS is still defined in store/views.py" in out
    assert f"1 thing {FINISHED}" in out


def test_the_dict_deleted_but_still_read_by_the_thank_you_page(learner, capsys):
    answer(learner)
    edit(learner, "store/views.py", FROM_THE_DATABASE, READ)
    out = said(hints(learner, capsys))
    assert "order_done() still reads RECENT_ORDERS (line" in out
    assert "still defined" not in out


def test_the_dict_renamed_is_the_same_state(learner, capsys):
    answer(learner)
    edit(
        learner,
        "store/views.py",
        'logger = logging.getLogger("store")\n',
        'logger = logging.getLogger("store")\n_orders = dict()\n',
    )
    edit(learner, "store/views.py", "    return redirect(", "    _orders[order.pk] = order\n    return redirect(")
    out = said(hints(learner, capsys))
    assert "_orders, in store/views.py (line" in out
    assert "is kept in the process's memory and changed by place_order()" in out


def test_orders_in_a_list_at_module_level(learner, capsys):
    answer(learner)
    edit(
        learner,
        "store/views.py",
        'logger = logging.getLogger("store")\n',
        'logger = logging.getLogger("store")\nPLACED = []\n',
    )
    edit(learner, "store/views.py", "    return redirect(", "    PLACED.append(order)\n    return redirect(")
    assert "PLACED, in store/views.py" in said(hints(learner, capsys))


def test_orders_in_a_memoized_function(learner, capsys):
    answer(learner)
    edit(
        learner,
        "store/views.py",
        "def order_done(request, order_id):\n",
        "@functools.lru_cache\ndef find_order(order_id):\n"
        '    return get_object_or_404(Order.objects.select_related("product"), pk=order_id)\n\n\n'
        "def order_done(request, order_id):\n",
    )
    edit(learner, "store/views.py", "import logging\n", "import functools\nimport logging\n")
    edit(learner, "store/views.py", FROM_THE_DATABASE, "    order = find_order(order_id)\n")
    assert "find_order(), in store/views.py (line" in said(hints(learner, capsys))


def test_orders_in_the_cache_of_each_process(learner, capsys):
    answer(learner)
    edit(learner, "store/views.py", "import logging\n", "import logging\n\nfrom django.core.cache import cache\n")
    edit(
        learner,
        "store/views.py",
        "    return redirect(",
        "    cache.set(f'order-{order.pk}', order)\n    return redirect(",
    )
    out = said(hints(learner, capsys))
    assert "store/views.py keeps something in Django's cache (line" in out
    assert "each process's memory (CACHE_URL=locmemcache:// in .env)" in out


def test_the_tests_still_clear_the_dict(learner, capsys):
    answer(learner, tests=False)
    out = said(hints(learner, capsys))
    assert "store/tests.py still uses RECENT_ORDERS (line" in out
    assert f"1 thing {FINISHED}" in out


def test_a_thank_you_page_that_no_longer_finds_unknown_orders_fails_the_tests(learner, capsys):
    """Order.objects.get() answers 500 for an unknown order, where the shop answered 404: its tests say so."""
    answer(learner)
    edit(learner, "store/views.py", FROM_THE_DATABASE, "    order = Order.objects.get(pk=order_id)\n")
    out = said(hints(learner, capsys))
    assert "The shop's tests fail:" in out


def test_state_the_files_do_not_show_is_caught_with_two_workers(learner, capsys):
    """Orders kept on an attribute of a function, which the tests clear: no module-level container to read, but
    the worker that placed the order shows it as it was."""
    answer(learner, tests=False)
    edit(learner, "store/tests.py", "views.RECENT_ORDERS.clear()", "views.order_done.seen.clear()")
    edit(
        learner, "store/views.py", "    return redirect(", "    order_done.seen[order.pk] = order\n    return redirect("
    )
    edit(
        learner,
        "store/views.py",
        FROM_THE_DATABASE,
        "    order = order_done.seen.get(order_id) or get_object_or_404(Order, pk=order_id)\n",
    )
    learner.file("store/views.py").write_text(learner.read("store/views.py") + "\n\norder_done.seen = {}\n")
    out = said(hints(learner, capsys))
    assert "yet" in out and "thank-you pages still said the payment had failed" in out, out


def test_a_views_module_that_does_not_parse(learner, capsys):
    answer(learner)
    edit(learner, "store/views.py", "def order_done(request, order_id):\n", "def order_done(request, order_id)\n")
    assert "store/views.py does not parse, line" in said(hints(learner, capsys))


def test_order_done_deleted(learner, capsys):
    answer(learner)
    text = learner.read("store/views.py")
    learner.file("store/views.py").write_text(text[: text.index("def order_done")])
    assert "store/views.py has no function order_done() any more" in said(hints(learner, capsys))
