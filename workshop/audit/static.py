"""Reading a Django project without running it: its files, settings, environment reads and scripts."""

from __future__ import annotations

import ast
import os
import re
import shlex
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

#: Folders that hold nothing of the project's own source.
SKIPPED_DIRS = {
    ".git", ".hg", ".svn", "__pycache__", "node_modules", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", ".workshop", "site-packages",
}
#: Files larger than this are data, not source, and are not read.
MAX_BYTES = 1_000_000

#: A name that sounds secret: its literal value is never shown, only described.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE|CREDENTIAL|(^|_)KEY$", re.IGNORECASE)
#: A URL that carries a user name or password (scheme://user:password@host).
URL_WITH_USER = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]+@", re.IGNORECASE)

#: Settings that only a settings module assigns; a module assigning some of them is a settings module.
CORE_SETTINGS = {"INSTALLED_APPS", "DATABASES", "SECRET_KEY", "MIDDLEWARE", "ROOT_URLCONF", "ALLOWED_HOSTS", "DEBUG"}

#: django-environ's Env methods, with what they return and the variable they read by default.
ENVIRON_METHODS = {
    "str": "", "bytes": "", "bool": "bool", "int": "int", "float": "float", "list": "list",
    "tuple": "list", "dict": "dict", "json": "json", "url": "url", "path": "path",
    "db": "db", "db_url": "db", "cache": "cache", "cache_url": "cache",
    "email": "email", "email_url": "email", "search_url": "url",
}
ENVIRON_DEFAULT_VARS = {"db": "DATABASE_URL", "cache": "CACHE_URL", "email": "EMAIL_URL"}


def describe(value: object, secret: bool) -> str:
    """A literal value as evidence: secrets as 'literal string, N chars', others as written."""
    if isinstance(value, str) and (secret or URL_WITH_USER.match(value)):
        return f"literal string, {len(value)} chars"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def constant(node: ast.AST | None) -> object:
    """The value of a literal expression, or NOT_CONSTANT."""
    if node is None:
        return NOT_CONSTANT
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NOT_CONSTANT


NOT_CONSTANT = object()


def dotted(node: ast.AST) -> str:
    """'a.b.c' for a chain of attributes on a name, else ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument name in call, or None."""
    return next((k.value for k in call.keywords if k.arg == name), None)


