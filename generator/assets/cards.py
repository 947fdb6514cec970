"""Share cards (drawn at 1200x630, published at 800x420: og:image and twitter:image) and square
product cards (1080x1080).

Each card is a pure function of a frozen spec: texts, the brand (palette, style, seed, logo) and
the path of an already published photo. The layouts are `data/layouts/share.yml` and
`product.yml`. The brand panel carries the text, in the palette's readable pairs (primary and
on_primary pass 4.5:1), so a card is legible whatever the photo looks like.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from generator.assets.draw import box_size, cover, decoded, draft_size, mix, pattern, rgb, rounded_mask, text_box
from generator.assets.encoding import encode
from generator.assets.fonts import fit, font
from generator.assets.icons import icon_files, icon_names, square
from generator.assets.marks import MarkSpec, draw_mark
from generator.layouts import layout


@dataclass(frozen=True)
class BrandSpec:
    primary: str
    on_primary: str
    accent: str
    on_accent: str
    style: str
    seed: str
    mark: MarkSpec | None
    """The generated mark, when the village gives no logo."""
    logo: str | None = None
    """Path of the published copy of the given logo."""


@dataclass(frozen=True)
class ShareSpec:
    brand: BrandSpec
    kicker: str
    title: str
    subtitle: str
    footer: str
    photo: str | None


@dataclass(frozen=True)
class ProductSpec:
    brand: BrandSpec
    name: str
    amount: str
    unit: str
    village: str
    badges: tuple[str, ...]
    photo: str | None


@lru_cache(maxsize=32)
def logo_image(brand: BrandSpec) -> Image.Image:
    """The village's logo as RGBA: the given file, else its generated mark (drawn once per process)."""
    if brand.logo:
        with Image.open(brand.logo) as given:
            return given.convert("RGBA")
    assert brand.mark is not None
    return draw_mark(brand.mark)


@lru_cache(maxsize=16)
def photo_layer(path: str | None, size: tuple[int, int], brand: BrandSpec) -> Image.Image:
    """The photo (a published copy, named by its bytes) cut to `size`, else the brand's pattern.
    Kept for the next card of the same village (the kit draws a village's images in one batch):
    the share cards of products without a photo show its hero, their product cards the same
    pattern. Callers paste it, never draw on it."""
    if path:
        return cover(decoded(path, draft_size(path, size)), size)
    # No photo: the style's pattern on a lighter tint of the brand colour.
    base = Image.new("RGBA", size, (*mix(rgb(brand.primary), (255, 255, 255), 0.35), 255))
    base.alpha_composite(pattern(size, rgb(brand.primary), brand.style, brand.seed, 0.45))
    return base.convert("RGB")


