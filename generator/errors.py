"""Problems found in a cooperative's files, and the one exception that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake, located well enough that a person can go and fix it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
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
        heading = f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}:"
        super().__init__("\n".join([heading, *(f"  {p}" for p in self.problems)]))
