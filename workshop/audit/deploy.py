"""How a project is deployed and run, read from the descriptions real projects use.

Procfiles, Dockerfiles, Compose files, fly.toml, render.yaml, heroku.yml, app.json, systemd units, uwsgi.ini,
gunicorn.conf.py, crontabs, deploy scripts (shell, Fabric, Makefile targets) and development tooling (Vagrant,
development Compose files, shell aliases, Makefile targets) are read into one model: processes with the
commands they run at start, release and build steps, backing services, and the settings module they choose.
Development tooling is kept apart, so that it is never judged as a deploy.
"""

from __future__ import annotations

import ast
import configparser
import json
import posixpath
import re
import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from workshop.audit.source import constant, dotted, literal_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

try:
    import yaml
except ImportError:  # the workshop's environment has PyYAML; without it, Compose and render.yaml are not read
    yaml = None

PRODUCTION, DEVELOPMENT, UNKNOWN = "production", "development", "unknown"

DEV_WORDS = re.compile(
    r"(^|[/._-])(local|dev|devel|develop|development|vagrant|provision|provisioning|override|"
    r"test|tests|ci|example|sample|debug)([/._-]|$)",
    re.IGNORECASE,
)
PROD_WORDS = re.compile(
    r"(^|[/._-])(prod|production|live|deploy|deployment|release|server|staging|heroku|"
    r"dokku|fly|render)([/._-]|$)",
    re.IGNORECASE,
)

#: Programs that serve HTTP (or WSGI/ASGI) for the app.
SERVER = re.compile(
    r"(?:^|[\s/])(?:runserver(?:_plus)?|gunicorn|uvicorn|daphne|hypercorn|waitress-serve|uwsgi|granian)"
    r"(?:\s|$)"
)
#: Work that belongs to a release (or a build), not to every start of a process.
RELEASE_WORK = re.compile(
    r"\b(migrate|collectstatic|compilemessages|pip3?\s+install|uv\s+sync|poetry\s+install|"
    r"npm\s+(?:ci|install|run\s+build))\b"
)
#: Backing services by image or package name.
SERVICE_IMAGES = (
    (
        re.compile(r"(^|/)(postgres|postgis|timescaledb)[:@]?|postgresql(-\d+)?$|heroku-postgresql"),
        "database",
        "postgresql",
    ),
    (re.compile(r"(^|/)(mysql|mariadb)[:@]?|mysql-server|mariadb-server|jawsdb|cleardb"), "database", "mysql"),
    (re.compile(r"(^|/)(redis|valkey|keydb)[:@]?|redis-server|heroku-redis|rediscloud|keyvalue"), "cache", "redis"),
    (re.compile(r"(^|/)memcached[:@]?|memcachier|^memcached$"), "cache", "memcached"),
    (re.compile(r"(^|/)rabbitmq[:@]?|rabbitmq-server|cloudamqp"), "broker", "rabbitmq"),
)
PROXIES = re.compile(r"(^|/)(nginx|caddy|traefik|haproxy|envoy)[:@]?")


@dataclass(frozen=True)
class Command:
    """One command line a description runs, where it is written, and in which setting."""

    text: str
    where: str
    context: str = UNKNOWN  # production, development or unknown
    container: bool = False  # runs inside a container, whose ports are its own

    @property
    def file(self) -> str:
        """The file it is written in."""
        return self.where.rsplit(":", 1)[0] if re.search(r":\d+$", self.where) else self.where


@dataclass(frozen=True)
class Process:
    """A process type of the app: its name, the command it runs, and what runs before it at every start."""

    name: str
    command: Command
    before: tuple[Command, ...] = ()  # an entrypoint's or a start script's earlier lines
    release: bool = False  # a release step: run once per release, before the new processes start
    declared: str = ""  # where the process type is declared (Procfile:2, compose.prod.yaml:5, ...)
    formation: bool = True  # declared as a process type (not merely a script that starts a server)

    @property
    def serves(self) -> bool:
        """Does it run a web server?"""
        return bool(SERVER.search(self.command.text))


@dataclass(frozen=True)
class Service:
    """A backing service a description names: its kind (postgresql, redis, ...) and what it is for."""

    role: str  # database, cache or broker
    kind: str
    context: str
    where: str


@dataclass(frozen=True)
class UwsgiConfig:
    """The options of a uWSGI ini file that matter here."""

    rel: str
    options: Mapping[str, str]

    def get(self, *names: str) -> str:
        """The first of the options that is set, or ''."""
        return next((self.options[n] for n in names if self.options.get(n)), "")


