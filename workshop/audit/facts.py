"""The facts of a project, read once, on one thread, into an immutable snapshot that every factor reads."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from workshop.audit.deploy import Deploy, read_deploy
from workshop.audit.source import (
    CORE_SETTINGS,
    SECRET_NAME,
    URL_WITH_USER,
    EnvRead,
    Names,
    SettingsModule,
    commented_secrets,
    constant,
    leaves,
    parse_env_file,
    read_settings_module,
    settings_choices,
    star_imports,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

#: Folders that hold nothing of the project's own source.
SKIPPED_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "node_modules",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".venv",
    "venv",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".workshop",
    "site-packages",
    ".vagrant",
    ".idea",
}
#: Files that are data, not source: never read.
BINARY = re.compile(
    r"\.(png|jpe?g|gif|ico|svg|webp|woff2?|ttf|eot|pdf|zip|gz|tgz|bz2|xz|sqlite3?|db|mo|pyc|so|"
    r"whl|mp[34]|mov|psd|xcf)$",
    re.IGNORECASE,
)
MAX_BYTES = 500_000


class BadInput(ValueError):
    """The path given is not a Django project the audit can read; the message says what it is instead."""


@dataclass(frozen=True)
class EnvFile:
    """A .env-style file: whether git tracks it, what it is for, and its variables (name -> (value, line))."""

    rel: str
    tracked: bool
    role: str  # example, development, production or local (a plain .env)
    variables: Mapping[str, tuple[str, int]]


@dataclass(frozen=True)
class Requirement:
    """One declared dependency."""

    name: str  # as written
    spec: str
    pinned: bool
    where: str
    dev: bool  # declared for development or tests only


@dataclass(frozen=True)
class Lock:
    """A lock file and the packages it pins (names normalized)."""

    rel: str
    packages: frozenset[str]


@dataclass(frozen=True)
class Declarations:
    """How the project declares its dependencies."""

    files: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    locks: tuple[Lock, ...]
    problems: tuple[tuple[str, str], ...]  # (file, why it could not be read)


@dataclass(frozen=True)
class Facts:
    """Everything the audit knows about a project from its files, read once and never changed."""

    root: Path
    files: tuple[str, ...]
    git: str  # tracked, untracked, no-repository or no-git
    tracked: frozenset[str]
    texts: Mapping[str, str]
    trees: Mapping[str, ast.Module]
    broken: Mapping[str, tuple[int, str]]  # Python files that do not parse: rel -> (line, message)
    settings_module: str  # manage.py's default
    production_module: str  # the one production runs with
    production_why: str  # how the audit knows
    settings: tuple[SettingsModule, ...]
    production: tuple[str, ...]  # the settings files production loads: its module and what that star-imports
    code_files: tuple[str, ...]  # the project's own Python code: no settings, tests, migrations or manage.py
    code_reads: tuple[EnvRead, ...]  # environment reads outside the settings (manage.py, gunicorn.conf.py too)
    env_files: tuple[EnvFile, ...]
    declarations: Declarations
    deploy: Deploy
    local_modules: frozenset[str]
    secrets: tuple[str, ...]  # every literal secret value found, to keep out of any output

    def text(self, rel: str) -> str:
        """The text of a file ('' when missing, binary or too big)."""
        return self.texts.get(rel, "")

    def tree(self, rel: str) -> ast.Module | None:
        """The parsed Python file, or None."""
        return self.trees.get(rel)

    def module(self, rel: str) -> SettingsModule | None:
        """The settings module at rel."""
        return next((m for m in self.settings if m.rel == rel), None)

    @property
    def production_settings(self) -> list[SettingsModule]:
        """The settings modules production loads, the module itself first."""
        return [m for rel in self.production if (m := self.module(rel)) is not None]

    @property
    def other_settings(self) -> list[SettingsModule]:
        """Settings modules production never loads (local.py, test.py, ...)."""
        return [m for m in self.settings if m.rel not in self.production]

    @property
    def split(self) -> bool:
        """Are there settings modules that production never loads (one per environment)?"""
        return bool(self.other_settings)

    @property
    def settings_broken(self) -> list[tuple[str, int, str]]:
        """(file, line, message) for settings modules that do not parse."""
        wanted = {self.module_file(self.settings_module), self.module_file(self.production_module)}
        folder = {str(PurePosixPath(r).parent) for r in wanted if r}
        return [
            (rel, line, message)
            for rel, (line, message) in self.broken.items()
            if rel in wanted or (str(PurePosixPath(rel).parent) in folder and "settings" in rel)
        ]

    @property
    def env_example(self) -> EnvFile | None:
        """The documented environment (.env.example or alike)."""
        return next((f for f in self.env_files if f.role == "example"), None)

    def module_file(self, module: str, level: int = 0, importer: str = "") -> str | None:
        """The project file of a dotted module name (relative to importer when level > 0)."""
        return module_file(self.files, module, level, importer)


def module_file(
    files: tuple[str, ...] | list[str] | frozenset[str], module: str, level: int = 0, importer: str = ""
) -> str | None:
    """The project file of a dotted module name (relative to importer when level > 0)."""
    parent = PurePosixPath(importer).parent.parts
    parts = parent[: len(parent) - level + 1] if level else ()
    base = "/".join([*parts, *module.split(".")]) if module else "/".join(parts)
    for rel in (f"{base}.py", f"{base}/__init__.py"):
        if rel in files:
            return rel
    return None


def dotted_module(rel: str) -> str:
    """The module name of a project file: config/settings/base.py -> config.settings.base."""
    return rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def normalize(name: str) -> str:
    """A distribution name as pip compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_test_or_migration(rel: str) -> bool:
    """Is this file a test, a test helper, a migration or documentation, rather than the app's code?"""
    parts = rel.split("/")
    name = parts[-1]
    return (
        bool({"migrations", "tests", "docs", "test"} & set(parts))
        or name.startswith("test")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def is_tooling(rel: str) -> bool:
    """Is this file tooling around the app (a server's config, a deploy or build script), not the app's code?"""
    name = PurePosixPath(rel).name
    return name in ("gunicorn.conf.py", "fabfile.py", "noxfile.py", "setup.py", "conftest.py") or rel.startswith(
        "fabfile/"
    )


# Reading ------------------------------------------------------------------------------------------


def check_path(path: str | Path) -> Path:
    """The project's folder, or BadInput saying what the path is instead."""
    if str(path).strip() == "":
        raise BadInput("no path given: give the folder of a Django project (the one that holds manage.py)")
    root = Path(path).expanduser()
    if not root.exists():
        raise BadInput(f"{path} does not exist: give the folder of a Django project (the one that holds manage.py)")
    if root.is_file():
        if root.name == "manage.py":
            raise BadInput(f"{path} is manage.py itself: give the folder that holds it, {root.parent}")
        raise BadInput(f"{path} is a file: give the folder of a Django project (the one that holds manage.py)")
    if not (root / "manage.py").is_file():
        below = sorted(p.parent.name for p in root.glob("*/manage.py"))
        if len(below) == 1:
            raise BadInput(f"{path} has no manage.py, but {Path(path) / below[0]} has one: audit that folder")
        if below:
            raise BadInput(f"{path} has no manage.py, but these folders in it have one: {', '.join(below)}")
        raise BadInput(f"{path} has no manage.py: give the folder of a Django project (the one that holds manage.py)")
    return root.resolve()


def list_files(root: Path) -> list[str]:
    """Every file of the project, relative and sorted, skipping caches and virtual environments."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not (Path(folder, d) / "pyvenv.cfg").exists())
        found += [Path(folder, name).relative_to(root).as_posix() for name in names]
    return sorted(found)


def read_text(root: Path, rel: str) -> str:
    """The text of a file ('' when it is binary, too big or unreadable)."""
    if BINARY.search(rel):
        return ""
    path = root / rel
    try:
        if path.stat().st_size > MAX_BYTES:
            return ""
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def git_state(root: Path) -> tuple[str, frozenset[str]]:
    """Whether git tracks the project's manage.py, and the files it tracks."""
    if shutil.which("git") is None:
        return "no-git", frozenset()
    try:
        done = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "no-git", frozenset()
    if done.returncode != 0:
        return "no-repository", frozenset()
    tracked = frozenset(p for p in done.stdout.decode(errors="replace").split("\0") if p)
    return ("tracked" if "manage.py" in tracked else "untracked"), tracked


def env_role(rel: str) -> str:
    """What an env file is for, by its name."""
    lowered = rel.lower()
    if re.search(r"example|sample|template|dist|defaults|\.tpl", lowered):
        return "example"
    if re.search(r"(^|[/._-])(local|dev|devel|development|test|tests|ci|vagrant)([/._-]|$)", lowered):
        return "development"
    if re.search(r"(^|[/._-])(prod|production|staging|live|deploy)([/._-]|$)", lowered):
        return "production"
    return "local"


def is_env_file(rel: str) -> bool:
    """A .env-style file: .env, .env.*, *.env, anything under .envs/, env.example."""
    name = PurePosixPath(rel).name
    if name in (".envrc",) or name.endswith((".py", ".sh", ".md")):
        return False
    return (
        name == ".env"
        or name.startswith(".env.")
        or name.endswith(".env")
        or rel.startswith(".envs/")
        or "/.envs/" in rel
        or name in ("env.example", "example.env", "env.sample")
    )


def requirement_lines(rel: str, text: str, dev: bool) -> list[Requirement]:
    """The requirements of a requirements file (its -r includes are files of their own)."""
    found = []
    for number, written in enumerate(text.replace("\\\n", " ").splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", written).strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", line)
        if match:
            spec = re.sub(r"\s--hash\S*", "", match[3]).strip()
            pinned = bool(re.match(r"^===?\s*[^\s*,;]+\s*(;.*)?$", spec)) or (spec.startswith("@") and "#" not in spec)
            found.append(Requirement(match[1], spec, pinned, f"{rel}:{number}", dev))
    return found


def is_dev_requirements(rel: str) -> bool:
    """A requirements file for development, tests or docs only."""
    return bool(
        re.search(r"(^|[/._-])(dev|devel|development|local|test|tests|testing|ci|lint|docs|doc)([/._-]|$)", rel.lower())
    )


def read_declarations(files: list[str], texts: Mapping[str, str]) -> Declarations:
    """The dependency declarations (requirements files, pyproject.toml, Pipfile) and lock files."""
    declared: list[Requirement] = []
    problems: list[tuple[str, str]] = []
    used: list[str] = []
    locks: list[Lock] = []
    for rel in files:
        name = PurePosixPath(rel).name
        if re.fullmatch(r"(requirements/[^/]+|[\w.-]*requirements[\w.-]*)\.(txt|in)", rel):
            used.append(rel)
            lines = requirement_lines(rel, texts.get(rel, ""), is_dev_requirements(rel))
            declared += lines
            compiled = re.search(r"autogenerated by pip-compile|uv pip compile|pip-compile", texts.get(rel, ""))
            source = rel.removesuffix(".txt") + ".in"
            if rel.endswith(".txt") and lines and all(r.pinned for r in lines) and (compiled or source in files):
                locks.append(Lock(rel, frozenset(normalize(r.name) for r in lines)))
        elif name in ("pyproject.toml", "Pipfile") and "/" not in rel:
            try:
                data = tomllib.loads(texts.get(rel, ""))
            except tomllib.TOMLDecodeError as error:
                problems.append((rel, f"does not parse: {error}"))
                continue
            found = toml_requirements(rel, data)
            if found:
                used.append(rel)
            declared += found
        elif name in ("uv.lock", "poetry.lock", "pdm.lock") or re.fullmatch(r"pylock(\.[\w-]+)?\.toml", name):
            try:
                data = tomllib.loads(texts.get(rel, ""))
            except tomllib.TOMLDecodeError as error:
                problems.append((rel, f"does not parse: {error}"))
                continue
            entries = data.get("package", data.get("packages", [])) or []
            locks.append(
                Lock(rel, frozenset(normalize(str(p.get("name", ""))) for p in entries if isinstance(p, dict)))
            )
        elif name == "Pipfile.lock":
            try:
                data = json.loads(texts.get(rel, "") or "{}")
            except ValueError as error:
                problems.append((rel, f"does not parse: {error}"))
                continue
            locks.append(Lock(rel, frozenset(normalize(n) for n in (data.get("default") or {}))))
    return Declarations(tuple(used), tuple(declared), tuple(locks), tuple(problems))


def toml_requirements(rel: str, data: Mapping[str, object]) -> list[Requirement]:
    """The dependencies of pyproject.toml (PEP 621, Poetry, dependency groups) or a Pipfile."""
    found = []
    project = data.get("project", {})
    groups: list[tuple[object, bool]] = []
    if isinstance(project, dict):
        groups.append((project.get("dependencies", []), False))
        extras = project.get("optional-dependencies", {}) or {}
        groups += [(extra, True) for extra in (extras.values() if isinstance(extras, dict) else [])]
    dependency_groups = data.get("dependency-groups", {})
    if isinstance(dependency_groups, dict):
        groups += [(group, True) for group in dependency_groups.values()]
    for entries, dev in groups:
        for entry in entries if isinstance(entries, list) else []:
            match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", str(entry))
            if match:
                spec = match[3]
                found.append(
                    Requirement(match[1], spec, bool(re.match(r"^\s*={2,3}\s*[^\s*,;]+\s*(;.*)?$", spec)), rel, dev)
                )
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    tables: list[tuple[object, bool]] = [
        (poetry.get("dependencies", {}), False),
        (poetry.get("dev-dependencies", {}), True),
    ]
    tables += [
        (g.get("dependencies", {}), True) for g in (poetry.get("group", {}) or {}).values() if isinstance(g, dict)
    ]
    tables += [(data.get("packages", {}), False), (data.get("dev-packages", {}), True)]
    for table, dev in tables:
        for name, spec in table.items() if isinstance(table, dict) else []:
            if name == "python":
                continue
            text = spec if isinstance(spec, str) else str(spec.get("version", "")) if isinstance(spec, dict) else ""
            pinned = bool(re.match(r"^\s*(==)?\s*\d[\w.]*\s*$", text)) and not text.startswith(("^", "~"))
            found.append(Requirement(name, text, pinned, rel, dev))
    return found


def read_facts(path: str | Path) -> Facts:
    """Read everything the audit needs from the project at path, once."""
    root = check_path(path)
    files = list_files(root)
    file_set = frozenset(files)
    texts = {rel: read_text(root, rel) for rel in files}
    trees: dict[str, ast.Module] = {}
    broken: dict[str, tuple[int, str]] = {}
    for rel in files:
        if rel.endswith(".py") or (rel.endswith(".py.example") and "settings" in rel):
            try:
                trees[rel] = ast.parse(texts[rel], filename=rel)
            except (SyntaxError, ValueError) as error:
                line = getattr(error, "lineno", 0) or 0
                broken[rel] = (line, getattr(error, "msg", str(error)))
    git, tracked = git_state(root)

    def resolve(module: str, level: int, importer: str) -> tuple[str, ast.Module] | None:
        rel = module_file(file_set, module, level, importer)
        return (rel, trees[rel]) if rel and rel != importer and rel in trees else None

    names_cache: dict[str, Names] = {}

    manage_choices = settings_choices(trees.get("manage.py"))
    settings_module = next((m for kind, m, _ in manage_choices if kind in ("setdefault", "assign")), "")
    deploy = read_deploy(files, lambda rel: texts.get(rel, ""), trees.get)
    env_files = tuple(
        EnvFile(rel, rel in tracked, env_role(rel), MappingProxyType(parse_env_file(texts[rel])))
        for rel in files
        if is_env_file(rel)
    )
    settings = read_settings(files, trees, resolve, names_cache, settings_module, deploy, env_files)
    production_module, why = choose_production(files, trees, settings, settings_module, deploy, env_files)
    production = production_chain(settings, module_file(file_set, production_module) or "")
    settings_rels = {m.rel for m in settings}
    code_files = tuple(
        f
        for f in files
        if f.endswith(".py")
        and f not in settings_rels
        and f != "manage.py"
        and not is_test_or_migration(f)
        and not is_tooling(f)
    )
    code_reads: list[EnvRead] = []
    for rel in ["manage.py", "gunicorn.conf.py", *code_files]:
        tree = trees.get(rel)
        if tree is not None:
            code_reads += Names(rel, tree, resolve, cache=names_cache).reads_in(tree)
    local_modules = frozenset(f.split("/")[0].removesuffix(".py") for f in files if f.endswith(".py"))
    declarations = read_declarations(files, texts)
    return Facts(
        root=root,
        files=tuple(files),
        git=git,
        tracked=tracked,
        texts=MappingProxyType(texts),
        trees=MappingProxyType(trees),
        broken=MappingProxyType(broken),
        settings_module=settings_module,
        production_module=production_module,
        production_why=why,
        settings=tuple(settings),
        production=tuple(production),
        code_files=code_files,
        code_reads=tuple(code_reads),
        env_files=env_files,
        declarations=declarations,
        deploy=deploy,
        local_modules=local_modules,
        secrets=tuple(sorted(secret_values(settings, texts, env_files), key=len, reverse=True)),
    )


def read_settings(
    files: list[str],
    trees: Mapping[str, ast.Module],
    resolve: Callable[[str, int, str], tuple[str, ast.Module] | None],
    names_cache: dict[str, Names],
    settings_module: str,
    deploy: Deploy,
    env_files: tuple[EnvFile, ...],
) -> list[SettingsModule]:
    """The default settings module, its siblings that are settings modules too, and what any of them star-imports."""
    file_set = frozenset(files)
    named = [settings_module, *(m for m, _ in deploy.settings_modules)]
    named += [f.variables["DJANGO_SETTINGS_MODULE"][0] for f in env_files if "DJANGO_SETTINGS_MODULE" in f.variables]
    mains = [rel for m in named if m and (rel := module_file(file_set, m))]
    if not mains:
        return []
    folders = {str(PurePosixPath(rel).parent) for rel in mains}
    candidates = [f for f in files if f.endswith(".py") and str(PurePosixPath(f).parent) in folders]
    candidates += [f for f in files if f.endswith(".py.example") and str(PurePosixPath(f).parent) in folders]
    found: dict[str, SettingsModule] = {}
    queue = list(dict.fromkeys(mains + candidates))
    while queue:
        rel = queue.pop(0)
        tree = trees.get(rel)
        if rel in found or tree is None:
            continue
        names = Names(rel, tree, resolve, cache=names_cache)
        bases = tuple(b for n in star_imports(tree) if (b := module_file(file_set, n.module or "", n.level, rel)))
        module = read_settings_module(rel, dotted_module(rel.removesuffix(".example")), tree, names, bases)
        if rel in mains or bases or {s.name for s in module.settings} & CORE_SETTINGS:
            found[rel] = module
            queue += [b for b in bases if b not in found]
    return list(found.values())


def choose_production(
    files: list[str],
    trees: Mapping[str, ast.Module],
    settings: list[SettingsModule],
    settings_module: str,
    deploy: Deploy,
    env_files: tuple[EnvFile, ...],
) -> tuple[str, str]:
    """The settings module production runs with, and how the audit knows."""
    known = {m.rel for m in settings}
    file_set = frozenset(f for f in files if f in known)
    for module, where in deploy.settings_modules:
        if module_file(file_set, module):
            return module, f"{where} sets DJANGO_SETTINGS_MODULE to {module}"
    for env_file in env_files:
        value = env_file.variables.get("DJANGO_SETTINGS_MODULE")
        if env_file.role == "production" and value and module_file(file_set, value[0]):
            return value[0], f"{env_file.rel}:{value[1]} sets DJANGO_SETTINGS_MODULE to {value[0]}"
    for process in deploy.web:
        match = re.search(r"([\w.]+)[.:](wsgi|asgi)\b", process.command.text)
        wsgi = module_file(files, f"{match[1]}.{match[2]}") if match else None
        choices = settings_choices(trees.get(wsgi)) if wsgi else []
        if choices and choices[0][1] != settings_module and module_file(file_set, choices[0][1]):
            return choices[0][1], f"{wsgi}:{choices[0][2]}, the web process's WSGI module, sets {choices[0][1]}"
    for rel in ("config/wsgi.py", *[f for f in files if f.endswith("/wsgi.py")]):
        choices = settings_choices(trees.get(rel))
        if choices and choices[0][1] != settings_module and module_file(file_set, choices[0][1]):
            return choices[0][1], f"{rel}:{choices[0][2]}, the WSGI module, sets {choices[0][1]}"
    for candidate in settings:
        if PurePosixPath(candidate.rel).stem in ("production", "prod", "live", "heroku", "deploy"):
            return candidate.module, f"{candidate.rel} is named for production"
    return settings_module, "manage.py's default"


def production_chain(settings: list[SettingsModule], main: str) -> list[str]:
    """The settings files production loads: its module, then what it star-imports, depth first."""
    by_rel = {m.rel: m for m in settings}
    order: list[str] = []

    def visit(rel: str) -> None:
        if rel in by_rel and rel not in order:
            order.append(rel)
            for base in by_rel[rel].bases:
                visit(base)

    visit(main)
    return order


def secret_values(settings: list[SettingsModule], texts: Mapping[str, str], env_files: tuple[EnvFile, ...]) -> set[str]:
    """Every literal secret value the project holds: settings, fallbacks, URLs with passwords, comments, env files."""
    found: set[str] = set()
    for module in settings:
        for setting in module.settings:
            for leaf in leaves(setting):
                value = constant(leaf.value)
                if isinstance(value, str) and len(value) >= 4 and SECRET_NAME.search(leaf.key):
                    found.add(value)
                for read in module.reads_in(leaf.value):
                    fallback = constant(read.fallback)
                    if (
                        isinstance(fallback, str)
                        and len(fallback) >= 4
                        and (SECRET_NAME.search(leaf.key) or SECRET_NAME.search(read.var))
                    ):
                        found.add(fallback)
                for node in ast.walk(leaf.value):
                    text = constant(node) if isinstance(node, ast.Constant) else None
                    if isinstance(text, str) and URL_WITH_USER.match(text):
                        found.add(text)
        found |= {value for _, _, value in commented_secrets(texts.get(module.rel, ""))}
    for env_file in env_files:
        for var, (value, _) in env_file.variables.items():
            if len(value) >= 4 and (SECRET_NAME.search(var) or URL_WITH_USER.match(value)):
                found.add(value)
    return found