@dataclass(frozen=True)
class EnvRead:
    """One place where code reads an environment variable."""

    var: str
    file: str
    line: int
    how: str
    cast: str  # "" a raw string, "bool", "int", "list", "db", "cache", ... or "?" unknown
    fallback: ast.expr | None
    raises: bool  # a missing variable stops the program here

    @property
    def where(self) -> str:
        """file:line."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Helper:
    """A function that reads the variable named by its first argument."""

    cast: str
    raises: bool
    fallback: tuple[int, str] | None  # the parameter holding a fallback value: (position, name)


class Names:
    """What the names of one module stand for, as far as reading the environment goes."""

    def __init__(self, project: Project, rel: str, tree: ast.Module, depth: int = 0) -> None:
        self.project, self.rel = project, rel
        self.os: set[str] = set()
        self.environ: set[str] = set()  # os.environ imported as a name
        self.getenv: set[str] = set()
        self.django_environ: set[str] = set()  # the django-environ module
        self.env_objects: dict[str, dict[str, tuple[str, ast.expr | None]]] = {}
        self.dj_database_url: set[str] = set()
        self.dj_config: set[str] = set()
        self.decouple: set[str] = set()
        self.helpers: dict[str, Helper] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    {"os": self.os, "environ": self.django_environ, "dj_database_url": self.dj_database_url}.get(
                        alias.name, set()
                    ).add(bound)
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node, depth)
        env_classes = {f"{m}.Env" for m in self.django_environ} | {"Env"}
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and dotted(node.value.func) in env_classes:
                scheme = {k.arg: self._scheme(k.value) for k in node.value.keywords if k.arg}
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.env_objects[target.id] = scheme
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        grown = True
        while grown:  # helpers that call helpers, like require(name) calling present(name)
            grown = False
            for func in functions:
                helper = None if func.name in self.helpers else self._helper(func)
                if helper:
                    self.helpers[func.name] = helper
                    grown = True

    def _import_from(self, node: ast.ImportFrom, depth: int) -> None:
        """Record what a `from X import y` brings in."""
        for alias in node.names:
            bound = alias.asname or alias.name
            if node.module == "os" and alias.name in ("environ", "getenv"):
                (self.environ if alias.name == "environ" else self.getenv).add(bound)
            elif node.module == "dj_database_url" and alias.name == "config":
                self.dj_config.add(bound)
            elif node.module == "decouple" and alias.name == "config":
                self.decouple.add(bound)
            elif node.module == "environ" and alias.name == "Env":
                self.django_environ.add("")
            elif depth < 2:
                source = self.project.module_file(node.module or "", node.level, self.rel)
                tree = self.project.tree(source) if source else None
                if tree is not None and source != self.rel:
                    other = Names(self.project, source, tree, depth + 1)
                    if alias.name in other.helpers:
                        self.helpers[bound] = other.helpers[alias.name]
                    if alias.name in other.env_objects:
                        self.env_objects[bound] = other.env_objects[alias.name]

    def _scheme(self, node: ast.expr) -> tuple[str, ast.expr | None]:
        """django-environ's Env(VAR=(cast, default)) entry: its cast and default."""
        if isinstance(node, ast.Tuple) and node.elts:
            cast = dotted(node.elts[0])
            return (cast if cast in ENVIRON_METHODS else "?", node.elts[1] if len(node.elts) > 1 else None)
        return (dotted(node) if dotted(node) in ENVIRON_METHODS else "?", None)

    def _helper(self, func: ast.FunctionDef) -> Helper | None:
        """A Helper when func reads the environment variable named by its first parameter."""
        params = [a.arg for a in func.args.args]
        reads = [r for r in map(self._read_any, ast.walk(func)) if r is not None and params and r[0] == params[0]]
        if not reads:
            return None
        raises = any(raw for _, raw, _ in reads) or any(isinstance(n, ast.Raise) for n in ast.walk(func))
        named = [p for p in params[1:] if p in ("default", "fallback")]
        fallback = next((f for _, _, f in reads if f in params), named[0] if named else None)
        name = func.name.lower()
        cast = next((c for c in ("bool", "int", "float", "list") if c in name), "?")
        return Helper(cast, raises, (params.index(fallback), fallback) if fallback else None)

    def _read_any(self, node: ast.AST) -> tuple[str, bool, str | None] | None:
        """For os.environ[x], os.environ.get(x, y), os.getenv(x, y) or helper(x, ...) with x a plain name:
        (x, raises, y's name if y is a plain name)."""
        if isinstance(node, ast.Subscript) and self.is_environ(node.value) and isinstance(node.slice, ast.Name):
            return node.slice.id, True, None
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name)):
            return None
        func, second = node.func, node.args[1] if len(node.args) > 1 else None
        default = second.id if isinstance(second, ast.Name) else None
        if (isinstance(func, ast.Attribute) and func.attr == "get" and self.is_environ(func.value)) or (
            self.is_getenv(func)
        ):
            return node.args[0].id, False, default
        helper = self.helpers.get(dotted(func))
        if helper:
            return node.args[0].id, helper.raises, None
        return None

    def is_environ(self, node: ast.AST) -> bool:
        """Is node os.environ?"""
        return (isinstance(node, ast.Attribute) and node.attr == "environ" and dotted(node.value) in self.os) or (
            isinstance(node, ast.Name) and node.id in self.environ
        )

    def is_getenv(self, node: ast.AST) -> bool:
        """Is node os.getenv?"""
        return (isinstance(node, ast.Attribute) and node.attr == "getenv" and dotted(node.value) in self.os) or (
            isinstance(node, ast.Name) and node.id in self.getenv
        )

    def read(self, node: ast.AST) -> EnvRead | None:
        """The environment read that node is, if it is one."""
        found = self._read(node)
        if found is None:
            return None
        var, how, cast, fallback, raises = found
        return EnvRead(var, self.rel, getattr(node, "lineno", 0), how, cast, fallback, raises)

    def _read(self, node: ast.AST) -> tuple[str, str, str, ast.expr | None, bool] | None:
        """(var, how, cast, fallback, raises) for an environment read."""
        if isinstance(node, ast.Subscript) and self.is_environ(node.value):
            var = constant(node.slice)
            return (var, "os.environ[...]", "", None, True) if isinstance(var, str) else None
        if not isinstance(node, ast.Call):
            return None
        func, args = node.func, node.args
        first = constant(args[0]) if args else NOT_CONSTANT
        second = args[1] if len(args) > 1 else keyword(node, "default")
        if isinstance(func, ast.Attribute) and func.attr == "get" and self.is_environ(func.value):
            return (first, "os.environ.get", "", second, False) if isinstance(first, str) else None
        if self.is_getenv(func):
            return (first, "os.getenv", "", second, False) if isinstance(first, str) else None
        name = dotted(func)
        if name in self.env_objects or (isinstance(func, ast.Attribute) and dotted(func.value) in self.env_objects):
            return self._django_environ(node, name)
        if name in self.dj_config or name in {f"{m}.config" for m in self.dj_database_url}:
            var = constant(keyword(node, "env"))
            return (var if isinstance(var, str) else "DATABASE_URL", "dj_database_url.config", "db",
                    keyword(node, "default"), False)
        if name in self.decouple and isinstance(first, str):
            cast_node = keyword(node, "cast")
            cast = {"bool": "bool", "int": "int", "float": "float", "Csv": "list"}.get(
                dotted(cast_node.func if isinstance(cast_node, ast.Call) else cast_node) if cast_node else "", ""
            )
            fallback = keyword(node, "default")
            return first, "decouple.config", cast, fallback, fallback is None
        if name in self.helpers and isinstance(first, str):
            helper = self.helpers[name]
            fallback = None
            if helper.fallback:
                position, param = helper.fallback
                fallback = args[position] if len(args) > position else keyword(node, param)
            return first, f"{name}()", helper.cast, fallback, helper.raises and fallback is None
        return None

    def _django_environ(self, node: ast.Call, name: str) -> tuple[str, str, str, ast.expr | None, bool] | None:
        """A read through a django-environ Env object: env("X") or env.bool("X") and friends."""
        args = node.args
        first = constant(args[0]) if args else NOT_CONSTANT
        fallback = keyword(node, "default")
        if name in self.env_objects:
            if not isinstance(first, str):
                return None
            scheme_cast, scheme_default = self.env_objects[name].get(first, ("", None))
            cast_node = keyword(node, "cast") or (args[1] if len(args) > 1 else None)
            cast = dotted(cast_node) if cast_node is not None else scheme_cast
            fallback = fallback or (args[2] if len(args) > 2 else None) or scheme_default
            return first, "environ.Env", cast if cast in ENVIRON_METHODS else "?", fallback, fallback is None
        assert isinstance(node.func, ast.Attribute)
        method = node.func.attr
        if method not in ENVIRON_METHODS:
            return None
        cast = ENVIRON_METHODS[method]
        var = first if isinstance(first, str) else ENVIRON_DEFAULT_VARS.get(cast)
        if var is None:
            return None
        if fallback is None and len(args) > 1:
            fallback = args[1]
        scheme_default = self.env_objects[dotted(node.func.value)].get(var, ("", None))[1]
        fallback = fallback if fallback is not None else scheme_default
        return var, f"environ.Env.{method}", cast, fallback, fallback is None

    def reads_in(self, node: ast.AST) -> list[EnvRead]:
        """Every environment read inside node."""
        return [r for r in map(self.read, ast.walk(node)) if r is not None]


