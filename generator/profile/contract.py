"""PROFILE.md, the contract in the repository, written from the schema (`storefront schema`): the
conventions, a whole example (data/profile-example.yml, which the tests validate), and every field
with its description in Chinese and English and what it takes, walked from `json_schema()`, so the
document cannot drift from what the reader accepts."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from typing import Any

from generator.profile.schema import json_schema

CONTRACT_FILE = "PROFILE.md"


def example() -> str:
    return files("generator").joinpath("data/profile-example.yml").read_text(encoding="utf-8")


def contract_markdown() -> str:
    """The whole of PROFILE.md."""
    intro = files("generator").joinpath("data/profile-intro.md").read_text(encoding="utf-8")
    rows = [
        f"| `{path}` | {'是 yes' if required else ''} | {_cell(about)} | {_cell(takes)} |"
        for path, required, about, takes in fields()
    ]
    return "\n".join(
        [
            intro.rstrip("\n").replace("{{example}}", example().rstrip("\n")),
            "",
            "## 每个字段 / Every field",
            "",
            "| 字段 field | 必填 required | 说明 / what it is | 可以写 / takes |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def fields() -> Iterator[tuple[str, bool, str, str]]:
    """(path like `products[].price.amount`, required, description, what it takes) of every field."""
    root = json_schema()
    yield from _walk(root, root, "")


def _walk(root: dict[str, Any], node: dict[str, Any], prefix: str) -> Iterator[tuple[str, bool, str, str]]:
    required = set(node.get("required", ()))
    for name, field in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        target, many = _target(root, field)
        yield path, name in required, field.get("description", ""), _takes(target, many)
        if "properties" in target:
            yield from _walk(root, target, f"{path}{'[]' if many else ''}.")


def _target(root: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema node a field's values follow (through `$ref`, `X | None` and lists), and whether it is a list."""
    many = False
    while True:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node and any(n.get("type") == "null" for n in node["anyOf"]):
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        elif node.get("type") == "array" and "items" in node and not many:
            node, many = node["items"], True
        else:
            return node, many


def _takes(node: dict[str, Any], many: bool) -> str:
    if "x-names" in node:
        kinds = "、".join(f"`{key}` {name}" for key, name in node["x-names"])
    elif "properties" in node:
        kinds = "一组字段 a block"
    elif "anyOf" in node and any(member.get("type") == "object" for member in node["anyOf"]):
        kinds = "文字，或 {zh: ..., en: ...} / text, or one per language"
    elif "anyOf" in node:  # a number that may be typed in full-width digits, and the like
        kinds = _takes(node["anyOf"][0], False)
    elif "const" in node or "enum" in node:
        kinds = " ".join(f"`{v}`" for v in node.get("enum", [node.get("const")]))
    else:
        kinds = {"string": "文字 text", "integer": "整数 whole number", "number": "数字 number"}.get(
            str(node.get("type")), "见说明 see description"
        )
        if node.get("format") == "date-time":
            kinds = "日期和时间 date and time, 2027-03-20T19:30"
        elif node.get("format") == "date":
            kinds = "日期 date, 2027-12-31"
    return f"列表 list of: {kinds}" if many else kinds


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
