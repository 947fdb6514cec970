"""Full-scale build benchmark: the real `storefront build` on N synthetic villages, against a floor.

    .venv/bin/python benchmarks/fullscale.py --villages 20           # a quick look (~10 min)
    .venv/bin/python benchmarks/fullscale.py --villages 100 --profile  # ~50 min on 2 shared cores
    .venv/bin/python benchmarks/fullscale.py --prepare               # 1,000 villages: draw the photos first
    .venv/bin/python benchmarks/fullscale.py                         # then 1,000 villages (hours, ~67 GB)

Synthesizes N villages (seeded; Chinese names, stories, products and culture from the generator of
benchmarks/differentiation.py; 10 products, a hero, one or two live sessions; --product-photos photos
of products per village, dealt one product at a time: 30 gives each product 3, 3 gives the first three
products one each, the issue's "10 products and 3 photos each" read per village),
redrawing any village that the differentiation check (with the registries of mkdocs.yml) would fail,
into a project made like tests/conftest.make_project. Photos are cached under --workdir: a pool of
distinct pictures at --photo-size, each village's copies made unique by a JPEG comment (the kit keys
photos by their bytes, so every copy is decoded, resized and encoded like a photo of its own), and a
hero of its own per village (the check compares heroes by perceptual hash).

Measured in one run, each in its own process, with its peak memory (of the largest process, from
wait4, and of the whole process tree, sampled): (1) cold build (no cache, no site/), (2) warm build
(nothing changed), (3) one village's slogan changed, (4) one product photo changed, each of (2)-(4)
as on the Pages workflow (the cache kept, no previous site/), then (5) a warm local rebuild with the
previous site/ in place (when the disk has room for two sites); and the floor: (a) a bare MkDocs
Material build (same theme features, search plugin, no villages plugin) of as many plain Markdown
pages as the cold build wrote, with a nav of 20 pages, measured in --rounds rounds interleaved with
(2)-(5) (the fastest of each kept: the machine's speed drifts over minutes), and
(b) bare Pillow doing the same photo decodes, resizes (320/640/1280) and encodes (WebP + JPEG, the
recipe's settings) over all cores. Floor = (a) + (b). And (c), a lower bound of what the kit's own
images cost whatever draws them: every card, poster and icon the cold build drew, encoded again
with the kit's settings and nothing drawn (CPU of the encodes over the cores); the cold build is
also given as a ratio of (a) + (b) + (c).

--profile runs one more cold build under cProfile (main process only: the pool workers that draw
images are not profiled; their time shows as waiting in the kit's pool) and prints its top costs in
our code (generator/) and in MkDocs, Material, Pillow and the other libraries.
Not a test: nothing is asserted; the table goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import multiprocessing
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import yaml
from PIL import Image, features

from benchmarks.differentiation import CHARS, PRODUCTS, _fill, _name, _regions, _story
from benchmarks.images import phone_photo
from generator.profile.regions import region_problems
from tests.conftest import FIXED_EPOCH, make_project

SEED = 7
POOL = 40
"""Distinct pictures behind the product photos (each copy is made unique by its bytes)."""
NAV_PAGES = 20
VARIANTS = ["礼盒装", "家庭装", "特级", "一级", "散装", "小包装", "尝鲜装", "年货装", "精选", "原味"]
UNITS = ["500 g", "250 g", "1 kg", "2.5 kg", "5 kg", "一盒", "一袋"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
PLATFORMS = ["douyin", "kuaishou", "taobao-live", "wechat-channels", "xiaohongshu"]
CERTIFICATES = [
    ("green-food", "中国绿色食品发展中心"),
    ("geographical-indication", "国家知识产权局"),
    ("organic", "南京国环有机产品认证中心"),
]
SCENE = ["茶园", "晒场", "合作社仓库", "村口老树下", "果园", "作坊", "梯田边"]
SHIPPING = "下单后48小时内发出，全国包邮（新疆、西藏除外）。"
RETURNS = "收到后如有破损，签收48小时内拍照联系我们，坏一赔一。"


# --- synthetic villages --------------------------------------------------------------------------


OPENINGS = ["{x}要在{m}月采收，晾晒{n}天才入仓", "{p}的水土养出了这里的{x}", "我们坚持手工做{x}，一道工序也不省"]


def real_regions(rng: random.Random) -> list[dict]:
    """Province, city and county of the registries' villages that China's divisions (the vendored
    data/divisions/china.tsv the reader checks against) have: an old name (a county since made a
    district) would be refused by validate, as a cooperative's would."""
    return [region for region in _regions(rng) if not any(region_problems(region))]


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def on_weekday(start: datetime, byday: str) -> datetime:
    """`start` moved on to the first day of BYDAY's weekday: the reader refuses a weekly rule that
    starts on another weekday (it would add a show the rule does not name)."""
    return start + timedelta(days=(WEEKDAYS.index(byday) - start.weekday()) % 7)