@dataclass(frozen=True)
class Setting:
    """One assignment in a settings module: NAME = value, or NAME[key]... = value."""

    file: str
    line: int
    name: str
    keys: tuple[str, ...]
    value: ast.expr

    @property
    def where(self) -> str:
        """file:line."""
        return f"{self.file}:{self.line}"

    @property
    def label(self) -> str:
        """NAME['key']['key'] as written."""
        return self.name + "".join(f"[{k!r}]" for k in self.keys)


def leaves(setting: Setting) -> list[Setting]:
    """The setting split at every dict literal into one Setting per innermost value."""
    if isinstance(setting.value, ast.Dict):
        found = []
        for key, value in zip(setting.value.keys, setting.value.values):
            key_value = constant(key)
            if isinstance(key_value, str):
                line = getattr(value, "lineno", setting.line)
                found += leaves(Setting(setting.file, line, setting.name, (*setting.keys, key_value), value))
        return found
    return [setting]


@dataclass
class SettingsFile:
    """A settings module: its assignments and the environment it reads."""

    rel: str
    tree: ast.Module
    names: Names
    settings: list[Setting] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)  # files it star-imports (`from .base import *`)

    @property
    def standalone(self) -> bool:
        """Does it define the whole project by itself (INSTALLED_APPS, no shared base)?"""
        return not self.bases and any(s.name == "INSTALLED_APPS" and not s.keys for s in self.settings)

    def get(self, name: str) -> list[Setting]:
        """Every assignment of NAME in this module, in order."""
        return [s for s in self.settings if s.name == name]

    @cached_property
    def reads(self) -> list[EnvRead]:
        """Every environment read at the module's top level (not inside its functions)."""
        found: list[EnvRead] = []
        for statement in top_level(self.tree.body):
            found += self.names.reads_in(statement)
        return found


