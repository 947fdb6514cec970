"""Perceptual hashes of logos and hero photos, and the distance between two of them.

pHash (DCT) survives recolouring, resizing and recompression; dHash (gradients) survives small
crops and brightness changes. A copied logo is often mirrored, so each image is also hashed
flipped. Distances are in bits out of 64: 0-6 is the same picture, above ~20 unrelated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

HASH_BITS = 64
BANDS = 4
"""A 64-bit pHash split into 4 bands of 16 bits: two hashes within 3 bits share a band (pigeonhole)."""
DRAFT = 512
"""A JPEG is decoded at 1/2, 1/4 or 1/8 of its size as long as both sides stay at least this long:
hashes are taken at 32x32, and a phone's 12 MP photo then decodes in a fraction of the time. Photos
under 1024 pixels a side (logos, the samples' 1600x900 heroes) decode whole, as they always did."""


@dataclass(frozen=True)
class ImageHashes:
    role: str
    """'logo' or 'hero'."""
    file: str
    phash: str
    dhash: str
    phash_mirror: str
    dhash_mirror: str

    def to_list(self) -> list[str]:
        return [self.role, self.file, self.phash, self.dhash, self.phash_mirror, self.dhash_mirror]

    @classmethod
    def from_list(cls, items: list[str]) -> ImageHashes:
        return cls(*items)


def hash_image(role: str, path: Path) -> ImageHashes | None:
    """The four hashes of one image, or None when it cannot be read (the profile check reports that)."""
    try:
        with Image.open(path) as opened:
            if opened.format == "JPEG":
                opened.draft("RGB", (DRAFT, DRAFT))
            # imagehash hashes the grey image: made once here, and mirrored grey (the same pixels
            # as the grey of the mirrored colour image, for a quarter of the work).
            image = opened.convert("RGB").convert("L")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    mirror = ImageOps.mirror(image)
    return ImageHashes(
        role,
        path.name,
        str(imagehash.phash(image)),
        str(imagehash.dhash(image)),
        str(imagehash.phash(mirror)),
        str(imagehash.dhash(mirror)),
    )


def distance(a: ImageHashes, b: ImageHashes) -> tuple[int, bool]:
    """(bits that differ, whether b matches a mirrored): the smaller of pHash and dHash distances."""
    straight = min(_bits(a.phash, b.phash), _bits(a.dhash, b.dhash))
    mirrored = min(_bits(a.phash_mirror, b.phash), _bits(a.dhash_mirror, b.dhash))
    return (mirrored, True) if mirrored < straight else (straight, False)


def band_keys(hashes: ImageHashes) -> list[str]:
    """Blocking keys: each 16-bit band of the pHash, straight and mirrored."""
    keys = []
    for value in (hashes.phash, hashes.phash_mirror):
        width = len(value) // BANDS
        keys += [f"{i}{value[i * width : (i + 1) * width]}" for i in range(BANDS)]
    return keys


def _bits(a: str, b: str) -> int:
    return (imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)) if len(a) == len(b) else HASH_BITS