def _text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(low, high)))


def product_photos(total: int) -> list[list[str]]:
    """The photo names of each of the 10 products when a village has `total` product photos."""
    names: list[list[str]] = [[] for _ in range(10)]
    for k in range(total):
        names[k % 10].append(f"p{k % 10}-{k // 10}.jpg")
    return names


def village_data(rng: random.Random, regions: list[dict], n: int, photos: int) -> dict:
    """One profile as plain data: 10 products sharing `photos` photos, a hero, one or two live sessions."""
    slug = f"v{n:05d}"
    name = _name(rng)
    core = name[:-1]
    region = dict(rng.choice(regions))
    place = region["county"][:-1]
    terms = rng.sample(PRODUCTS, rng.randint(1, 3))
    products = []
    for p in range(10):
        category, term = terms[p % len(terms)]
        product = {
            "id": f"p{p}",
            "name": f"{core}{term}·{VARIANTS[p]}",
            "category": category,
            "description": f"{_fill(rng.choice(OPENINGS), rng, term, place)}。"
            f"{_text(rng, 20, 40)}。{_text(rng, 12, 24)}。",
            "price": {"amount": rng.randint(20, 400), "currency": "CNY", "unit": rng.choice(UNITS)},
            "season": sorted(rng.sample(range(1, 13), rng.randint(2, 6))),
            **({"images": [f"images/{name}" for name in product_photos(photos)[p]]} if p < photos else {}),
            "buy": [
                {
                    "platform": rng.choice(["taobao", "pinduoduo", "douyin", "jd"]),
                    "url": f"https://shop.example.com/{slug}/p{p}",
                }
            ],
        }
        if rng.random() < 0.3:
            kind, issuer = rng.choice(CERTIFICATES)
            product["certifications"] = [
                {"kind": kind, "id": f"C-{n}-{p}", "issuer": issuer, "valid_until": "2029-12-31"}
            ]
        products.append(product)
    host = {
        "id": "host",
        "name": rng.choice(SURNAMES) + _text(rng, 1, 2),
        "role": "anchor",
        "bio": f"土生土长的{name}人，{_text(rng, 12, 20)}。",
    }
    helper = {"id": "helper", "name": rng.choice(SURNAMES) + _text(rng, 1, 2), "role": "field-control"}
    channel = {
        "id": "main",
        "platform": rng.choice(PLATFORMS),
        "url": f"https://live.example.com/{slug}",
        "handle": f"{name}{terms[0][1]}",
    }
    day = rng.randint(20, 40)
    start = datetime.fromisoformat(
        f"2026-{11 + day // 31:02d}-{day % 31 or 1:02d}T{rng.choice(['10:00', '19:30', '20:00'])}"
    )
    sessions = [
        {
            "title": f"{core}{terms[0][1]}现场直播",
            "channel": "main",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "duration": rng.choice(["1h", "2h", "1h30m"]),
            "hosts": ["host"],
            "products": [f"p{i}" for i in rng.sample(range(10), 3)],
            "scene": rng.choice(SCENE),
        }
    ]
    if n % 2:
        byday = rng.choice(["MO", "WE", "FR", "SA"])
        sessions[0]["repeat"] = f"FREQ=WEEKLY;BYDAY={byday};UNTIL=20270331T235959"
        sessions[0]["start"] = on_weekday(start, byday).strftime("%Y-%m-%dT%H:%M")
    if n % 3 == 0:
        sessions.append(
            {
                "title": f"{core}周末专场",
                "channel": "main",
                "start": "2026-12-12T10:00",
                "duration": "1h",
                "hosts": ["host", "helper"],
                "products": ["p0"],
            }
        )
    profile = {
        "schema": 1,
        "name": name,
        "region": region,
        "slogan": f"{core}{_text(rng, 6, 9)}",
        "story": _story(rng, terms[0][1], place) + "\n\n" + _story(rng, terms[-1][1], place) + "\n",
        "culture": [
            {
                "name": _text(rng, 2, 2) + rng.choice(["节", "会", "舞", "宴", "桥", "古道"]),
                "kind": rng.choice(["festival", "craft", "landscape", "custom", "history"]),
                "description": f"{_text(rng, 18, 30)}。{_text(rng, 10, 20)}。",
            }
            for _ in range(2)
        ],
        "brand": {"hero": "images/hero.jpg", "style": ["ink", "folk", "modern", "earth"][n % 4]},
        "products": products,
        "team": [host, helper],
        "live": {"channels": [channel], "sessions": sessions},
        "service": {
            "shipping": SHIPPING,
            "returns": RETURNS,
            "contact": {"phone": f"0571-{rng.randint(1000000, 9999999)}", "wechat": f"{slug}-coop"},
        },
    }
    if n % 2 == 0:  # half give their colours, half take them from the hero photo
        colour = lambda low, high: f"#{rng.randrange(low, high):06X}"
        profile["brand"]["colors"] = {"primary": colour(0x202020, 0x808080), "accent": colour(0xA0A0A0, 0xF0F0F0)}
    return profile


