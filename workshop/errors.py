"""The one kind of error a learner meets from the helpers: a short message, never their traceback."""

from __future__ import annotations

RED, RESET = "\x1b[31m", "\x1b[0m"


class WorkshopError(Exception):
    """Something the learner can act on; a notebook shows its message alone, not the helpers' traceback."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in place of a traceback."""
        return [f"{RED}✘ {line}{RESET}" if index == 0 else line for index, line in enumerate(str(self).splitlines())]
