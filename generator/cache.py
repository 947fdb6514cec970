"""What a build keeps for the next one, and the keys it is kept under: one owner for every cache.

- `Store`: generated files (photo variants, cards, posters, icons, QR codes) under a digest of
  everything that decides them: their inputs and their recipe (assets/kinds.py).
- `Memo`: computed values (validated villages, claims, palettes, calendars, Markdown) in one file
  per kind, under a digest of their inputs.
- `Stamps`: the SHA-256 of each photo, remembered by its file stamp as git's index does.

Every key that depends on code includes `code_identity(module)`: the source of the computing module
and of what it imports, and its libraries' versions, so there is no version number to forget.
An unchanged input finds its value; any change gives a new key, so a stale result is never served.
Files are written under a partial name and renamed (`atomic_file`), so two builds sharing a cache,
a full disk or a build killed midway never leave half a file under a key; the store's files are
checked against what was written before they are served again (`Store.intact`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import pickle
import platform
import shutil
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

ROOT_PACKAGE = __name__.split(".")[0]
PACKAGE_DIR = Path(__file__).resolve().parent
STAMPS_VERSION = 1
RACY_NS = 3_000_000_000


def digest(*parts: Any) -> str:
    """SHA-256 of `parts`: bytes as they are, anything else as canonical JSON."""
    h = hashlib.sha256()
    for part in parts:
        data = (
            part
            if isinstance(part, bytes)
            else json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode()
        )
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Stamps:
    """SHA-256 of files remembered by their stamp (size, times, inode), as git's index does: a warm
    build hashes no photo it has hashed before. A photo edited in place gets a new stamp and is read
    again; the stamps live beside the images and are only ever a shortcut to the same digest.
    Without a `root`, they are remembered for this process only."""

    def __init__(self, root: Path | None):
        self.path = Path(root) / f"stamps-v{STAMPS_VERSION}.json" if root is not None else None
        try:
            self.known: dict[str, list] = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):
            self.known = {}  # no stamps yet, or a damaged file: every photo is hashed once more
        self.seen: dict[str, list] = {}
        self._resolved: dict[str, str] = {}

    def digest(self, path: Path, name: str | None = None, stat: os.stat_result | None = None) -> str:
        """SHA-256 of the file's bytes. `name`: what it is remembered under (default: where the path
        leads); a caller that asks of thousands of files per run may name them by their absolute
        path instead, a string operation (a link reached two ways is then only hashed twice), and
        give the stat it has just taken."""
        stat = stat or path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        name = name or self.resolve(path)
        known = self.seen.get(name) or self.known.get(name)
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
        """Keep the stamps of this build's photos (others' are dropped), if anything changed; a
        build that stopped before it read a photo keeps the file as it was."""
        if self.path and self.seen and self.seen != self.known:
            write_atomic(self.path, json.dumps(self.seen, sort_keys=True).encode())
            self.known = dict(self.seen)


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
        except Exception:
            return {}
        return known if isinstance(known, dict) else {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value remembered under `key`, else `compute()`."""
        if key in self.used:  # computed or recalled earlier in this build
            return self.used[key]
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

    def save(self, *, forget_unused: bool = True) -> None:
        """Write the values used by this build (with `forget_unused=False`, all known ones), if
        anything changed. A memo this build never used (it stopped before) is kept as it was."""
        if not self.used and not self.changed:
            return
        kept = self.used if forget_unused else {**self.known, **self.used}
        if self.changed or kept.keys() != self.known.keys():
            if self.pickled:
                data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                data = json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()
            write_atomic(self.path, data)
            self.known, self.changed = dict(kept), False


@cache
def code_identity(module: str, memo_dir: Path | None = None) -> str:
    """What computes a value that a build remembers: the source of `module` and of every module of
    ours it imports (transitively, so a helper moved to another module stays in the key), the
    installed versions of the libraries those modules import, and Python's version.

    Read from source and metadata, so nothing is imported. A key made with it needs no version
    number to bump: any change to the code that computes a value, or to a library it uses, is a
    new key.

    With `memo_dir`, each module's imports are remembered there by the digest of its source:
    parsing the sources is most of the identity's cost (0.2 s for the differentiation check's 29
    modules, which a one-village check pays in every process), hashing them is not."""
    ours, libraries = _closure(module) if memo_dir is None else _closure_remembered(module, Path(memo_dir))
    versions = sorted({(name, package_version(name)) for top in libraries for name in _distributions_of(top)})
    return digest([_source(name) for name in sorted(ours)], versions, platform.python_version())


def code_modules(module: str) -> frozenset[str]:
    """Our modules whose code runs when `module` is imported: what its code identity covers."""
    return _closure(module)[0]