def synthesize(count: int, registries: list[str], photos: int) -> tuple[list[dict], int]:
    """`count` profiles that the differentiation check passes, and how many were redrawn for it."""
    from generator.checks.brands import load_registries
    from generator.checks.differentiation import check
    from generator.profile.model import Village
    from generator.profile.schema import profile_adapter

    rng = random.Random(SEED)
    regions = real_regions(rng)
    data = [village_data(rng, regions, n, photos) for n in range(count)]
    adapter = profile_adapter()
    loaded = load_registries(registries, REPO)
    redrawn = 0
    for _ in range(10):
        villages = [
            Village(
                f"v{n:05d}",
                f"villages/v{n:05d}/village.yml",
                Path("/nonexistent"),
                adapter.validate_python(d, context={"language": "zh"}),
                {},
                hashlib.sha256(json.dumps(d, ensure_ascii=False, sort_keys=True).encode()).hexdigest(),
            )
            for n, d in enumerate(data)
        ]
        failing = {int(p.a[1:]) for p in check(villages, registries=loaded).pairs if p.level == "fail"}
        if not failing:
            return data, redrawn
        for n in sorted(failing):
            data[n] = village_data(rng, regions, n, photos)
            redrawn += 1
    raise SystemExit(f"could not synthesize {count} villages that the check passes")


def write_villages(root: Path, data: list[dict], photos: Path) -> None:
    for n, profile in enumerate(data):
        folder = root / f"v{n:05d}"
        (folder / "images").mkdir(parents=True)
        text = yaml.safe_dump(profile, allow_unicode=True, sort_keys=False, width=1000)
        (folder / "village.yml").write_text(text, encoding="utf-8")
        names = [profile["brand"]["hero"]] + [
            name for product in profile["products"] for name in product.get("images", [])
        ]
        for name in names:  # no copy: the cache holds the bytes once
            os.link(photos / f"v{n:05d}" / Path(name).name, folder / "images" / Path(name).name)


# --- photos, cached under the work dir -----------------------------------------------------------


def _save_photo(task: tuple[str, tuple[int, int], int]) -> None:
    path, size, seed = task
    partial = Path(path).with_suffix(".partial")
    phone_photo(size, seed).save(partial, "JPEG", quality=85)
    os.replace(partial, path)


def _unique(data: bytes, note: str) -> bytes:
    """The same JPEG with a comment of its own: other bytes, the same pixels."""
    at = 2 + 2 + int.from_bytes(data[4:6], "big") if data[2:4] == b"\xff\xe0" else 2
    payload = note.encode()
    return data[:at] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + data[at:]


def ensure_photos(workdir: Path, count: int, size: tuple[int, int], total: int) -> tuple[Path, float]:
    """workdir/photos/WxH/vNNNNN/{hero,pP-I}.jpg for every village; made once, reused by later runs."""
    root = workdir / "photos" / f"{size[0]}x{size[1]}"
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tasks = [(str(root / f"pool-{k:02d}.jpg"), size, 100_000 + k) for k in range(POOL)]
    tasks += [(str(root / f"hero-{n:05d}.jpg"), size, 200_000 + n) for n in range(count)]
    tasks = [t for t in tasks if not Path(t[0]).exists()]
    if tasks:
        print(f"drawing {len(tasks)} photos of {size[0]}x{size[1]} (cached in {root})", file=sys.stderr, flush=True)
        with multiprocessing.Pool(_cores()) as pool:
            for _ in pool.imap_unordered(_save_photo, tasks, chunksize=2):
                pass
    pool_bytes = [(root / f"pool-{k:02d}.jpg").read_bytes() for k in range(POOL)]
    for n in range(count):
        folder = root / f"v{n:05d}"
        folder.mkdir(exist_ok=True)
        if not (folder / "hero.jpg").exists():
            shutil.copyfile(root / f"hero-{n:05d}.jpg", folder / "hero.jpg")
        for p, names in enumerate(product_photos(total)):
            for i, name in enumerate(names):
                if (folder / name).exists():
                    continue
                k = (n * 31 + p * 3 + i) % POOL
                (folder / f"{name}.partial").write_bytes(_unique(pool_bytes[k], f"v{n:05d}/{name[:-4]}"))
                os.replace(folder / f"{name}.partial", folder / name)
    return root, time.perf_counter() - started


