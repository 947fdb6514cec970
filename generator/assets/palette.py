"""Brand palettes: the profile's colours (or a hero photo's), made readable.

One palette per village is shared by the site theme and the generated images. Every colour that
carries text is checked against WCAG 2.1 contrast (4.5:1 for normal text); a colour that fails is
moved in OKLCh lightness only, so its hue and character stay, and the change is reported.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from coloraide import Color
from PIL import Image

from generator.cache import Memo, code_identity, digest
from generator.profile.model import Village
from generator.urls import photo_url

log = logging.getLogger("mkdocs.plugins.storefront")

MIN_CONTRAST = 4.5
WHITE, INK = "#FFFFFF", "#1B1B1B"
PANEL = "#EDEDED"
"""The lightest grey panel links sit on (the next live session box): Material's
--md-default-fg-color--lightest over white. A link readable on it is readable on white too."""


@dataclass(frozen=True)
class Palette:
    primary: str
    """Header and accent surfaces."""
    on_primary: str
    """Text on `primary`."""
    accent: str
    on_accent: str
    link: str
    """Links and headings on the white page and its light grey panels: `primary`, darkened if needed."""
    source: str
    """Where the colours came from: profile, photo or name."""
    adjustments: tuple[str, ...] = ()
    """What was changed for contrast, in words for the build log."""


def contrast(a: str, b: str) -> float:
    return Color(a).contrast(b, method="wcag21")


def build_palette(primary: str | None, accent: str | None, *, photo: Image.Image | None, seed: str) -> Palette:
    """The palette from the profile's colours, else the photo's, else one derived from `seed`."""
    source = "profile" if primary else "photo" if photo is not None else "name"
    if not primary or not accent:
        derived = colours_from_photo(photo) if photo is not None else colours_from_seed(seed)
        primary, accent = primary or derived[0], accent or derived[1]
    notes: list[str] = []
    on_primary, primary = _readable_pair(primary, "brand.colors.primary", notes)
    on_accent, accent = _readable_pair(accent, "brand.colors.accent", notes)
    link = _darken_until_readable(primary, PANEL)
    return Palette(primary, on_primary, accent, on_accent, link, source, tuple(notes))


def _readable_pair(colour: str, field: str, notes: list[str]) -> tuple[str, str]:
    """(text colour, surface colour) with at least MIN_CONTRAST between them."""
    text = WHITE if contrast(colour, WHITE) >= contrast(colour, INK) else INK
    if contrast(colour, text) >= MIN_CONTRAST:
        return text, colour
    before = contrast(colour, text)
    fixed = _darken_until_readable(colour, WHITE) if text == WHITE else _lighten_until_readable(colour, INK)
    notes.append(
        f"{field} {colour} has contrast {before:.1f}:1 with its text; adjusted to {fixed} "
        f"({contrast(fixed, text):.1f}:1, WCAG AA needs {MIN_CONTRAST}:1)"
    )
    return text, fixed


def _darken_until_readable(colour: str, against: str) -> str:
    return _move_lightness(colour, against, darker=True)


def _lighten_until_readable(colour: str, against: str) -> str:
    return _move_lightness(colour, against, darker=False)


def _move_lightness(colour: str, against: str, *, darker: bool) -> str:
    if contrast(colour, against) >= MIN_CONTRAST:
        return Color(colour).to_string(hex=True).upper()
    base = Color(colour).convert("oklch")
    low, high = (0.0, base["lightness"]) if darker else (base["lightness"], 1.0)
    best = INK if darker else WHITE
    for _ in range(24):  # bisection on lightness: the readable colour closest to the original
        middle = (low + high) / 2
        candidate = _hex(base.clone().set("lightness", middle))
        if contrast(candidate, against) >= MIN_CONTRAST:
            best = candidate
            low, high = (middle, high) if darker else (low, middle)
        else:
            low, high = (low, middle) if darker else (middle, high)
    return best


def _hex(colour: Color) -> str:
    return colour.convert("srgb").fit("srgb").to_string(hex=True).upper()


def colours_from_photo(photo: Image.Image) -> tuple[str, str]:
    """Two distinct colours of a photo: the dominant colourful one, and the one furthest from it."""
    small = photo.convert("RGB")
    small.thumbnail((96, 96))
    quantized = small.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette()[: 8 * 3]
    counts = sorted(quantized.getcolors(), reverse=True)
    colours = [Color("srgb", [c / 255 for c in palette[i * 3 : i * 3 + 3]]) for _, i in counts]
    # Dominant and colourful: a large grey sky should not lead, nor a small vivid flower.
    weights = [n * (c.convert("oklch")["chroma"] + 0.02) for (n, _), c in zip(counts, colours)]
    primary = colours[weights.index(max(weights))]
    accent = max(colours, key=lambda c: primary.delta_e(c, method="2000"))
    if primary.delta_e(accent, method="2000") < 20:  # a one-colour photo: take the complement
        lch = primary.convert("oklch")
        accent = Color("oklch", [0.78, max(lch["chroma"], 0.08), (lch["hue"] or 0) + 150])
    return _hex(primary), _hex(accent)


def colours_from_seed(seed: str) -> tuple[str, str]:
    """A stable, earthy pair for a village with neither colours nor photo."""
    hue = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % 360
    primary = Color("oklch", [0.45, 0.09, hue])
    accent = Color("oklch", [0.78, 0.12, (hue + 150) % 360])
    return _hex(primary), _hex(accent)


def css_variables(palette: Palette) -> str:
    """Material's palette variables, set from the brand palette."""
    variables = {
        "--md-primary-fg-color": palette.primary,
        "--md-primary-fg-color--light": palette.primary,
        "--md-primary-fg-color--dark": palette.link,
        "--md-primary-bg-color": palette.on_primary,
        "--md-primary-bg-color--light": palette.on_primary,
        "--md-accent-fg-color": palette.link,
        "--md-typeset-a-color": palette.link,
        "--sf-accent": palette.accent,
        "--sf-on-accent": palette.on_accent,
    }
    return ";".join(f"{k}:{v}" for k, v in variables.items())


# --- a village's palette, as the build derives it -----------------------------------------------


def village_palette(village: Village, photos: Mapping[str, Path], memo: Memo | None = None) -> Palette:
    """The village's palette: its profile's colours, else its published hero photo's, else its
    name's. Remembered between builds by the colours, the hero's name (a digest of its bytes),
    and this module's code (a palette takes 5 to 10 ms, most of it colour science)."""
    brand = village.profile.brand
    colors = brand.colors if brand else None
    primary, accent = (colors.primary, colors.accent) if colors else (None, None)
    hero = photos[photo_url(village, brand.hero)] if brand and brand.hero and not (primary and accent) else None
    key = digest(code_identity(__name__), primary, accent, hero and hero.name, village.slug)
    compute = lambda: asdict(_palette_from(primary, accent, hero, village.slug))
    fields = memo.get(key, compute) if memo else compute()
    palette = Palette(**{**fields, "adjustments": tuple(fields["adjustments"])})
    for note in palette.adjustments:
        log.info(f"{village.source}: {note}")
    if palette.source != "profile":
        log.info(
            f"{village.source}: brand colours derived from the {palette.source} ({palette.primary}, {palette.accent})"
        )
    return palette


def _palette_from(primary: str | None, accent: str | None, hero: Path | None, seed: str) -> Palette:
    photo = None
    if hero:
        with Image.open(hero) as image:
            image.draft("RGB", (128, 128))  # a palette needs only a thumbnail: decode JPEG at 1/8
            photo = image.convert("RGB")
    return build_palette(primary, accent, photo=photo, seed=seed)
