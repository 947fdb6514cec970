"""The comparable record: what a village (or a row of a reference registry) says about itself.

Villages and registry rows are compared by the same code, so both become a `Record`. A record
only carries what the profile states; everything derived (cores, pinyin, shingles) is in
`features.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from stat import S_ISREG

from generator.cache import Stamps
from generator.profile.model import Village, pick


@dataclass(frozen=True)
class Place:
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""

    def label(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county, self.township) if p)


@dataclass(frozen=True)
class ProductInfo:
    id: str
    names: Mapping[str, str]
    category: str
    description: str = ""
    certifications: tuple[str, ...] = ()
    """Human descriptions like 'geographical-indication GI-330523 (国家知识产权局)'."""


@dataclass(frozen=True)
class CultureInfo:
    names: Mapping[str, str]
    kind: str
    description: str = ""


@dataclass(frozen=True)
class Record:
    key: str
    """The village slug, or `<registry id>:<line>` for a registry row."""
    origin: str
    """'village' for a village of this site, else the id of the registry it comes from."""
    source: str
    """Where to look: the profile path, or the registry file and line."""
    names: Mapping[str, str]
    place: Place
    digest: str
    """Cache key: the profile digest, or a digest of the registry row."""
    slogan: Mapping[str, str] = field(default_factory=dict)
    story: str = ""
    products: tuple[ProductInfo, ...] = ()
    culture: tuple[CultureInfo, ...] = ()
    colors: tuple[str, ...] = ()
    """Declared brand colours, primary first, as #RRGGBB."""
    images: tuple[tuple[str, Path], ...] = ()
    """('logo' | 'hero', absolute path) of brand images that exist on disk."""

    @property
    def is_village(self) -> bool:
        return self.origin == "village"

    def label(self, language: str = "zh") -> str:
        """The name a person recognises, in `language` when the record has it."""
        return pick(self.names, language) or self.key


def record_from_village(village: Village, digest: str | None = None) -> Record:
    """The comparable record of one village of this site (`digest`: its village_digest, when the
    caller has it already)."""
    profile = village.profile
    region = profile.region
    brand = profile.brand
    colors: tuple[str, ...] = ()
    if brand and brand.colors:
        colors = tuple(c for c in (brand.colors.primary, brand.colors.accent) if c)
    images = brand_images(village)
    return Record(
        key=village.slug,
        origin="village",
        source=village.source,
        names=dict(profile.name),
        place=Place(region.province, region.city or "", region.county, region.township or ""),
        digest=digest or village_digest(village),
        slogan=dict(profile.slogan),
        story=profile.story,
        products=tuple(
            ProductInfo(
                id=p.id,
                names=dict(p.name),
                category=p.category,
                description=p.description,
                certifications=tuple(f"{c.kind} {c.id} ({c.issuer})" for c in p.certifications),
            )
            for p in profile.products
        ),
        culture=tuple(CultureInfo(dict(c.name), c.kind, c.description) for c in profile.culture),
        colors=colors,
        images=tuple(images),
    )


def brand_images(village: Village) -> tuple[tuple[str, Path], ...]:
    """The village's logo and hero photo, when declared and present on disk."""
    return tuple((role, path) for role, path, _ in _brand_image_stats(village))


def village_digest(village: Village, folder: Path | None = None) -> str:
    """The cache key of a village's signature, without building its record (cheap at 50,000)."""
    stats = _brand_image_stats(village)
    if not stats:  # the common case, kept cheap: 50,000 of these per run
        return village.digest[:32]
    # Images live beside the profile, not in it: their bytes are part of the key, so a new logo is
    # hashed again even when village.yml did not change. By their bytes, not their file stamps: a
    # fresh checkout (each CI job, each shard of a sharded build) gives every file new stamps, and
    # the signatures a plan job shares must still be found. Hashing is remembered by stamp in the
    # check's cache folder (`image_stamps`), so a warm run stats each image and reads none.
    stamps = image_stamps(folder)
    return _digest(
        village.digest,
        tuple(f"{role}:{stamps.digest(path, os.path.abspath(path), stat)}" for role, path, stat in stats),
    )


@cache
def image_stamps(folder: Path | None) -> Stamps:
    """The brand images' digests by file stamp, kept in `folder` (none: for this process). One per
    folder, so that the report's key and the check it keys hash each image once."""
    return Stamps(folder)


def _brand_image_stats(village: Village) -> list[tuple[str, Path, os.stat_result]]:
    # One stat per declared image, the only file-system call a one-village check makes per other village.
    brand = village.profile.brand
    found = []
    if brand is None or not (brand.logo or brand.hero):
        return found
    for role, relative in (("logo", brand.logo), ("hero", brand.hero)):
        if relative:
            path = village.folder / relative
            try:
                stat = os.stat(path)
            except OSError:
                continue
            if S_ISREG(stat.st_mode):
                found.append((role, path, stat))
    return found


def record_digest(payload: object) -> str:
    """A stable digest of any JSON-serialisable payload (used for registry rows)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return _digest(hashlib.sha256(text.encode()).hexdigest(), ())


def _digest(base: str, stamps: tuple[str, ...]) -> str:
    text = "|".join((base, *stamps))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
