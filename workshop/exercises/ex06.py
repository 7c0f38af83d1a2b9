"""Exercise 06: the orders out of the web process's memory. RECENT_ORDERS is gone, and no other state kept in a
process takes its place: the thank-you page reads the order from the database, which two workers share."""

from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dotenv import dotenv_values

from workshop.audit.factors.vi_processes import changed_in_functions, module_state
from workshop.audit.source import dotted
from workshop.browser import Browser
from workshop.exercises.checks import last_line, report, text_of
from workshop.processes import die_with_parent, exact_env, free_port, port_open, stop_group
from workshop.project import Project

NAME = "RECENT_ORDERS"
#: The shop's Python files where a process could keep state (the tests and migrations are not served).
SERVED = ("store/views.py", "store/models.py", "store/payments.py", "store/recommendations.py", "store/urls.py")
#: Decorators that keep a function's results in the process's memory.
MEMORY_CACHES = {"lru_cache", "cache", "functools.lru_cache", "functools.cache", "cached_property"}
#: How many times the check opens the thank-you page, four at a time, so that both workers answer.
VISITS = 12
#: Nothing listens on the discard port: every payment fails at once, and the order is saved as payment failed.
NO_PAYMENTS = "http://127.0.0.1:9/v1"


def parsed(project: Project, name: str) -> tuple[ast.Module | None, str]:
    """The module's syntax tree, or None and a hint when it does not parse."""
    try:
        return ast.parse(text_of(project, name)), ""
    except SyntaxError as error:
        return None, f"{name} does not parse, line {error.lineno}: {error.msg}. Fix it, then run this cell again."


def function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    """The module-level function of that name."""
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def mentions(node: ast.AST, name: str) -> int | None:
    """The first line where node uses name, as a variable or an attribute."""
    for sub in ast.walk(node):
        if (isinstance(sub, ast.Name) and sub.id == name) or (isinstance(sub, ast.Attribute) and sub.attr == name):
            return sub.lineno
    return None


def recent_orders_hints(tree: ast.Module) -> list[str]:
    """Hints for RECENT_ORDERS still defined, written by place_order(), or read by order_done()."""
    hints = []
    defined = module_state(tree).get(NAME) or next(
        (
            n.lineno
            for n in tree.body
            if isinstance(n, (ast.Assign, ast.AnnAssign))
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(t, ast.Name) and t.id == NAME
        ),
        None,
    )
    if defined:
        hints.append(
            f"{NAME} is still defined in store/views.py (line {defined}): delete it, with the comment above it. "
            "The database holds every order already."
        )
    written = changed_in_functions(tree, {NAME: 0}).get(NAME)
    if written:
        hints.append(
            f"{written[0]}() still puts each order in {NAME} (line {written[1]}): delete that line. The order is "
            "saved in the database a few lines above."
        )
    done = function(tree, "order_done")
    read = mentions(done, NAME) if done else None
    if read:
        hints.append(
            f"order_done() still reads {NAME} (line {read}): read the order from the database alone, as its "
            "fallback does, with get_object_or_404()."
        )
    if done is None:
        hints.append("store/views.py has no function order_done() any more: the thank-you page's URL needs it.")
    return hints


def other_state_hints(project: Project, trees: dict[str, ast.Module]) -> list[str]:
    """Hints for any other state the served modules keep in the process: containers, memoizing decorators, caches."""
    hints = []
    local_cache = "locmemcache" in (dotenv_values(stream=io.StringIO(text_of(project, ".env"))).get("CACHE_URL") or "")
    for rel, tree in trees.items():
        for name, (func, line) in changed_in_functions(tree, module_state(tree)).items():
            if name != NAME:
                hints.append(
                    f"{name}, in {rel} (line {module_state(tree)[name]}), is kept in the process's memory and changed "
                    f"by {func}() (line {line}): {NAME} under another name. Each worker would have its own, and a "
                    "restart empties it. Read the order from the database."
                )
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in node.decorator_list:
                    called = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if dotted(called) in MEMORY_CACHES:
                        hints.append(
                            f"{node.name}(), in {rel} (line {decorator.lineno}), keeps its results in the process's "
                            f"memory (@{dotted(called)}): each worker has its own copy, which goes stale when the "
                            "order changes in the database. Read the order from the database each time."
                        )
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("set", "add", "set_many", "get_or_set")
                and re.fullmatch(r"(\w+\.)*caches?(\[.*\])?", ast.unparse(node.func.value))
            ):
                where = "each process's memory (CACHE_URL=locmemcache:// in .env)" if local_cache else "a cache"
                hints.append(
                    f"{rel} keeps something in Django's cache (line {node.lineno}), which is {where}. A cache may "
                    "forget, and goes stale when an order changes: the database holds every order already."
                )
    return hints


