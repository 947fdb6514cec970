"""Benchmark of the visual kit: cold and warm builds, against a bare Pillow baseline in the same run.

    .venv/bin/python benchmarks/images.py                 # samples + 200 synthetic villages
    .venv/bin/python benchmarks/images.py --villages 20   # a quicker look

1. Technique on one 12 MP phone photo: the three responsive widths done naively (full decode,
   each width resized from the original) against our recipe (JPEG draft decoding, each width
   resized from the previous one), both writing WebP and JPEG.
2. Builds of the samples and of N synthetic villages (10 products with 3 photos each, a hero, two
   live sessions): cold (empty cache) and warm (nothing changed: must redraw nothing). The
   baseline opens the same photos, resizes each once to 1280 px and saves it as JPEG, in one
   process: the ratio shows what the whole kit costs over the least a site could do.
Not a test: nothing is asserted but the warm build's "0 made"; the table goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw, ImageFilter

from generator.assets.kit import build_kit
from generator.assets.palette import build_palette
from generator.assets.responsive import render_variants
from generator.cache import Caches
from generator.profile.fields import photos_of
from generator.profile.read import load_catalog
from generator.schedule.timeline import build_timeline

NOW = datetime(2026, 11, 18, tzinfo=UTC)
SITE = build_palette("#2E5E4E", "#B5543A", photo=None, seed="site")
CHARS = "山水田林溪河湖塘坪岭岗坡湾洲桥石松竹梅兰菊桃李杏柳枫桂茶花禾稻麦豆瓜果香甜青红黄白"
PRODUCTS = [("tea", "白茶"), ("rice", "大米"), ("fruit", "苹果"), ("fruit", "猕猴桃"), ("tea", "红茶")]
STYLES = ["ink", "folk", "modern", "earth"]


CERTIFICATES = ["organic", "green-food", "geographical-indication"]


def phone_photo(size: tuple[int, int], seed: int) -> Image.Image:
    """A photo-like picture: sky, hills, blobs of colour and grain; seeded, so every run is the same."""
    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(6):
        y = height * (0.3 + 0.12 * i)
        colour = (rng.randrange(40, 200), rng.randrange(80, 220), rng.randrange(30, 150))
        points = [(x, y + rng.uniform(-0.08, 0.08) * height) for x in range(0, width + 200, 200)]
        draw.polygon([*points, (width, height), (0, height)], fill=colour)
    for _ in range(40):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(10, width // 12)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    grain = Image.effect_noise((width // 4, height // 4), 40).resize(size).convert("RGB")
    return Image.blend(image.filter(ImageFilter.GaussianBlur(1.5)), grain, 0.12)


def technique(tmp: Path) -> dict[str, float]:
    """Milliseconds for the three widths of one 12 MP photo, naive and ours (best of three)."""
    out = io.BytesIO()
    phone_photo((4000, 3000), 12).save(out, "JPEG", quality=90)
    data = out.getvalue()

    def naive():
        for width in (320, 640, 1280):
            with Image.open(io.BytesIO(data)) as image:
                small = image.resize((width, width * 3 // 4), Image.Resampling.LANCZOS)
                for fmt in ("WEBP", "JPEG"):
                    small.save(io.BytesIO(), fmt, quality=80)

    def ours():
        render_variants(data, "phone.jpg", 50_000_000)

    def best(run):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return min(times) * 1000

    return {"naive": best(naive), "ours": best(ours)}


def synthesize(root: Path, count: int) -> None:
    """`count` villages of 10 products with 3 photos each (1600x1200 JPEG), a hero and two sessions."""
    rng = random.Random(7)
    seed = 0
    for n in range(count):
        slug = f"bench-{n:04d}"
        folder = root / slug / "images"
        folder.mkdir(parents=True)
        name = "".join(rng.choice(CHARS) for _ in range(rng.choice((2, 3)))) + "村"
        seed += 1
        phone_photo((1600, 1200), seed).save(folder / "hero.jpg", quality=85)
        products = []
        for p in range(10):
            category, label = rng.choice(PRODUCTS)
            images = []
            for i in range(3):
                seed += 1
                phone_photo((1600, 1200), seed).save(folder / f"p{p}-{i}.jpg", quality=85)
                images.append(f"images/p{p}-{i}.jpg")
            products.append(f"""  - id: p{p}
    name: {name}{label}{p}号
    category: {category}
    description: 好东西。
    price: {{amount: {rng.randrange(20, 400)}, currency: CNY, unit: 500 g}}
    images: [{", ".join(images)}]
    certifications: [{{kind: {rng.choice(CERTIFICATES)}, id: "C-{n}-{p}", issuer: 认证中心}}]""")
        colours = (
            f'  colors: {{primary: "#{rng.randrange(0x202020, 0x808080):06X}", '
            f'accent: "#{rng.randrange(0xA0A0A0, 0xF0F0F0):06X}"}}\n'
            if n % 2
            else ""
        )
        (root / slug / "village.yml").write_text(
            f"""schema: 1
