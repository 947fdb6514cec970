"""Layout numbers as data: `generator/data/layouts/<name>.yml`, read once per process.

Positions, sizes, type sizes and encoder settings of every generated image live there, not in the
drawing code, so a designer can move a title without reading Python; the layout is part of every
cache key, so a changed number redraws exactly the images that use it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LAYOUTS_DIR = Path(__file__).resolve().parent / "data" / "layouts"


@cache
def _read(name: str) -> dict[str, Any]:
    with open(LAYOUTS_DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def layout(name: str) -> dict[str, Any]:
    """A layout, as drawing code reads it: every `layout("...")` call in a kind's code is found
    (assets/kinds.py `layouts_read`), and the layout is then part of that kind's recipe."""
    return _read(name)


def file_format(name: str, part: str = "encoding") -> str:
    """The format an image of layout `name` is written in (`encoding.format`, or that of a part such
    as `thumbnail.encoding`): what urls.py names its file by. Naming a file is not drawing it, so
    this read is not part of any image's recipe (the code that encodes reads the same setting with
    `layout()`, which is)."""
    settings = _read(name)
    for key in part.split("."):
        settings = settings[key]
    return settings["format"]
