"""III. Config: what varies between deploys (resource handles, credentials, host names) lives in the environment.

Findings are weighed by the settings production loads: a literal in a module production never imports, or in a
branch the environment chooses, is noted, not failed. A secret is a leak wherever it is committed: in settings,
in a comment, or in an env file git tracks.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from workshop.audit.factors.common import (
    DEPLOY_NAMES,
    attempt,
    is_fallback,
    is_service_url,
    not_confirmed,
    settings_unreadable,
    weigh,
)
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence, Kind, note, ok, problem, unknown
from workshop.audit.runner import Runner, digest
from workshop.audit.source import (
    NOT_CONSTANT,
    SECRET_NAME,
    TRUTHY,
    URL_WITH_USER,
    EnvRead,
    Setting,
    SettingsModule,
    commented_secrets,
    constant,
    describe,
    hostname,
    is_random,
    is_remote_host,
    leaves,
)

ROMAN, NAME = "III", "Config"

ENVIRONMENT_NAMES = DEPLOY_NAMES | {"dev", "development", "local", "test", "testing", "ci"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0", ".localhost", "*", "testserver"}


def check(facts: Facts, runner: Runner) -> list[Evidence]:
    """Config in the environment: no secrets or per-deploy values in what production loads or what git tracks."""
    evidence = committed_env_files(facts) + secrets_in_comments(facts)
    unreadable = settings_unreadable(facts, ROMAN)
    if unreadable:
        return evidence + unreadable
    for module in facts.settings:
        for setting in module.settings:
            evidence += judge(facts, module, setting)
    evidence += named_environments(facts)
    evidence += defaults(facts)
    reads = [r for m in facts.production_settings for r in m.reads if r.cast != "presence"]
    if reads:
        names = list(dict.fromkeys(r.var for r in reads))
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        evidence.append(
            ok(
                "III.from-env",
                f"production's settings read {len(names)} variables from the environment: {shown}",
                facts.production[0],
            )
        )
    elif not any(e.kind is Kind.PROBLEM for e in evidence):
        evidence.append(
            unknown(
                "III.nothing-read",
                "the settings read nothing from the environment that the audit can follow",
                facts.production[0] if facts.production else "",
            )
        )
    found = run(facts, runner, evidence)
    if {e.id for e in found if e.kind is Kind.OK} >= {"III.run-secret", "III.run-refuses"}:
        evidence = [e for e in evidence if e.id != "III.nothing-read"] + [
            note(
                "III.nothing-read",
                "the settings read nothing from the environment that the audit can follow: running it decides",
            )
        ]
    return evidence + found


def judge(facts: Facts, module: SettingsModule, setting: Setting) -> list[Evidence]:
    """The config findings of one assignment."""
    found = []
    value = constant(setting.value)
    if setting.name == "DEBUG" and not setting.keys:
        found += debug(facts, module, setting, value)
    if setting.name == "ALLOWED_HOSTS" and not setting.keys and isinstance(value, (list, tuple)):
        hosts = [h for h in value if isinstance(h, str) and h not in LOCAL_HOSTS]
        if hosts:
            found.append(
                weigh(
                    facts,
                    module,
                    setting,
                    "III.hosts-literal",
                    f"ALLOWED_HOSTS = {describe(list(value), False)} is typed into the settings",
                    "each deploy has its own host names",
                )
            )
    if (
        setting.name == "SECRET_KEY"
        and not setting.keys
        and is_random(setting.value)
        and not module.reads_in(setting.value)
    ):
        tested = [v for c in setting.conditions for v in c.variables] if is_fallback(module, setting) else []
        found.append(
            weigh(
                facts,
                module,
                setting,
                "III.random-secret",
                (f"without {tested[0]}, " if tested else "") + "SECRET_KEY is made at random at each start",
                "every process gets its own, so sessions, signed cookies and password-reset links made by "
                "one process fail in another",
            )
        )
    if setting.name == "DATABASES":
        found += database_literals(facts, module, setting)
    for leaf in leaves(setting):
        found += literal(facts, module, leaf)
    return found


def database_literals(facts: Facts, module: SettingsModule, setting: Setting) -> list[Evidence]:
    """A database's location and credentials typed into the settings: one finding per alias."""
    found = []
    aliases = (
        [(setting.keys[0], setting.value)]
        if len(setting.keys) == 1
        else (
            [(str(constant(k)), v) for k, v in zip(setting.value.keys, setting.value.values, strict=False)]
            if not setting.keys and isinstance(setting.value, ast.Dict)
            else []
        )
    )
    for alias, node in aliases:
        if not isinstance(node, ast.Dict):
            continue
        sqlite = "sqlite" in str(
            constant(next((v for k, v in zip(node.keys, node.values, strict=False) if constant(k) == "ENGINE"), None))
        )
        typed = [
            str(constant(k))
            for k, v in zip(node.keys, node.values, strict=False)
            if (constant(k) in ("NAME", "HOST", "USER", "PORT") and constant(v) not in (NOT_CONSTANT, "", None))
            or (sqlite and constant(k) == "NAME" and not module.uses_environment(v))
        ]
        if typed:
            found.append(
                weigh(
                    facts,
                    module,
                    setting,
                    "III.resource-literal",
                    f"DATABASES[{alias!r}] has its {', '.join(typed)} typed into the settings",
                    "where the database is, and who connects to it, is config",
                    f"{setting.file}:{getattr(node, 'lineno', setting.line)}",
                )
            )
    return found