name: {name}
region: {{province: 浙江省, county: 安吉县}}
slogan: {name}的好物
story: |
  {name}的故事。
culture:
  - {{name: 开园节, kind: festival, description: 节日。}}
brand:
{colours}  hero: images/hero.jpg
  style: {STYLES[n % 4]}
products:
{chr(10).join(products)}
team:
  - {{id: host, name: 主播{n}, role: anchor}}
live:
  channels:
    - {{id: main, platform: douyin, url: "https://live.example.com/{slug}"}}
  sessions:
    - {{title: {name}直播, channel: main, start: 2026-12-04T19:30, duration: 2h, hosts: [host], products: [p0, p1, p2]}}
    - {{title: {name}周末专场, channel: main, start: 2026-12-06T10:00, duration: 1h, products: [p3]}}
""",
            encoding="utf-8",
        )


def baseline(catalog) -> tuple[float, int]:
    """Bare Pillow: each photo opened, resized once to 1280 px wide, saved as JPEG. One process."""
    started = time.perf_counter()
    count = 0
    for village in catalog.villages:
        for relative in photos_of(village):
            with Image.open(village.folder / relative) as image:
                image.thumbnail((1280, 1280), Image.Resampling.LANCZOS)
                image.save(io.BytesIO(), "JPEG", quality=80)
            count += 1
    return time.perf_counter() - started, count


def measure(label: str, villages: Path, cache: Path) -> list[str]:
    catalog = load_catalog(villages, language="zh")
    pages = sum(1 + len(v.profile.products) for v in catalog.villages)
    base_seconds, photos = baseline(catalog)
    rows = [
        (
            f"| {label} | bare Pillow baseline (1 process, 1 size) | {photos} | {base_seconds:.1f} | "
            f"{photos / base_seconds:.0f} | {base_seconds / len(catalog.villages):.3f} | – | 1.0 |"
        )
    ]
    for run in ("cold", "warm"):
        started = time.perf_counter()
        caches = Caches(cache)
        kit = build_kit(
            catalog,
            caches,
            timeline=build_timeline(catalog.villages, NOW, timedelta(weeks=4), timedelta(weeks=8)),
            site_palette=SITE,
            site_name="乡村好物",
        )
        caches.save()
        seconds = time.perf_counter() - started
        stats = kit.stats
        if run == "warm":
            assert stats["images_made"] == 0, "a warm build redrew something"
        made = stats["images_made"]
        rate = f"{(len(kit.files) if run == 'cold' else stats['images_reused']) / seconds:.0f}"
        rows.append(
            f"| {label} | {run}: {made} made, {stats['images_reused']} reused, {len(kit.files)} files | "
            f"{photos} | {seconds:.1f} | {rate} | {seconds / len(catalog.villages):.3f} | "
            f"{stats['image_bytes'] / pages / 1024:.0f} KiB | {seconds / base_seconds:.1f} |"
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=200, help="synthetic villages (default 200)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-images-"))
    try:
        t = technique(tmp)
        print(
            f"12 MP photo, 3 widths x (WebP + JPEG): naive {t['naive']:.0f} ms, ours {t['ours']:.0f} ms "
            f"({t['naive'] / t['ours']:.1f}x)",
            flush=True,
        )
        print(f"cores: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}")
        print("| set | build | photos | seconds | images/s | s/village | image bytes/page | × baseline time |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        rows = measure("samples (10)", REPO / "villages", tmp / "cache-samples")
        synthetic = tmp / "villages"
        started = time.perf_counter()
        synthesize(synthetic, args.villages)
        print(f"(synthesized {args.villages} villages in {time.perf_counter() - started:.0f} s)", flush=True)
        rows += measure(f"synthetic ({args.villages})", synthetic, tmp / "cache-synthetic")
        print("\n".join(rows))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
