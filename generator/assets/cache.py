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
import pickle
import tempfile
import time
import zoneinfo
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
        self._resolved: dict[str, str] = {}

    def digest(self, path: Path) -> str:
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        name = self.resolve(path)
        known = self.known.get(name)
        sha = known[-1] if known and known[:-1] == stamp else file_digest(path)
        # A file written within the last seconds may be written again within the clock's
        # resolution without a new stamp ("racily clean" in git): remember it only once it is older.
        if time.time_ns() - stat.st_mtime_ns > RACY_NS:
            self.seen[name] = [*stamp, sha]
        return sha

    def resolve(self, path: Path) -> str:
        """Where `path` leads, asked of the file system once per build (one lstat per folder on
        the way): the profiles and the image kit both ask it of every photo."""
        key = str(path)
        if key not in self._resolved:
            self._resolved[key] = str(path.resolve())
        return self._resolved[key]

    def save(self) -> None:
        """Keep the stamps of this build's photos (others' are dropped), if anything changed."""
        if self.seen != self.known:
            write_atomic(self.path, json.dumps(self.seen, sort_keys=True).encode())


class Memo:
    """Values computed from inputs, kept between builds in one file (key -> value).

    A key is a digest of every input and of the source of the code that computes the value
    (`code_identity`), so a changed input, or a changed module, never meets an old value: there is
    no version number to forget to bump. Only the keys used by this build are saved, so the file
    does not grow with every edit; a missing or damaged file only costs the values once more.
    Values are plain JSON data, or any picklable object with `pickled=True` (the file is ours, in
    the cache folder, like the images beside it)."""

    def __init__(self, root: Path, name: str, *, pickled: bool = False):
        self.pickled = pickled
        self.path = Path(root) / f"{name}.{'pickle' if pickled else 'json'}"
        self.known: dict[str, Any] = self._read()
        self.used: dict[str, Any] = {}
        self.changed = False

    def _read(self) -> dict[str, Any]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        try:
            known = pickle.loads(data) if self.pickled else json.loads(data)
        except Exception:  # noqa: BLE001  damaged, or pickled by code that has changed since: recompute
            return {}
        return known if isinstance(known, dict) else {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value remembered under `key`, else `compute()`."""
        if key in self.known:
            value = self.used[key] = self.known[key]
            return value
        value = compute()
        self.keep(key, value)
        return value

    def recall(self, key: str) -> Any | None:
        """The value remembered under `key`, or None; for a caller that must check it still holds
        (then `keep` a fresh one)."""
        if key in self.known:
            self.used[key] = self.known[key]
        return self.used.get(key)

    def keep(self, key: str, value: Any) -> None:
        self.used[key] = value
        self.changed = True

    def save(self) -> None:
        if self.changed or self.used.keys() != self.known.keys():
            if self.pickled:
                data = pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                data = json.dumps(self.used, sort_keys=True, ensure_ascii=False).encode()
            write_atomic(self.path, data)
            self.known, self.changed = dict(self.used), False


@cache
def source_digest(*modules: str) -> str:
    """SHA-256 of the source files of `modules` (dotted names): part of every Memo key."""
    return digest(*(Path(importlib.util.find_spec(name).origin).read_bytes() for name in modules))


@cache
def code_identity(modules: tuple[str, ...], packages: tuple[str, ...] = ()) -> str:
    """What computes a remembered value: the source of our `modules` and the installed versions of
    the `packages` (distribution names) it relies on; read from metadata, so nothing is imported."""
    return digest(source_digest(*modules), [package_version(name) for name in packages])


@cache
def zone_data() -> str:
    """The identity of the time-zone database (the system's, else the tzdata package): what
    validates a profile's `timezone` and writes a calendar's VTIMEZONE."""
    for folder in zoneinfo.TZPATH:
        if (path := Path(folder) / "tzdata.zi").is_file():
            return file_digest(path)
    return package_version("tzdata")


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
        # One string, one Path: three joins per file cost a second per warm build of 1,000 villages.
        return Path(f"{self.root}/{kind}/{key[:2]}/{key}{suffix}")

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
