"""CPU per generated image (icons, share cards, product cards, posters) for a few villages.

    .venv/bin/python benchmarks/cards.py                                   # 5 villages of the full-scale project
    .venv/bin/python benchmarks/cards.py --villages villages --count 10    # the samples

The villages are copied to a temporary folder; their photos are published first (not timed), then
every card, poster and icon is drawn in this one process (one worker), timed per kind with the
process's CPU clock. The last line is a digest of every drawn file: a change that should draw the
same bytes must print the same digest. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.assets import cards, draw, fonts, kit
from generator.build import _palette_from, _village_palette
from generator.profiles import load_catalog

KINDS = ("icons", "share", "product", "poster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=Path, default=Path("/tmp/storefront-fullscale/project/villages"),
                        help="a villages folder (default: the one benchmarks/fullscale.py made)")
    parser.add_argument("--count", type=int, default=5, help="villages to draw (default 5)")
    parser.add_argument("--skip", type=int, default=0, help="villages passed over first (default none)")
    args = parser.parse_args()
    folders = sorted(p for p in args.villages.iterdir() if (p / "village.yml").is_file())[args.skip:][: args.count]
    with tempfile.TemporaryDirectory() as temp:
        villages, cache = Path(temp) / "villages", Path(temp) / "cache"
        for folder in folders:
            shutil.copytree(folder, villages / folder.name)
        catalog = load_catalog(villages, language="zh")
        options = {"palette_of": _village_palette, "site_palette": _palette_from("#2E5E4E", None, None, "site"),
                       "site_name": "乡村好物", "now": datetime(2026, 11, 25, tzinfo=UTC), "workers": 1}
        kit.build_kit(catalog, cache, **options)  # photos published, every image drawn once
        for kind in KINDS:
            shutil.rmtree(cache / kind, ignore_errors=True)
        for module in (cards, draw, fonts):  # every per-process cache emptied, as in a fresh worker
            for value in vars(module).values():
                if hasattr(value, "cache_clear") and getattr(value, "__module__", "") == module.__name__:
                    value.cache_clear()
        seconds, jobs = Counter(), Counter()
        drawn = kit._draw

        def timed(kind, spec):
            started = time.process_time()
            try:
                return drawn(kind, spec)
            finally:
                seconds[kind] += time.process_time() - started
                jobs[kind] += 1

        kit._draw = timed
        started = time.process_time()
        kit.build_kit(catalog, cache, **options)
        total = time.process_time() - started
        files = sorted(p for kind in KINDS for p in (cache / kind).rglob("*") if p.is_file())
        print(f"{len(folders)} villages ({folders[0].name} to {folders[-1].name}), {len(files)} images\n")
        print("| kind | jobs | CPU s | ms each |\n|---|---:|---:|---:|")
        for kind in KINDS:
            print(f"| {kind} | {jobs[kind]} | {seconds[kind]:.2f} | {1000 * seconds[kind] / max(1, jobs[kind]):.1f} |")
        print(f"| all, with the kit's own lookups | {sum(jobs.values())} | {total:.2f} | |")
        print(f"\nbytes: {hashlib.sha256(b''.join(hashlib.sha256(p.read_bytes()).digest() for p in files)).hexdigest()}")


if __name__ == "__main__":
    main()
