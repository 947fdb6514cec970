"""A profile's photos as files: the check that refuses one we must not publish, and the widths
it is published at.

Phones take HEIC (iPhone's default, many Android phones too): pillow-heif lets Pillow read it, so a
cooperative can use its photos as the phone saved them; the site publishes them as WebP and JPEG.

A photo is refused, with a message that names the file, when it is not an image, when it is not
the format its name says, when it is larger than the configured pixel count, when it is a
decompression bomb (a small file that unpacks to an enormous image), when it is so long and narrow
that no web format can hold it, or when the file is cut short. The check reads the header, then the
file's structure (its end, its checksums) without decoding it: nothing is decoded before the size
is known to be sane, and `validate` stays fast.

A long photo (a shop's product-detail page, 1080x17000) is published smaller than it is, so that
no side of a copy passes what its format holds (WebP: 16,383 pixels; `largest_side` in
`data/layouts/photos.yml`).
"""

from __future__ import annotations

import io
import os
import warnings
from typing import BinaryIO

from PIL import Image
from pillow_heif import register_heif_opener

from generator.errors import Problem
from generator.layouts import layout
from generator.messages import say

MAX_PIXELS = 50_000_000
"""Default limit: a 48 MP phone photo passes, a poster scan does not (plugin option `max_image_pixels`)."""
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".heic": "HEIF", ".heif": "HEIF"}
JPEG_END = b"\xff\xd9"
"""The marker that ends a JPEG (EOI)."""
JPEG_SCAN = 0xDA
"""The marker (SOS) after which a JPEG's compressed pixels come."""
JPEG_LONE = {0x01, *range(0xD0, 0xD9)}
"""Markers without a length: TEM, the restarts, the start of the image."""

# Reading only; libheif turns a HEIC upright as it decodes, so its EXIF orientation reads 1 after.
register_heif_opener()


class PhotoProblem(Exception):
    def __init__(self, display: str, message: str):
        super().__init__(f"{display}: {message}")
        self.problem = Problem(display, 0, "", message)


def open_photo(
    data: bytes | BinaryIO, display: str, max_pixels: int = MAX_PIXELS, *, decode: bool = True
) -> Image.Image:
    """The photo in `data` (its bytes, or an open file), opened and decoded, or PhotoProblem saying
    plainly why it cannot be used. Unless `decode`, nothing is decoded: the header is read and the
    file checked whole (`_cut_short`), so what the build will decode is known to be there.
    `display` is the file as the cooperative knows it."""
    suffix = "." + display.rsplit(".", 1)[-1].lower() if "." in display else ""
    expected = FORMATS.get(suffix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data) if isinstance(data, bytes) else data, formats=list(FORMATS.values()))
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoProblem(display, say("photo.too_many_pixels", width=width, height=height, most=max_pixels))
            if expected and image.format != expected:
                raise PhotoProblem(display, say("photo.wrong_format", format=image.format, expected=expected))
            if min(width, height) * largest_side() < max(width, height):
                raise PhotoProblem(display, _too_narrow(width, height))
            if decode:
                image.load()
            elif _cut_short(image.format, io.BytesIO(data) if isinstance(data, bytes) else data):
                raise PhotoProblem(display, say("photo.cut_short"))
            return image
    except PhotoProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoProblem(display, say("photo.bomb")) from None
    except Image.UnidentifiedImageError:
        raise PhotoProblem(display, say("photo.not_an_image")) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoProblem(display, say("photo.damaged")) from None


def _too_narrow(width: int, height: int) -> str:
    return say("photo.too_narrow", width=width, height=height, side=largest_side())


def _cut_short(kind: str, stream: BinaryIO) -> bool:
    """Whether the file of a photo opened as `kind` ends before the photo does (or, for a PNG, is
    damaged): told from its structure, not by decoding, which takes 40 ms for a 12 MP JPEG even
    at 1/8 scale. WebP's and HEIC's readers already refuse a cut file when opening it."""
    if kind == "JPEG":
        return not _jpeg_ends(stream)
    if kind == "PNG":
        stream.seek(0)
        try:  # every chunk up to IEND, each with its checksum: the file is read, not decompressed
            with Image.open(stream, formats=["PNG"]) as again:
                again.verify()
        except (OSError, SyntaxError, ValueError, EOFError):
            return True
    return False


def _jpeg_ends(stream: BinaryIO) -> bool:
    """Whether a JPEG holds its end marker after its compressed pixels. Most files end with it; a
    phone may add data after it (a motion photo's video, a second picture), so the marker is then
    looked for from the first scan on: inside compressed data a 0xFF byte is always followed by
    0x00 or a restart marker, and an EXIF thumbnail, before the scan, ends in a marker of its own."""
    stream.seek(-len(JPEG_END), os.SEEK_END)
    if stream.read() == JPEG_END:
        return True
    stream.seek(0)
    data = stream.read()
    return data.find(JPEG_END, _first_scan(data)) != -1


def _first_scan(data: bytes) -> int:
    """Where a JPEG's first scan begins: past the segments of its header, each told by its length."""
    at = 2  # after the start marker
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes before a marker
            at += 1
            continue
        if marker in JPEG_LONE:
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        at += 2 + length
        if marker == JPEG_SCAN:
            break
    return at


def largest_side() -> int:
    """The longest side a published copy may have: the smallest that every format a photo is
    published in holds (data/layouts/photos.yml)."""
    return min(layout("photos")["largest_side"].values())


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
    return target_widths(fitting_width(upright_size(image)), layout("photos")["widths"])


def fitting_width(size: tuple[int, int]) -> int:
    """The widest a photo of (upright) `size` may be published at: its own width, or less when its
    height would then pass `largest_side` (rounded down, so that the height stays within it)."""
    width, height = size
    side = largest_side()
    return max(1, min(width, side, side * width // height))


def published_height(size: tuple[int, int], width: int) -> int:
    """The height of the copy `width` pixels wide of a photo of (upright) `size`."""
    return max(1, round(size[1] * width / size[0]))


def display_name(village, relative: str) -> str:
    """`villages/huangdu/images/tea.jpg`: the photo as the cooperative finds it."""
    return f"{village.source.rsplit('/', 1)[0]}/{relative}"