@dataclass(frozen=True)
class Deploy:
    """Everything the descriptions say about deploying and running the project."""

    processes: tuple[Process, ...] = ()  # production process types and release steps
    builds: tuple[Command, ...] = ()  # build steps (a Dockerfile's RUN, render's buildCommand)
    scripts: tuple[Command, ...] = ()  # lines of deploy scripts run on servers (deploy.sh, fabfile, Makefile deploy)
    cron: tuple[Command, ...] = ()  # scheduled by cron on a server
    development: tuple[Command, ...] = ()  # development tooling, never judged as a deploy
    services: tuple[Service, ...] = ()
    settings_modules: tuple[tuple[str, str], ...] = ()  # (module, where) production chooses
    environment: tuple[tuple[str, str, str], ...] = ()  # (variable, value, where) production descriptions set
    uwsgi: tuple[UwsgiConfig, ...] = ()
    gunicorn_bind: tuple[str, ...] = ()  # `bind` of gunicorn.conf.py, as written ('$PORT' when it reads PORT)
    descriptions: tuple[str, ...] = ()  # the files that describe a production deploy
    unreadable: tuple[tuple[str, str], ...] = ()  # (file, why) descriptions that could not be read

    def process(self, name: str) -> Process | None:
        """The process type of that name, if declared."""
        return next((p for p in self.processes if p.name == name and not p.release), None)

    @property
    def web(self) -> list[Process]:
        """The processes that serve the web: named web (or app), or running a web server."""
        serving = [p for p in self.processes if not p.release and p.serves]
        named = [p for p in self.processes if not p.release and p.name in ("web", "app") and p not in serving]
        return serving + named

    @property
    def releases(self) -> list[Process]:
        """The release steps."""
        return [p for p in self.processes if p.release]


# Reading the project's files ---------------------------------------------------------------------


def context_of(rel: str) -> str:
    """What a file's path says about it: development tooling, production, or nothing."""
    if DEV_WORDS.search(rel):
        return DEVELOPMENT
    if PROD_WORDS.search(rel):
        return PRODUCTION
    return UNKNOWN


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, line) with backslash continuations joined, blank lines and comments left out."""
    found, buffer, start = [], "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if not buffer:
            start = number
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        if buffer.strip() and not buffer.lstrip().startswith("#"):
            found.append((start, buffer.strip()))
        buffer = ""
    return found


def script_lines(text: str) -> list[tuple[int, str]]:
    """The command lines of a shell script: continuations joined, heredoc bodies and comments left out."""
    found, ending = [], None
    for number, line in logical_lines(text):
        if ending is not None:
            if line.strip() == ending:
                ending = None
            continue
        heredoc = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", line)
        if heredoc:
            ending = heredoc[1]
        found.append((number, line))
    return found


def exec_target(line: str) -> str:
    """The command a line runs, without `exec` and leading VAR=value assignments."""
    line = re.sub(r"^\s*exec\s+", "", line)
    return re.sub(r"^(\s*[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+", "", line).strip()


def is_shell_script(rel: str, text: str) -> bool:
    """A shell script: .sh/.bash, or a file without extension that starts with a shell's #!."""
    name = PurePosixPath(rel).name
    if name.endswith((".sh", ".bash")):
        return True
    return "." not in name and bool(re.match(r"#!\s*\S*(sh|bash|dash|zsh)\b", text))


def is_crontab(rel: str) -> bool:
    """A crontab file: named crontab (or *.cron, or in a cron.d folder)."""
    name = PurePosixPath(rel).name.lower()
    return "crontab" in name or name.endswith(".cron") or "/cron.d/" in f"/{rel}"


def compose_context(rel: str, services: Mapping[str, object], compose_files: list[str]) -> str:
    """Production or development, for a Compose file: by its name, else by what it runs."""
    by_name = context_of(PurePosixPath(rel).name)
    if by_name != UNKNOWN:
        return by_name
    commands = " ".join(str(s.get("command", "")) for s in services.values() if isinstance(s, dict))
    mounts_source = any(
        isinstance(s, dict) and any(str(v).split(":")[0] in (".", "./") for v in s.get("volumes", []) or [])
        for s in services.values()
    )
    if "runserver" in commands or mounts_source:
        return DEVELOPMENT
    others = [f for f in compose_files if f != rel and context_of(PurePosixPath(f).name) == PRODUCTION]
    return DEVELOPMENT if others else PRODUCTION


