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
def layout(name: str) -> dict[str, Any]:
    with open(LAYOUTS_DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)
