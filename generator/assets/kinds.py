"""Every kind of image the kit draws, in one table: what draws it, from which code and layouts.

A kind's recipe, part of every key under which its images are kept, is derived from the code that
draws it (its module and what that imports, `cache.code_identity`), the layout numbers it reads
(`data/layouts/*.yml`, found in that code) and the font: an image is drawn again exactly when one
of those changes. Add a kind here, with a spec (a frozen dataclass of its inputs) and a draw
function, and a Job for it in kit.py's `_drawing_jobs` (its URL from urls.py): the kit keys, draws
and caches it like the others.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.assets import cards, posters, qr
from generator.assets.fonts import cjk_font
from generator.cache import code_identity, code_modules, digest, module_source
from generator.layouts import layout


@dataclass(frozen=True)
class Kind:
    draw: Callable[[Any], list[bytes]]
    """spec -> the bytes of each file of one image (icons: several sizes of one logo)."""
    modules: tuple[str, ...]
    """The modules that draw it: their code identity, and every layout file their code reads, are
    in the recipe (not this table's: a new kind here does not redraw the others)."""
    font: bool = True
    """Whether it sets text (the font is then part of the recipe)."""


KINDS: dict[str, Kind] = {
    "icons": Kind(cards.icon_set, ("generator.assets.cards",)),
    "share": Kind(lambda spec: [cards.share_card(spec)], ("generator.assets.cards",)),
    "product": Kind(lambda spec: [cards.product_card(spec)], ("generator.assets.cards",)),
    "poster": Kind(posters.poster_files, ("generator.assets.posters",)),  # the poster and its thumbnail
    "qr": Kind(lambda url: [qr.qr_png(url)], ("generator.assets.qr",), font=False),
}


def draw(kind: str, spec: Any) -> list[bytes]:
    return KINDS[kind].draw(spec)


@cache
def recipe(kind: str) -> str:
    """What draws a kind of image besides its spec: its code, its layouts and the font."""
    entry = KINDS[kind]
    return digest(
        kind,
        [code_identity(module) for module in entry.modules],
        [layout(name) for name in layouts_read(kind)],
        cjk_font().identity if entry.font else "",
    )


@cache
def layouts_read(kind: str) -> tuple[str, ...]:
    """The layout files the code of a kind reads (`layout("poster")` calls), found in its source:
    a layout read by a helper in another module is found too, and a new one needs no line here."""
    found: set[str] = set()
    for module in KINDS[kind].modules:
        for name in code_modules(module):
            for node in ast.walk(ast.parse(module_source(name))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "layout":
                    (argument,) = node.args
                    if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                        raise TypeError(f"{name}: layout() is called with {ast.unparse(argument)}; name the file")
                    found.add(argument.value)
    return tuple(sorted(found))