# --- measuring a process -------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        stack += children.get(pid, [])
    return total


def measure(label: str, command: list[str], cwd: Path, log: Path) -> dict:
    """Run `command`; its wall time, its CPU time (user + system, with the workers it waited for:
    what other load on a shared machine changes least), the peak RSS of its largest process (wait4)
    and of its whole process tree (sampled 4 times a second), and its output in `log`."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    print(f"  {label} ...", file=sys.stderr, flush=True)
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak, done = [0], threading.Event()

        def sample():
            while not done.wait(0.25):
                peak[0] = max(peak[0], _tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{label} failed (exit {process.returncode}); its output:\n{log.read_text()[-6000:]}")
    result = {
        "label": label,
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "tree_mb": max(peak[0], usage.ru_maxrss * 1024) / 2**20,
        "log": log.read_text(),
    }
    print(f"  {label}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return result


def storefront_build(label: str, project: Path, logs: Path) -> dict:
    log = logs / (re.sub(r"[^a-z0-9]+", "-", label).strip("-") + ".log")
    result = measure(label, [sys.executable, "-m", "generator", "build"], project, log)
    summary = re.search(
        r"Built .*?: (\d+) villages, (\d+) products, (\d+) pages, (\d+) images \((\d+) processed\)", result["log"]
    )
    result["processed"] = int(summary.group(5)) if summary else None
    result["steps"] = _steps(result["log"])
    return result


def _steps(log: str) -> str:
    """The build's own timings: reading profiles, the kit, MkDocs' total."""
    found = []
    if m := re.search(r"Read \d+ villages, \d+ products \(([\d.]+) s\)", log):
        found.append(f"read+validate {float(m.group(1)):.1f} s")
    if m := re.search(r"Images: (\d+) made, (\d+) reused.*?\(([\d.]+) s, (\d+) workers\)", log):
        found.append(f"image kit {float(m.group(3)):.1f} s ({m.group(1)} made, {m.group(2)} reused)")
    if m := re.search(r"Documentation built in ([\d.]+) seconds", log):
        found.append(f"MkDocs reports {float(m.group(1)):.1f} s")
    return "; ".join(found)


def site_stats(site: Path) -> dict:
    pages = images = size = 0
    for path in site.rglob("*"):
        if path.is_file():
            size += path.stat().st_size
            suffix = path.suffix.lower()
            pages += suffix == ".html"
            images += suffix in (".jpg", ".jpeg", ".png", ".webp", ".ico", ".svg", ".gif")
    index = site / "search" / "search_index.json"
    return {
        "pages": pages,
        "images": images,
        "site_bytes": size,
        "index_bytes": index.stat().st_size if index.exists() else 0,
    }


# --- the floor -----------------------------------------------------------------------------------


def bare_mkdocs_project(root: Path, pages: int) -> Path:
    """A MkDocs Material project of `pages` plain Markdown pages (nav: 20 of them), no villages plugin."""
    shutil.rmtree(root, ignore_errors=True)
    docs = root / "docs"
    docs.mkdir(parents=True)
    site = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": site["site_name"],
        "site_url": site["site_url"],
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": {"name": "material", "language": "zh", "features": site["theme"]["features"], "font": False},
        "plugins": [{"search": {"lang": "zh"}}],
        "markdown_extensions": site["markdown_extensions"],
        "not_in_nav": "/s*/p*.md\n",
        "nav": [],
    }
    rng = random.Random(SEED)
    regions = real_regions(rng)
    sections = [docs / f"s{k:02d}" for k in range(NAV_PAGES)]
    for k, section in enumerate(sections):
        section.mkdir()
        (section / "index.md").write_text(f"# 第{k + 1}组\n\n{_story(rng, '白茶', '安吉')}\n", encoding="utf-8")
        config["nav"].append({f"第{k + 1}组": f"s{k:02d}/index.md"})
    for j in range(max(0, pages - NAV_PAGES - 1)):  # - 1: MkDocs adds 404.html
        region = rng.choice(regions)
        term = rng.choice(PRODUCTS)[1]
        body = (
            f"# {_name(rng)}{term}\n\n{_story(rng, term, region['county'][:-1])}\n\n"
            f"- 价格：{rng.randint(20, 400)} 元 / 500 g\n- 产地：{region['province']}{region['county']}\n"
        )
        (sections[j % NAV_PAGES] / f"p{j:05d}.md").write_text(body, encoding="utf-8")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _floor_photo(task: tuple[str, str]) -> int:
    """Bare Pillow: decode (JPEG draft), resize to each width from the previous, encode WebP + JPEG."""
    from generator.layouts import layout

    source, out = task
    recipe = layout("photos")
    written = 0
    with Image.open(source) as image:
        largest = max(recipe["widths"])
        image.draft("RGB", (largest, math.ceil(largest * image.height / image.width)))
        current = image.convert("RGB")
    for width in sorted(recipe["widths"], reverse=True):
        current = current.resize((width, round(current.height * width / current.width)), Image.Resampling.LANCZOS)
        current.save(f"{out}-{width}.webp", "WEBP", quality=recipe["webp"]["quality"], method=recipe["webp"]["method"])
        current.save(f"{out}-{width}.jpg", "JPEG", quality=recipe["jpeg"]["quality"], optimize=True, progressive=True)
        written += 2
    return written


def floor_pillow(listing: Path, out: Path) -> None:
    """The photos named in `listing`, one per line, over all cores; variants written under `out`."""
    sources = listing.read_text(encoding="utf-8").splitlines()
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(source, str(out / f"{i:06d}")) for i, source in enumerate(sources)]
    with multiprocessing.Pool(_cores()) as pool:
        written = sum(pool.imap_unordered(_floor_photo, tasks, chunksize=4))
    print(f"{len(sources)} photos, {written} files")


def _encode_again(task: tuple[str, str, dict]) -> float:
    """One image the kit drew, decoded (not counted), then encoded again as the kit encodes it:
    the CPU seconds of that encode alone."""
    path, fmt, options = task
    with Image.open(path) as image:
        image.load()
    started = time.process_time()
    image.save(io.BytesIO(), fmt, **options)
    return time.process_time() - started


def floor_encodes(cache: Path) -> dict:
    """Floor (c), a lower bound of the kit's images other than photos: every card, poster and icon
    PNG the cold build drew, encoded again over all cores with the settings the kit encodes it
    with (cards.py, icons.py). Nothing is drawn and no photo is cut, so any generator that writes
    these images at these sizes and settings spends at least this. Its wall time is its CPU time
    over the cores (the decodes that feed it are not counted)."""
    from generator.assets.encoding import PILLOW_FORMATS, SUFFIXES
    from generator.layouts import layout

    tasks = []
    for kind in ("share", "product", "poster"):
        # As assets/encoding.py encodes them, with the settings of the kind's layout.
        options = dict(layout(kind)["encoding"])
        fmt = options.pop("format")
        tasks += [(str(p), PILLOW_FORMATS[fmt], options) for p in sorted((cache / kind).rglob(f"*{SUFFIXES[fmt]}"))]
    # As icons._png; icon-512.png is logo.png's bytes (encoded once by the kit), so once here too.
    icons = {hashlib.sha256(p.read_bytes()).digest(): p for p in sorted((cache / "icons").rglob("*.png"))}
    tasks += [(str(p), "PNG", {"compress_level": 6}) for p in icons.values()]
    with multiprocessing.Pool(_cores()) as pool:
        cpu = sum(pool.imap_unordered(_encode_again, tasks, chunksize=16))
    return {
        "label": f"floor (c), a lower bound: the kit's {len(tasks):,} other images encoded again, nothing drawn",
        "seconds": cpu / _cores(),
        "cpu": cpu,
        "images": len(tasks),
    }


# --- profile ---------------------------------------------------------------------------------------

THEIRS = ("mkdocs", "material", "PIL", "jinja2", "markdown", "pymdownx")


def _package(filename: str) -> str:
    if filename.startswith(str(REPO / "generator")):
        return "generator (ours)"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith(("~", "<")):
        return "builtins (C)"
    return "stdlib"


def _where(filename: str, line: int, name: str) -> str:
    short = filename.split("site-packages/", 1)[-1].replace(str(REPO) + "/", "")
    return f"{short}:{line}({name})"


def print_profile(path: Path, wall: float, title: str) -> None:
    stats = pstats.Stats(str(path))
    total = stats.total_tt
    rows = list(stats.stats.items())  # type: ignore[attr-defined]
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tt, _, _) in rows:
        by_package[_package(filename)] += tt
    print(f"\n### Profile of the {title} (cProfile, main process: {total:.1f} s profiled, {wall:.1f} s wall)\n")
    print("Self time by package (where the main process's own time goes; C functions are counted apart):\n")
    print("| package | self time (s) | % of profiled |")
    print("|---|---:|---:|")
    for package, tt in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
        print(f"| {package} | {tt:.1f} | {100 * tt / total:.1f} |")

    def table(heading: str, keep, column: int, count: int = 25) -> None:
        chosen = sorted((r for r in rows if keep(_package(r[0][0]))), key=lambda r: -r[1][column])[:count]
        print(f"\n{heading}:\n")
        print("| cumulative (s) | % | self (s) | % | calls | function |")
        print("|---:|---:|---:|---:|---:|---|")
        for (filename, line, name), (cc, nc, tt, ct, _) in chosen:
            calls = f"{nc}" if nc == cc else f"{nc}/{cc}"
            print(
                f"| {ct:.2f} | {100 * ct / total:.1f} | {tt:.2f} | {100 * tt / total:.1f} | {calls} | "
                f"`{_where(filename, line, name)}` |"
            )

    ours = lambda p: p == "generator (ours)"
    theirs = lambda p: p.split(".")[0] in THEIRS
    table(
        "C functions, top 8 by self time (lock acquire = waiting for the pool's workers)",
        lambda p: p == "builtins (C)",
        2,
        8,
    )
    table("Ours (generator/), top 25 by cumulative time", ours, 3)
    table("Ours (generator/), top 25 by self time", ours, 2)
    table(f"MkDocs, Material, Pillow ({', '.join(THEIRS)}), top 25 by cumulative time", theirs, 3)
    table(f"MkDocs, Material, Pillow ({', '.join(THEIRS)}), top 25 by self time", theirs, 2)


# --- the run ----------------------------------------------------------------------------------------


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def code_state() -> str:
    """The commit, and a digest of any uncommitted change to the code a build runs."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    diff = git("diff", "HEAD", "--", "generator", "theme", "mkdocs.yml")
    return f"{commit} + uncommitted changes {hashlib.sha256(diff.encode()).hexdigest()[:8]}" if diff else commit


