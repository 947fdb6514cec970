"""`--format github`: problems and findings as GitHub Actions workflow commands, so that they show on
the lines of a pull request (`::error file=...,line=...,col=...::message`), and a short summary
for the run's page ($GITHUB_STEP_SUMMARY), in the language the command speaks."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from generator.checks.claims import Finding
from generator.errors import Problem
from generator.messages import say

FORMATS = ("text", "github")


def _escaped(text: str, *, property_: bool = False) -> str:
    """Text as a workflow command carries it: `%`, line ends (and in a property `:` and `,`) escaped."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def command(level: str, file: str, line: int, column: int, title: str, message: str) -> str:
    """One workflow command: `::error file=F,line=L,col=C,title=T::message` (line and col when known)."""
    properties = {"file": file, "line": line or None, "col": column or None, "title": title or None}
    shown = ",".join(f"{key}={_escaped(str(value), property_=True)}" for key, value in properties.items() if value)
    return f"::{level} {shown}::{_escaped(message)}"


def problem_commands(problems: Iterable[Problem]) -> list[str]:
    return [command("error", p.file, p.line, p.column, p.field, p.message) for p in problems]


def finding_commands(findings: Iterable[Finding]) -> list[str]:
    return [
        command(
            "error" if f.level == "error" else "warning",
            f.file,
            f.line,
            0,
            f.field,
            f'"{f.text}"; {f.why}; {f.suggestion}' if f.text else f.why,
        )
        for f in findings
    ]


def write_summary(heading: str, lines: list[str], rows: list[tuple[str, int, str, str]]) -> None:
    """The run's summary, when GitHub Actions asks for one: a heading, a few lines, a table of places."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    table = [
        f"| {say('summary.file')} | {say('summary.line')} | {say('summary.field')} | {say('summary.problem')} |",
        "|---|---|---|---|",
        *(f"| `{file}` | {line or ''} | {field} | {_cell(message)} |" for file, line, field, message in rows[:50]),
    ]
    text = "\n".join([f"### {heading}", "", *lines, "", *(table if rows else [])])
    with Path(target).open("a", encoding="utf-8") as summary:
        summary.write(text + "\n\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
