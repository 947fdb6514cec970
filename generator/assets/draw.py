"""Drawing helpers shared by marks, cards and posters: colours, photo crops, text in a box, and the
brand pattern of each art style. Everything here is a pure function of its arguments."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw

from generator.assets.fonts import fit

RGB = tuple[int, int, int]
Box = Sequence[int]


def rgb(colour: str) -> RGB:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def seeded(seed: str) -> random.Random:
    """A generator of its own per image, so that no image depends on another's drawing."""
    return random.Random(seed)


def draft_size(path: str, size: tuple[int, int]) -> tuple[int, int]:
    """The size a photo file decodes at when it only has to cover `size`: a JPEG decodes at 1/2,
    1/4 or 1/8 when that still covers it (read from the header; nothing is decoded)."""
    with Image.open(path) as photo:
        if photo.format == "JPEG":
            photo.draft("RGB", size)
        return photo.size


@lru_cache(maxsize=4)
def decoded(path: str, at: tuple[int, int]) -> Image.Image:
    """The photo file decoded as RGB at `at` (one of its draft sizes), once per process for the
    cuts that need that size: a product's share card and product card are cut from one decode.
    Callers cut from it, never draw on it."""
    with Image.open(path) as photo:
        if photo.format == "JPEG":
            photo.draft("RGB", at)
        return photo.convert("RGB")


def cover(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The photo cropped around its centre (a little above: faces, horizons) to fill `size` exactly.
    Bicubic: a card is cut from a published copy at most about twice its box, where Lanczos's
    wider kernel takes 1.2 to 1.5 times as long and the two cuts differ by far less than the card's
    own JPEG encoding changes it (52 dB PSNR between them on a benchmark photo)."""
    width, height = photo.size
    scale = max(size[0] / width, size[1] / height)
    crop_w, crop_h = min(width, size[0] / scale), min(height, size[1] / scale)
    left, top = (width - crop_w) / 2, (height - crop_h) * 0.45
    return photo.resize(size, Image.Resampling.BICUBIC, box=(left, top, left + crop_w, top + crop_h), reducing_gap=2.0)


def box_size(box: Box) -> tuple[int, int]:
    return (box[2] - box[0], box[3] - box[1])


def text_box(draw: ImageDraw.ImageDraw, spec: Mapping[str, Any], text: str, fill, *, align: str = "left") -> int:
    """`text` fitted to `spec` (box, largest, smallest, lines, leading): shrunk, then wrapped, then
    cut with an ellipsis, never outside its box. Returns the bottom of the last line drawn."""
    left, top, right, bottom = spec["box"]
    # Never more lines than the box has room for, whatever the numbers in the layout say.
    fitted = fit(text, right - left, spec["lines"], spec["largest"], spec["smallest"], bottom - top, spec["leading"])
    if not any(fitted.lines):  # an empty text, or one of emoji only: nothing the font can draw
        return top
    step = round(fitted.size * spec["leading"])
    y = top
    for line in fitted.lines:
        x, anchor = (right, "ra") if align == "right" else (left, "la")
        draw.text((x, y), line, font=fitted.font, fill=fill, anchor=anchor)
        y += step
    return y


def rounded_mask(size: tuple[int, int], radius: int) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius, fill=255)
    return mask


@lru_cache(maxsize=16)
def pattern(size: tuple[int, int], colour: RGB, style: str, seed: str, opacity: float) -> Image.Image:
    """The art style as a transparent layer of `colour`: ink ridges, folk lattice, modern circles
    or earth terraces, placed by `seed` so that two villages of one style still differ.
    Every card of a village wears the same layer, so it is drawn once per process: composite it,
    never draw on it."""
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    rng = seeded(f"pattern:{style}:{seed}")
    ink = (*colour, round(255 * opacity))
    line = max(2, round(min(width, height) / 160))
    if style == "folk":
        cell = rng.choice((48, 56, 64, 72)) * max(1, height // 630)
        shift = rng.randrange(cell)
        for row, y in enumerate(range(-cell, height + cell, cell // 2)):
            offset = (row % 2) * cell // 2 + shift
            for x in range(-cell + offset, width + cell, cell):
                half = cell // 4
                draw.polygon([(x, y - half), (x + half, y), (x, y + half), (x - half, y)], outline=ink, width=line)
                if rng.random() < 0.35:
                    draw.ellipse((x - line * 2, y - line * 2, x + line * 2, y + line * 2), fill=ink)
    elif style == "modern":
        for _ in range(rng.randint(5, 8)):
            r = rng.randint(height // 6, height // 2)
            cx, cy = rng.randint(0, width), rng.randint(0, height)
            if rng.random() < 0.5:
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=line * 2)
            else:
                start = rng.choice((0, 90, 180, 270))
                draw.pieslice((cx - r, cy - r, cx + r, cy + r), start, start + 90, fill=ink)
    elif style == "earth":
        bands = rng.randint(9, 14)
        phase, wave = rng.random() * math.tau, rng.uniform(0.6, 1.6)
        for band in range(bands):
            base = height * (band + 0.5) / bands
            points = [
                (x, base + math.sin(x / width * math.tau * wave + phase + band * 0.35) * height / (bands * 1.4))
                for x in range(0, width + 24, 24)
            ]
            draw.line(points, fill=ink, width=line)
    else:  # ink: layered mountain ridges, paler as they recede
        ridges = rng.randint(3, 5)
        for ridge in range(ridges):
            base = height * (0.35 + 0.6 * ridge / ridges)
            waves, phase, tall = rng.uniform(1.2, 2.6), rng.random() * 3, rng.uniform(0.08, 0.22)
            peaks = [
                (
                    x,
                    base
                    - (
                        abs(math.sin(x / width * math.pi * waves + phase))
                        + 0.25 * abs(math.sin(x / width * math.pi * waves * 3.1 + phase))
                    )
                    * height
                    * tall,
                )
                for x in range(0, width + 40, 40)
            ]
            alpha = round(255 * opacity * (0.5 + ridge / ridges))
            draw.polygon([*peaks, (width, height), (0, height)], fill=(*colour, min(255, alpha)))
    return layer