def paste_logo(canvas: Image.Image, brand: BrandSpec, box, plate: int = 0) -> None:
    width, height = box_size(box)
    mark, disc = _sized_logo(brand, width, height, plate)
    if plate:
        canvas.paste((255, 255, 255), (box[0] - plate, box[1] - plate), disc)
        canvas.paste(mark, (box[0] + (width - mark.width) // 2, box[1] + (height - mark.height) // 2), mark)
        return
    canvas.paste(mark, (box[0], box[1]), mark)


@lru_cache(maxsize=16)
def _sized_logo(brand: BrandSpec, width: int, height: int, plate: int) -> tuple[Image.Image, Image.Image | None]:
    """The logo resized for a box, and the white disc behind it when it sits on a plate: the same
    for every card of a village, so it is resized once per process."""
    mark = square(logo_image(brand), min(width, height))
    if not plate:
        return mark, None
    disc = Image.new("L", (width + 2 * plate, height + 2 * plate), 0)
    ImageDraw.Draw(disc).ellipse((0, 0, disc.width - 1, disc.height - 1), fill=255)
    return square(mark, round(min(width, height) * 0.78)), disc


def share_card(spec: ShareSpec) -> bytes:
    L = layout("share")
    return encode(share_canvas(spec).resize(tuple(L["published"]), Image.Resampling.LANCZOS), L["encoding"])


def share_canvas(spec: ShareSpec) -> Image.Image:
    """The 1200x630 card: photo on the right, the brand panel with logo and text on the left."""
    L = layout("share")
    brand = spec.brand
    primary, on_primary = rgb(brand.primary), rgb(brand.on_primary)
    canvas = _share_ground(spec.photo, brand).copy()
    draw = ImageDraw.Draw(canvas)
    soft = mix(on_primary, primary, 0.22)
    text_box(draw, L["kicker"], spec.kicker, soft)
    text_box(draw, L["title"], spec.title, on_primary)
    text_box(draw, L["subtitle"], spec.subtitle, on_primary)
    text_box(draw, L["footer"], spec.footer, soft)
    return canvas


@lru_cache(maxsize=8)
def _share_ground(photo: str | None, brand: BrandSpec) -> Image.Image:
    """A share card without its texts: photo, shaped brand panel, accent bar and logo. The same
    behind every card of a village that shows the same photo (its village card and the cards of
    its products without a photo all show the hero), so composed once per process. Callers copy it."""
    L = layout("share")
    primary, on_primary, accent = rgb(brand.primary), rgb(brand.on_primary), rgb(brand.accent)
    canvas = Image.new("RGB", tuple(L["size"]), primary)
    photo_box = L["photo"]
    canvas.paste(photo_layer(photo, box_size(photo_box), brand), tuple(photo_box[:2]))
    panel = _panel_mask(canvas.size, tuple(L["panel"]), L["edge"], brand.style)
    canvas.paste(
        _patterned(canvas.size, primary, on_primary, brand.style, brand.seed, L["pattern_opacity"]), (0, 0), panel
    )
    ImageDraw.Draw(canvas).rectangle(L["accent_bar"], fill=accent)
    paste_logo(canvas, brand, L["logo"], plate=L["logo_plate"])
    return canvas


@lru_cache(maxsize=8)
def _patterned(size: tuple[int, int], primary, on_primary, style: str, seed: str, opacity: float) -> Image.Image:
    """The brand colour wearing its pattern: the same behind every card of a village, so it is
    composed once per process. Callers paste it, never draw on it."""
    layer = Image.new("RGBA", size, (*primary, 255))
    layer.alpha_composite(pattern(size, on_primary, style, seed, opacity))
    return layer.convert("RGB")


@lru_cache(maxsize=8)
def _panel_mask(size: tuple[int, int], box: tuple[int, ...], edge: int, style: str) -> Image.Image:
    panel = Image.new("L", size, 0)
    _panel_shape(ImageDraw.Draw(panel), box, edge, style)
    return panel


def _panel_shape(draw: ImageDraw.ImageDraw, box, edge: int, style: str) -> None:
    """The panel, its right edge cut by the style: a brush slant, a zigzag, an arc or a terrace."""
    left, top, right, bottom = box
    inner = right - edge
    if style == "folk":
        teeth = 9
        step = (bottom - top) / teeth
        points = [(left, top)]
        for i in range(teeth + 1):
            points.append((inner + (edge if i % 2 else 0), top + i * step))
        points.append((left, bottom))
    elif style == "modern":
        draw.rectangle((left, top, inner, bottom), fill=255)
        draw.ellipse((inner - edge * 6, top - edge, right, bottom + edge), fill=255)
        return
    elif style == "earth":
        steps = 4
        points = [(left, top)]
        for i in range(steps):
            x = right - edge * i / (steps - 1)
            y0, y1 = top + (bottom - top) * i / steps, top + (bottom - top) * (i + 1) / steps
            points += [(x, y0), (x, y1)]
        points.append((left, bottom))
    else:
        points = [(left, top), (right, top), (inner, bottom), (left, bottom)]
    draw.polygon(points, fill=255)


def product_card(spec: ProductSpec) -> bytes:
    return encode(product_canvas(spec), layout("product")["encoding"])


def product_canvas(spec: ProductSpec) -> Image.Image:
    """The 1080x1080 card: photo above; name, price per unit, village and badges below."""
    L = layout("product")
    brand = spec.brand
    primary, on_primary = rgb(brand.primary), rgb(brand.on_primary)
    accent, on_accent = rgb(brand.accent), rgb(brand.on_accent)
    canvas = _product_ground(spec.photo, brand).copy()
    draw = ImageDraw.Draw(canvas)
    text_box(draw, L["name"], spec.name, on_primary)
    price = L["price"]
    left, top, right, _ = price["box"]
    amount = fit(spec.amount, right - left, 1, price["amount"], price["amount"] // 2)
    draw.text((left, top), amount.lines[0], font=amount.font, fill=on_primary, anchor="la")
    unit_x = left + amount.font.getlength(amount.lines[0]) + 12
    if spec.unit and unit_x < right:
        unit = fit(spec.unit, right - unit_x, 1, price["unit"], price["unit"] // 2)
        draw.text(
            (unit_x, top + amount.size - unit.size),
            unit.lines[0],
            font=unit.font,
            fill=mix(on_primary, primary, 0.22),
            anchor="la",
        )
    text_box(draw, L["village"], spec.village, mix(on_primary, primary, 0.22), align="right")
    _badges(canvas, L["badges"], spec.badges, accent, on_accent)
    return canvas


@lru_cache(maxsize=8)
def _product_ground(photo: str | None, brand: BrandSpec) -> Image.Image:
    """A product card without its texts and badges: photo, patterned panel, accent bar and logo;
    composed once per photo (a village's products without a photo share the pattern). Callers copy it."""
    L = layout("product")
    primary, on_primary, accent = rgb(brand.primary), rgb(brand.on_primary), rgb(brand.accent)
    canvas = Image.new("RGB", tuple(L["size"]), primary)
    canvas.paste(photo_layer(photo, box_size(L["photo"]), brand), tuple(L["photo"][:2]))
    panel = L["panel"]
    canvas.paste(
        _patterned(box_size(panel), primary, on_primary, brand.style, brand.seed, L["pattern_opacity"]),
        tuple(panel[:2]),
    )
    ImageDraw.Draw(canvas).rectangle(L["accent_bar"], fill=accent)
    paste_logo(canvas, brand, L["logo"], plate=L["logo_plate"])
    return canvas


def _badges(canvas: Image.Image, spec, badges: tuple[str, ...], fill, text) -> None:
    """Certification pills from left to right; those that do not fit the box are left out."""
    left, top, right, bottom = spec["box"]
    height = bottom - top
    face = font(spec["size"])
    draw = ImageDraw.Draw(canvas)
    x = left
    for badge in badges:
        width = round(face.getlength(badge)) + 2 * spec["pad"]
        if x + width > right:
            break
        pill = rounded_mask((width, height), height // 2)
        canvas.paste(fill, (x, top), pill)
        draw.text((x + width / 2, top + height / 2), badge, font=face, fill=text, anchor="mm")
        x += width + spec["gap"]


def icon_set(spec) -> list[bytes]:
    """The image kind `icons`: (brand, background) -> the bytes of each of `icons.icon_names()`,
    from the village's logo (given or drawn)."""
    brand, background = spec
    files = icon_files(logo_image(brand), background)
    return [files[name] for name in icon_names()]