def top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of a module's body, looking into if/try/with blocks but not functions."""
    found = []
    for node in body:
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            inner = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            inner += [s for h in getattr(node, "handlers", []) for s in h.body]
            found += top_level(inner)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(node)
    return found


def assignments(rel: str, tree: ast.Module) -> list[Setting]:
    """Every top-level assignment to an UPPERCASE name (or a key of one) in a module."""
    found = []
    for node in top_level(tree.body):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            keys: list[str] = []
            while isinstance(target, ast.Subscript) and isinstance(constant(target.slice), str):
                keys.insert(0, constant(target.slice))
                target = target.value
            if isinstance(target, ast.Name) and target.id.isupper():
                found.append(Setting(rel, node.lineno, target.id, tuple(keys), value))
    return found


@dataclass(frozen=True)
class Line:
    """One command line of a script, Procfile or crontab."""

    file: str
    number: int
    text: str

    @property
    def where(self) -> str:
        """file:line."""
        return f"{self.file}:{self.number}"


class Project:
    """The Django project in a folder, read once, never changed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        if not (self.root / "manage.py").is_file():
            raise ValueError(f"{root} has no manage.py: give the folder of a Django project")
        self._text: dict[str, str] = {}
        self._trees: dict[str, ast.Module | None] = {}

    @cached_property
    def files(self) -> list[str]:
        """Every file of the project, relative and sorted, skipping caches and virtual environments."""
        found = []
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(
                d for d in dirs if d not in SKIPPED_DIRS and not (Path(folder, d) / "pyvenv.cfg").exists()
            )
            for name in names:
                found.append(Path(folder, name).relative_to(self.root).as_posix())
        return sorted(found)

    def text(self, rel: str) -> str:
        """The text of a file ('' when it is missing, binary or too big)."""
        if rel not in self._text:
            path = self.root / rel
            try:
                self._text[rel] = path.read_text(encoding="utf-8") if path.stat().st_size <= MAX_BYTES else ""
            except (OSError, UnicodeDecodeError):
                self._text[rel] = ""
        return self._text[rel]

    def tree(self, rel: str) -> ast.Module | None:
        """The parsed Python file, or None when it does not parse."""
        if rel not in self._trees:
            try:
                self._trees[rel] = ast.parse(self.text(rel), filename=rel)
            except (SyntaxError, ValueError):
                self._trees[rel] = None
        return self._trees[rel]

    def module_file(self, module: str, level: int = 0, importer: str = "") -> str | None:
        """The project file of a dotted module name (relative to importer when level > 0)."""
        parts = Path(importer).parent.parts[: len(Path(importer).parent.parts) - level + 1] if level else ()
        base = "/".join([*parts, *module.split(".")]) if module else "/".join(parts)
        for rel in (f"{base}.py", f"{base}/__init__.py"):
            if rel in self.files:
                return rel
        return None

    @cached_property
    def python_files(self) -> list[str]:
        """Every .py file of the project."""
        return [f for f in self.files if f.endswith(".py")]

    @cached_property
    def settings_module(self) -> str:
        """The settings module manage.py uses when DJANGO_SETTINGS_MODULE is unset ('' if none)."""
        found = [m for kind, m, _ in settings_choices(self.tree("manage.py")) if kind in ("setdefault", "assign")]
        return found[0] if found else ""

    @cached_property
    def settings_files(self) -> list[SettingsFile]:
        """The default settings module and its siblings that are settings modules too."""
        main = self.module_file(self.settings_module) if self.settings_module else None
        if main is None:
            return []
        folder = str(Path(main).parent)
        candidates = [f for f in self.python_files if str(Path(f).parent) == folder]
        found = []
        for rel in candidates:
            tree = self.tree(rel)
            if tree is None:
                continue
            settings = assignments(rel, tree)
            bases = [
                self.module_file(n.module or "", n.level, rel) or f"{n.module} (not in the project)"
                for n in top_level(tree.body)
                if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
            ]
            if rel == main or bases or {s.name for s in settings} & CORE_SETTINGS:
                found.append(SettingsFile(rel, tree, Names(self, rel, tree), settings, bases))
        return found

    @cached_property
    def settings_paths(self) -> set[str]:
        """The relative paths of the settings modules."""
        return {f.rel for f in self.settings_files}

    def settings(self, name: str) -> list[Setting]:
        """Every assignment of NAME in every settings module, in file order."""
        return [s for f in self.settings_files for s in f.get(name)]

    @cached_property
    def reads(self) -> list[EnvRead]:
        """Every environment variable read by the settings modules, in order."""
        return [r for f in self.settings_files for r in f.reads]

    def reads_in_setting(self, setting: Setting) -> list[EnvRead]:
        """The environment reads inside one setting's value."""
        names = next(f.names for f in self.settings_files if f.rel == setting.file)
        return names.reads_in(setting.value)

    @cached_property
    def code_files(self) -> list[str]:
        """The project's own Python code: no settings, tests, migrations or manage.py."""
        return [
            f for f in self.python_files
            if f not in self.settings_paths and f != "manage.py" and not is_test_or_migration(f)
        ]

    @cached_property
    def local_modules(self) -> set[str]:
        """Top-level module names that are the project's own."""
        return {f.split("/")[0].removesuffix(".py") for f in self.files if f.endswith(".py")}

    @cached_property
    def env_example(self) -> tuple[str, dict[str, str]]:
        """The documented environment (.env.example or alike): its file name and its variables."""
        for rel in (".env.example", ".env.sample", ".env.template", "env.example", "example.env"):
            if rel in self.files:
                return rel, parse_env_file(self.text(rel))
        return "", {}

    @cached_property
    def procfile(self) -> dict[str, Line]:
        """The Procfile's process types and their commands."""
        found = {}
        for number, text in enumerate(self.text("Procfile").splitlines(), 1):
            match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", text.strip())
            if match and not text.lstrip().startswith("#"):
                found[match[1]] = Line("Procfile", number, match[2].strip())
        return found

    @cached_property
    def script_lines(self) -> list[Line]:
        """Every command line of the project's scripts, Procfiles, crontabs, Dockerfiles and Makefiles."""
        found = []
        for rel in self.files:
            if not is_script(rel, self.text(rel)):
                continue
            for number, text in enumerate(self.text(rel).splitlines(), 1):
                stripped = text.strip()
                if stripped and not stripped.startswith("#"):
                    found.append(Line(rel, number, stripped))
        return found