def service_of(name: str) -> tuple[str, str] | None:
    """(role, kind) of a backing service named by an image, add-on or package, or None."""
    for pattern, role, kind in SERVICE_IMAGES:
        if pattern.search(name.lower()):
            return role, kind
    return None


def words(command: object) -> str:
    """A Compose, fly or Docker command (string or list) as one shell line."""
    if isinstance(command, list):
        if len(command) >= 3 and command[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and command[1] == "-c":
            return str(command[2])
        return " ".join(shlex.quote(str(c)) for c in command)
    return str(command or "").strip()


def settings_option(command: str) -> str:
    """The module a `--settings=X` option names, or ''."""
    match = re.search(r"--settings[=\s]+['\"]?([\w.]+)", command)
    return match[1] if match else ""


@dataclass
class _Reader:
    """Reads the descriptions of one project; `result()` gives the Deploy."""

    files: list[str]
    text: Callable[[str], str]
    tree: Callable[[str], ast.Module | None]
    processes: list[Process] = field(default_factory=list)
    builds: list[Command] = field(default_factory=list)
    scripts: list[Command] = field(default_factory=list)
    cron: list[Command] = field(default_factory=list)
    development: list[Command] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    settings_modules: list[tuple[str, str]] = field(default_factory=list)
    environment: list[tuple[str, str, str]] = field(default_factory=list)
    uwsgi: list[UwsgiConfig] = field(default_factory=list)
    gunicorn_bind: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    used_scripts: dict[str, str] = field(default_factory=dict)  # script -> context it was given

    def result(self) -> Deploy:
        """The Deploy, immutable."""
        return Deploy(
            tuple(self.processes),
            tuple(self.builds),
            tuple(self.scripts),
            tuple(self.cron),
            tuple(self.development),
            tuple(dict.fromkeys(self.services)),
            tuple(dict.fromkeys(self.settings_modules)),
            tuple(self.environment),
            tuple(self.uwsgi),
            tuple(self.gunicorn_bind),
            tuple(dict.fromkeys(self.descriptions)),
            tuple(self.unreadable),
        )

    def read(self) -> None:
        """Read every description the project has, production ones first."""
        names = {rel: PurePosixPath(rel).name for rel in self.files}
        self.gunicorn_conf()
        for rel, name in names.items():
            if name == "uwsgi.ini" or (name.endswith(".ini") and "[uwsgi]" in self.text(rel)):
                self.uwsgi_ini(rel)
        images: dict[str, dict[str, object]] = {}
        for rel, name in names.items():
            if name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
                images[rel] = self.dockerfile(rel)
        platform = False
        for rel, name in names.items():
            if name == "Procfile" or name.startswith("Procfile."):
                self.procfile(rel)
                platform = platform or name == "Procfile"
        for rel in ("fly.toml", "render.yaml", "heroku.yml", "app.json"):
            if rel in self.files:
                platform = getattr(self, rel.replace(".", "_"))(rel, images) or platform
        compose_files = [
            rel
            for rel, name in names.items()
            if "/" not in rel
            and name.endswith((".yml", ".yaml"))
            and name not in ("render.yaml", "heroku.yml")
            and self._is_compose(rel)
        ]
        for rel in compose_files:
            platform = self.compose(rel, compose_files, images) or platform
        if not platform:
            for rel, image in images.items():
                if image["context"] == PRODUCTION and image["command"] is not None:
                    self.image_process("web", rel, image, f"{rel}:{image['line']}")
        for rel, name in names.items():
            if name.endswith(".service") and "[Service]" in self.text(rel):
                self.systemd(rel)
        for rel, name in names.items():
            if name == "Vagrantfile":
                self.vagrantfile(rel)
            elif name == "Makefile":
                self.makefile(rel)
            elif name == "fabfile.py" or rel.startswith("fabfile/"):
                self.fabfile(rel)
            elif is_crontab(rel):
                self.crontab(rel)
            elif name in (".bashrc", ".bash_aliases", ".aliases", ".zshrc"):
                self.development += [
                    Command(line, f"{rel}:{n}", DEVELOPMENT) for n, line in script_lines(self.text(rel))
                ]
        for rel in self.files:
            if rel not in self.used_scripts and is_shell_script(rel, self.text(rel)):
                self.loose_script(rel)
        if any(u for u in self.uwsgi) and not any("uwsgi" in p.command.text for p in self.processes):
            for config in self.uwsgi:
                command = Command(f"uwsgi --ini {config.rel}", config.rel, PRODUCTION)
                self.processes.append(Process("web", command, declared=config.rel, formation=False))
                self.descriptions.append(config.rel)

    # One reader per kind of description ------------------------------------------------------

    def gunicorn_conf(self) -> None:
        """gunicorn.conf.py's `bind`, which every gunicorn started in the project's folder reads."""
        tree = self.tree("gunicorn.conf.py") if "gunicorn.conf.py" in self.files else None
        for node in tree.body if tree else []:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "bind" for t in node.targets):
                text = ast.unparse(node.value)
                value = constant(node.value)
                values = value if isinstance(value, (list, tuple)) else [value]
                if ("PORT" in text and "environ" in text) or "getenv" in text:
                    self.gunicorn_bind.append("$PORT")
                else:
                    self.gunicorn_bind += [str(v) for v in values if isinstance(v, str)] or [text]

    def uwsgi_ini(self, rel: str) -> None:
        """The [uwsgi] section of an ini file."""
        parser = configparser.ConfigParser(interpolation=None, strict=False, delimiters=("=",))
        try:
            parser.read_string(self.text(rel))
        except configparser.Error as error:
            self.unreadable.append((rel, f"does not parse: {error}"))
            return
        if parser.has_section("uwsgi"):
            options = {k: re.sub(r"\s+#.*$", "", v).strip() for k, v in parser.items("uwsgi")}
            self.uwsgi.append(UwsgiConfig(rel, options))

    def procfile(self, rel: str) -> None:
        """A Procfile: one process type per line; Procfile.dev and the like are development tooling."""
        context = PRODUCTION if PurePosixPath(rel).name == "Procfile" else context_of(rel) or DEVELOPMENT
        context = DEVELOPMENT if context == UNKNOWN else context
        for number, line in enumerate(self.text(rel).splitlines(), 1):
            match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line.strip())
            if not match or line.lstrip().startswith("#"):
                continue
            command = Command(match[2].strip(), f"{rel}:{number}", context)
            if context != PRODUCTION:
                self.development.append(command)
                continue
            self.descriptions.append(rel)
            self.add_process(match[1], command, release=match[1] == "release")

    def add_process(self, name: str, command: Command, release: bool = False, before: tuple[Command, ...] = ()) -> None:
        """A process type; a command that runs a script of the project is read into its lines."""
        self.note_settings(command)
        declared = command.where
        script = self.script_file(command.text)
        if script:
            lines = [
                Command(line, f"{script}:{n}", command.context, command.container)
                for n, line in script_lines(self.text(script))
            ]
            self.used_scripts[script] = command.context
            runs = [c for c in lines if c.text.startswith("exec ") or SERVER.search(c.text)]
            main = runs[-1] if runs else (lines[-1] if lines else command)
            main = Command(exec_target(main.text), main.where, main.context, main.container)
            earlier = tuple(c for c in lines if c.where != main.where and not c.text.startswith(("set ", "cd ")))
            self.processes.append(Process(name, main, before + earlier, release, declared))
            return
        self.processes.append(Process(name, command, before, release, declared))

    def script_file(self, command: str, mapping: Mapping[str, str] | None = None) -> str:
        """The project's script a command runs (`./bin/start.sh`, `/start` copied from a file), or ''."""
        first = exec_target(command).split(" ")[0] if command.strip() else ""
        for prefix in ("sh ", "bash ", "/bin/sh ", "/bin/bash "):
            if exec_target(command).startswith(prefix):
                first = exec_target(command)[len(prefix) :].split(" ")[0]
        if mapping and first in mapping:
            return mapping[first]
        candidate = first.removeprefix("./").lstrip("/")
        for rel in (candidate, candidate.removeprefix("app/"), candidate.removeprefix("code/")):
            if rel in self.files and is_shell_script(rel, self.text(rel)):
                return rel
        return ""

    def note_settings(self, command: Command) -> None:
        """A production command's `--settings=X`."""
        module = settings_option(command.text)
        if module and command.context == PRODUCTION:
            self.settings_modules.append((module, command.where))

    def note_environment(self, variables: Mapping[str, object], where: str) -> None:
        """Variables a production description sets (DJANGO_SETTINGS_MODULE above all)."""
        for var, value in variables.items():
            if isinstance(value, (str, int, float, bool)):
                self.environment.append((str(var), str(value), where))
                if var == "DJANGO_SETTINGS_MODULE":
                    self.settings_modules.append((str(value), where))

    def dockerfile(self, rel: str) -> dict[str, object]:
        """A Dockerfile: its build steps, the paths it copies files to, its ENV, ENTRYPOINT and CMD."""
        context = DEVELOPMENT if context_of(rel) == DEVELOPMENT else PRODUCTION
        copies: dict[str, str] = {}
        entrypoint: tuple[str, str] | None = None
        command: tuple[str, str] | None = None
        base = ""
        line = 0
        workdir = "/"
        for number, text in logical_lines(self.text(rel)):
            instruction, _, rest = text.partition(" ")
            instruction, rest = instruction.upper(), rest.strip()
            where = f"{rel}:{number}"
            if instruction == "FROM":
                base = rest.split()[0] if rest else ""
                entrypoint = command = None
            elif instruction == "RUN" and context == PRODUCTION:
                self.builds.append(Command(rest, where, context, True))
            elif instruction == "WORKDIR":
                workdir = rest
            elif instruction in ("COPY", "ADD") and "--from" not in rest:
                parts = [p for p in shlex.split(rest) if not p.startswith("--")]
                if len(parts) == 2:
                    destination = parts[1] if parts[1].startswith("/") else f"{workdir.rstrip('/')}/{parts[1]}"
                    copies[posixpath.normpath(destination)] = posixpath.normpath(parts[0])
            elif instruction == "ENV" and context == PRODUCTION:
                pairs = re.findall(r"([A-Za-z_]\w*)=(\"[^\"]*\"|'[^']*'|\S+)", rest) or (
                    [tuple(rest.split(None, 1))] if len(rest.split(None, 1)) == 2 else []
                )
                self.note_environment({k: v.strip("\"'") for k, v in pairs}, where)
            elif instruction == "ENTRYPOINT":
                entrypoint = (self._docker_command(rest), where)
            elif instruction == "CMD":
                command, line = (self._docker_command(rest), where), number
        if context == PRODUCTION:
            self.descriptions.append(rel)
        mapping = {}
        for destination, source in copies.items():
            if source in self.files:
                mapping[destination] = source
            elif source == "." or source in {f.split("/")[0] for f in self.files if "/" in f}:
                prefix = "" if source == "." else source
                for candidate in self.files:
                    if not prefix or candidate.startswith(prefix + "/"):
                        inner = candidate[len(prefix) + 1 :] if prefix else candidate
                        mapping[f"{destination.rstrip('/')}/{inner}"] = candidate
        return {
            "context": context,
            "entrypoint": entrypoint,
            "command": command,
            "mapping": mapping,
            "line": line,
            "base": base,
        }

    @staticmethod
    def _docker_command(rest: str) -> str:
        """An ENTRYPOINT or CMD, exec form or shell form, as one shell line."""
        if rest.startswith("["):
            try:
                return words(json.loads(rest))
            except ValueError:
                return rest
        return rest

    def image_process(
        self,
        name: str,
        rel: str,
        image: Mapping[str, object],
        where: str,
        command: str | None = None,
        context: str = PRODUCTION,
    ) -> None:
        """A process running a Dockerfile's image: its ENTRYPOINT script runs before the command at every start."""
        mapping = image["mapping"]
        assert isinstance(mapping, dict)
        default = image["command"]
        text = command if command is not None else (default[0] if isinstance(default, tuple) else "")
        before: list[Command] = []
        entrypoint = image["entrypoint"]
        if isinstance(entrypoint, tuple):
            script = self.script_file(entrypoint[0], mapping)
            if script:
                self.used_scripts[script] = context
                lines = [Command(line, f"{script}:{n}", context, True) for n, line in script_lines(self.text(script))]
                before += [c for c in lines if not c.text.startswith(("set ", 'exec "$@"', 'exec "${@}"', "exec $@"))]
        main = Command(text, where, context, True)
        script = self.script_file(text, mapping)
        if script:
            self.used_scripts[script] = context
            lines = [Command(line, f"{script}:{n}", context, True) for n, line in script_lines(self.text(script))]
            runs = [c for c in lines if c.text.startswith("exec ") or SERVER.search(c.text)]
            if runs:
                main = Command(exec_target(runs[-1].text), runs[-1].where, context, True)
                before += [c for c in lines if c.where != runs[-1].where and not c.text.startswith("set ")]
        self.note_settings(main)
        self.processes.append(Process(name, main, tuple(before), declared=where))

    def _is_compose(self, rel: str) -> bool:
        """Is this YAML file a Compose file (with services)?"""
        data = self._yaml(rel, quiet=True)
        return isinstance(data, dict) and isinstance(data.get("services"), dict)

    def _yaml(self, rel: str, quiet: bool = False) -> object:
        """A YAML file's data, or None."""
        if yaml is None:
            if not quiet:
                self.unreadable.append((rel, "PyYAML is not installed: cannot read YAML"))
            return None
        try:
            return yaml.safe_load(self.text(rel))
        except yaml.YAMLError as error:
            if not quiet:
                self.unreadable.append((rel, f"does not parse: {str(error).splitlines()[0]}"))
            return None

    def compose(self, rel: str, compose_files: list[str], images: Mapping[str, Mapping[str, object]]) -> bool:
        """A Compose file: services that run the app are process types, the others backing services."""
        data = self._yaml(rel)
        services = data.get("services", {}) if isinstance(data, dict) else {}
        context = compose_context(rel, services, compose_files)
        production = False
        for name, service in services.items():
            if not isinstance(service, dict):
                continue
            where = f"{rel}:{self._line_of(rel, f'{name}:')}"
            image = str(service.get("image", ""))
            backing = service_of(image) if image else None
            if backing:
                self.services.append(Service(backing[0], backing[1], context, where))
                continue
            if PROXIES.search(image) and "build" not in service:
                continue
            build = service.get("build")
            dockerfile = ""
            if isinstance(build, dict):
                folder = str(build.get("context", ".")).strip("./")
                dockerfile = str(build.get("dockerfile", "Dockerfile")).removeprefix("./")
                dockerfile = dockerfile if dockerfile in images else f"{folder}/{dockerfile}".strip("/")
            elif isinstance(build, str):
                dockerfile = f"{build.strip('./')}/Dockerfile".strip("/")
            elif image and context == PRODUCTION:
                dockerfile = next((d for d, i in images.items() if i["context"] == PRODUCTION), "")
            built = images.get(dockerfile, {})
            backing = service_of(str(built.get("base", ""))) if built and built.get("command") is None else None
            if backing:
                self.services.append(Service(backing[0], backing[1], context, where))
                continue
            command = words(service["command"]) if "command" in service else None
            environment = service.get("environment", {})
            if isinstance(environment, list):
                environment = dict(str(e).split("=", 1) for e in environment if "=" in str(e))
            if context != PRODUCTION:
                if command:
                    self.development.append(Command(command, where, DEVELOPMENT, True))
                continue
            production = True
            self.descriptions.append(rel)
            if isinstance(environment, dict):
                self.note_environment(environment, where)
            if dockerfile in images:
                self.image_process(name, dockerfile, images[dockerfile], where, command)
            elif command:
                self.add_process(name, Command(command, where, PRODUCTION, True))
        return production

    def _line_of(self, rel: str, text: str) -> int:
        """The number of the first line holding text (1 when none does)."""
        return next((n for n, line in enumerate(self.text(rel).splitlines(), 1) if text in line), 1)

    def fly_toml(self, rel: str, images: Mapping[str, Mapping[str, object]]) -> bool:
        """fly.toml: a release command, process types (or the image's CMD), and [env]."""
        try:
            data = tomllib.loads(self.text(rel))
        except tomllib.TOMLDecodeError as error:
            self.unreadable.append((rel, f"does not parse: {error}"))
            return False
        self.descriptions.append(rel)
        self.note_environment(data.get("env", {}), f"{rel}:{self._line_of(rel, '[env]')}")
        release = data.get("deploy", {}).get("release_command")
        if release:
            where = f"{rel}:{self._line_of(rel, 'release_command')}"
            self.add_process("release", Command(str(release), where, PRODUCTION, True), release=True)
        processes = data.get("processes", {})
        dockerfile = str(data.get("build", {}).get("dockerfile", "Dockerfile"))
        image = images.get(dockerfile)
        for name, command in processes.items():
            where = f"{rel}:{self._line_of(rel, f'{name} =')}"
            if image is not None:
                self.image_process(name, dockerfile, image, where, str(command))
            else:
                self.add_process(name, Command(str(command), where, PRODUCTION, True))
        if not processes and image is not None:
            self.image_process("app", dockerfile, image, f"{dockerfile}:{image['line']}")
        return True

    def render_yaml(self, rel: str, images: Mapping[str, Mapping[str, object]]) -> bool:
        """render.yaml: services with build, pre-deploy and start commands; databases."""
        data = self._yaml(rel)
        if not isinstance(data, dict):
            return False
        self.descriptions.append(rel)
        for database in data.get("databases", []) or []:
            self.services.append(
                Service("database", "postgresql", PRODUCTION, f"{rel}:{self._line_of(rel, 'databases:')}")
            )
            del database
        for service in data.get("services", []) or []:
            if not isinstance(service, dict):
                continue
            kind, name = str(service.get("type", "web")), str(service.get("name", "web"))
            where = f"{rel}:{self._line_of(rel, f'name: {name}')}"
            if kind in ("redis", "keyvalue"):
                self.services.append(Service("cache", "redis", PRODUCTION, where))
                continue
            container = str(service.get("runtime", service.get("env", ""))) == "docker"
            for var in service.get("envVars", []) or []:
                if isinstance(var, dict) and "value" in var:
                    self.note_environment({str(var.get("key")): var["value"]}, where)
            if service.get("buildCommand"):
                self.builds.append(Command(str(service["buildCommand"]), where, PRODUCTION, container))
            if service.get("preDeployCommand"):
                self.add_process(
                    "release", Command(str(service["preDeployCommand"]), where, PRODUCTION, container), release=True
                )
            start = service.get("startCommand") or service.get("dockerCommand")
            role = "web" if kind == "web" else name
            if kind == "cron":
                self.cron.append(Command(str(start), where, PRODUCTION, container))
            elif start:
                self.add_process(role, Command(str(start), where, PRODUCTION, container))
            elif container and "Dockerfile" in images:
                self.image_process(role, "Dockerfile", images["Dockerfile"], where)
        return True

    def heroku_yml(self, rel: str, images: Mapping[str, Mapping[str, object]]) -> bool:
        """heroku.yml: a Docker build, a release command and run commands."""
        data = self._yaml(rel)
        if not isinstance(data, dict):
            return False
        self.descriptions.append(rel)
        release = data.get("release", {})
        if isinstance(release, dict) and release.get("command"):
            where = f"{rel}:{self._line_of(rel, 'release:')}"
            self.add_process("release", Command(words(release["command"]), where, PRODUCTION, True), release=True)
        for name, command in (data.get("run", {}) or {}).items():
            text = words(command.get("command") if isinstance(command, dict) else command)
            self.add_process(str(name), Command(text, f"{rel}:{self._line_of(rel, f'{name}:')}", PRODUCTION, True))
        builds = (data.get("build", {}) or {}).get("docker", {}) or {}
        for name, dockerfile in builds.items():
            if str(dockerfile) in images and not self.process(str(name)):
                self.image_process(
                    str(name), str(dockerfile), images[str(dockerfile)], f"{rel}:{self._line_of(rel, 'docker:')}"
                )
        return True

    def app_json(self, rel: str, images: Mapping[str, Mapping[str, object]]) -> bool:
        """app.json: the platform's add-ons (backing services) and config vars."""
        try:
            data = json.loads(self.text(rel))
        except ValueError as error:
            self.unreadable.append((rel, f"does not parse: {error}"))
            return False
        if not isinstance(data, dict):
            return False
        self.descriptions.append(rel)
        for addon in data.get("addons", []) or []:
            plan = addon.get("plan", "") if isinstance(addon, dict) else str(addon)
            service = service_of(str(plan))
            if service:
                self.services.append(
                    Service(service[0], service[1], PRODUCTION, f"{rel}:{self._line_of(rel, str(plan))}")
                )
        variables = {k: v.get("value") if isinstance(v, dict) else v for k, v in (data.get("env", {}) or {}).items()}
        line = self._line_of(rel, '"env"')
        self.note_environment({k: v for k, v in variables.items() if v is not None}, f"{rel}:{line}")
        del images
        return False  # it describes the app, not its processes: the Procfile does

    def process(self, name: str) -> Process | None:
        """A process type read so far."""
        return next((p for p in self.processes if p.name == name), None)

    def systemd(self, rel: str) -> None:
        """A systemd unit: ExecStartPre lines run before ExecStart at every start."""
        before: list[Command] = []
        main: Command | None = None
        variables: dict[str, str] = {}
        for number, line in logical_lines(self.text(rel)):
            key, _, value = line.partition("=")
            command = Command(value.strip().lstrip("-@+!"), f"{rel}:{number}", PRODUCTION)
            if key.strip() == "ExecStartPre":
                before.append(command)
            elif key.strip() == "ExecStart":
                main = command
            elif key.strip() == "Environment":
                variables.update(re.findall(r"([A-Za-z_]\w*)=(\S+)", value.replace('"', "")))
        if main is None:
            return
        self.descriptions.append(rel)
        self.note_environment(variables, rel)
        name = "web" if SERVER.search(main.text) else PurePosixPath(rel).stem
        self.add_process(name, main, before=tuple(before))

    def vagrantfile(self, rel: str) -> None:
        """A Vagrantfile: development tooling, with the provisioning scripts it names."""
        text = self.text(rel)
        for named in re.findall(r"path:\s*['\"]([^'\"]+)['\"]", text):
            script = named.removeprefix("./")
            if script in self.files:
                self.used_scripts[script] = DEVELOPMENT
                self.development_script(script)
        for number, line in enumerate(text.splitlines(), 1):
            inline = re.search(r"inline:\s*['\"]([^'\"]+)['\"]", line)
            if inline:
                self.development.append(Command(inline[1], f"{rel}:{number}", DEVELOPMENT))

    def development_script(self, rel: str) -> None:
        """A development script: its commands and the services it installs (apt-get install postgresql-15)."""
        for number, line in script_lines(self.text(rel)):
            self.development.append(Command(line, f"{rel}:{number}", DEVELOPMENT))
            if re.search(r"\b(apt(-get)?|yum|dnf|apk|brew)\s+(-\S+\s+)*(install|add)\b", line):
                for package in line.split():
                    service = service_of(package)
                    if service and not package.startswith("-") and "dev" not in package:
                        self.services.append(Service(service[0], service[1], DEVELOPMENT, f"{rel}:{number}"))

    def makefile(self, rel: str) -> None:
        """A Makefile: recipes of deploy-like targets run against servers; the others are development tooling."""
        target = ""
        for number, line in enumerate(self.text(rel).splitlines(), 1):
            match = re.match(r"^([\w.-]+)\s*:(?!=)", line)
            if match:
                target = match[1]
                continue
            if line.startswith("\t") and line.strip() and not line.strip().startswith("#"):
                command = Command(line.strip().lstrip("@-"), f"{rel}:{number}")
                if re.search(r"deploy|release|prod", target) and not re.search(r"\bgit\s+push\b", command.text):
                    self.scripts.append(Command(command.text, command.where, PRODUCTION))
                else:
                    self.development.append(Command(command.text, command.where, DEVELOPMENT))

    def fabfile(self, rel: str) -> None:
        """A Fabric file: the commands it runs on the servers (c.run("..."), sudo("...")), a deploy script."""
        tree = self.tree(rel)
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Call) and dotted(node.func).split(".")[-1] in ("run", "sudo") and node.args:
                text = literal_text(node.args[0])
                if text:
                    self.scripts.append(Command(text, f"{rel}:{node.lineno}", PRODUCTION))
        self.descriptions.append(rel)

    def crontab(self, rel: str) -> None:
        """A crontab: each scheduled command."""
        context = DEVELOPMENT if context_of(rel) == DEVELOPMENT else PRODUCTION
        for number, line in logical_lines(self.text(rel)):
            fields = line.split(None, 5)
            if line.startswith("@") and len(line.split(None, 1)) == 2:
                self.cron.append(Command(line.split(None, 1)[1], f"{rel}:{number}", context))
            elif len(fields) == 6 and not re.match(r"[A-Za-z_]\w*=", line):
                self.cron.append(Command(fields[5], f"{rel}:{number}", context))

    def loose_script(self, rel: str) -> None:
        """A shell script no description names: a deploy script by its name or what it does, else left alone."""
        context = context_of(rel)
        lines = [Command(line, f"{rel}:{n}", context) for n, line in script_lines(self.text(rel))]
        if context == DEVELOPMENT:
            self.development_script(rel)
            return
        text = "\n".join(c.text for c in lines)
        deploys = re.search(
            r"\bgit\s+(pull|fetch|checkout|reset)\b|\b(systemctl|supervisorctl|service)\s+\S*\s*"
            r"(re)?start|\bpkill\b|\bkillall\b|\bnohup\b",
            text,
        )
        if context == PRODUCTION or deploys:
            self.scripts += [Command(c.text, c.where, PRODUCTION) for c in lines]
            self.descriptions.append(rel)
            servers = [c for c in lines if SERVER.search(c.text) and "pkill" not in c.text and "kill" not in c.text]
            if servers and not deploys:
                main = Command(exec_target(servers[-1].text), servers[-1].where, PRODUCTION)
                self.note_settings(main)
                self.processes.append(
                    Process(
                        "web",
                        main,
                        tuple(c for c in lines if c is not servers[-1]),
                        declared=main.where,
                        formation=False,
                    )
                )


def read_deploy(files: list[str], text: Callable[[str], str], tree: Callable[[str], ast.Module | None]) -> Deploy:
    """Everything the project's descriptions say about deploying and running it."""
    reader = _Reader(files, text, tree)
    reader.read()
    return reader.result()
