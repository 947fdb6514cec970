"""Responsive photos: each photo at a few widths, as WebP with a JPEG fallback, upright and bare.

A pure function from the photo's bytes (and the recipe in `data/layouts/photos.yml`) to files:
`render_variants` decodes once, at the smallest JPEG scale that still covers the largest width
(`draft`, so a 12 MP photo is decoded at 1/2 or 1/4), applies the EXIF orientation, then resizes
each width from the previous one, largest first. No width is larger than the photo. Nothing of the
original's metadata is written (no EXIF, so no GPS of a farmer's home; no XMP, no comments); a
colour profile is converted to sRGB first, so the colours stay right without it.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from generator.layouts import layout
from generator.profile.photos import PhotoProblem, open_photo, published_widths, upright_size


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
        stored_w, stored_h = image.size
        upright_w, upright_h = upright_size(image)
        widths = published_widths(image)
        largest = widths[-1]
        scale = largest / upright_w
        if image.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 when that still covers the largest width: most of the speed.
            image.draft("RGB", (math.ceil(stored_w * scale), math.ceil(stored_h * scale)))
        image.load()
        icc = image.info.get("icc_profile")
        image = ImageOps.exif_transpose(image)
    except PhotoProblem:
        raise
    except (OSError, SyntaxError, ValueError):
        raise PhotoProblem(
            display, "this is not a readable JPEG, PNG or WebP photo (nor a phone's HEIC); export it again"
        ) from None
    image = _to_srgb(image, icc)
    alpha = not opaque and (image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info))
    image = image.convert("RGBA" if alpha else "RGB")
    variants: list[Variant] = []
    current = image
    for width in reversed(widths):
        height = max(1, round(upright_h * width / upright_w))
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in recipe["formats"]:
            fmt = "png" if fmt == "jpeg" and alpha else fmt  # a transparent logo keeps its transparency
            variants.append(Variant(width, height, fmt, encode(current, fmt, recipe)))
    return sorted(variants, key=lambda v: (v.width, v.format))


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError):
        return image  # an unreadable profile: keep the pixels as they are


def encode(image: Image.Image, fmt: str, recipe: dict) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=recipe["webp"]["quality"], method=recipe["webp"]["method"])
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=recipe["jpeg"]["quality"], optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=False, compress_level=recipe["png"]["compress_level"])
    return out.getvalue()
