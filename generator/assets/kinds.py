"""Every kind of image the kit draws, in one table: what draws it, from which code and layouts.

A kind's recipe, part of every key under which its images are kept, is derived from the code that
draws it (its module and what that imports, `cache.code_identity`), the layout numbers it reads
(`data/layouts/*.yml`) and the font: an image is drawn again exactly when one of those changes.
Add a kind here, with a spec (a frozen dataclass of its inputs) and a draw function, and the kit
keys, draws and caches it like the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.assets import cards, icons, posters, qr
from generator.assets.fonts import cjk_font
from generator.cache import code_identity, digest
from generator.layouts import layout


@dataclass(frozen=True)
class Kind:
    draw: Callable[[Any], list[bytes]]
    """spec -> the bytes of each file of one image (icons: several sizes of one logo)."""
    modules: tuple[str, ...]
    """The modules that draw it: their code identity is in the recipe (not this table's: a new
    kind here does not redraw the others)."""
    layouts: tuple[str, ...] = ()
    """The layout files it reads."""
    font: bool = True
    """Whether it sets text (the font is then part of the recipe)."""


def _icons(spec) -> list[bytes]:
    brand, background = spec
    files = icons.icon_files(cards.logo_image(brand), background)
    return [files[name] for name in icons.icon_names()]


KINDS: dict[str, Kind] = {
    "icons": Kind(_icons, ("generator.assets.icons", "generator.assets.cards"), ("icons", "marks")),
    "share": Kind(lambda spec: [cards.share_card(spec)], ("generator.assets.cards",), ("share", "marks")),
    "product": Kind(lambda spec: [cards.product_card(spec)], ("generator.assets.cards",), ("product", "marks")),
    "poster": Kind(lambda spec: [posters.poster(spec)], ("generator.assets.posters",), ("poster", "share", "marks")),
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
        [layout(name) for name in entry.layouts],
        cjk_font().identity if entry.font else "",
    )
