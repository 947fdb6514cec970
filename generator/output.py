"""What a build writes: the site folder swapped in whole, in one step, only when the build
succeeded; cached images linked rather than copied; the search index in UTF-8.

A build writes into `.site.building-<pid>-*` beside the site and, when it succeeded, exchanges
that folder with `site/` in one system call (Linux's renameat2 with RENAME_EXCHANGE): a build
killed at any moment leaves the previous site or the new one, never none. Files that the site
folder holds but the build does not make (`.git` of a gh-pages worktree, `.nojekyll`, `CNAME`) are
kept, as plain MkDocs keeps them. What killed builds leave behind is removed by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.structure.files import File

from generator.cache import process_alive
from generator.errors import StorefrontError
from generator.messages import say

BUILDING = "building"
OLD = "old"
KEPT_NAMES = frozenset({"CNAME"})
"""Top-level files of a site that the build does not make but a host needs (GitHub Pages' custom
domain), kept like every top-level dotfile."""
SITE_MARKERS = ("index.html", "sitemap.xml", "404.html")
"""A folder holding one of these at its top, and nothing of a project's, was a built site."""
PROJECT_MARKERS = {
    "HEAD": "git",
    "objects": "git",
    "mkdocs.yml": "project",
    "pyproject.toml": "project",
    "village.yml": "village",
    "stamps-v1.json": "cache",
}
"""Names that a site never holds at its top, and what they show the folder is (the message
`output.holds.<what>` says it)."""
PROJECT = "project"
"""The key of the project folder among the protected ones: a site may live inside it, not over it."""


def unsafe_output(site_dir: Path, protected: dict[str, Path]) -> str | None:
    """Why building into `site_dir` would destroy something (the swap replaces it whole), or None:
    it is, holds or is inside a protected folder (keyed `project`, `villages`, `cache`, `docs`:
    the message `output.folder.<key>` names it), or it holds something that is not a built site."""
    site = site_dir.resolve()
    for what, folder in protected.items():
        folder = folder.resolve()
        named = say(f"output.folder.{what}")
        if site == folder or site in folder.parents:
            return say("output.would_replace", site=site_dir, what=named, folder=folder)
        if folder in site.parents and what != PROJECT:
            return say("output.inside", site=site_dir, what=named, folder=folder)
    if (what := _not_a_site(site)) is not None:
        return say("output.not_a_site", site=site_dir, what=what)
    return None


def _not_a_site(folder: Path) -> str | None:
    """What `folder` holds if it is neither missing, empty nor a built site."""
    try:
        names = {entry.name for entry in os.scandir(folder)}
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return say("output.holds.file")
    for name, what in PROJECT_MARKERS.items():
        if name in names:
            return say(f"output.holds.{what}", name=name)
    if any((folder / name / "village.yml").is_file() for name in names if not name.startswith(".")):
        return say("output.holds.villages")
    made = {name for name in names if not _kept(name)}
    if made and not made.intersection(SITE_MARKERS):
        shown = ", ".join(sorted(made)[:3]) + (", ..." if len(made) > 3 else "")
        return say("output.holds.other", names=shown)
    return None


def _kept(name: str) -> bool:
    """A top-level name of the site that the next build keeps: a dotfile, or CNAME."""
    return name.startswith(".") or name in KEPT_NAMES


