"""Photos made safe to publish: upright, stripped of all metadata, no larger than needed.

A farmer's phone photo carries GPS coordinates of their home in its EXIF block; the published
copy never does. Work is cached by the digest of the source bytes and of this recipe, so an
unchanged photo is not decoded again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from generator.errors import Problem, ProfileErrors
from generator.model import Catalog, Village
from generator.urls import photo_url
from generator.progress import Progress

RECIPE = "photo-v1"
MAX_SIDE = 1600
MAX_PIXELS = 60_000_000
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


class PhotoProblem(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Published:
    path: Path
    """The cached, publishable file."""
    reused: bool


def publish_photo(source: Path, cache_dir: Path, display: str) -> Published:
    """A publishable copy of `source` in `cache_dir`; `display` names the file in errors."""
    data = source.read_bytes()
    key = hashlib.sha256(RECIPE.encode() + b"\0" + data).hexdigest()
    suffix = source.suffix.lower()
    target = cache_dir / "photos" / key[:2] / f"{key}{suffix}"
    if target.exists():
        return Published(target, reused=True)
    image = open_photo(source, display)
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    fmt = FORMATS[suffix]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    options = {"JPEG": {"quality": 82, "optimize": True, "progressive": True}, "PNG": {"optimize": True},
               "WEBP": {"quality": 80, "method": 4}}[fmt]
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a cache shared by two builds never holds half a file.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=suffix)
    with os.fdopen(handle, "wb") as out:
        image.save(out, fmt, **options)  # no exif=, no icc_profile=: nothing of the original's metadata
    os.replace(partial, target)
    return Published(target, reused=False)


def open_photo(source: Path, display: str) -> Image.Image:
    """Open and fully decode a photo, or say plainly why it cannot be used."""
    expected = FORMATS.get(source.suffix.lower())
    try:
        with Image.open(source) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PhotoProblem(Problem(display, 0, "", f"the photo is {image.width}x{image.height} pixels; "
                                           f"more than {MAX_PIXELS // 1_000_000} MP is refused, resize it first"))
            if image.format != expected:
                raise PhotoProblem(Problem(display, 0, "", f"the file is {image.format or 'not an image'} but its name says "
                                           f"{expected}; save it as {expected} or rename it"))
            image.load()
            return image
    except PhotoProblem:
        raise
    except Image.DecompressionBombError:
        raise PhotoProblem(Problem(display, 0, "", "the photo is far too large (a decompression bomb?); resize it")) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoProblem(Problem(display, 0, "", "this is not a readable JPEG, PNG or WebP photo; export it again")) from None


def publish_photos(catalog: Catalog, cache_dir: Path, progress: Progress | None) -> tuple[dict[str, Path], int]:
    """Every photo the profiles name, published: (site-relative URL -> file, how many were processed)."""
    wanted = [(v, relative) for v in catalog.villages for relative in photos_of(v)]
    published: dict[str, Path] = {}
    problems, made = [], 0
    for done, (village, relative) in enumerate(wanted, 1):
        if progress:
            progress("photos", done, len(wanted))
        url = photo_url(village, relative)
        if url in published:
            continue
        try:
            result = publish_photo(village.folder / relative, cache_dir, f"{village.source.rsplit('/', 1)[0]}/{relative}")
        except PhotoProblem as error:
            problems.append(error.problem)
            continue
        published[url] = result.path
        made += not result.reused
    if problems:
        raise ProfileErrors(problems)
    return published, made


def photos_of(village: Village) -> list[str]:
    profile = village.profile
    paths = [profile.brand.hero, profile.brand.logo] if profile.brand else []
    paths += [item.image for item in profile.culture]
    paths += [image for product in profile.products for image in product.images]
    paths += [person.photo for person in profile.team]
    return list(dict.fromkeys(p for p in paths if p))
