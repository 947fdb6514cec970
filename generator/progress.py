"""A one-line progress display for long steps: a bar on a terminal, one closing line elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]
"""`progress(step, done, total)`: how a long step reports how far it is."""


class TerminalProgress:
    """Called as `progress(step, done, total)`; cheap enough to call for every item."""

    def __init__(self, stream: TextIO = sys.stderr, interval: float = 0.1):
        self.stream = stream
        self.live = stream.isatty()
        self.interval = interval
        self._last = 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        finished = done >= total
        if self.live and (finished or time.monotonic() - self._last >= self.interval):
            self._last = time.monotonic()
            filled = int(24 * done / max(total, 1))
            self.stream.write(f"\r{step:<8} [{'#' * filled}{'.' * (24 - filled)}] {done}/{total}")
            self.stream.write("\n" if finished else "")
            self.stream.flush()
        elif finished and not self.live:
            self.stream.write(f"{step}: {total} done\n")
