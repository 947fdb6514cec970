"""Problems found in a cooperative's files, and the one exception that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass

from generator.messages import say


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake, located well enough that a person can go and fix it."""

    file: str
    line: int
    field: str
    message: str
    column: int = 0
    """1-based, where the mistake is within its line; 0 when the whole line (or value) is meant."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        where += f":{self.column}" if self.line and self.column else ""
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def format_path(path: tuple[str | int, ...]) -> str:
    """`('products', 0, 'name')` -> `products[0].name`, the way a person reads a YAML file."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class StorefrontError(Exception):
    """Bad input: reported to the user as plain text, never as a traceback."""


class ProfileErrors(StorefrontError):
    """Every problem of every profile, collected before the build stops once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        files = len({p.file for p in self.problems})
        count = len(self.problems)
        heading = say("problems.heading", count=count, s="s" * (count != 1), files=files, fs="s" * (files != 1))
        super().__init__("\n".join([heading, *(f"  {p}" for p in self.problems)]))
