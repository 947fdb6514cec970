"""A profile's photos as files: the check that refuses one we must not publish, and the widths
it is published at.

Phones take HEIC (iPhone's default, many Android phones too): pillow-heif lets Pillow read it, so a
cooperative can use its photos as the phone saved them; the site publishes them as WebP and JPEG.

A photo is refused, with a message that names the file, when it is not an image, when it is not
the format its name says, when it is larger than the configured pixel count, or when it is a
decompression bomb (a small file that unpacks to an enormous image). The check reads only the
header: nothing is decoded before the size is known to be sane.
"""

from __future__ import annotations

import io
import warnings
from typing import BinaryIO

from PIL import Image
from pillow_heif import register_heif_opener

from generator.errors import Problem
from generator.layouts import layout

MAX_PIXELS = 50_000_000
"""Default limit: a 48 MP phone photo passes, a poster scan does not (plugin option `max_image_pixels`)."""
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".heic": "HEIF", ".heif": "HEIF"}

# Reading only; libheif turns a HEIC upright as it decodes, so its EXIF orientation reads 1 after.
register_heif_opener()


class PhotoProblem(Exception):
    def __init__(self, display: str, message: str):
        super().__init__(f"{display}: {message}")
        self.problem = Problem(display, 0, "", message)


def open_photo(
    data: bytes | BinaryIO, display: str, max_pixels: int = MAX_PIXELS, *, decode: bool = True
) -> Image.Image:
    """The photo in `data` (its bytes, or an open file: then only the header is read unless
    decoding), opened (and decoded unless `decode` is false), or PhotoProblem saying plainly why
    it cannot be used. `display` is the file as the cooperative knows it."""
    suffix = "." + display.rsplit(".", 1)[-1].lower() if "." in display else ""
    expected = FORMATS.get(suffix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data) if isinstance(data, bytes) else data, formats=list(FORMATS.values()))
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoProblem(
                    display,
                    f"the photo is {width}x{height} pixels, more than the {max_pixels:,} "
                    "allowed; resize it (a long side of 4000 pixels is plenty)",
                )
            if expected and image.format != expected:
                raise PhotoProblem(
                    display,
                    f"the file is a {image.format} image but its name says {expected}; "
                    f"save it as {expected} or rename it",
                )
            if decode:
                image.load()
            return image
    except PhotoProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoProblem(
            display,
            "the photo unpacks to far too many pixels (a decompression bomb?); export it again at a normal size",
        ) from None
    except Image.UnidentifiedImageError:
        raise PhotoProblem(
            display, "this file is not a JPEG, PNG or WebP image (nor a phone's HEIC); export the photo again"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoProblem(
            display,
            "this is not a readable JPEG, PNG or WebP photo (nor a phone's HEIC): damaged or cut short? "
            "export it again",
        ) from None


ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


def target_widths(width: int, widths: list[int]) -> list[int]:
    """The recipe's widths that do not upscale; a photo narrower than the largest gives its own width too."""
    chosen = [w for w in widths if w <= width]
    if width < max(widths) and width not in chosen:
        chosen.append(width)
    return sorted(chosen)


def upright_size(image: Image.Image) -> tuple[int, int]:
    """The photo's size as it is shown: EXIF orientations 5 to 8 swap width and height."""
    width, height = image.size
    return (height, width) if image.getexif().get(0x0112, 1) in ROTATED else (width, height)


def published_widths(image: Image.Image) -> list[int]:
    """The widths the site publishes this photo at (read from its header; `data/layouts/photos.yml`)."""
    return target_widths(upright_size(image)[0], layout("photos")["widths"])


def display_name(village, relative: str) -> str:
    """`villages/huangdu/images/tea.jpg`: the photo as the cooperative finds it."""
    return f"{village.source.rsplit('/', 1)[0]}/{relative}"
