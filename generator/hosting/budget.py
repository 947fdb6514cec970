"""What a built site weighs, by kind of file, against the limit of the host it goes to.

GitHub Pages publishes a site of at most 1 GB; a county platform passes that in its first year
without noticing, because nothing said so. Every build ends with the site's size and, past the
host's limit, a warning that names what the bytes are (photos, posters, cards, pages, ...) and
the ways out (shards by province, or object storage). Files are counted one by one, as a host
counts them: two hard links to one photo are two files in a Pages artefact.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.config import HOST_LIMITS
from generator.messages import listed, say

KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("posters", ("villages/*/live/*/poster*",)),
    ("product_cards", ("villages/*/products/*/card.*",)),
    ("share_images", ("*share.jpg", "*share.webp", "*share.png")),
    ("qr_codes", ("villages/*/qr/*", "*qr-*.png")),
    ("photos", ("villages/*/images/*", "villages/*/photos/*")),
    ("icons", ("*.ico", "*icon-*.png", "*apple-touch-icon*", "*/brand/*", "villages/*/brand/*")),
    ("pages", ("*.html",)),
    ("feeds", ("*.xml", "*.ics", "*.xml.gz")),
    ("search", ("*search*.json", "search/*")),
    ("theme", ("assets/*", "*.js", "*.css", "*.map", "*.woff2", "*.woff", "*.svg")),
)
"""The kinds of file a site holds, by site-relative path (first match wins). The names are those
urls.py makes; tests/hosting/test_budget.py checks that every file of a built site has a kind."""
OTHER = "other"


@dataclass(frozen=True)
class Weight:
    total: int
    files: int
    kinds: dict[str, int]
    """Bytes of each kind, largest first; kinds with no file are left out."""


LUNR_LANGUAGE = re.compile(r"assets/javascripts/lunr/min/lunr\.([a-z]+)\.min\.js")
SEGMENTERS = {"assets/javascripts/lunr/tinyseg.js": "ja", "assets/javascripts/lunr/wordcut.js": "th"}
"""Word segmenters Material's search worker loads for one language only."""


def unneeded_theme_file(uri: str, search_languages: Iterable[str]) -> bool:
    """Whether a file of Material's theme is never fetched by this site, and so is left out of it:
    the source maps of its bundles (fetched only by a browser's developer tools; 1.3 MB) and the
    stemmers and segmenters of the thirty search languages the site does not search in (the Thai
    segmenter alone is 0.7 MB). A village site is published once per host and shard, and every
    host counts these bytes."""
    languages = set(search_languages)
    if uri.startswith("assets/") and uri.endswith(".map"):
        return True
    if uri in SEGMENTERS:
        return SEGMENTERS[uri] not in languages
    found = LUNR_LANGUAGE.fullmatch(uri)
    # lunr.multi is loaded when a site searches in more than one language (lunr.stemmer.support.min.js,
    # which every language loads, has no language in its name and is never matched).
    return bool(found) and found.group(1) not in {*languages, "multi"}


def kind_of(relative: str) -> str:
    for kind, patterns in KINDS:
        if any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns):
            return kind
    return OTHER


def weigh(site: Path) -> Weight:
    """Every file under `site`, by kind (symbolic links are not followed: a build makes none)."""
    kinds: dict[str, int] = {}
    total = files = 0
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            if path.is_symlink():
                continue
            size = path.stat().st_size
            kind = kind_of(path.relative_to(site).as_posix())
            kinds[kind] = kinds.get(kind, 0) + size
            total += size
            files += 1
    ordered = dict(sorted(kinds.items(), key=lambda item: (-item[1], item[0])))
    return Weight(total, files, ordered)


def over_limit(weight: Weight, host: str) -> int | None:
    """The host's limit when the site passes it, else None."""
    limit = HOST_LIMITS[host]
    return limit if limit is not None and weight.total > limit else None


def megabytes(size: int) -> str:
    """Sizes as people read them: 12 KB, 0.4 MB, 28 MB, 1.3 GB (decimal units, as hosts state limits)."""
    if size >= 1_000_000_000:
        return f"{size / 1e9:.1f} GB"
    if size >= 10_000_000:
        return f"{size / 1e6:.0f} MB"
    if size >= 100_000:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e3:.0f} KB"


def size_report(weight: Weight, host: str) -> tuple[str, str | None]:
    """The line every build ends with (the site's size, its largest kinds), and the warning when
    the site passes its host's limit (None when it does not)."""
    kinds = listed(
        [say("size.kind", kind=say(f"size.{kind}"), size=megabytes(size)) for kind, size in weight.kinds.items()]
    )
    line = say("build.size", total=megabytes(weight.total), files=f"{weight.files:,}", kinds=kinds)
    limit = over_limit(weight, host)
    if limit is None:
        return line, None
    return line, say(
        "build.too_big",
        total=megabytes(weight.total),
        host=say(f"host.{host.replace('-', '_')}"),
        limit=megabytes(limit),
    )
