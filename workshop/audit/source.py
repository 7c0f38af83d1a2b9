"""Reading Python source without running it: literals, environment reads, settings and the conditions they sit under."""

from __future__ import annotations

import ast
import io
import re
import shlex
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

#: A name that sounds secret: its literal value is never shown, only described.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE|CREDENTIAL|(^|_)KEY$", re.IGNORECASE)
#: A URL that carries a user name or password (scheme://user:password@host).
URL_WITH_USER = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]+@", re.IGNORECASE)
#: Settings that only a settings module assigns; a module assigning some of them is a settings module.
CORE_SETTINGS = {"INSTALLED_APPS", "DATABASES", "SECRET_KEY", "MIDDLEWARE", "ROOT_URLCONF", "ALLOWED_HOSTS", "DEBUG"}

#: django-environ's Env methods, with what they return.
ENVIRON_METHODS = {
    "str": "",
    "bytes": "",
    "bool": "bool",
    "int": "int",
    "float": "float",
    "list": "list",
    "tuple": "list",
    "dict": "dict",
    "json": "json",
    "url": "url",
    "path": "path",
    "db": "db",
    "db_url": "db",
    "cache": "cache",
    "cache_url": "cache",
    "email": "email",
    "email_url": "email",
    "search_url": "url",
}
#: The variable django-environ's env.db(), env.cache() and env.email() read when given none.
ENVIRON_DEFAULT_VARS = {"db": "DATABASE_URL", "cache": "CACHE_URL", "email": "EMAIL_URL"}
#: Calls that make a random value.
RANDOM_CALLS = re.compile(
    r"(^|\.)(get_random_secret_key|token_urlsafe|token_hex|token_bytes|choice|choices|"
    r"randint|random|urandom|uuid4|get_random_string)$"
)


class _NotConstant:
    """The value of an expression that is not a literal."""

    def __repr__(self) -> str:
        return "NOT_CONSTANT"


NOT_CONSTANT = _NotConstant()


def constant(node: ast.AST | None) -> object:
    """The value of a literal expression, or NOT_CONSTANT."""
    if node is None:
        return NOT_CONSTANT
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NOT_CONSTANT


def literal_text(node: ast.AST | None) -> str:
    """The string a node holds, when it is a literal string; else ''."""
    value = constant(node)
    return value if isinstance(value, str) else ""


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


def short(node: ast.AST, limit: int = 50) -> str:
    """An expression as written, cut to a readable length."""
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: object, secret: bool) -> str:
    """A literal value as evidence: secrets as 'a literal string, N chars', others as written."""
    if isinstance(value, str) and (secret or URL_WITH_USER.match(value)):
        return f"a literal string of {len(value)} characters"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_random(node: ast.AST) -> bool:
    """Does the expression make a random value (secrets.token_urlsafe(), get_random_secret_key(), ...)?"""
    return any(
        isinstance(n, ast.Call)
        and RANDOM_CALLS.search(dotted(n.func) or (n.func.attr if isinstance(n.func, ast.Attribute) else ""))
        for n in ast.walk(node)
    )


def hostname(value: str) -> str:
    """The host of 'scheme://user@host:port/x' or 'host:port'."""
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value, flags=re.IGNORECASE).split("/")[0].rsplit("@", 1)[-1]
    return value.rsplit(":", 1)[0].strip("[]") if value.count(":") == 1 or value.startswith("[") else value


LOOPBACK = ("", "localhost", "127.0.0.1", "::1", "0.0.0.0")


def is_remote_host(host: str) -> bool:
    """A host beyond this machine and beyond a container network's short names: '10.0.3.12', 'db.example.com'."""
    return host not in LOOPBACK and ("." in host or ":" in host) and not host.endswith(".localhost")


# Environment reads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvRead:
    """One place where code reads an environment variable, and how it uses the value."""

    var: str
    file: str
    line: int
    how: str  # "os.environ[...]", "os.environ.get", "environ.Env.bool", "in os.environ", ...
    cast: str  # "" a raw string, "bool", "int", "float", "list", "db", "cache", "email", "url", "presence", "?"
    fallback: ast.expr | None  # the default written in the code, if any
    raises: bool  # a missing variable stops the program here
    switch: bool = False  # an optional switch: only tested, or used to choose a branch
    on: tuple[str, ...] = ()  # for a value compared with literals: the literals that mean yes
    off: tuple[str, ...] = ()  # ... and those that mean no

    @property
    def where(self) -> str:
        """file:line."""
        return f"{self.file}:{self.line}"

    @property
    def has_default(self) -> bool:
        """Does the code carry on with a value of its own when the variable is unset?"""
        return self.fallback is not None or (not self.raises and self.how.endswith("default"))


