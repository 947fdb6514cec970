"""Bytes, quality and time of each encoder setting, on the images the site really publishes.

    .venv/bin/python benchmarks/encoders.py                  # the sample villages, 6 images a kind
    .venv/bin/python benchmarks/encoders.py --per-kind 12

The kit draws every card and poster of the sample villages in this process (one worker); the
finished canvases are caught on their way to the encoder, so each setting is tried on the same
pixels the site would publish. Photos are the villages' own, cut to 640 px (the width phones
fetch). Each candidate is encoded, decoded again and compared with the canvas by SSIM
(scikit-image's `structural_similarity` on all three channels: 1.0 is identical; about 0.98 and
above is hard to tell apart at arm's length, below 0.95 the loss shows on text edges). Sizes are
given against the setting published today, times as the CPU seconds of the encode against it,
both in this run. Not a test: nothing is asserted. The table is in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.assets import cards, encoding, kit, posters
from generator.assets.palette import build_palette
from generator.cache import Caches
from generator.layouts import layout
from generator.profile.read import load_catalog
from generator.schedule.timeline import build_timeline

SIZES = {(800, 420): "share", (1080, 1080): "product", (1080, 1920): "poster", (144, 256): "poster thumbnail"}
"""A caught canvas's kind, by its size (the layouts' sizes)."""
CANDIDATES = [
    {"format": "jpeg", "quality": 86, "subsampling": 0},
    {"format": "jpeg", "quality": 90, "subsampling": 0},
    {"format": "jpeg", "quality": 80, "optimize": True, "progressive": True},
    {"format": "jpeg", "quality": 75, "subsampling": 0, "optimize": True, "progressive": True},
    {"format": "webp", "quality": 70, "method": 4},
    {"format": "webp", "quality": 78, "method": 2},
    {"format": "webp", "quality": 80, "method": 4},
    {"format": "webp", "quality": 80, "method": 2},
    {"format": "webp", "quality": 85, "method": 2},
    {"format": "webp", "quality": 85, "method": 4},
    {"format": "webp", "quality": 90, "method": 4},
    {"format": "webp", "quality": 80, "method": 6},
    {"format": "avif", "quality": 50, "speed": 6},
    {"format": "avif", "quality": 60, "speed": 6},
    {"format": "avif", "quality": 70, "speed": 6},
]


def published(kind: str) -> dict:
    """The setting each kind is published with today (the baseline of its rows)."""
    if kind == "photo 640":
        return {"format": "webp", **layout("photos")["webp"]}
    if kind == "poster thumbnail":
        return layout("poster")["thumbnail"]["encoding"]
    return layout(kind.split()[0])["encoding"]


def caught_canvases(villages: Path, per_kind: int) -> dict[str, list[Image.Image]]:
    """Every card and poster canvas of `villages`, drawn by the real kit, up to `per_kind` of each."""
    caught: dict[str, list[Image.Image]] = defaultdict(list)
    real = encoding.encode

    def catch(image, settings):
        kind = SIZES.get(image.size)
        if kind and len(caught[kind]) < per_kind:
            caught[kind].append(image.convert("RGB").copy())
        return real(image, settings)

    cards.encode = posters.encode = catch
    with tempfile.TemporaryDirectory() as temp:
        copy, cache = Path(temp) / "villages", Path(temp) / "cache"
        shutil.copytree(villages, copy, ignore=shutil.ignore_patterns(".*"))
        catalog = load_catalog(copy, language="zh")
        now = datetime(2026, 11, 25, tzinfo=UTC)
        kit.build_kit(
            catalog,
            Caches(cache),
            site_palette=build_palette("#2E5E4E", None, photo=None, seed="site"),
            site_name="乡村好物",
            timeline=build_timeline(catalog.villages, now, timedelta(weeks=4), timedelta(weeks=8)),
            workers=1,
        )
    cards.encode = posters.encode = real
    return caught


def photos(villages: Path, count: int) -> list[Image.Image]:
    """The villages' own photos at 640 px wide, as phones fetch them."""
    found = []
    for path in sorted(villages.glob("*/images/*.jpg"))[:count]:
        with Image.open(path) as image:
            image = image.convert("RGB")
            found.append(image.resize((640, round(image.height * 640 / image.width)), Image.Resampling.LANCZOS))
    return found


def trial(image: Image.Image, settings: dict) -> tuple[int, float, float]:
    """(bytes, SSIM against the canvas, CPU seconds to encode) of one setting on one image."""
    started = time.process_time()
    data = encoding.encode(image, settings)
    spent = time.process_time() - started
    with Image.open(io.BytesIO(data)) as decoded:
        again = np.asarray(decoded.convert("RGB"))
    ssim = structural_similarity(np.asarray(image), again, channel_axis=2, data_range=255)
    return len(data), ssim, spent


def label(settings: dict) -> str:
    rest = ", ".join(f"{k} {v}" for k, v in settings.items() if k != "format")
    return f"{settings['format']} ({rest})"


def table(kind: str, images: list[Image.Image]) -> None:
    base = published(kind)
    rows = {label(s): s for s in [base, *CANDIDATES]}
    figures = {name: [trial(image, settings) for image in images] for name, settings in rows.items()}
    base_bytes = sum(b for b, _, _ in figures[label(base)])
    base_time = sum(t for _, _, t in figures[label(base)]) or 1e-9
    print(f"\n{kind}: {len(images)} images, {images[0].width}x{images[0].height}")
    print("| setting | KB each | bytes vs today | SSIM mean | SSIM min | encode time vs today |")
    print("|---|---|---|---|---|---|")
    for name, results in figures.items():
        sizes, ssims, times = zip(*results)
        mark = " (today)" if name == label(base) else ""
        print(
            f"| {name}{mark} | {statistics.mean(sizes) / 1024:.1f} | {sum(sizes) / base_bytes:.2f} | "
            f"{statistics.mean(ssims):.4f} | {min(ssims):.4f} | {sum(times) / base_time:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=Path, default=REPO / "villages")
    parser.add_argument("--per-kind", type=int, default=6, help="images of each kind (default 6)")
    args = parser.parse_args()
    canvases = caught_canvases(args.villages, args.per_kind)
    for kind in ("share", "product", "poster", "poster thumbnail"):
        if canvases.get(kind):
            table(kind, canvases[kind])
    table("photo 640", photos(args.villages, args.per_kind))


if __name__ == "__main__":
    main()