def environment(state: str) -> str:
    return (
        f"{_cores()} CPU cores ({platform.processor() or platform.machine()}), "
        f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 2**30:.0f} GiB, Python {platform.python_version()}, "
        f"MkDocs {_version('mkdocs')}, mkdocs-material {_version('mkdocs-material')}, "
        f"Pillow {_version('pillow')} (libjpeg-turbo {features.version('libjpeg_turbo')}, libwebp "
        f"{features.version('webp')}), "
        f"jieba {_version('jieba')}; commit {state}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"


def _free(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=1000, help="synthetic villages (default 1,000)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/storefront-fullscale"),
        help="project, floor and photo cache (default /tmp/storefront-fullscale)",
    )
    parser.add_argument(
        "--product-photos",
        type=int,
        default=30,
        help="photos of products per village, dealt one product at a time (default 30: 3 each)",
    )
    parser.add_argument(
        "--photo-size", default="4000x3000", help="WxH of every photo (default 4000x3000, a 12 MP phone)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run a cold and a warm build under cProfile and print their top costs",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the floor (a) and of each rebuild, the fastest of each kept (default 3)",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="only synthesize and draw the photos into the cache (the longest step of a first run), then stop",
    )
    parser.add_argument("--floor-pillow", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_pillow:
        floor_pillow(*args.floor_pillow)
        return
    begun = time.perf_counter()
    size = tuple(int(x) for x in args.photo_size.lower().split("x"))
    command = " ".join([".venv/bin/python", "benchmarks/fullscale.py", *sys.argv[1:]])
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)  # the last run's site and cache, before counting free space
    # Bytes per village measured at 100 villages of 12 MP: photos 36 MB (~0.1 byte a pixel), image
    # cache 13 MB, site 18 MB (the Pillow floor's 9 MB are deleted before the builds; a second site
    # for the local-rebuild row is built only when there is room).
    per_village = 1 + args.product_photos
    last = (
        f"v*/{product_photos(args.product_photos)[(args.product_photos - 1) % 10][-1]}"
        if args.product_photos
        else "v*/hero.jpg"
    )
    photos_ready = sum(1 for _ in (work / "photos" / f"{size[0]}x{size[1]}").glob(last))
    need = max(0, args.villages - photos_ready) * per_village * 0.1 * size[0] * size[1] + (
        0 if args.prepare else args.villages * per_village * 1e6
    )
    if _free(work) < need * 1.05:
        sys.exit(
            f"{work}: {_free(work) / 1e9:.0f} GB free, about {need * 1.05 / 1e9:.0f} GB needed "
            f"(photos, image cache, site); free some, or give --workdir on a larger disk"
        )
    load_before, state = _load(), code_state()

    started = time.perf_counter()
    options = next(
        p["villages"]
        for p in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
        if isinstance(p, dict) and "villages" in p
    )
    registries = (options.get("check") or {}).get("registries") or []  # what the build checks against
    data, redrawn = synthesize(args.villages, registries, args.product_photos)
    print(
        f"synthesized {args.villages} profiles ({redrawn} redrawn so that the check with {registries} passes) "
        f"in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    photos, photo_seconds = ensure_photos(work, args.villages, size, args.product_photos)
    photo_count = per_village * args.villages
    print(f"photos ready ({photo_count}) in {photo_seconds:.0f} s", file=sys.stderr, flush=True)
    if args.prepare:
        return
    project.mkdir()
    make_project(project)
    write_villages(project / "villages", data, photos)
    photo_bytes = sum(p.stat().st_size for p in (project / "villages").glob("*/images/*.jpg"))

    # Floor (b) first: its output is deleted before the builds fill the disk.
    listing = work / "floor-photos.txt"
    listing.write_text(
        "\n".join(str(p) for p in sorted((project / "villages").glob("*/images/*.jpg"))), encoding="utf-8"
    )
    pillow_out = work / "floor-pillow-out"
    shutil.rmtree(pillow_out, ignore_errors=True)
    pillow_floor = measure(
        "floor (b): bare Pillow",
        [sys.executable, __file__, "--floor-pillow", str(listing), str(pillow_out)],
        work,
        logs / "floor-pillow.log",
    )
    pillow_floor["images"] = sum(1 for _ in pillow_out.iterdir())
    pillow_floor["site_bytes"] = sum(p.stat().st_size for p in pillow_out.iterdir())
    shutil.rmtree(pillow_out, ignore_errors=True)

    def rebuild(label: str) -> dict:
        # As on the Pages workflow: only the cache is kept between builds, there is no previous site/.
        shutil.rmtree(project / "site", ignore_errors=True)
        result = storefront_build(label, project, logs)
        result.update(site_stats(project / "site"))
        return result

    runs = [rebuild("cold")]
    print("  floor (c): the kit's other images encoded again ...", file=sys.stderr, flush=True)
    encode_floor = floor_encodes(project / ".cache" / "storefront")
    bare = bare_mkdocs_project(work / "bare-mkdocs", runs[0]["pages"])
    profile = project / "villages" / "v00000" / "village.yml"
    photo = (
        project
        / "villages"
        / f"v{min(1, args.villages - 1):05d}"
        / "images"
        / ("p0-0.jpg" if args.product_photos else "hero.jpg")
    )
    local = _free(work) > runs[0]["site_bytes"] * 1.5  # room for a second site/ while the new one is built

    def bare_mkdocs(label: str) -> dict:
        result = measure(label, [sys.executable, "-m", "mkdocs", "build", "-q"], bare, logs / "floor-mkdocs.log")
        result.update(site_stats(bare / "site"))
        shutil.rmtree(bare / "site", ignore_errors=True)
        return result

    def one_profile_changed(label: str) -> dict:
        text = profile.read_text(encoding="utf-8")
        slogan = re.search(r"^slogan: (.*)$", text, re.MULTILINE)
        profile.write_text(text.replace(slogan.group(0), f"slogan: {slogan.group(1)}新"), encoding="utf-8")
        return rebuild(label)

    def one_photo_changed(label: str) -> dict:
        data_bytes = photo.read_bytes()
        photo.unlink()  # a hard link into the photo cache: replace it, do not write through it
        photo.write_bytes(_unique(data_bytes, f"changed {time.time_ns()}"))
        return rebuild(label)

    def previous_site_in_place(label: str) -> dict:
        result = storefront_build(label, project, logs)
        result.update(site_stats(project / "site"))
        return result

    # Rounds of the floor and each rebuild, one after another: the machine's speed drifts over
    # minutes (other tenants), so each kind is measured --rounds times spread over the run, and the
    # fastest of each is kept (noise only ever adds time).
    kinds = [
        ("floor (a): bare MkDocs Material", bare_mkdocs),
        ("warm", rebuild),
        ("one profile changed", one_profile_changed),
        ("one photo changed", one_photo_changed),
    ]
    kinds += [("warm, previous site/ in place", previous_site_in_place)] if local else []
    rounds: dict[str, list[dict]] = {label: [] for label, _ in kinds}
    for n in range(args.rounds):
        for label, run in kinds:
            rounds[label].append(run(f"{label} (round {n + 1})" if args.rounds > 1 else label))
    best = {
        label: {**min(results, key=lambda r: r["seconds"]), "label": label, "spread": [r["seconds"] for r in results]}
        for label, results in rounds.items()
    }
    mkdocs_floor = best.pop("floor (a): bare MkDocs Material")
    runs += list(best.values())
    floor_seconds = mkdocs_floor["seconds"] + pillow_floor["seconds"]

    profiled = []
    if args.profile:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        for label in ("cold build", "warm build"):
            shutil.rmtree(project / "site", ignore_errors=True)
            out = work / f"{label.split()[0]}.prof"
            profiled.append(
                (
                    label,
                    out,
                    measure(
                        f"{label}, under cProfile",
                        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "generator", "build"],
                        project,
                        logs / f"profile-{label.split()[0]}.log",
                    ),
                )
            )

    cold = runs[0]
    pages = cold["pages"]
    print(
        f"\n{args.villages:,} villages, {args.villages * 10:,} products, {photo_count:,} photos "
        f"({args.product_photos} of products and a hero per village) of {size[0]}x{size[1]} "
        f"({_mb(photo_bytes / photo_count)} MB each on average), "
        f"{sum(len(d['live']['sessions']) for d in data):,} live sessions.\n"
    )
    print("```\n" + command + "\n```\n")
    print(f"{environment(state)}; load average before {load_before}, after {_load()}\n")
    if code_state() != state:
        print(f"**The code changed during the run** (now {code_state()}): builds may have run different code.\n")
    print(
        "| run | seconds | CPU seconds | peak RSS, largest process (MB) | peak RSS, all processes (MB) | pages | "
        "images | photos processed | site (MB) | search index (MB) | ratio (time; CPU) | target (on time) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")

    def row(r: dict, ratio: str = "", target: str = "", pages: str | None = None) -> None:
        processed = r.get("processed")
        print(
            f"| {r['label']} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['rss_mb']:,.0f} | {r['tree_mb']:,.0f} | "
            f"{pages if pages is not None else r.get('pages', '–')} | {r.get('images', '–')} | "
            f"{'–' if processed is None else processed} | {_mb(r['site_bytes']) if 'site_bytes' in r else '–'} | "
            f"{_mb(r['index_bytes']) if r.get('index_bytes') else '–'} | {ratio} | {target} |"
        )

    def verdict(value: float, limit: float) -> str:
        return f"≤ {limit}x: {'met' if value <= limit else 'missed'}"

    floor_cpu = mkdocs_floor["cpu"] + pillow_floor["cpu"]
    row(
        cold,
        f"{cold['seconds'] / floor_seconds:.2f}x; {cold['cpu'] / floor_cpu:.2f}x floor",
        verdict(cold["seconds"] / floor_seconds, 1.2),
    )
    for r in runs[1:]:
        ratio = r["seconds"] / mkdocs_floor["seconds"]
        row(r, f"{ratio:.2f}x; {r['cpu'] / mkdocs_floor['cpu']:.2f}x bare MkDocs", verdict(ratio, 1.2))
    row(mkdocs_floor)
    row(pillow_floor, pages="–")
    print(
        f"| floor = (a) + (b) | {floor_seconds:.1f} | {floor_cpu:.1f} | – | – | {pages} | – | – | – | – | 1 (baseline) "
        f"| |"
    )
    print(
        f"| {encode_floor['label']} | {encode_floor['seconds']:.1f} | {encode_floor['cpu']:.1f} | – | – | – | "
        f"{encode_floor['images']} | – | – | – | – | |"
    )
    with_encodes = floor_seconds + encode_floor["seconds"]
    print(
        f"| floor + (c) | {with_encodes:.1f} | {floor_cpu + encode_floor['cpu']:.1f} | – | – | {pages} | – | – | – | – "
        f"| "
        f"cold = {cold['seconds'] / with_encodes:.2f}x; {cold['cpu'] / (floor_cpu + encode_floor['cpu']):.2f}x | |"
    )
    for label, _, r in profiled:
        base = runs[0 if label.startswith("cold") else 1]["seconds"]
        print(
            f"| ({label}, under cProfile) | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['rss_mb']:,.0f} | "
            f"{r['tree_mb']:,.0f} | | | | | | {r['seconds'] / base:.2f}x without | |"
        )
    print("\nThe builds' own timings (from their log; for rebuilds, of the fastest round):\n")
    for r in runs:
        print(f"- {r['label']}: {r['steps']}")
    for r in [mkdocs_floor, *runs[1:]]:
        print(f"- {r['label']}, each round: {', '.join(f'{s:.1f}' for s in r['spread'])} s")
    # The fastest of each can pair a build with a bare build from another round; when the machine
    # drifts one way through the run, a round's build against that same round's bare build is fairer.
    for r in runs[1:]:
        ratios = [s / bare for s, bare in zip(r["spread"], mkdocs_floor["spread"])]
        print(
            f"- {r['label']} against the bare build of the same round: {', '.join(f'{x:.2f}x' for x in ratios)} "
            f"(median {statistics.median(ratios):.2f}x)"
        )
    print(
        f"- search index: {cold['index_bytes'] / 1e6:.1f} MB ({cold['index_bytes'] / max(1, pages) / 1e3:.1f} kB "
        f"per page); bare MkDocs, same page count: {mkdocs_floor['index_bytes'] / 1e6:.1f} MB"
    )
    print(f"- the whole benchmark took {(time.perf_counter() - begun) / 60:.0f} min")
    for label, out, r in profiled:
        print_profile(out, r["seconds"], label)


if __name__ == "__main__":
    main()