def debug(facts: Facts, module: SettingsModule, setting: Setting, value: object) -> list[Evidence]:
    """DEBUG comes from the environment, parsed, and is off when the variable is missing."""
    if value is not NOT_CONSTANT:
        if value is True or not facts.split:
            return [
                weigh(
                    facts,
                    module,
                    setting,
                    "III.debug-literal",
                    f"DEBUG = {value!r} is typed into the settings" + ("" if value is True else " every deploy uses"),
                    "production shows tracebacks and settings to anyone"
                    if value is True
                    else "it cannot differ between deploys",
                )
            ]
        return []
    found = []
    for read in module.reads_in(setting.value):
        if read.cast in ("", "raw-bool") and (module.names.read(setting.value) is not None or read.cast == "raw-bool"):
            found.append(
                weigh(
                    facts,
                    module,
                    setting,
                    "III.debug-raw",
                    f"DEBUG is the raw text of {read.var} ({read.how})",
                    f"the text 'False' is true, so {read.var}=False turns debugging on",
                )
            )
        if on_when_unset(read):
            found.append(
                weigh(
                    facts,
                    module,
                    setting,
                    "III.debug-default-on",
                    f"DEBUG is on when {read.var} is unset",
                    where=read.where,
                )
            )
    return found


def on_when_unset(read: EnvRead) -> bool:
    """Is a yes/no variable on when it is unset, by the default the code gives it?"""
    fallback = constant(read.fallback)
    if fallback is True:
        return True
    if not isinstance(fallback, str):
        return False
    if read.on:
        return fallback.lower() in {w.lower() for w in read.on}
    if read.off:
        return fallback.lower() not in {w.lower() for w in read.off}
    return fallback.lower() in TRUTHY


def literal(facts: Facts, module: SettingsModule, leaf: Setting) -> list[Evidence]:
    """Secrets and resource handles typed into one value, or written as the fallback of an environment read."""
    found = []
    value = constant(leaf.value)
    secret = bool(SECRET_NAME.search(leaf.key))
    leaked = ""
    if secret and isinstance(value, str) and value and not module.reads_in(leaf.value):
        leaked = f"{leaf.label} is {describe(value, True)} typed into the settings"
    elif isinstance(value, str) and URL_WITH_USER.match(value):
        leaked = f"{leaf.label} holds a URL with a password ({describe(value, True)})"
    if leaked:
        found.append(weigh(facts, module, leaf, "III.secret-literal", leaked, "anyone with the code has it"))
    elif isinstance(value, str) and value and resource(leaf, value):
        found.append(
            weigh(
                facts,
                module,
                leaf,
                "III.resource-literal",
                f"{leaf.label} = {describe(value, secret)} is typed into the settings",
                resource(leaf, value),
            )
        )
    for read in module.reads_in(leaf.value):
        fallback = constant(read.fallback)
        if read.how == "dj_database_url.config" and read.fallback is None and module.rel in facts.production:
            found.append(
                note(
                    "III.missing-database",
                    f"dj_database_url.config() gives no database at all when "
                    f"{read.var} is unset: Django starts, and fails later and obscurely; "
                    f"dj_database_url.parse(os.environ[{read.var!r}]) stops at once",
                    read.where,
                )
            )
        if read.fallback is not None and is_random(read.fallback) and leaf.name == "SECRET_KEY":
            found.append(
                weigh(
                    facts,
                    module,
                    leaf,
                    "III.random-secret",
                    f"without {read.var}, SECRET_KEY is made at random at each start",
                    "every process gets its own, so sessions and signed cookies made by one fail in another",
                    read.where,
                )
            )
        elif isinstance(fallback, str) and fallback and (secret or SECRET_NAME.search(read.var)):
            found.append(
                weigh(
                    facts,
                    module,
                    leaf,
                    "III.secret-fallback",
                    f"{leaf.label} falls back to {describe(fallback, True)} when {read.var} is unset",
                    "anyone with the code has it",
                    read.where,
                )
            )
        elif isinstance(fallback, str) and URL_WITH_USER.match(fallback):
            found.append(
                weigh(
                    facts,
                    module,
                    leaf,
                    "III.secret-fallback",
                    f"{leaf.label} falls back to a URL with a password ({describe(fallback, True)}) when "
                    f"{read.var} is unset",
                    "anyone with the code has it",
                    read.where,
                )
            )
        elif isinstance(fallback, str) and remote(fallback) and module.rel in facts.production:
            found.append(
                note(
                    "III.resource-default",
                    f"{leaf.label} falls back to {fallback!r} when {read.var} is "
                    "unset: a deploy that forgets the variable reaches that service",
                    read.where,
                )
            )
    return found


