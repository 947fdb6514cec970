"""CPU per generated image (icons, share cards, product cards, posters) for a few villages.

    .venv/bin/python benchmarks/cards.py                                   # 5 villages of the full-scale project
    .venv/bin/python benchmarks/cards.py --villages villages --count 10    # the samples

The villages are copied to a temporary folder; their photos are published first (not timed), then
every card, poster and icon is drawn in this one process (one worker), timed per kind with the
process's CPU clock, and within each kind the part spent encoding the finished images (JPEG for
cards and posters, PNG for icons) and cutting photos to their boxes (decode and resize): the part
that a bare Pillow job writing the same images at the same sizes would spend too, whatever it drew.
The last line is a digest of every drawn file: a change that should draw the same bytes must print
the same digest. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.assets import cards, draw, fonts, icons, kinds, kit, posters
from generator.assets.palette import build_palette
from generator.cache import Caches
from generator.profile.read import load_catalog
from generator.schedule.timeline import build_timeline

KINDS = ("icons", "share", "product", "poster", "qr")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--villages",
        type=Path,
        default=Path("/tmp/storefront-fullscale/project/villages"),
        help="a villages folder (default: the one benchmarks/fullscale.py made)",
    )
    parser.add_argument("--count", type=int, default=5, help="villages to draw (default 5)")
    parser.add_argument("--skip", type=int, default=0, help="villages passed over first (default none)")
    args = parser.parse_args()
    folders = sorted(p for p in args.villages.iterdir() if (p / "village.yml").is_file())[args.skip :][: args.count]
    with tempfile.TemporaryDirectory() as temp:
        villages, cache = Path(temp) / "villages", Path(temp) / "cache"
        for folder in folders:
            shutil.copytree(folder, villages / folder.name)
        catalog = load_catalog(villages, language="zh")
        now = datetime(2026, 11, 25, tzinfo=UTC)
        options = {
            "site_palette": build_palette("#2E5E4E", None, photo=None, seed="site"),
            "site_name": "乡村好物",
            "timeline": build_timeline(catalog.villages, now, timedelta(weeks=4), timedelta(weeks=8)),
            "workers": 1,
        }
        kit.build_kit(catalog, Caches(cache), **options)  # photos published, every image drawn once
        for kind in KINDS:
            shutil.rmtree(cache / kind, ignore_errors=True)
        for module in (cards, draw, fonts):  # every per-process cache emptied, as in a fresh worker
            for value in vars(module).values():
                if hasattr(value, "cache_clear") and getattr(value, "__module__", "") == module.__name__:
                    value.cache_clear()
        seconds, jobs = Counter(), Counter()
        parts: dict[str, Counter] = {"encoding": Counter(), "photo cuts": Counter()}
        current = [""]

        def timed(function, add):
            def run(*args, **kwargs):
                started = time.process_time()
                try:
                    return function(*args, **kwargs)
                finally:
                    add(time.process_time() - started)

            return run

        def whole(kind):
            def add(spent):
                seconds[kind] += spent
                jobs[kind] += 1

            return add

        drawn = kinds.draw

        def draw_one(kind, spec):
            current[0] = kind
            return timed(drawn, whole(kind))(kind, spec)

        def part(name):
            return lambda spent: parts[name].update({current[0]: spent})

        kinds.draw = draw_one
        for module, name, bucket in (
            (cards, "encode", "encoding"),
            (posters, "encode", "encoding"),
            (icons, "_png", "encoding"),
            (cards, "cover", "photo cuts"),
            (cards, "decoded", "photo cuts"),
        ):
            setattr(module, name, timed(getattr(module, name), part(bucket)))
        started = time.process_time()
        kit.build_kit(catalog, Caches(cache), **options)
        total = time.process_time() - started
        files = sorted(p for kind in KINDS for p in (cache / kind).rglob("*") if p.is_file())
        print(f"{len(folders)} villages ({folders[0].name} to {folders[-1].name}), {len(files)} images\n")
        print("| kind | jobs | CPU s | ms each | of which encoding, ms each | of which photo cuts, ms each |")
        print("|---|---:|---:|---:|---:|---:|")
        for kind in KINDS:
            each = [1000 * c[kind] / max(1, jobs[kind]) for c in (seconds, *parts.values())]
            print(f"| {kind} | {jobs[kind]} | {seconds[kind]:.2f} | " + " | ".join(f"{ms:.1f}" for ms in each) + " |")
        floor = sum(sum(c.values()) for c in parts.values())
        print(
            f"| all, with the kit's own lookups | {sum(jobs.values())} | {total:.2f} | | "
            f"{sum(parts['encoding'].values()):.2f} s | {sum(parts['photo cuts'].values()):.2f} s |"
        )
        print(
            f"\nper village: {1000 * total / len(folders):.0f} ms of CPU, of which encoding and photo cuts "
            f"{1000 * floor / len(folders):.0f} ms"
        )
        print(
            f"\nbytes: {hashlib.sha256(b''.join(hashlib.sha256(p.read_bytes()).digest() for p in files)).hexdigest()}"
        )


if __name__ == "__main__":
    main()
