"""Responsive photos: each photo at a few widths, as WebP with a JPEG fallback, upright and bare.

A pure function from the photo's bytes (and the recipe in `data/layouts/photos.yml`) to files:
`render_variants` decodes once, at the smallest JPEG scale that still covers the largest width
(`draft`, so a 12 MP photo is decoded at 1/2 or 1/4), applies the EXIF orientation, then resizes
each width from the previous one, largest first. No width is larger than the photo, and no side
longer than its formats hold (`largest_side`: a long product-detail photo is published smaller).

What is written is the pixels, in 8-bit sRGB, and nothing of the original's metadata: no EXIF
(so no GPS of a farmer's home), no XMP, no IPTC, no comment, no text chunk, no colour profile.
A colour profile is applied instead of carried (browsers take an untagged photo as sRGB), so the
colours stay right without it; a 16-bit, palette, black-and-white, grey or CMYK photo is
converted to what every browser shows.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from generator.assets.encoding import encode as encoded_as
from generator.layouts import layout
from generator.messages import say
from generator.profile.photos import (
    PhotoProblem,
    open_photo,
    published_height,
    published_widths,
    upright_size,
)

EIGHT_BIT_MODES = ("L", "LA", "RGB", "RGBA", "CMYK")
"""What the colour conversion takes: 8 bits a channel, alpha as a channel of its own."""
SIXTEEN_TO_EIGHT = 255 / 65535
"""A 16-bit value scaled to 8 bits (65535 is white in both)."""
DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
"""What Pillow raises for a file it cannot decode."""


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str
    """"webp", "jpeg" or "png"."""
    data: bytes


def render_variants(data: bytes, display: str, max_pixels: int) -> list[Variant]:
    """Every width of the photo in every format of the recipe; raises PhotoProblem naming `display`."""
    recipe = layout("photos")
    image = open_photo(data, display, max_pixels, decode=False)
    # A HEIC is published as JPEG (browsers other than Safari cannot show it); a phone photo has
    # no transparency to keep.
    opaque = image.format == "HEIF"
    try:
        upright = upright_size(image)
        widths = published_widths(image)
        image = _srgb(_eight_bit(_decoded(image, upright, widths[-1])))
    except DECODING_ERRORS:
        raise PhotoProblem(display, say("photo.damaged")) from None
    alpha = image.mode == "RGBA" and not opaque
    if image.mode != ("RGBA" if alpha else "RGB"):
        image = image.convert("RGBA" if alpha else "RGB")
    variants: list[Variant] = []
    current = image
    for width in reversed(widths):
        height = published_height(upright, width)
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in recipe["formats"]:
            fmt = "png" if fmt == "jpeg" and alpha else fmt  # a transparent logo keeps its transparency
            variants.append(Variant(width, height, fmt, _encoded(current, fmt, recipe, display)))
    return sorted(variants, key=lambda v: (v.width, v.format))


def _decoded(image: Image.Image, upright: tuple[int, int], largest: int) -> Image.Image:
    """The photo decoded, upright, at the smallest JPEG scale that still covers `largest` pixels
    wide (1/2, 1/4 or 1/8: most of the speed)."""
    if image.format == "JPEG":
        scale = largest / upright[0]
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    return ImageOps.exif_transpose(image)  # its `info`, the colour profile too, goes along


def _eight_bit(image: Image.Image) -> Image.Image:
    """The photo in one of EIGHT_BIT_MODES, a transparent colour or palette entry turned into an
    alpha channel. A 16-bit greyscale PNG (Pillow's I;16 or I) is scaled to 8 bits: Pillow's own
    conversion clips every value above 255, so all but the darkest greys would turn white.
    16-bit RGB and RGBA PNGs are read as 8 bits a channel already."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        scaled = image.convert("F").point(lambda v: v * SIXTEEN_TO_EIGHT + 0.5)  # + 0.5: rounded, not cut
        scaled.info = dict(image.info)
        return scaled.convert("L")
    if "transparency" in image.info:  # a palette, grey or RGB PNG with a transparent entry or colour
        return image.convert("RGBA")
    if image.mode in EIGHT_BIT_MODES:
        return image
    return image.convert("RGBA" if "A" in image.getbands() else "L" if image.mode == "1" else "RGB")


def _srgb(image: Image.Image) -> Image.Image:
    """The photo as RGB or RGBA in sRGB, with no metadata left: a colour profile is applied (an
    Adobe RGB, P3, grey or CMYK photo keeps its colours), a photo without one is taken as sRGB."""
    icc = image.info.get("icc_profile")
    alpha = image.getchannel("A") if image.mode in ("LA", "RGBA") else None
    colour = image.convert(image.mode[:-1]) if alpha is not None else image
    converted = _through_profile(colour, icc) if icc else None
    if converted is None:
        converted = colour if colour.mode == "RGB" else colour.convert("RGB")
    if alpha is not None:
        converted.putalpha(alpha)
    converted.info = {}
    return converted


def _through_profile(image: Image.Image, icc: bytes) -> Image.Image | None:
    """The photo's colours from its profile to sRGB; None when the profile cannot be read or is
    not one for the photo's colours (an RGB profile on a grey photo): its pixels are kept."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def _encoded(image: Image.Image, fmt: str, recipe: dict, display: str) -> bytes:
    try:
        return encode(image, fmt, recipe)
    except (OSError, ValueError) as error:  # no photo of ours should get here: say which, not a traceback
        raise PhotoProblem(
            display, f"its {fmt.upper()} copy could not be written ({error}); export the photo again"
        ) from None


def encode(image: Image.Image, fmt: str, recipe: dict) -> bytes:
    """The image in `fmt`, with the photo recipe's settings for it."""
    return encoded_as(image, {"format": fmt, **recipe[fmt]})