def is_test_or_migration(rel: str) -> bool:
    """Is this file a test, a test helper, a migration or documentation, rather than the app's code?"""
    parts = rel.split("/")
    name = parts[-1]
    return (
        bool({"migrations", "tests", "docs"} & set(parts)) or name.startswith("test") or name.endswith("_test.py")
        or name == "conftest.py"
    )


def is_script(rel: str, text: str) -> bool:
    """Is this file one that runs commands: a shell script, Procfile, crontab, Dockerfile, Makefile?"""
    name = rel.split("/")[-1]
    if name.startswith(("Procfile", "Dockerfile")) or name in ("Makefile", "fabfile.py"):
        return True
    if name.endswith((".sh", ".bash", ".service")) or "crontab" in name.lower():
        return True
    folder = rel.split("/")[0] if "/" in rel else ""
    return folder in ("bin", "scripts", "deploy") and "." not in name and text.startswith("#!")


def settings_choices(tree: ast.Module | None) -> list[tuple[str, str, int]]:
    """Where a module chooses DJANGO_SETTINGS_MODULE: ('setdefault' or 'assign', module, line)."""
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            if len(node.args) == 2 and constant(node.args[0]) == "DJANGO_SETTINGS_MODULE":
                value = constant(node.args[1])
                if isinstance(value, str):
                    found.append(("setdefault", value, node.lineno))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and constant(target.slice) == "DJANGO_SETTINGS_MODULE":
                    value = constant(node.value)
                    if isinstance(value, str):
                        found.append(("assign", value, node.lineno))
    return found


def parse_env_file(text: str) -> dict[str, str]:
    """The variables of a .env-style file (KEY=value lines; quotes removed)."""
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        try:
            words = shlex.split(value, comments=True)
        except ValueError:
            words = [value]
        found[key.strip()] = " ".join(words)
    return found