def resource(leaf: Setting, value: str) -> str:
    """What a literal value typed into a setting is, when it is a resource handle; else ''."""
    key = leaf.key
    if leaf.name == "DATABASES":
        return ""  # judged per alias, in database_literals()
    if (
        leaf.name == "CACHES"
        and key == "LOCATION"
        and value
        and not value.startswith(("unique-", "/tmp"))
        and (":" in value or "." in value)
    ):
        return "the cache's location is config"
    if (
        (key == "HOST" or key.endswith("_HOST"))
        and leaf.name not in ("DATABASES",)
        and hostname(value) not in ("localhost", "127.0.0.1", "", "::1")
    ):
        return "a service's host is config"
    if is_service_url(key, value):
        return "a service's URL is config"
    return ""


def remote(value: str) -> bool:
    """A literal naming a host beyond this machine: a URL or host:port with a dotted host name or address."""
    return ("://" in value or re.fullmatch(r"[\w.-]+:\d+", value) is not None) and is_remote_host(hostname(value))


def defaults(facts: Facts) -> list[Evidence]:
    """One note per module for the harmless literal defaults of environment reads (flagged, not failed)."""
    found = []
    for module in facts.production_settings:
        listed = []
        for read in module.reads:
            fallback = constant(read.fallback)
            if (
                isinstance(fallback, (str, int, float, bool))
                and fallback != ""
                and not read.switch
                and not (SECRET_NAME.search(read.var) or remote(str(fallback)) or URL_WITH_USER.match(str(fallback)))
                and "DEBUG" not in read.var
            ):
                listed.append(f"{read.var} ({fallback!r})")
        if listed:
            shown = ", ".join(dict.fromkeys(listed[:6])) + (" ..." if len(listed) > 6 else "")
            found.append(note("III.default", f"falls back to a value in the code when unset: {shown}", module.rel))
    return found


def named_environments(facts: Facts) -> list[Evidence]:
    """Config grouped into named environments (12factor.net/config): a settings copy per deploy, values typed in."""
    deploys = [m for m in facts.settings if PurePosixPath(m.rel).stem in DEPLOY_NAMES or m.standalone]
    named = [m for m in facts.settings if PurePosixPath(m.rel).stem in ENVIRONMENT_NAMES]
    typed = [
        m
        for m in deploys
        if any(
            literal(facts, m, leaf)
            or (leaf.name in ("ALLOWED_HOSTS", "DEBUG") and constant(leaf.value) not in (NOT_CONSTANT, [], ()))
            for s in m.settings
            for leaf in leaves(s)
        )
    ]
    copies = [m for m in facts.settings if m.standalone]
    folder = str(PurePosixPath(facts.settings[0].rel).parent) + "/" if facts.settings else ""
    names = ", ".join(sorted(PurePosixPath(m.rel).name for m in (copies if len(copies) > 1 else named)))
    if len(copies) > 1 or (len(named) > 1 and len(typed) > 1):
        return [
            problem(
                "III.named-environments",
                f"config grouped into named environments ({names}), each with its "
                "own values typed in: every new deploy needs another file",
                folder,
            )
        ]
    if len(named) > 1:
        return [
            ok(
                "III.one-production-module",
                f"settings per way of working ({names}); production's values come "
                "from the environment, so one module serves every deploy",
                facts.production[0],
            )
        ]
    return []