class AtomicOutput:
    """Build into a fresh folder beside the target; swap it in only when the build succeeded.

    A failed or killed build leaves the previous site exactly as it was.
    """

    def __init__(self, target: Path):
        self.target = Path(target).resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=_leftover_prefix(self.target, BUILDING) + f"{os.getpid()}-", dir=self.target.parent)
        )

    def commit(self) -> None:
        """Put the built site in place of the previous one, in one step where the system can."""
        if not self.staging.exists():
            return
        os.chmod(self.staging, 0o755)  # mkdtemp makes it 0700; a served site must be readable
        _keep_host_files(self.target, self.staging)
        if not _swap_in(self.staging, self.target):
            _replace_in_two_steps(self.staging, self.target)
        # After an exchange the staging folder holds the previous site: removed, as it is no longer served.
        shutil.rmtree(self.staging, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _leftover_prefix(target: Path, what: str) -> str:
    return f".{target.name}.{what}-"


def recover_leftovers(target: Path) -> None:
    """Clean up after builds that were killed: remove their unfinished `.site.building-*` folders;
    an `.site.old-*` (the previous site, moved aside where the swap takes two steps) goes back in
    place if the site is missing, else is removed. Folders of builds still running are left alone."""
    for what in (OLD, BUILDING):
        prefix = _leftover_prefix(target, what)
        for leftover in sorted(target.parent.glob(prefix + "*")):
            pid = leftover.name[len(prefix) :].partition("-")[0]
            if pid.isdigit() and process_alive(int(pid)) and int(pid) != os.getpid():
                continue
            if what == OLD and not target.exists():
                os.replace(leftover, target)  # the kill came between the two renames
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def _keep_host_files(previous: Path, built: Path) -> None:
    """The previous site's top-level dotfiles and CNAME, in the built site unless it made its own:
    hard links (a `.git` is linked file by file), so the previous site keeps them too until the
    swap, whatever happens."""
    try:
        names = [entry.name for entry in os.scandir(previous) if _kept(entry.name)]
    except OSError:
        return
    for name in names:
        source, target = previous / name, built / name
        if os.path.lexists(target):
            continue  # the build made its own (a CNAME in docs/)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(source, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _swap_in(built: Path, target: Path) -> bool:
    """`built` at `target` in one step: renamed there if there is no site yet, else exchanged with
    it (Linux 3.15+). False where the system cannot exchange two folders (then the caller falls
    back); any other error is raised."""
    if not os.path.lexists(target):
        try:
            os.rename(built, target)
            return True
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            # another build put a site there in the meantime: exchange with it
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(built), AT_FDCWD, os.fsencode(target), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without exchange (some network ones)
    raise OSError(code, os.strerror(code), str(target))


@functools.cache
def _renameat2():
    """The C library's renameat2 (glibc 2.28+, musl 1.1.20+), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _replace_in_two_steps(built: Path, target: Path) -> None:
    """Where folders cannot be exchanged: the previous site moved aside, the new one renamed in,
    the previous one put back if that fails. A kill between the two renames leaves the previous
    site as `.site.old-<pid>`, which the next build puts back (recover_leftovers)."""
    old = Path(tempfile.mkdtemp(prefix=_leftover_prefix(target, OLD) + f"{os.getpid()}-", dir=target.parent))
    os.replace(target, old)
    try:
        os.replace(built, target)
    except OSError as error:
        try:
            os.replace(old, target)
        except OSError:
            raise StorefrontError(
                say("output.not_put_back", target=target, error=error, old=old, name=target.name)
            ) from error
        raise
    os.replace(old, built)  # removed by the caller, like the exchanged previous site


class LinkedFile(File):
    """An image from the cache, cloned or hard-linked into the site instead of copied.

    Every build writes a fresh site folder (see AtomicOutput), so without links each build would
    copy every image again: at 1,000 villages, tens of thousands of files and gigabytes. Where the
    file system can clone (Btrfs, XFS: copy-on-write), the site gets a clone, which an edit cannot
    carry back into the cache; else a hard link to the read-only cache file, which the cache's
    ledger checks before it serves it again (cache.Store); across file systems, a copy.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if self.abs_src_path is None:
            return super().copy_file(dirty)
        output = self.abs_dest_path
        os.makedirs(os.path.dirname(output), exist_ok=True)
        if os.path.lexists(output):
            os.unlink(output)
        if not _clone(self.abs_src_path, output):
            try:
                os.link(self.abs_src_path, output)
            except OSError:
                shutil.copyfile(self.abs_src_path, output)


FICLONE = 0x40049409  # Linux's ioctl that clones a file's extents (copy-on-write)
_clones = {"work": sys.platform.startswith("linux")}
"""Whether clones are worth trying: after the first refusal (ext4, tmpfs), a process links."""


def _clone(source: str, target: str) -> bool:
    """A copy-on-write clone of `source` at `target`, where the file system makes them."""
    if not _clones["work"]:
        return False
    try:
        with open(source, "rb") as src, open(target, "xb") as dst:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        return True
    except OSError:
        _clones["work"] = False
        with contextlib.suppress(OSError):
            os.unlink(target)  # opened for a clone that the file system does not make
        return False


def compact_search_index(path: Path) -> None:
    """The search index in UTF-8 rather than ASCII escapes: Material writes every Chinese character
    (and jieba's zero-width separators) as a six-byte \\uXXXX, so the file a phone downloads and
    parses is about 40% smaller this way, with the same content."""
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no search plugin, or not its index: nothing to compact
    try:
        data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate has no UTF-8 form: the escaped index stays as it is
    path.write_bytes(data)
