"""Each file of a built site as the object a bucket should hold: its key, digest and the headers a
browser and a CDN read (Content-Type, Cache-Control, Content-Encoding), and when it goes up.

Everything here is decided from the file's name and bytes alone, so a deploy that changes nothing
in the site asks the bucket to change nothing either.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",  # source maps of Material's bundles
    ".xml": "application/xml",  # Atom feeds and the sitemap: feed readers and crawlers take both
    ".ics": "text/calendar",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".gz": "application/gzip",  # sitemap.xml.gz is fetched as the file it is, never unpacked on the way
}
"""The types the site's files are served with, by suffix; where mimetypes would answer too, it
is said here anyway, so that a machine's /etc/mime.types never changes what a bucket serves."""

TEXT_TYPES = frozenset(
    ["application/json", "application/xml", "image/svg+xml", "application/manifest+json", "text/javascript"]
)
"""Text that is not `text/*`: it is served with charset=utf-8 and may be compressed."""

_BUILT_IN = mimetypes.MimeTypes()  # Python's own table only: the same answer on every machine

DIGEST_NAMED = re.compile(r"\.(?=[0-9a-f]*[a-f])[0-9a-f]{8,64}\.")
"""A name that carries a digest of the content (Material's `bundle.a5f9d56c.min.js`): a new content
gets a new name, so a cache may keep it forever. The run must hold a letter, so that a photo named
by its date (`harvest.20240315.jpg`), which may be replaced under the same name, is not taken for one."""

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
"""Pages, feeds, calendars, the search index and photos keep their names when they change: a
buyer sees the new version within five minutes."""

LINK_LISTS = (".xml", ".ics", ".xml.gz", "search/search_index.json")
"""Files that list pages (feeds, calendars, sitemaps, the search index): they go up after the pages."""

ASSETS, PAGES, LISTS = 0, 1, 2
"""The order of uploads: what pages show first, then the pages, then what links to pages, so a
buyer never opens a page whose photos are not there yet, nor a link to a page not yet there."""


@dataclass(frozen=True)
class SiteObject:
    """One file of the site, as its object in the bucket should be."""

    key: str
    """Its path in the site, `/`-separated: the object's key under the deploy's prefix."""
    path: Path
    sha256: str
    """Of the file's bytes as built (before any compression on the way up)."""
    size: int
    content_type: str
    cache_control: str
    content_encoding: str | None

    @property
    def tier(self) -> int:
        if self.key.endswith(".html"):
            return PAGES
        return LISTS if self.key.endswith(LINK_LISTS) else ASSETS

    @property
    def state(self) -> dict[str, str | None]:
        """What says whether the bucket's object is this one: the digest and every header."""
        return {
            "sha256": self.sha256,
            "type": self.content_type,
            "cache": self.cache_control,
            "encoding": self.content_encoding,
        }

    def body(self) -> bytes:
        data = self.path.read_bytes()
        # mtime=0 and no file name: the same file compresses to the same bytes on every run
        return gzip.compress(data, compresslevel=9, mtime=0) if self.content_encoding == "gzip" else data


def content_type(name: str) -> str:
    """The Content-Type of a file by its name; text says it is UTF-8, as every file of the site is."""
    suffix = os.path.splitext(name)[1].lower()
    kind = TYPES.get(suffix)
    if kind is None:
        guessed, encoding = _BUILT_IN.guess_type(name, strict=False)
        kind = guessed if guessed and not encoding else "application/octet-stream"
    return f"{kind}; charset=utf-8" if is_text(kind) else kind


def is_text(kind: str) -> bool:
    kind = kind.split(";")[0]
    return kind.startswith("text/") or kind in TEXT_TYPES


def cache_control(key: str) -> str:
    return IMMUTABLE if DIGEST_NAMED.search(key.rpartition("/")[2]) else SHORT


def site_objects(site_dir: Path, *, compress: bool) -> list[SiteObject]:
    """Every file of the built site, in key order, with `compress` asking for text to go up
    gzipped (Content-Encoding: gzip) for a host that does not compress it on its side (S3).
    Dotfiles and dot-folders (a gh-pages worktree's `.git`, `.nojekyll`) are the host's, never published."""
    found = []
    for folder, folders, files in os.walk(site_dir):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = Path(folder, name)
            key = path.relative_to(site_dir).as_posix()
            data = path.read_bytes()
            kind = content_type(name)
            found.append(
                SiteObject(
                    key=key,
                    path=path,
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    content_type=kind,
                    cache_control=cache_control(key),
                    content_encoding="gzip" if compress and is_text(kind) else None,
                )
            )
    return sorted(found, key=lambda item: item.key)


def published(key: str) -> bool:
    """Whether a key (relative to the prefix) names something a deploy publishes, and so may delete."""
    return not any(part.startswith(".") for part in key.split("/"))