def committed_env_files(facts: Facts) -> list[Evidence]:
    """Env files git tracks: a secret in one is leaked (file and variable named, the value never shown)."""
    found = []
    for env_file in facts.env_files:
        if not env_file.tracked or env_file.role == "example":
            continue
        keys = [
            var
            for var, (value, _) in env_file.variables.items()
            if value and (SECRET_NAME.search(var) or URL_WITH_USER.match(value))
        ]
        if not keys:
            continue
        shown = ", ".join(keys)
        if env_file.role in ("production", "local"):
            found.append(
                problem(
                    "III.committed-env-file",
                    f"committed to git with values for {shown}: anyone with the "
                    "code has them; take the file out of git and rotate them",
                    env_file.rel,
                )
            )
        else:
            found.append(
                note(
                    "III.committed-dev-env-file",
                    f"a {env_file.role} env file committed to git, with values "
                    f"for {shown}: fine for development only, never reuse them",
                    env_file.rel,
                )
            )
    return found


def secrets_in_comments(facts: Facts) -> list[Evidence]:
    """A secret left in a comment after it was moved: no longer config, still a leaked secret."""
    return [
        problem(
            "III.secret-in-comment",
            f"a value for {name} is kept in a comment: no longer config, but still a "
            "leaked secret: rotate it and delete the comment",
            f"{module.rel}:{line}",
        )
        for module in facts.settings
        for line, name, _ in commented_secrets(facts.text(module.rel))
    ]


def run(facts: Facts, runner: Runner, evidence: list[Evidence]) -> list[Evidence]:
    """What a production-like run shows: where SECRET_KEY and DEBUG come from; without its variables, a refusal."""
    decided = not any(e.id == "III.nothing-read" for e in evidence)
    probe, why = attempt(runner.probe)
    if probe is None:
        return [not_confirmed(ROMAN, why) if decided else unknown("III.not-run", why)]
    found = [ok("III.run-starts", f"starts in a production-like environment: {runner.plan.shown}", probe.shown)]
    placed = {digest(value): var for var, value in runner.plan.values.items()}
    if probe.secret in placed:
        found.append(ok("III.run-secret", f"SECRET_KEY is the value of {placed[probe.secret]}", probe.shown))
    elif not decided:
        found.append(
            unknown(
                "III.run-secret",
                "SECRET_KEY is not the value of any variable the audit set: cannot tell where it comes from",
                probe.shown,
            )
        )
    debug_reads = [r for m in facts.production_settings for s in m.get("DEBUG") for r in m.reads_in(s.value)]
    injected = [r for r in debug_reads if r.var in runner.plan.values]
    if injected:
        value = runner.plan.values[injected[0].var]
        if probe.debug:
            found.append(
                problem(
                    "III.run-debug-on", f"with {injected[0].var}={value}, settings.DEBUG is still true", probe.shown
                )
            )
        else:
            found.append(
                ok("III.run-debug-off", f"with {injected[0].var}={value}, settings.DEBUG is False", probe.shown)
            )
    if not decided:
        found += refusal(runner)
    return found


def refusal(runner: Runner) -> list[Evidence]:
    """Without any of its variables, the project should refuse to start, naming one."""
    outcome, why = attempt(runner.without_variables)
    if outcome is None:
        return [unknown("III.not-run", why)]
    unset = [v for v in runner.plan.values if v != "DJANGO_SETTINGS_MODULE"]
    if outcome.status == 0:
        return [
            note(
                "III.run-starts-without",
                "starts without any of its variables (exit status 0): nothing stops it "
                "until something needs a missing value",
                outcome.shown,
            )
        ]
    if any(var in outcome.output + outcome.errors for var in unset):
        return [ok("III.run-refuses", f"refuses to start without its variables: {outcome.last_line}", outcome.shown)]
    return [
        unknown(
            "III.run-refuses",
            f"fails without its variables, but does not say which: {outcome.last_line}",
            outcome.shown,
        )
    ]
