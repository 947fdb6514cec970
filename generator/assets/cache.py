"""A content-addressed store of generated images: the key is a digest of everything that decides
the picture (input bytes, texts, colours, layout numbers, font) and of the recipe's version.

An unchanged input finds its file and is not redrawn; any change to an input or to a recipe gives a
new key, so a stale image is never served. Each drawing module has a RECIPE version: bump it when
its code draws differently (layout numbers and the font are in the key already). Files are written beside their final name and renamed,
so two builds sharing a cache (or a build killed midway) never leave half a file under a key.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

STAMPS_VERSION = 1
RACY_NS = 3_000_000_000


def digest(*parts: Any) -> str:
    """SHA-256 of `parts`: bytes as they are, anything else as canonical JSON."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, ensure_ascii=False,
                                                                default=str).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Stamps:
    """SHA-256 of files remembered by their stamp (size, times, inode), as git's index does: a warm
    build hashes no photo it has hashed before. A photo edited in place gets a new stamp and is read
    again; the stamps live beside the images and are only ever a shortcut to the same digest."""

    def __init__(self, root: Path):
        self.path = Path(root) / f"stamps-v{STAMPS_VERSION}.json"
        try:
            self.known: dict[str, list] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}  # no stamps yet, or a damaged file: every photo is hashed once more
        self.seen: dict[str, list] = {}

    def digest(self, path: Path) -> str:
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        name = str(path.resolve())
        known = self.known.get(name)
        sha = known[-1] if known and known[:-1] == stamp else file_digest(path)
        # A file written within the last seconds may be written again within the clock's
        # resolution without a new stamp ("racily clean" in git): remember it only once it is older.
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            self.seen[name] = [*stamp, sha]
        return sha

    def save(self) -> None:
        """Keep the stamps of this build's photos (others' are dropped), if anything changed."""
        if self.seen != self.known:
            write_atomic(self.path, json.dumps(self.seen, sort_keys=True).encode())


class Memo:
    """Small values computed from inputs, kept between builds in one JSON file (key -> value).

    A key is a digest of every input and of the source of the code that computes the value
    (`source_digest`), so a changed input, or a changed module, never meets an old value: there is
    no version number to forget to bump. Only the keys used by this build are saved, so the file
    does not grow with every edit; a missing or damaged file only costs the values once more."""

    def __init__(self, root: Path, name: str):
        self.path = Path(root) / f"{name}.json"
        try:
            self.known: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        if not isinstance(self.known, dict):
            self.known = {}
        self.used: dict[str, Any] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value remembered under `key`, else `compute()` (which must return plain JSON data)."""
        value = self.known[key] if key in self.known else compute()
        self.used[key] = value
        return value

    def save(self) -> None:
        if self.used != self.known:
            write_atomic(self.path, json.dumps(self.used, sort_keys=True, ensure_ascii=False).encode())


@cache
def source_digest(*modules: str) -> str:
    """SHA-256 of the source files of `modules` (dotted names): part of every Memo key."""
    return digest(*(Path(importlib.util.find_spec(name).origin).read_bytes() for name in modules))


@cache
def code_identity(modules: tuple[str, ...], packages: tuple[str, ...] = ()) -> str:
    """What computes a remembered value: the source of our `modules` and the installed versions of
    the `packages` (distribution names) it relies on; read from metadata, so nothing is imported."""
    return digest(source_digest(*modules), [package_version(name) for name in packages])


def package_version(name: str) -> str:
    """The installed version of distribution `name`, or "" when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


class Store:
    """Files under `root/<kind>/<key[:2]>/<key><suffix>`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def write(self, target: Path, data: bytes) -> Path:
        return write_atomic(target, data)


def write_atomic(target: Path, data: bytes) -> Path:
    """`data` at `target`, never half written: written beside it, then renamed over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=target.suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(partial, 0o644)
    os.replace(partial, target)
    return target
