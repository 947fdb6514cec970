"""How every image the build publishes is encoded: one function, its settings in the layouts.

A layout names an encoding as `{format: webp, quality: 80, method: 4}`: the format, and Pillow's
own save options for it, so that what a file is written with is read in one place (the layout)
and is part of the recipe that keys the file (`kinds.recipe` hashes the layouts a kind reads).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from PIL import Image

PILLOW_FORMATS = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG", "avif": "AVIF"}
MEDIA_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "avif": "image/avif"}


def encode(image: Image.Image, encoding: Mapping[str, Any]) -> bytes:
    """The image's pixels in the encoding's format, and nothing else: Pillow's encoders write some
    of an image's `info` unasked (JPEG a comment, PNG a colour profile and a transparent colour),
    so an image that carries any is encoded from a bare copy."""
    options = dict(encoding)
    fmt = options.pop("format")
    if image.info:
        image = image.copy()
        image.info = {}
    if fmt in ("jpeg", "avif") and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # neither holds transparency as we publish them
    out = io.BytesIO()
    image.save(out, PILLOW_FORMATS[fmt], **options)
    return out.getvalue()