def module_source(name: str) -> bytes:
    """The source of our module `name`, read from disk (nothing is imported)."""
    return _source(name)


@cache
def _closure(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """Our modules that `module` runs when imported (itself, its packages, what they import) and
    the top-level names of the other packages they import."""
    return _walk(module, _imports)


IMPORTS_MEMO = "code-imports.json"


def _closure_remembered(module: str, folder: Path) -> tuple[frozenset[str], frozenset[str]]:
    """`_closure`, with the imports of each source (by its SHA-256) kept in `folder`: an edited
    module has a new digest, so it is parsed again; a damaged memo only costs the parse."""
    path = folder / IMPORTS_MEMO
    try:
        known = json.loads(path.read_bytes())
    except (OSError, ValueError):
        known = {}
    known = known if isinstance(known, dict) else {}
    used: dict[str, list[str]] = {}

    def imports(name: str) -> tuple[str, ...]:
        key = hashlib.sha256(_source(name)).hexdigest()
        value = known.get(key)
        used[key] = value if isinstance(value, list) else list(_imports(name))
        return tuple(used[key])

    found = _walk(module, imports)
    if used != known:
        with suppress(OSError):  # a read-only cache only costs the parse next time
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(used, sort_keys=True).encode())
    return found


def _walk(module: str, imports_of: Callable[[str], tuple[str, ...]]) -> tuple[frozenset[str], frozenset[str]]:
    ours, libraries, todo = set(), set(), [module]
    while todo:
        name = todo.pop()
        if name in ours:
            continue
        ours.add(name)
        todo.extend(_packages(name))
        for imported in imports_of(name):
            top = imported.split(".")[0]
            if top == ROOT_PACKAGE:
                todo.append(imported)
            elif top not in sys.stdlib_module_names:
                libraries.add(top)
    return frozenset(ours), frozenset(libraries)