@dataclass(frozen=True)
class Helper:
    """A function of the project that reads the variable named by its first argument."""

    cast: str
    raises: bool
    fallback: tuple[int, str] | None  # the parameter holding a fallback value: (position, name)
    defaulted: bool  # it always falls back to a value of its own (os.environ.get(name, "...") inside)


BOOL_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off", "True", "False")
TRUTHY = {"1", "true", "yes", "on", "y", "t"}


class Names:
    """What the names of one module stand for, as far as reading the environment goes."""

    def __init__(
        self,
        rel: str,
        tree: ast.Module,
        resolve: Callable[[str, int, str], tuple[str, ast.Module] | None],
        depth: int = 0,
        cache: dict[str, Names] | None = None,
    ) -> None:
        self.rel = rel
        self._cache = {} if cache is None else cache
        self.os: set[str] = set()
        self.environ: set[str] = set()  # os.environ imported as a name
        self.getenv: set[str] = set()
        self.django_environ: set[str] = set()  # the django-environ module
        self.env_objects: dict[str, dict[str, tuple[str, ast.expr | None]]] = {}
        self.dj_database_url: set[str] = set()
        self.dj_config: set[str] = set()
        self.decouple: set[str] = set()
        self.helpers: dict[str, Helper] = {}
        self._resolve = resolve
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
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and dotted(node.value.func) in env_classes
            ):
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
                other = self._other(node, depth)
                if other is not None:
                    if alias.name in other.helpers:
                        self.helpers[bound] = other.helpers[alias.name]
                    if alias.name in other.env_objects:
                        self.env_objects[bound] = other.env_objects[alias.name]

    def _other(self, node: ast.ImportFrom, depth: int) -> Names | None:
        """The names of a project module this one imports from (read once per audit)."""
        found = self._resolve(node.module or "", node.level, self.rel)
        if found is None:
            return None
        rel, tree = found
        if rel not in self._cache:
            self._cache[rel] = Names(rel, tree, self._resolve, depth + 1, self._cache)
        return self._cache[rel]

    def _scheme(self, node: ast.expr) -> tuple[str, ast.expr | None]:
        """django-environ's Env(VAR=(cast, default)) entry: its cast and default."""
        if isinstance(node, ast.Tuple) and node.elts:
            cast = dotted(node.elts[0])
            return (ENVIRON_METHODS.get(cast, "?"), node.elts[1] if len(node.elts) > 1 else None)
        return (ENVIRON_METHODS.get(dotted(node), "?"), None)

    def _helper(self, func: ast.FunctionDef) -> Helper | None:
        """A Helper when func reads the environment variable named by its first parameter."""
        params = [a.arg for a in func.args.args]
        reads = [r for r in map(self._read_any, ast.walk(func)) if r is not None and params and r[0] == params[0]]
        if not reads:
            return None
        raises = any(raw for _, raw, _, _ in reads) or any(isinstance(n, ast.Raise) for n in ast.walk(func))
        named = [p for p in params[1:] if p in ("default", "fallback")]
        fallback = next((f for _, _, f, _ in reads if f in params), named[0] if named else None)
        defaulted = not raises and fallback is None and all(literal for _, _, _, literal in reads)
        name = func.name.lower()
        cast = next((c for c in ("bool", "int", "float", "list") if c in name), "")
        cast = cast or next(
            (
                c
                for c, words in (
                    ("bool", ("boolean",)),
                    ("db", ("database",)),
                    ("cache", ("cache",)),
                    ("email", ("mail",)),
                )
                if any(w in name for w in words)
            ),
            "",
        )
        cast = cast or ("" if self._returns_raw(func, params[0]) else "?")
        return Helper(cast, raises, (params.index(fallback), fallback) if fallback else None, defaulted)

    def _returns_raw(self, func: ast.FunctionDef, param: str) -> bool:
        """Does the function return the variable's text as it is (`return os.environ[name]`, or a name holding it)?"""
        raw: set[str] = set()
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and self._is_raw(node.value, param, raw):
                raw |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        returns = [n.value for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None]
        return bool(returns) and all(self._is_raw(value, param, raw) for value in returns)

    def _is_raw(self, node: ast.expr, param: str, raw: set[str]) -> bool:
        """Is the expression the variable's text itself: a read of it, or a name that holds one?"""
        if isinstance(node, ast.Name):
            return node.id in raw
        found = self._read_any(node)
        return found is not None and found[0] == param

    def _read_any(self, node: ast.AST) -> tuple[str, bool, str | None, bool] | None:
        """For os.environ[x], os.environ.get(x, y), os.getenv(x, y) or helper(x, ...) with x a plain name:
        (x, raises, y's name if y is a plain name, whether y is a literal)."""
        if isinstance(node, ast.Subscript) and self.is_environ(node.value) and isinstance(node.slice, ast.Name):
            return node.slice.id, True, None, False
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name)):
            return None
        func, second = node.func, node.args[1] if len(node.args) > 1 else keyword(node, "default")
        default = second.id if isinstance(second, ast.Name) else None
        literal = second is not None and constant(second) is not NOT_CONSTANT
        if (isinstance(func, ast.Attribute) and func.attr == "get" and self.is_environ(func.value)) or (
            self.is_getenv(func)
        ):
            return node.args[0].id, False, default, literal
        helper = self.helpers.get(dotted(func))
        if helper:
            return node.args[0].id, helper.raises, None, helper.defaulted
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
        """The environment read that node is, if it is one (its use not looked at)."""
        found = self._read(node)
        if found is None:
            return None
        var, how, cast, fallback, raises = found
        return EnvRead(
            var, self.rel, getattr(node, "lineno", 0), how, cast, fallback, raises, switch=cast == "presence"
        )

    def _read(self, node: ast.AST) -> tuple[str, str, str, ast.expr | None, bool] | None:
        """(var, how, cast, fallback, raises) for an environment read."""
        if isinstance(node, ast.Subscript) and self.is_environ(node.value):
            var = constant(node.slice)
            return (var, "os.environ[...]", "", None, True) if isinstance(var, str) else None
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            var = constant(node.left)
            if isinstance(var, str) and self.is_environ(node.comparators[0]):
                return var, "in os.environ", "presence", None, False
            return None
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
            return (
                var if isinstance(var, str) else "DATABASE_URL",
                "dj_database_url.config",
                "db",
                keyword(node, "default"),
                False,
            )
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
            how = f"{name}()" + (" with a default" if helper.defaulted else "")
            return first, how, helper.cast, fallback, helper.raises and fallback is None
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
            cast = ENVIRON_METHODS.get(dotted(cast_node), "?") if cast_node is not None else scheme_cast
            fallback = fallback or (args[2] if len(args) > 2 else None) or scheme_default
            return first, "environ.Env", cast, fallback, fallback is None
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

    def reads_in(self, node: ast.AST, switches: frozenset[str] = frozenset()) -> list[EnvRead]:
        """Every environment read inside node, with how its value is used (cast, switch, yes and no words).

        switches: names the module tests in its `if` statements; a read stored in one is an optional switch."""
        parents = {child: parent for parent in ast.walk(node) for child in ast.iter_child_nodes(parent)}
        found = []
        for sub in ast.walk(node):
            read = self.read(sub)
            if read is not None:
                found.append(used(read, sub, parents, switches))
        return found


