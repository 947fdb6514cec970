"""Live-session posters, 1080x1920 (WeChat Moments and Douyin story size): title, date and time
with the time zone, hosts, featured products and a scannable QR code of the channel URL.

The QR code is segno's matrix drawn module by module at a whole number of pixels, with the
standard four-module quiet zone on white, so that a phone camera reads it after JPEG compression.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import segno
from PIL import Image, ImageDraw

from generator.assets.cards import BrandSpec, paste_logo, photo_layer
from generator.assets.draw import box_size, mix, pattern, rgb, rounded_mask, text_box
from generator.assets.encoding import encode
from generator.assets.fonts import fit
from generator.layouts import layout

QR_ERROR = "m"  # 15% of the code may be lost (a crease, a glare) and it still reads


@dataclass(frozen=True)
class PosterSpec:
    brand: BrandSpec
    village: str
    region: str
    label: str
    title: str
    when: str
    zone: str
    hosts: str
    products: tuple[tuple[str, str | None], ...]
    """(name, photo path) of the featured products, at most three drawn."""
    url: str
    scan: str
    channel: str
    footer: str


@lru_cache(maxsize=8)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of `url` as rows of dark (True) modules, without the quiet zone. Remembered:
    a village's sessions often share one live room, and segno's choice of mask is a third of a
    poster's time."""
    code = segno.make(url, error=QR_ERROR, micro=False, boost_error=False)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)


def qr_image(url: str, side: int, border: int) -> Image.Image:
    """The code in black on white, quiet zone included, at the largest whole module size that fits."""
    matrix = qr_matrix(url)
    modules = len(matrix) + 2 * border
    scale = max(1, side // modules)
    small = Image.new("1", (modules, modules), 1)
    pixels = small.load()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + border, y + border] = 0
    return small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST).convert("RGB")


def poster(spec: PosterSpec) -> bytes:
    return encode(poster_canvas(spec), layout("poster")["encoding"])


def poster_files(spec: PosterSpec) -> list[bytes]:
    """The poster and its thumbnail (schedule pages show the thumbnail, which opens the poster):
    a page of sessions then costs kilobytes a poster, not the whole 1080x1920 image."""
    L = layout("poster")
    canvas = poster_canvas(spec)
    small = canvas.resize(tuple(L["thumbnail"]["size"]), Image.Resampling.LANCZOS)
    return [encode(canvas, L["encoding"]), encode(small, L["thumbnail"]["encoding"])]


def poster_canvas(spec: PosterSpec) -> Image.Image:
    L = layout("poster")
    brand = spec.brand
    primary, on_primary = rgb(brand.primary), rgb(brand.on_primary)
    accent, on_accent = rgb(brand.accent), rgb(brand.on_accent)
    soft = mix(on_primary, primary, 0.22)
    canvas = Image.new("RGBA", tuple(L["size"]), (*primary, 255))
    band = L["pattern"]
    canvas.alpha_composite(
        pattern(box_size(band), on_primary, brand.style, brand.seed, L["pattern_opacity"]), tuple(band[:2])
    )
    canvas = canvas.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    paste_logo(canvas, brand, L["logo"], plate=6)
    text_box(draw, L["village"], spec.village, on_primary)
    text_box(draw, L["region"], spec.region, soft)

    label = L["label"]
    left, top, right, bottom = label["box"]
    chip = fit(spec.label, right - left - 2 * label["pad"], 1, label["size"], label["size"] // 2)
    width = round(chip.font.getlength(chip.lines[0])) + 2 * label["pad"]
    canvas.paste(accent, (left, top), rounded_mask((width, bottom - top), (bottom - top) // 2))
    draw.text((left + width / 2, (top + bottom) / 2), chip.lines[0], font=chip.font, fill=on_accent, anchor="mm")

    text_box(draw, L["title"], spec.title, on_primary)
    text_box(draw, L["when"], spec.when, on_primary)
    text_box(draw, L["zone"], spec.zone, soft)
    text_box(draw, L["hosts"], spec.hosts, on_primary)
    _products(canvas, L["products"], spec, soft)

    card = L["card"]
    canvas.paste((255, 255, 255), tuple(card[:2]), rounded_mask(box_size(card), 28))
    qr = L["qr"]
    side = min(box_size(qr["box"]))
    code = qr_image(spec.url, side, qr["border"])
    canvas.paste(code, (qr["box"][0] + (side - code.width) // 2, qr["box"][1] + (side - code.height) // 2))
    text_box(draw, L["scan"], spec.scan, primary)
    text_box(draw, L["channel"], spec.channel, (60, 60, 60))
    text_box(draw, L["footer"], spec.footer, soft)
    return canvas


def _products(canvas: Image.Image, L, spec: PosterSpec, colour) -> None:
    items = spec.products[: L["columns"]]
    if not items:
        return
    left, top, right, bottom = L["box"]
    width = (right - left - L["gap"] * (L["columns"] - 1)) // L["columns"]
    thumb = min(width, bottom - top - round(L["name"] * 1.5))
    draw = ImageDraw.Draw(canvas)
    for i, (name, photo) in enumerate(items):
        x = left + i * (width + L["gap"])
        image = photo_layer(photo, (width, thumb), spec.brand)
        canvas.paste(image, (x, top), rounded_mask((width, thumb), L["radius"]))
        fitted = fit(name, width, 1, L["name"], round(L["name"] * 0.75))
        draw.text((x, top + thumb + 10), fitted.lines[0], font=fitted.font, fill=colour, anchor="la")
