"""VI. Processes: stateless and share-nothing; whatever must last is kept in a backing service."""

from __future__ import annotations

import ast
import re

from workshop.audit.factors.common import code_unreadable, settings_unreadable
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, ok, problem
from workshop.audit.runner import Runner
from workshop.audit.source import constant, dotted, leaves, literal_text, statements

ROMAN, NAME = "VI", "Processes"

CONTAINERS = {
    "dict",
    "list",
    "set",
    "Counter",
    "defaultdict",
    "OrderedDict",
    "deque",
    "collections.Counter",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "appendleft",
    "__setitem__",
}
#: Installed apps that store uploaded files through Django's default storage.
UPLOAD_APPS = ("wagtail.images", "wagtail.documents", "filer", "easy_thumbnails", "photologue")
SHARED_STORAGE = re.compile(r"storages\.|s3|gcloud|google|azure|cloudinary|minio|dropbox|sftp", re.IGNORECASE)


def module_state(tree: ast.Module) -> dict[str, int]:
    """Mutable containers made at a module's top level: name -> line."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
                isinstance(value, ast.Call) and dotted(value.func) in CONTAINERS
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if mutable and isinstance(target, ast.Name):
                    found[target.id] = node.lineno
    return found


def changed_in_functions(tree: ast.Module, names: dict[str, int]) -> dict[str, tuple[str, int]]:
    """Which of names a function changes while serving: name -> (function, line).

    Functions that run at import time (decorators, calls at the top level) fill registries, not state: skipped.
    """
    at_import = {
        dotted(d.func if isinstance(d, ast.Call) else d)
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for d in n.decorator_list
    }
    at_import |= {
        dotted(n.func) for statement in statements(tree.body) for n in ast.walk(statement) if isinstance(n, ast.Call)
    }
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    functions += [
        m
        for c in tree.body
        if isinstance(c, ast.ClassDef)
        for m in c.body
        if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    found: dict[str, tuple[str, int]] = {}
    for func in functions:
        if func.name in at_import:
            continue
        declared_global = {n for g in ast.walk(func) if isinstance(g, ast.Global) for n in g.names}
        for node in ast.walk(func):
            name = None
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
                name = dotted(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
                name = dotted(node.func.value)
            elif isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                name = next((t.id for t in targets if isinstance(t, ast.Name) and t.id in declared_global), None)
            if name in names:
                found.setdefault(name, (func.name, getattr(node, "lineno", 0)))
    return found


def calls(facts: Facts, last: set[str], pattern: str) -> list[tuple[str, int]]:
    """(file, line) of every call in the project's code whose callee ends with one of last and, as written,
    matches pattern."""
    found = []
    for rel in facts.code_files:
        for node in ast.walk(facts.tree(rel) or ast.Module([], [])):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in last and re.fullmatch(pattern, ast.unparse(func)):
                found.append((rel, node.lineno))
    return found


def production_values(facts: Facts, name: str) -> list[str]:
    """The setting as production's modules write it, each assignment as written."""
    return [ast.unparse(s.value) for m in facts.production_settings for s in m.get(name)]


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """No state in a process's memory or on one machine's disk between requests."""
    del runner  # the files decide
    evidence = memory_state(facts) + local_state(facts)
    evidence += settings_unreadable(facts, ROMAN) + code_unreadable(facts, ROMAN)
    if not evidence:
        evidence.append(
            ok(
                "VI.stateless",
                f"no state kept in memory between requests in {len(facts.code_files)} "
                "modules; no sessions, cached data or uploads in one process or on one disk",
            )
        )
    return evidence


def memory_state(facts: Facts) -> list[Evidence]:
    """Module-level containers that the code changes while it serves."""
    evidence = []
    for rel in facts.code_files:
        tree = facts.tree(rel)
        state = module_state(tree) if tree else {}
        for name, (func, line) in changed_in_functions(tree, state).items() if tree else ():
            evidence.append(
                problem(
                    "VI.memory-state",
                    f"{name} is kept in the process's memory and changed by "
                    f"{func}() (line {line}): lost on restart, not shared between processes",
                    f"{rel}:{state[name]}",
                )
            )
    return evidence


def local_state(facts: Facts) -> list[Evidence]:
    """Sessions, cached data and uploads kept in one process's memory or on one machine's disk."""
    evidence = []
    caches = production_values(facts, "CACHES")
    local_cache = not caches or all("LocMemCache" in c for c in caches)
    engines = [(s, literal_text(s.value)) for m in facts.production_settings for s in m.get("SESSION_ENGINE")]
    listed = [constant(s.value) for m in facts.production_settings for s in m.settings if s.name.endswith("APPS")]
    apps = " ".join(str(v) for value in listed if isinstance(value, (list, tuple)) for v in value)
    if engines:
        for setting, engine in engines:
            if engine.endswith(".file") or (engine.endswith(".cache") and local_cache):
                evidence.append(
                    problem(
                        "VI.sessions-local",
                        f"sessions are kept by one process or on one machine's disk ({engine})",
                        setting.where,
                    )
                )
            elif engine.endswith((".db", ".cached_db")) and sqlite_database(facts):
                evidence.append(
                    problem("VI.sessions-local", "sessions are kept in a SQLite file on the local disk", setting.where)
                )
    elif "django.contrib.sessions" in apps and sqlite_database(facts):
        where = sqlite_database(facts)
        evidence.append(
            problem(
                "VI.sessions-local",
                "sessions are kept in the database, a SQLite file on the local "
                "disk: another machine's process does not see them",
                where,
            )
        )
    writes = {"set", "add", "incr", "decr", "get_or_set", "set_many"}
    cached = calls(facts, writes, r"(\w+\.)*caches?(\[.*\])?\.(set|add|incr|decr|get_or_set|set_many)")
    if cached and local_cache:
        evidence.append(
            problem(
                "VI.local-cache",
                "keeps data in Django's cache, which is the memory of each process here (LocMemCache, or no CACHES)",
                "{}:{}".format(*cached[0]),
            )
        )
    uploads = calls(facts, {"FileField", "ImageField"}, r"(\w+\.)*(FileField|ImageField)")
    upload_apps = [a for a in UPLOAD_APPS if a in apps]
    storages = " ".join(production_values(facts, "STORAGES") + production_values(facts, "DEFAULT_FILE_STORAGE"))
    default_storage = storages.split("'staticfiles'")[0] if "'default'" in storages else ""
    if (uploads or upload_apps) and not SHARED_STORAGE.search(default_storage):
        where = "{}:{}".format(*uploads[0]) if uploads else "INSTALLED_APPS"
        what = "file fields" if uploads else ", ".join(upload_apps)
        evidence.append(
            problem(
                "VI.uploads-local",
                f"uploaded files ({what}) are kept in MEDIA_ROOT on one machine's "
                "disk (FileSystemStorage): another machine's process does not see them",
                where,
            )
        )
    return evidence


def sqlite_database(facts: Facts) -> str:
    """Where production's default database is a SQLite file named in the code, or ''."""
    for module in facts.production_settings:
        for setting in module.get("DATABASES"):
            if setting.switched:
                continue
            for leaf in leaves(setting):
                if (
                    leaf.key == "ENGINE"
                    and "sqlite" in literal_text(leaf.value)
                    and leaf.keys[:1] in (("default",), ())
                ):
                    return leaf.where
    return ""
