"""How long steps say how far they are: as log records that whoever runs the build may show.

The image kit and the page renderer call `report(step, done, total)`; `storefront build` attaches
`TerminalProgress` to show a bar on a terminal (one closing line elsewhere); `mkdocs build` shows
nothing. Nothing is handed to the plugin from outside.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

from generator.messages import catalogue, say

Progress = Callable[[str, int, int], None]
"""`progress(step, done, total)`: how a long step reports how far it is."""

_log = logging.getLogger("storefront.progress")
_log.propagate = False  # progress is not a message: it never reaches MkDocs' log


def report(step: str, done: int, total: int) -> None:
    """A Progress for anyone listening; cheap when no one is."""
    if _log.handlers:
        _log.info("%s %d/%d", step, done, total, extra={"progress": (step, done, total)})


def _step_name(step: str) -> str:
    """The step as the person reads it (`photos` -> 照片); a step the catalogue does not name, as it is."""
    return say(f"step.{step}") if f"step.{step}" in catalogue() else step


class TerminalProgress(logging.Handler):
    """Shows `report`'s records while attached (`with TerminalProgress(): ...`): a bar on a terminal,
    one closing line per step elsewhere; cheap enough to receive every item."""

    def __init__(self, stream: TextIO = sys.stderr, interval: float = 0.1):
        super().__init__()
        self.stream = stream
        self.live = stream.isatty()
        self.interval = interval
        self._last = 0.0

    def __enter__(self) -> TerminalProgress:
        self._level = _log.level
        _log.addHandler(self)
        _log.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc) -> None:
        _log.removeHandler(self)
        _log.setLevel(self._level)

    def emit(self, record: logging.LogRecord) -> None:
        self(*record.progress)

    def __call__(self, step: str, done: int, total: int) -> None:
        step = _step_name(step)
        finished = done >= total
        if self.live and (finished or time.monotonic() - self._last >= self.interval):
            self._last = time.monotonic()
            filled = int(24 * done / max(total, 1))
            self.stream.write(f"\r{step:<8} [{'#' * filled}{'.' * (24 - filled)}] {done}/{total}")
            self.stream.write("\n" if finished else "")
            self.stream.flush()
        elif finished and not self.live:
            self.stream.write(say("progress.done", step=step, total=total) + "\n")
