"""A village's mark when it has no logo: a seal (印章) or monogram from its name, in its brand
colours, drawn by the rules of its art style (`data/layouts/marks.yml`).

ink: a square seal, characters carved out of the colour (白文), worn edges, a slight tilt.
folk: a square seal, characters and a double border in the colour (朱文).
modern: a rounded monogram of the first characters, with a geometric accent.
earth: a round seal, characters inside a ring, on the colour of paper.

Two villages never share a mark: the characters come from the name, and the wear, tilt and
ornaments from a seed (the slug), so even two villages of the same name differ.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from generator.assets.draw import RGB, mix, rgb, seeded
from generator.assets.fonts import font
from generator.layouts import layout

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class MarkSpec:
    """Everything a generated mark depends on."""

    name: str
    """The village name in Chinese when it has one, else in any language."""
    seed: str
    style: str
    primary: str
    on_primary: str
    accent: str


def seal_text(name: str, style: str) -> list[str]:
    """The characters of the seal: the name without its 村/乡 suffix, at most four; three become
    four with 印, as seal carvers fill a square. A name without Chinese gives its initials."""
    rules = layout("marks")
    limit = rules["styles"][style].get("chars", 4)
    han = "".join(CJK.findall(name))
    if han:
        for suffix in rules["strip_suffixes"]:
            if han.endswith(suffix) and len(han) > len(suffix) + 1:
                han = han[: -len(suffix)]
                break
        chars = list(han[:limit])
        if len(chars) == 3:
            chars.append(rules["fill_char"])
        return chars
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    return [w[0].upper() for w in words[:2]] or ["?"]


def _glyph(char: str, size: tuple[int, int]) -> Image.Image:
    """One character as a mask that fills `size`, stretched like seal script into its cell."""
    face = font(256)
    left, top, right, bottom = face.getbbox(char)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), char, font=face, fill=255)
    # Thicken: seal strokes are bold, and the font has one weight only.
    mask = mask.filter(ImageFilter.MaxFilter(9 if CJK.match(char) else 7))
    return mask.resize(size, Image.Resampling.LANCZOS)


def _cells(count: int, box: tuple[int, int, int, int], gap: int, rtl: bool) -> list[tuple[int, int, int, int]]:
    """Cells in reading order: a seal's columns right to left, each top to bottom; a monogram's
    (modern style, Latin initials) left to right."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    if count == 1:
        return [box]
    if count == 2:
        half = (width - gap) // 2
        cells = [(right - half, top, right, bottom), (left, top, left + half, bottom)]
        return cells if rtl else cells[::-1]
    half_w, half_h = (width - gap) // 2, (height - gap) // 2
    return [
        (right - half_w, top, right, top + half_h),
        (right - half_w, bottom - half_h, right, bottom),
        (left, top, left + half_w, top + half_h),
        (left, bottom - half_h, left + half_w, bottom),
    ]


def _wear(size: int, seed: str, amount: float) -> Image.Image:
    """A mask of where the ink took: mostly solid, with seeded specks and a worn rim."""
    if amount <= 0:
        return Image.new("L", (size, size), 255)
    rng = seeded(f"wear:{seed}")
    small = size // 8
    noise = Image.frombytes("L", (small, small), rng.randbytes(small * small))
    noise = noise.resize((size, size), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(size / 200))
    cut = round(255 * (1 - 0.25 * amount))
    return noise.point(lambda v: 0 if v > cut else 255)