def tests_hint(project: Project) -> list[str]:
    """A hint when the shop's tests still clear RECENT_ORDERS."""
    line = next((n for n, text in enumerate(text_of(project, "store/tests.py").splitlines(), 1) if NAME in text), None)
    if line:
        return [
            f"store/tests.py still uses {NAME} (line {line}): with it gone from the views, delete that line, "
            "and the comment above it."
        ]
    return []


def run_env(project: Project, database: Path, **more: str) -> dict[str, str]:
    """The working copy's .env, with a database of the check's own and payments that fail at once."""
    env = {k: v for k, v in dotenv_values(project.path / ".env").items() if v is not None}
    return exact_env(
        str(project.path.resolve()),
        {**env, "DATABASE_URL": f"sqlite:///{database}", "PAYMENT_API_URL": NO_PAYMENTS, **more},
    )


def run(project: Project, args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the kernel's Python with args in the working copy."""
    return subprocess.run(
        [sys.executable, *args], cwd=project.path, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def two_workers_hints(project: Project) -> list[str]:
    """Place an order through gunicorn with two workers, mark it paid in the database, and open its thank-you page
    again and again: every page must show it paid."""
    folder = Path(tempfile.mkdtemp(prefix="check-06-"))
    database = folder / "check.sqlite3"
    port = free_port()
    try:
        env = run_env(project, database)
        done = run(project, ["manage.py", "migrate", "-v", "0"], env)
        if done.returncode != 0:
            return [f"The shop's migrations do not run: `{last_line(done.stdout + done.stderr)}`"]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shop.wsgi", "--no-control-socket"],
            cwd=project.path,
            env=run_env(project, database, PORT=str(port), WEB_CONCURRENCY="2", DEBUG="false"),
            stdout=(folder / "server.log").open("w"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509 (it only asks the kernel for a signal)
        )
        try:
            return visit(project, port, server, env, folder)
        finally:
            stop_group(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def visit(project: Project, port: int, server: subprocess.Popen, env: dict[str, str], folder: Path) -> list[str]:
    """The thank-you page's hints, from a real order placed on the running server."""
    for _ in range(200):
        if port_open(port) or server.poll() is not None:
            break
        time.sleep(0.05)
    if not port_open(port):
        return [f"The shop does not start under gunicorn: `{last_line((folder / 'server.log').read_text())}`"]
    browser = Browser(f"http://127.0.0.1:{port}")
    browser.get("/beans/colombia-huila/")
    status, page = browser.post("/beans/colombia-huila/order/", {"email": "ada@example.com", "quantity": "2"})
    number = re.search(r"Order (\d+):", page)
    if status != 200 or not number:
        return [
            f"Ordering a coffee does not lead to the thank-you page (HTTP {status}): "
            f"`{last_line((folder / 'server.log').read_text())}`"
        ]
    paid = f"from store.models import Order; Order.objects.filter(pk={number[1]}).update(status='paid')"
    done = run(project, ["manage.py", "shell", "-c", paid], env)
    if done.returncode != 0:
        return [f"The order cannot be marked paid: `{last_line(done.stdout + done.stderr)}`"]
    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda _: browser.get(f"/orders/{number[1]}/"), range(VISITS)))
    broken = [s for s, _ in pages if s != 200]
    if broken:
        return [f"The thank-you page answers HTTP {broken[0]} to {len(broken)} of {VISITS} visits, with two workers."]
    stale = sum("Thank you for your order!" not in p for _, p in pages)
    if stale:
        return [
            f"The order was paid in the database, yet {stale} of {VISITS} thank-you pages still said the payment had "
            "failed: some worker keeps orders in its memory. Read the order from the database each time."
        ]
    return []


def check_06(project: Project) -> None:
    """Exercise 06: is RECENT_ORDERS gone, with no other state in a process in its place, and does the thank-you page,
    read from the database, show an order as it is now, whichever of two workers answers?"""
    hints: list[str] = []
    trees: dict[str, ast.Module] = {}
    for rel in SERVED:
        if project.file(rel).is_file():
            tree, hint = parsed(project, rel)
            if tree is None:
                hints.append(hint)
            else:
                trees[rel] = tree
    if "store/views.py" in trees:
        hints += recent_orders_hints(trees["store/views.py"])
    hints += other_state_hints(project, trees) + tests_hint(project)
    if not hints:
        env = run_env(project, Path(tempfile.gettempdir()) / "unused.sqlite3")
        done = run(project, ["manage.py", "test", "-v", "0"], env, timeout=120)
        if done.returncode != 0:
            hints.append(f"The shop's tests fail: `{last_line(done.stdout + done.stderr)}`")
    if not hints:
        hints += two_workers_hints(project)
    report(
        project,
        hints,
        f"{NAME} is gone, and no other state is kept in a process: the thank-you page reads each order from\n"
        "  the database, and shows it as it is now, whichever of two workers answers. Well done!",
    )
