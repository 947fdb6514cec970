"""What a build writes: the site folder swapped in only when the build succeeded, cached images
linked rather than copied, and the search index in UTF-8."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.structure.files import File


def unsafe_output(site_dir: Path, protected: dict[str, Path]) -> str | None:
    """Why building into `site_dir` would destroy something (the swap replaces it whole), or None."""
    site = site_dir.resolve()
    for what, folder in protected.items():
        folder = folder.resolve()
        if site == folder or site in folder.parents:
            return f"the site folder {site_dir} would replace {what} ({folder}); choose another --site-dir"
        if folder in site.parents and what != "the project folder":
            return f"the site folder {site_dir} is inside {what} ({folder}); choose another --site-dir"
    return None


class AtomicOutput:
    """Build into a fresh folder beside the target; swap it in only when the build succeeded.

    A failed build leaves the previous site exactly as it was.
    """

    def __init__(self, target: Path):
        self.target = Path(target).resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))

    def commit(self) -> None:
        if not self.staging.exists():
            return
        os.chmod(self.staging, 0o755)  # mkdtemp makes it 0700; a served site must be readable
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            os.replace(self.target, old)
        try:
            os.replace(self.staging, self.target)
        except OSError:
            if old:
                os.replace(old, self.target)
            raise
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


class LinkedFile(File):
    """An image from the cache, hard-linked into the site instead of copied.

    Every build writes a fresh site folder (see AtomicOutput), so without links each build would
    copy every image again: at 1,000 villages, tens of thousands of files and gigabytes. Cache files
    are never changed in place (they are written beside their name and renamed), so a link is as
    safe as a copy. Across file systems, where links cannot go, the file is copied.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if self.abs_src_path is None:
            return super().copy_file(dirty)
        output = self.abs_dest_path
        os.makedirs(os.path.dirname(output), exist_ok=True)
        try:
            if os.path.lexists(output):
                os.unlink(output)
            os.link(self.abs_src_path, output)
        except OSError:
            shutil.copyfile(self.abs_src_path, output)


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