def draw_mark(spec: MarkSpec) -> Image.Image:
    """The mark as a square RGBA image of the layout's size, transparent around the shape."""
    rules = layout("marks")
    size = rules["size"]
    style_name = spec.style if spec.style in rules["styles"] else "ink"
    style = rules["styles"][style_name]
    rng = seeded(f"mark:{spec.seed}")
    primary, on_primary, accent = rgb(spec.primary), rgb(spec.on_primary), rgb(spec.accent)
    chars = seal_text(spec.name, style_name)
    margin = round(size * style["margin"])
    outer = (margin, margin, size - margin, size - margin)

    shape = Image.new("L", (size, size), 0)
    shaper = ImageDraw.Draw(shape)
    if style["shape"] == "circle":
        shaper.ellipse(outer, fill=255)
    elif style["shape"] == "rounded":
        shaper.rounded_rectangle(outer, round(size * style["radius"]), fill=255)
    else:
        # A hand-cut square: each corner nudged by the seed.
        jitter = size * 0.012
        corners = [(outer[0], outer[1]), (outer[2], outer[1]), (outer[2], outer[3]), (outer[0], outer[3])]
        shaper.polygon(
            [(x + rng.uniform(-jitter, jitter), y + rng.uniform(-jitter, jitter)) for x, y in corners], fill=255
        )

    inner_margin = round(size * style["inner"])
    text_box = (inner_margin, inner_margin, size - inner_margin, size - inner_margin)
    if style["shape"] == "circle":  # the square that fits in the ring
        half = (size / 2 - inner_margin) / math.sqrt(2) * 1.18
        text_box = tuple(round(v) for v in (size / 2 - half, size / 2 - half, size / 2 + half, size / 2 + half))
    letters = Image.new("L", (size, size), 0)
    gap = round(size * 0.035)
    rtl = style_name != "modern" and bool(CJK.match(chars[0]))
    for char, cell in zip(chars, _cells(len(chars), text_box, gap, rtl)):
        glyph = _glyph(char, (cell[2] - cell[0], cell[3] - cell[1]))
        letters.paste(glyph, cell[:2])

    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    if style["carve"] == "relief":
        # 白文: the characters are cut out of a field of colour.
        field = ImageChops.multiply(shape, ImageChops.invert(letters))
        if style_name == "modern":
            canvas.paste((*primary, 255), mask=shape)
            canvas.paste((*on_primary, 255), mask=letters)
            _modern_accent(canvas, shape, accent, rng, size)
        else:
            canvas.paste((*primary, 255), mask=ImageChops.multiply(field, _wear(size, spec.seed, style["roughness"])))
    else:
        # 朱文: characters and border in colour, on paper.
        paper = mix(accent, (255, 255, 255), 0.82)
        canvas.paste((*paper, 255), mask=shape)
        ring = Image.new("L", (size, size), 0)
        ringer = ImageDraw.Draw(ring)
        border = round(size * style["border"])
        if style["shape"] == "circle":
            ringer.ellipse(outer, outline=255, width=border)
            inset = border + round(size * 0.03)
            ringer.ellipse(
                [v + inset if i < 2 else v - inset for i, v in enumerate(outer)], outline=255, width=max(2, border // 3)
            )
        else:
            ringer.rectangle(outer, outline=255, width=border)
            if style.get("double"):
                inset = border + round(size * style["double"])
                ringer.rectangle(
                    [v + inset if i < 2 else v - inset for i, v in enumerate(outer)],
                    outline=255,
                    width=max(2, border // 3),
                )
        ink = ImageChops.lighter(ring, letters)
        ink = ImageChops.multiply(ink, _wear(size, spec.seed, style["roughness"]))
        canvas.paste((*primary, 255), mask=ink)
        _ornaments(canvas, accent, rng, size, style_name)
    if style.get("tilt"):
        canvas = canvas.rotate(rng.uniform(-style["tilt"], style["tilt"]), Image.Resampling.BICUBIC)
    return canvas


def _modern_accent(canvas: Image.Image, shape: Image.Image, accent: RGB, rng, size: int) -> None:
    """A quarter disc of the accent colour in one corner, the corner chosen by the seed."""
    layer = Image.new("L", (size, size), 0)
    r = round(size * rng.uniform(0.16, 0.24))
    corner = rng.randrange(4)
    cx = size if corner in (1, 2) else 0
    cy = size if corner in (2, 3) else 0
    ImageDraw.Draw(layer).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    canvas.paste((*accent, 255), mask=ImageChops.multiply(layer, shape))


def _ornaments(canvas: Image.Image, accent: RGB, rng, size: int, style: str) -> None:
    """Small accent-coloured marks in the border: folk corner diamonds, earth dots around the ring."""
    draw = ImageDraw.Draw(canvas)
    dot = round(size * 0.018)
    if style == "folk":
        m = round(size * 0.06)
        for x, y in ((m, m), (size - m, m), (size - m, size - m), (m, size - m)):
            d = dot * rng.choice((2, 3))
            draw.polygon([(x, y - d), (x + d, y), (x, y + d), (x - d, y)], fill=(*accent, 255))
    else:
        count = rng.choice((8, 10, 12, 16))
        radius = size / 2 - size * 0.025
        start = rng.random() * math.tau
        for i in range(count):
            angle = start + math.tau * i / count
            x, y = size / 2 + math.cos(angle) * radius, size / 2 + math.sin(angle) * radius
            draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=(*accent, 255))