def _packages(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


@cache
def _imports(name: str) -> tuple[str, ...]:
    """The modules `name` imports at run time (imports for type checkers only are left out)."""
    tree = ast.parse(_source(name))
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            # `from generator.assets import cards` imports the module generator.assets.cards
            found.extend(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if node.module.split(".")[0] == ROOT_PACKAGE and _is_module(f"{node.module}.{alias.name}")
            )
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return tuple(found)


IMPORT_NAMES = {
    "PIL": "pillow",
    "yaml": "PyYAML",
    "dateutil": "python-dateutil",
    "pillow_heif": "pillow-heif",
    "pydantic_core": "pydantic-core",
    "noto_cjk_sans_otc": "noto-cjk-sans-otc",
}
"""Import names of our libraries that are not their distribution's name. Only a shortcut: a name
missing here is looked up among every installed distribution (a tenth of a second per process)."""


@cache
def _distributions_of(top: str) -> tuple[str, ...]:
    """The installed distributions that provide the top-level import `top`."""
    for name in (IMPORT_NAMES.get(top), top):
        if name and package_version(name):
            return (name,)
    return tuple(_all_distributions().get(top, ()))


@cache
def _all_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _path(name: str) -> Path | None:
    """The source file of our module `name`, found on disk: nothing is imported to find it (an
    import would run the module, and the check's libraries take longer to import than a warm
    build of a small site takes in all)."""
    base = PACKAGE_DIR.joinpath(*name.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_module(name: str) -> bool:
    return _path(name) is not None


@cache
def _source(name: str) -> bytes:
    path = _path(name)
    if path is None:
        raise ModuleNotFoundError(name)
    return path.read_bytes()


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


PARTIAL = ".partial-"
"""The prefix of a file being written: `.partial-<pid>-<random>`, renamed to its name when complete."""
PARTIAL_AGE = 24 * 3600
"""A partial file older than this (seconds) is a leftover, whoever wrote it."""


@contextmanager
def atomic_file(target: Path, *, partials: Path | None = None, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A file to write that appears at `target` only when complete and closed: written in
    `partials` (default: beside `target`; always on the same file system), then renamed over it. A
    build killed midway leaves a `.partial-<pid>-*` file that `sweep_partials` removes, never half a
    file under a real name."""
    folder = partials or target.parent
    target.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=f"{PARTIAL}{os.getpid()}-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.chmod(partial, mode)
        os.replace(partial, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(partial)  # a full disk, or an error while writing: no leftover
        raise


def write_atomic(target: Path, data: bytes, *, partials: Path | None = None, mode: int = 0o644) -> Path:
    """`data` at `target`, never half written (see `atomic_file`)."""
    with atomic_file(target, partials=partials, mode=mode) as out:
        out.write(data)
    return target


def sweep_partials(folder: Path) -> int:
    """Remove the partial files in `folder` that no running build is writing: their writer's
    process is gone (a killed build), or they are older than a day. How many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.startswith(PARTIAL) and _abandoned(entry):
            with suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def _abandoned(entry: os.DirEntry) -> bool:
    pid = entry.name[len(PARTIAL) :].partition("-")[0]
    try:
        old = time.time() - entry.stat(follow_symlinks=False).st_mtime > PARTIAL_AGE
    except OSError:
        return False
    return old or not (pid.isdigit() and process_alive(int(pid)))


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (signal 0 is sent: nothing happens to it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Written:
    """What the store recorded of a file it wrote: enough to know later that it is still that file."""

    name: str
    """The file's path relative to the store, so that a copied or moved cache stays valid."""
    size: int
    sha: str
    stamp: tuple[int, int]
    """(mtime_ns, inode) when written: while they hold, the bytes are not read again."""


class Store:
    """Files under `root/<kind>/<key[:2]>/<key><suffix>`, named by a digest of their inputs, and a
    ledger of what each file held when it was written (its size and SHA-256).

    A file is served only while it holds what was written (`intact`): a truncated, bit-flipped or
    edited cache file, or one the ledger does not know, counts as missing and is drawn again.
    Files are written read-only, and the site's copies are hard links to them: a published file
    edited in place (by someone who may) changes the cache's file too, the ledger notices, and the
    next build draws it again.
    """

    def __init__(self, root: Path, ledger: Memo | None = None):
        self.root = Path(root)
        self.partials = self.root / ".partial"
        self.ledger = ledger
        self.settled = False
        """Set once every file the site serves has been checked or written (assets/kit.py)."""

    def path(self, kind: str, key: str, suffix: str) -> Path:
        # One string, one Path: three joins per file cost a second per warm build of 1,000 villages.
        return Path(f"{self.root}/{kind}/{key[:2]}/{key}{suffix}")

    def name(self, path: Path) -> str:
        """`path` relative to the store, as the ledger and the photo manifests keep it."""
        return Path(path).relative_to(self.root).as_posix()

    def file(self, name: str) -> Path:
        """The file the store keeps under `name` (see `name`)."""
        return Path(f"{self.root}/{name}")

    def write(self, target: Path, data: bytes) -> Written:
        """`data` at `target`, read-only; what was written, for `note` in the main process (a
        worker process has no ledger)."""
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # a damaged cache: a folder where a file belongs
        write_atomic(target, data, partials=self.partials, mode=0o444)
        stat = os.stat(target)
        return Written(self.name(target), len(data), hashlib.sha256(data).hexdigest(), (stat.st_mtime_ns, stat.st_ino))

    def note(self, written: Iterable[Written]) -> None:
        """Record files written (here or by a worker) in the ledger."""
        assert self.ledger is not None
        for w in written:
            self.ledger.keep(w.name, [w.size, w.sha, *w.stamp])

    def intact(self, path: Path) -> bool:
        """Whether `path` holds what the store wrote there: a stat while the file's stamp holds;
        its bytes are read only when the stamp changed (a restored or copied cache, an edit)."""
        assert self.ledger is not None
        name = self.name(path)
        record = self.ledger.recall(name)
        try:
            size, sha, *stamp = record  # type: ignore[misc]
            stat = os.stat(path)
        except (TypeError, ValueError, OSError):
            return False  # not recorded (an older cache), a damaged record, or no file
        if stat.st_size != size:
            return False
        if [stat.st_mtime_ns, stat.st_ino] == stamp:
            return True
        try:
            if file_digest(path) != sha:
                return False
        except OSError:
            return False
        self.ledger.keep(name, [size, sha, stat.st_mtime_ns, stat.st_ino])  # the same bytes, a new stamp
        return True


class Caches:
    """Everything one build keeps under the cache folder for the next: the image store, the photo
    stamps and each named memo. Made once per build; `save` writes what changed (it may be called
    again, after the pages are rendered, for what rendering added)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._memos: dict[str, Memo] = {}
        self.store = Store(self.root, self.memo("ledger"))
        self.stamps = Stamps(self.root)

    def sweep(self) -> int:
        """Remove the partial files that killed builds left (see `atomic_file`); how many."""
        folders = (self.root, self.store.partials, self.root / "differentiation")
        return sum(sweep_partials(folder) for folder in folders)

    def memo(self, name: str, *, pickled: bool = False) -> Memo:
        if name not in self._memos:
            self._memos[name] = Memo(self.root, name, pickled=pickled)
        return self._memos[name]

    def save(self) -> None:
        self.stamps.save()
        for memo in self._memos.values():
            # The ledger forgets the files this build did not serve only once it has checked all
            # it serves: a build stopped midway (a photo to fix) keeps the rest of the cache valid.
            memo.save(forget_unused=memo is not self.store.ledger or self.store.settled)