def used(read: EnvRead, node: ast.AST, parents: dict[ast.AST, ast.AST], switches: frozenset[str]) -> EnvRead:
    """The read, with what the code around it does with its value."""
    cast, switch, on, off = read.cast, read.switch, read.on, read.off
    child, parent = node, parents.get(node)
    while (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in ("strip", "lower", "upper", "casefold")
    ) or (isinstance(parent, ast.Attribute) and parent.attr in ("strip", "lower", "upper", "casefold")):
        child, parent = parent, parents.get(parent)
    if isinstance(parent, ast.Call) and child in parent.args and dotted(parent.func) in ("int", "float"):
        cast = dotted(parent.func)
    elif isinstance(parent, ast.Call) and child in parent.args and dotted(parent.func) == "bool":
        cast = "raw-bool"
    elif (
        isinstance(parent, ast.Call)
        and child in parent.args
        and dotted(parent.func).endswith(("parse", "config"))
        and "database" in dotted(parent.func)
    ):
        cast = "db"
    elif isinstance(parent, ast.Attribute) and parent.attr == "split":
        cast = "list"
    elif isinstance(parent, ast.Compare) and cast in ("", "?"):
        words = [constant(c) for c in [parent.left, *parent.comparators] if c is not child]
        flat = [w for v in words for w in (v if isinstance(v, (tuple, list, set, frozenset)) else [v])]
        texts = tuple(str(w) for w in flat if isinstance(w, (str, int)))
        if texts:
            cast = "bool"
            positive = isinstance(parent.ops[0], (ast.Eq, ast.In))
            on, off = (texts, ()) if positive else ((), texts)
    test = child
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, (ast.IfExp, ast.While)) and parent.test is test:
            switch = True
        test, parent = parent, parents.get(parent)
    if isinstance(parent, (ast.If, ast.While)) and parent.test is test:
        switch = True
    if isinstance(parent, ast.Assign) and any(isinstance(t, ast.Name) and t.id in switches for t in parent.targets):
        switch = True
    return EnvRead(read.var, read.file, read.line, read.how, cast, read.fallback, read.raises, switch, on, off)


