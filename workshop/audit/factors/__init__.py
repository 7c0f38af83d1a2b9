"""The twelve factors, one small module each (plus the deploy check outside them).

Each module has ROMAN, NAME and `check(facts, runner) -> list[Evidence]`: a pure function of the project's facts
and of what the runner's runs show.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from workshop.audit.factors import (
    deploy_check,
    i_codebase,
    ii_dependencies,
    iii_config,
    iv_backing_services,
    ix_disposability,
    v_build_release_run,
    vi_processes,
    vii_port_binding,
    viii_concurrency,
    x_parity,
    xi_logs,
    xii_admin_processes,
)
from workshop.audit.facts import Facts
from workshop.audit.model import Evidence
from workshop.audit.runner import Runner

Check = Callable[[Facts, Runner], list[Evidence]]

#: The twelve, in order.
TWELVE: list[ModuleType] = [
    i_codebase,
    ii_dependencies,
    iii_config,
    iv_backing_services,
    v_build_release_run,
    vi_processes,
    vii_port_binding,
    viii_concurrency,
    ix_disposability,
    x_parity,
    xi_logs,
    xii_admin_processes,
]
#: Rows outside the twelve, not counted in "n of 12".
EXTRA: list[ModuleType] = [deploy_check]
