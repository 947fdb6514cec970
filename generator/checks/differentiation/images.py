"""Perceptual hashes of logos and hero photos, and how two of them match.

pHash (DCT) survives recolouring, resizing and recompression; dHash (gradients) survives small
crops and brightness changes. Copiers mirror a logo, invert it (light on dark), or crop it, which
moves a whole-image hash by 14-45 bits: so each image is also hashed mirrored, inverted, cropped
10% and 20% about its centre and 10% from each corner, and a copy is the best match of one image
against the other's variants. (ImageHash's crop_resistant_hash was tried: on flat logos it finds
two or three segments, none matching after a corner crop or an inversion, at 150 ms an image.)
Distances are in bits out of 64: 0-6 is the same picture, above ~20 unrelated.

A fine hash (the image at 64x64, each pixel lighter or darker than the mean: 4,096 bits) tells an
everyday template apart from a copy. Two round badges with different village names are 1-3 bits
apart at 8x8; at 64x64 they differ in 34-152 pixels, but so does a copy whose shape moved by a
pixel or two (42) or that was saved again as a smaller JPEG (9-12): those differences lie along
edges. What a one-pixel jitter cannot explain (a pixel with no equal in the other image's 3x3
neighbourhood) is 0 for every shifted or recompressed copy and 4-20 for another name on the same
badge. (dHash at 32x32 was tried first: JPEG noise moves it as much as another name does.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

HASH_BITS = 64
FINE_SIZE = 64
TEMPLATE_DETAILS = 3
"""Fine-hash pixels unexplained by a one-pixel jitter from which two images whose coarse hashes
match differ in their details (the text of a badge or seal): the same template, not the same logo."""
TEMPLATE_COARSE_BITS = 10
"""Coarse bits up to which two images are the same design (see the module docstring)."""
CROPS = (
    ("cropped", 0.10, "centre"),
    ("cropped", 0.20, "centre"),
    *(("cropped", 0.10, c) for c in ("nw", "ne", "sw", "se")),
)
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
    variants: tuple[tuple[str, str, str], ...] = ()
    """(how, pHash, dHash) of the image inverted, mirrored and inverted, cropped (CROPS), and
    mirrored and cropped (CROPS again: a copier flips a logo and cuts a corner off as readily)."""
    fine: str = ""
    """Average hash at FINE_SIZE of a logo (its mirrored and inverted views are the same bits flipped
    or negated): the details a template's users change. Not kept for hero photos, which are no
    template, nor for crops: 512 bytes a logo is what a 50,000-village cache can carry."""

    def to_list(self) -> list:
        return [
            self.role,
            self.file,
            self.phash,
            self.dhash,
            self.phash_mirror,
            self.dhash_mirror,
            [list(v) for v in self.variants],
            self.fine,
        ]

    @classmethod
    def from_list(cls, items: list) -> ImageHashes:
        role, file, phash, dhash, phash_mirror, dhash_mirror, variants, fine = items
        return cls(role, file, phash, dhash, phash_mirror, dhash_mirror, tuple(map(tuple, variants)), fine)

    def views(self) -> list[tuple[str, str, str]]:
        """(how, pHash, dHash) of every hashed view: as it is, mirrored, and each variant."""
        return [("same", self.phash, self.dhash), ("mirrored", self.phash_mirror, self.dhash_mirror), *self.variants]


@dataclass(frozen=True)
class Match:
    bits: int
    """Fewest differing bits (of 64) between one image and a view of the other."""
    how: str
    """'same', 'mirrored', 'inverted', 'mirrored+inverted', 'cropped' or 'mirrored+cropped'."""
    template: bool
    """Same design, different details: the coarse hashes match as they are, the fine ones do not."""


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
    inverted, mirror_inverted = ImageOps.invert(image), ImageOps.invert(mirror)
    views = [("inverted", inverted), ("mirrored+inverted", mirror_inverted)]
    views += [(how, _crop(image, fraction, corner)) for how, fraction, corner in CROPS]
    views += [("mirrored+cropped", _crop(mirror, fraction, corner)) for how, fraction, corner in CROPS]
    return ImageHashes(
        role,
        path.name,
        str(imagehash.phash(image)),
        str(imagehash.dhash(image)),
        str(imagehash.phash(mirror)),
        str(imagehash.dhash(mirror)),
        tuple((how, str(imagehash.phash(view)), str(imagehash.dhash(view))) for how, view in views),
        str(imagehash.average_hash(image, FINE_SIZE)) if role == "logo" else "",
    )


def _crop(image: Image.Image, fraction: float, corner: str) -> Image.Image:
    """The image with `fraction` of each side cut: half from each edge, or all from one corner's edges."""
    w, h = image.size
    dx, dy = int(w * fraction), int(h * fraction)
    left, top = {"centre": (dx // 2, dy // 2), "nw": (dx, dy), "ne": (0, dy), "sw": (dx, 0), "se": (0, 0)}[corner]
    return image.crop((left, top, left + w - dx, top + h - dy))


def distance(a: ImageHashes, b: ImageHashes) -> tuple[int, bool]:
    """(bits that differ, whether b matches a mirrored): the smaller of pHash and dHash distances."""
    straight = min(_bits(a.phash, b.phash), _bits(a.dhash, b.dhash))
    mirrored = min(_bits(a.phash_mirror, b.phash), _bits(a.dhash_mirror, b.dhash))
    return (mirrored, True) if mirrored < straight else (straight, False)


def match(a: ImageHashes, b: ImageHashes) -> Match:
    """The best match of either image as it is against every view of the other, in pHash or dHash."""
    best = (HASH_BITS + 1, "same")
    for x, y in ((a, b), (b, a)):
        for how, phash, dhash in y.views():
            bits = min(_bits(x.phash, phash), _bits(x.dhash, dhash))
            if bits < best[0]:
                best = (bits, how)
    bits, how = best
    return Match(bits, how, _same_template(a, b, bits, how))


def _same_template(a: ImageHashes, b: ImageHashes, bits: int, how: str) -> bool:
    # A crop moves the fine hash whatever the details, so only whole-image matches are judged.
    if bits > TEMPLATE_COARSE_BITS or "cropped" in how or not a.fine or not b.fine:
        return False
    mine, theirs = imagehash.hex_to_hash(a.fine).hash, imagehash.hex_to_hash(b.fine).hash
    views = (mine, np.fliplr(mine), ~mine, ~np.fliplr(mine))  # as it is, mirrored, inverted, both
    return min(_unexplained(view, theirs) for view in views) >= TEMPLATE_DETAILS


def _unexplained(a: np.ndarray, b: np.ndarray) -> int:
    """Pixels of either bit image with no equal pixel in the other's 3x3 neighbourhood."""
    return _one_way(a, b) + _one_way(b, a)


def _one_way(a: np.ndarray, b: np.ndarray) -> int:
    padded = np.pad(b, 1, mode="edge")
    rows, cols = a.shape
    explained = np.zeros_like(a)
    for dy in range(3):
        for dx in range(3):
            explained |= padded[dy : dy + rows, dx : dx + cols] == a
    return int((~explained).sum())


def band_keys(hashes: ImageHashes) -> list[str]:
    """Blocking keys: each 16-bit band of the pHash and the dHash of every view (a copy as it is
    shares a band with the original's mirrored, inverted or cropped view)."""
    keys = []
    for _, phash, dhash in hashes.views():
        for kind, value in (("p", phash), ("d", dhash)):
            width = len(value) // BANDS
            keys += [f"{kind}{i}{value[i * width : (i + 1) * width]}" for i in range(BANDS)]
    return sorted(set(keys))


def _bits(a: str, b: str) -> int:
    return (imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)) if len(a) == len(b) else HASH_BITS