# Settings modules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """An `if` test a statement sits under: its text, the variables it reads, and which branch."""

    text: str
    variables: tuple[str, ...]  # environment variables the test depends on (directly or through a name)
    negated: bool  # the statement is in the else branch

    @property
    def shown(self) -> str:
        """The test as a learner reads it: 'IS_HEROKU_APP' or 'not IS_HEROKU_APP'."""
        return (
            f"not ({self.text})"
            if self.negated and " " in self.text
            else (f"not {self.text}" if self.negated else self.text)
        )


@dataclass(frozen=True)
class Setting:
    """One assignment in a settings module: NAME = value, or NAME[key]... = value, and the tests it sits under."""

    file: str
    line: int
    name: str
    keys: tuple[str, ...]
    value: ast.expr
    conditions: tuple[Condition, ...] = ()

    @property
    def where(self) -> str:
        """file:line."""
        return f"{self.file}:{self.line}"

    @property
    def label(self) -> str:
        """NAME['key']['key'] as written."""
        return self.name + "".join(f"[{k!r}]" for k in self.keys)

    @property
    def key(self) -> str:
        """The innermost name: 'PASSWORD' for DATABASES['default']['PASSWORD']."""
        return self.keys[-1] if self.keys else self.name

    @property
    def switched(self) -> bool:
        """Does an environment variable choose whether this assignment happens?"""
        return any(c.variables for c in self.conditions)


def leaves(setting: Setting) -> list[Setting]:
    """The setting split at every dict literal into one Setting per innermost value."""
    if isinstance(setting.value, ast.Dict):
        found = []
        for key, value in zip(setting.value.keys, setting.value.values, strict=False):
            key_value = constant(key)
            if isinstance(key_value, str):
                line = getattr(value, "lineno", setting.line)
                found += leaves(
                    Setting(setting.file, line, setting.name, (*setting.keys, key_value), value, setting.conditions)
                )
        return found
    return [setting]


def top_level(
    body: list[ast.stmt],
    conditions: tuple[Condition, ...] = (),
    variables_of: Callable[[ast.expr], tuple[str, ...]] | None = None,
) -> list[tuple[ast.stmt, tuple[Condition, ...]]]:
    """The statements of a module's body with the `if` tests they sit under, looking into if/try/with blocks
    but not into functions or classes."""
    found: list[tuple[ast.stmt, tuple[Condition, ...]]] = []
    for node in body:
        if isinstance(node, ast.If):
            variables = variables_of(node.test) if variables_of else ()
            text = ast.unparse(node.test)
            found += top_level(node.body, (*conditions, Condition(text, variables, False)), variables_of)
            found += top_level(node.orelse, (*conditions, Condition(text, variables, True)), variables_of)
        elif isinstance(node, (ast.Try, ast.With)):
            inner = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            inner += [s for h in getattr(node, "handlers", []) for s in h.body]
            found += top_level(inner, conditions, variables_of)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((node, conditions))
    return found


def if_tests(body: list[ast.stmt]) -> list[ast.expr]:
    """The tests of the `if` statements of a module's body (not inside functions or classes)."""
    found: list[ast.expr] = []
    for node in body:
        if isinstance(node, ast.If):
            found += [node.test, *if_tests(node.body), *if_tests(node.orelse)]
        elif isinstance(node, (ast.Try, ast.With)):
            inner = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            found += if_tests(inner + [s for h in getattr(node, "handlers", []) for s in h.body])
    return found


def statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of a module's body, looking into if/try/with blocks but not into functions or classes."""
    return [statement for statement, _ in top_level(body)]


@dataclass(frozen=True)
class SettingsModule:
    """A settings module: its assignments, the environment it reads, the modules it star-imports."""

    rel: str
    module: str  # dotted name
    tree: ast.Module
    names: Names
    settings: tuple[Setting, ...]
    reads: tuple[EnvRead, ...]  # at the module's top level, with their use
    bases: tuple[str, ...]  # files it star-imports (`from .base import *`), if in the project
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)  # names computed from environment variables

    @property
    def standalone(self) -> bool:
        """Does it define the whole project by itself (INSTALLED_APPS, no shared base)?"""
        return not self.bases and any(s.name == "INSTALLED_APPS" and not s.keys for s in self.settings)

    def get(self, name: str) -> list[Setting]:
        """Every assignment of NAME in this module, in order."""
        return [s for s in self.settings if s.name == name]

    def reads_in(self, node: ast.AST) -> list[EnvRead]:
        """The environment reads inside one expression of this module."""
        return self.names.reads_in(node)

    def uses_environment(self, node: ast.AST) -> bool:
        """Does the expression read the environment, directly or through a name computed from it?"""
        return bool(self.reads_in(node)) or any(
            isinstance(n, ast.Name) and n.id in self.derived for n in ast.walk(node)
        )


def read_settings_module(
    rel: str, module: str, tree: ast.Module, names: Names, bases: tuple[str, ...]
) -> SettingsModule:
    """A settings module's assignments with the `if` tests they sit under, and what it reads from the environment."""
    derived: dict[str, tuple[str, ...]] = {}

    def variables_of(test: ast.expr) -> tuple[str, ...]:
        direct = [r.var for r in names.reads_in(test)]
        through = [v for n in ast.walk(test) if isinstance(n, ast.Name) for v in derived.get(n.id, ())]
        return tuple(dict.fromkeys(direct + through))

    # Names computed from the environment, in order: IS_HEROKU_APP = "DYNO" in os.environ and ...
    for statement, _ in top_level(tree.body, (), None):
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            variables = variables_of(statement.value)
            if variables:
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        derived[target.id] = variables
    placed = top_level(tree.body, (), variables_of)
    tests = if_tests(tree.body)
    switches = frozenset(n.id for test in tests for n in ast.walk(test) if isinstance(n, ast.Name))
    settings: list[Setting] = []
    reads: list[EnvRead] = []
    for test in tests:  # a variable an `if` tests is an optional switch
        reads += [replace(r, switch=True) for r in names.reads_in(test, switches)]
    for statement, conditions in placed:  # ... and so is one read only under a test of itself
        guarded = {v for c in conditions for v in c.variables}
        reads += [replace(r, switch=True) if r.var in guarded else r for r in names.reads_in(statement, switches)]
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for written in targets:
            keys: list[str] = []
            target = written
            while isinstance(target, ast.Subscript) and isinstance(constant(target.slice), str):
                keys.insert(0, str(constant(target.slice)))
                target = target.value
            if isinstance(target, ast.Name) and target.id.isupper():
                settings.append(Setting(rel, statement.lineno, target.id, tuple(keys), value, conditions))
    return SettingsModule(rel, module, tree, names, tuple(settings), tuple(dict.fromkeys(reads)), bases, derived)


def star_imports(tree: ast.Module) -> list[ast.ImportFrom]:
    """The `from X import *` statements of a module (inside try blocks too)."""
    return [n for n in statements(tree.body) if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)]


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


# Comments and env files -------------------------------------------------------------------------

#: A secret-looking name given a value in a comment: `# SECRET_KEY = "..."` or `(was: API_KEY='...')`.
COMMENTED_SECRET = re.compile(
    r"""(?P<name>\b[A-Z][A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|_KEY)[A-Z0-9_]*)\s*[:=]\s*(?P<q>['"])(?P<value>[^'"\s]{12,})(?P=q)""",
)
PLACEHOLDER = re.compile(
    r"change.?me|your|xxx|example|placeholder|<|\.\.\.|secret-key-here|insecure-key", re.IGNORECASE
)


def commented_secrets(text: str) -> list[tuple[int, str, str]]:
    """(line, name, value) for every secret-looking value written in a comment of Python source."""
    found: list[tuple[int, str, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found
    for token in tokens:
        if token.type == tokenize.COMMENT:
            for match in COMMENTED_SECRET.finditer(token.string):
                if not PLACEHOLDER.search(match["value"]) and not match["value"].isupper():
                    found.append((token.start[0], match["name"], match["value"]))
    return found


def parse_env_file(text: str) -> dict[str, tuple[str, int]]:
    """The variables of a .env-style file: name -> (value, line), quotes removed, comments and `export` left out."""
    found = {}
    for number, written in enumerate(text.splitlines(), 1):
        line = written.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key.strip()):
            continue
        try:
            words = shlex.split(value, comments=True)
        except ValueError:
            words = [value]
        found[key.strip()] = (" ".join(words), number)
    return found


def walk_calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Every call in a tree, with its callee as written."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, dotted(node.func)
