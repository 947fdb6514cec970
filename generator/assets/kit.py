"""The visual kit of every village, in one call: `build_kit`.

photos (responsive variants) -> palettes (the caller's, from the published hero) -> marks, icons,
share cards, product cards, live posters. Every image is a pure function of its inputs, stored under
a digest of them and of its recipe (cache.py): an unchanged image is never redrawn, a changed one
always is. Misses are drawn across all cores (ProcessPoolExecutor); results are gathered by job,
not by finishing order, so the output does not depend on scheduling.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

from PIL import Image

from generator.assets import cards, icons, marks, posters, responsive
from generator.assets.cache import Stamps, Store, digest, write_atomic
from generator.assets.cards import BrandSpec, ProductSpec, ShareSpec
from generator.assets.fonts import cjk_font
from generator.assets.layouts import layout
from generator.assets.marks import MarkSpec
from generator.assets.photos import MAX_PIXELS, PhotoProblem, display_name, photos_of
from generator.assets.posters import PosterSpec
from generator.errors import ProfileErrors
from generator.labels import WEEKDAYS_ZH, platform_label
from generator.model import Catalog, Village, pick
from generator.palette import Palette
from generator.progress import Progress
from generator.schedule import later, localize, occurrences
from generator.urls import (
    brand_url,
    photo_url,
    poster_url,
    product_card_url,
    session_card_url,
    share_card_url,
    variant_url,
)

log = logging.getLogger("mkdocs.plugins.storefront")

CERTIFICATES = {"geographical-indication": ("地理标志", "Geographical indication"), "organic": ("有机", "Organic"),
                "green-food": ("绿色食品", "Green Food"), "intangible-heritage": ("非遗", "Intangible heritage"),
                "other": ("认证", "Certified")}
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£", "HKD": "HK$"}
REPEATS = {"DAILY": ("每天", "daily"), "WEEKLY": ("每周", "weekly"), "MONTHLY": ("每月", "monthly"),
           "YEARLY": ("每年", "yearly")}
PALETTE_FIELDS = ("primary", "on_primary", "accent", "on_accent")


@dataclass(frozen=True)
class Picture:
    """A photo's published widths: what <picture> needs."""

    width: int
    height: int
    """Of the largest variant: the aspect ratio the browser reserves before the photo loads."""
    sources: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    """(MIME type, ((url, width), ...)), best format first; the last one is the <img> fallback."""
    src: str
    """The fallback <img src>."""

    def relative(self, url: Callable[[str], str]) -> dict[str, Any]:
        """URLs as seen from the page, ready for partials/picture.html."""
        def srcset(pairs):
            return ", ".join(f"{url(u)} {w}w" for u, w in pairs)
        *better, (_, fallback) = self.sources
        return {"sources": [{"type": t, "srcset": srcset(p)} for t, p in better], "srcset": srcset(fallback),
                "src": url(self.src), "width": self.width, "height": self.height}


@dataclass(frozen=True)
class Assets:
    """What the templates look up: responsive photos and icon links."""

    pictures: Mapping[str, Picture] = field(default_factory=dict)
    """photo_url(village, relative) -> its responsive variants."""
    icons: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """village slug ('' for the site) -> icon name -> URL."""

    def picture(self, village: Village, relative: str) -> Picture | None:
        return self.pictures.get(photo_url(village, relative))


@dataclass
class Kit:
    files: dict[str, Path]
    """Site-relative URL -> file in the cache, for the site's `files`."""
    photos: dict[str, Path]
    """photo_url -> the largest published copy (what a palette reads)."""
    palettes: dict[str, Palette]
    assets: Assets
    stats: dict[str, int]


def build_kit(
    catalog: Catalog,
    cache_dir: Path,
    *,
    palette_of: Callable[[Village, Mapping[str, Path]], Palette],
    site_palette: Palette,
    site_name: str,
    now: datetime,
    progress: Progress | None = None,
    max_pixels: int = MAX_PIXELS,
    workers: int | None = None,
    stamps: Stamps | None = None,
) -> Kit:
    """Every image of the site; raises ProfileErrors naming each photo that cannot be used."""
    started = time.monotonic()
    store = Store(cache_dir)
    language = catalog.language
    workers = workers or _cores()
    counts = {"made": 0, "reused": 0}
    with _Pool(workers) as pool:
        manifests = _publish_photos(catalog, store, stamps or Stamps(store.root), pool, progress, max_pixels, counts)
        files: dict[str, Path] = {}
        pictures: dict[str, Picture] = {}
        photos: dict[str, Path] = {}
        for village in catalog.villages:
            for relative in photos_of(village):
                _place_photo(village, relative, manifests[(village.slug, relative)], files, pictures, photos)
        palettes = {v.slug: palette_of(v, photos) for v in catalog.villages}
        jobs = list(_drawing_jobs(catalog, palettes, site_palette, site_name, photos, now, language))
        drawn = _run(jobs, store, pool, progress, "images", counts)
    icon_urls: dict[str, dict[str, str]] = {}
    for job, outputs in zip(jobs, drawn):
        for url, path in zip(job.urls, outputs):
            files[url] = path
            if job.kind == "icons":
                icon_urls.setdefault(job.owner, {})[Path(url).name] = url
    total = sum(p.stat().st_size for p in set(files.values()))
    stats = {"photos": len(photos), "photos_made": counts["photos_made"], "images": len(files),
             "images_made": counts["made"], "images_reused": counts["reused"], "image_bytes": total}
    log.info(f"Images: {counts['made']} made, {counts['reused']} reused from cache, {len(files)} files, "
             f"{total / 1e6:.1f} MB ({time.monotonic() - started:.2f} s, {workers} workers)")
    return Kit(files, photos, palettes, Assets(pictures, icon_urls), stats)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


# --- photos -------------------------------------------------------------------------------------


def _publish_photos(catalog, store, stamps, pool, progress, max_pixels, counts) -> dict[tuple[str, str], dict]:
    """(slug, relative) -> manifest of its variants; every unusable photo reported at once."""
    wanted: dict[str, list[tuple[str, str, str]]] = {}
    manifests: dict[str, dict] = {}
    recipe = [responsive.RECIPE, layout("photos")]
    for village in catalog.villages:
        for relative in photos_of(village):
            key = digest(recipe, stamps.digest(village.folder / relative))
            wanted.setdefault(key, []).append((village.slug, relative, display_name(village, relative)))
    stamps.save()
    tasks, problems = [], []
    for key, owners in wanted.items():
        path = store.path("photos", key, ".json")
        if path.exists():
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if manifest["pixels"] <= max_pixels and all(os.path.exists(v["path"]) for v in manifest["variants"]):
                manifests[key] = manifest
                continue
        slug, relative, display = owners[0]
        folder = catalog.village(slug).folder
        tasks.append((key, str(folder / relative), display, str(store.root), max_pixels))
    counts["reused"] += len(manifests)
    for (key, *_), result in zip(tasks, pool.map(_photo_task, tasks, progress, "photos", len(wanted), len(manifests))):
        if isinstance(result, str):
            problems += [PhotoProblem(display, result).problem for _, _, display in wanted[key]]
        else:
            manifests[key] = result
    if problems:
        raise ProfileErrors(problems)
    counts["made"] += len(tasks)
    counts["photos_made"] = len(tasks)
    return {(slug, relative): manifests[key] for key, owners in wanted.items() for slug, relative, _ in owners}


def _photo_task(task) -> dict | str:
    """In a worker: every variant of one photo written to the store; its manifest, or the problem."""
    key, source, display, root, max_pixels = task
    store = Store(Path(root))
    try:
        variants = responsive.render_variants(Path(source).read_bytes(), display, max_pixels)
    except PhotoProblem as error:
        return error.problem.message
    entries = []
    for v in variants:
        path = store.write(store.path("photos", f"{key}-{v.width}", f".{v.format}"), v.data)
        entries.append({"width": v.width, "height": v.height, "format": v.format, "path": str(path)})
    largest = max(entries, key=lambda e: e["width"])
    with Image.open(source) as image:  # the header only: the pixel limit is checked again on a cache hit
        manifest = {"variants": entries, "pixels": image.width * image.height}
    manifest["original"] = _original(Path(source).suffix.lower(), entries, largest["width"], store, key, source)
    store.write(store.path("photos", key, ".json"), json.dumps(manifest, sort_keys=True).encode())
    return manifest


def _original(suffix: str, entries: list[dict], width: int, store: Store, key: str, source: str) -> str:
    """The largest copy in the format the photo's name promises, served at its own URL."""
    want = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp", ".heic": "jpeg", ".heif": "jpeg"}[suffix]
    for entry in entries:
        if entry["width"] == width and entry["format"] == want:
            return entry["path"]
    # An opaque PNG: its variants fell back to JPEG, so its own URL needs a PNG of its own.
    jpeg = next(e for e in entries if e["width"] == width and e["format"] == "jpeg")
    with Image.open(jpeg["path"]) as image:
        data = responsive._encode(image.convert("RGB"), "png", layout("photos"))
    return str(store.write(store.path("photos", f"{key}-original", ".png"), data))


def _place_photo(village, relative, manifest, files, pictures, photos) -> None:
    entries = manifest["variants"]
    by_format: dict[str, list[tuple[str, int]]] = {}
    for entry in entries:
        url = variant_url(village, relative, entry["width"], entry["format"])
        files[url] = Path(entry["path"])
        by_format.setdefault(entry["format"], []).append((url, entry["width"]))
    original = photo_url(village, relative)
    files[original] = photos[original] = Path(manifest["original"])
    order = [f for f in ("webp", "png", "jpeg") if f in by_format]
    fallback = by_format[order[-1]]
    target = layout("photos")["fallback_width"]
    src = min(fallback, key=lambda pair: (abs(pair[1] - target), pair[1]))[0]
    largest = max(entries, key=lambda e: e["width"])
    types = {"webp": "image/webp", "png": "image/png", "jpeg": "image/jpeg"}
    pictures[original] = Picture(largest["width"], largest["height"],
                                 tuple((types[f], tuple(sorted(by_format[f], key=lambda p: p[1]))) for f in order), src)


# --- marks, icons, cards, posters ---------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    kind: str
    """icons | share | product | poster"""
    owner: str
    """The village slug, '' for the site."""
    spec: Any
    urls: tuple[str, ...]


def _brand(village: Village | None, name: str, palette: Palette, style: str, seed: str,
           photos: Mapping[str, Path]) -> BrandSpec:
    colours = {f: getattr(palette, f) for f in PALETTE_FIELDS}
    logo = village.profile.brand.logo if village and village.profile.brand else None
    if logo:
        return BrandSpec(**colours, style=style, seed=seed, mark=None, logo=str(photos[photo_url(village, logo)]))
    return BrandSpec(**colours, style=style, seed=seed, mark=MarkSpec(name, seed, style, palette.primary,
                                                                      palette.on_primary, palette.accent))


def _drawing_jobs(catalog, palettes, site_palette, site_name, photos, now, language) -> Iterable[Job]:
    zh = language.startswith("zh")
    site_brand = _brand(None, site_name, site_palette, "ink", "site", photos)
    yield Job("icons", "", (site_brand, "#FFFFFF"), tuple(brand_url(None, n) for n in _icon_names()))
    tagline = (f"{len(catalog.villages)} 个村庄的品牌与好物" if zh else
               f"The brands and goods of {len(catalog.villages)} villages")
    yield Job("share", "", ShareSpec(site_brand, "", site_name, tagline, "", None), (share_card_url(None),))
    for village in catalog.villages:
        profile = village.profile
        style = (profile.brand.style if profile.brand else None) or "ink"
        name = pick(profile.name, "zh")
        brand = _brand(village, name, palettes[village.slug], style, village.slug, photos)
        yield Job("icons", village.slug, (brand, "#FFFFFF"), tuple(brand_url(village, n) for n in _icon_names()))
        hero = profile.brand.hero if profile.brand else None
        hero_path = str(photos[photo_url(village, hero)]) if hero else None
        title = pick(profile.name, language)
        region = " ".join(filter(None, [profile.region.province, profile.region.city, profile.region.county]))
        yield Job("share", village.slug, ShareSpec(brand, region, title, pick(profile.slogan, language), site_name,
                                                   hero_path), (share_card_url(village),))
        for product in profile.products:
            photo = str(photos[photo_url(village, product.images[0])]) if product.images else hero_path
            amount, unit = _price(product.price)
            badges = tuple(dict.fromkeys(CERTIFICATES[c.kind][0 if zh else 1] for c in product.certifications))
            product_name = pick(product.name, language)
            subtitle = " · ".join(filter(None, [f"{amount} / {unit}" if unit else amount, *badges]))
            yield Job("share", village.slug, ShareSpec(brand, title, product_name, subtitle, site_name, photo),
                      (share_card_url(village, product.id),))
            yield Job("product", village.slug, ProductSpec(brand, product_name, amount, unit, title, badges, photo),
                      (product_card_url(village, product.id),))
        for index, session in enumerate(profile.live.sessions if profile.live else ()):
            yield from _session_jobs(village, index, session, brand, title, region, hero_path, photos, now,
                                     language, site_name)


def _session_jobs(village, index, session, brand, title, region, hero_path, photos, now, language, site_name):
    zh = language.startswith("zh")
    profile = village.profile
    start = _next_start(village, index, session, now)
    end = later(start, session.duration)  # real time, as on the schedule pages
    when, zone = _when(start, end, session.repeat, zh)
    channel = next(c for c in profile.live.channels if c.id == session.channel)
    platform = platform_label(channel.platform, language)
    where = f"{platform} @{channel.handle}" if channel.handle else platform
    team = {p.id: pick(p.name, language) for p in profile.team}
    hosts = "、".join(team[h] for h in session.hosts if h in team) if zh else \
        ", ".join(team[h] for h in session.hosts if h in team)
    products = []
    for pid in session.products:
        product = village.product(pid)
        photo = str(photos[photo_url(village, product.images[0])]) if product.images else None
        products.append((pick(product.name, language), photo))
    session_title = pick(session.title, language)
    label = "直播预告" if zh else "Live"
    first_photo = next((p for _, p in products if p), hero_path)
    yield Job("share", village.slug, ShareSpec(brand, f"{title} · {label}", session_title, f"{when}\n{zone}",
                                               where, first_photo), (session_card_url(village, index),))
    spec = PosterSpec(brand, title, region, label, session_title, when, zone,
                      (f"主播：{hosts}" if zh else f"Hosts: {hosts}") if hosts else "", tuple(products), channel.url,
                      "扫码进入直播间" if zh else "Scan to open the live room", f"{where}\n{channel.url}", site_name)
    yield Job("poster", village.slug, spec, (poster_url(village, index),))


def _icon_names() -> list[str]:
    sizes = layout("icons")
    return ["logo.png", *(f"icon-{n}.png" for n in sizes["png"]), "favicon.ico", "apple-touch-icon.png"]


def _price(price) -> tuple[str, str]:
    amount = price.amount
    number = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    sign = CURRENCY_SIGNS.get(price.currency)
    return (f"{sign}{number}" if sign else f"{price.currency} {number}"), (price.unit or "")


def _next_start(village: Village, index: int, session, now: datetime) -> datetime:
    """The session's next start after `now`, or its first start when none is left."""
    found = [o for o in occurrences(village, now, now + timedelta(days=400)) if o.index == index]
    return found[0].start if found else localize(session.start, ZoneInfo(village.profile.timezone))


def _when(start: datetime, end: datetime, repeat: str | None, zh: bool) -> tuple[str, str]:
    offset = start.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    freq = dict(part.split("=", 1) for part in repeat.split(";") if "=" in part).get("FREQ") if repeat else None
    again = REPEATS.get(freq or "", None)
    if zh:
        when = f"{start.year}年{start.month}月{start.day}日 {WEEKDAYS_ZH[start.weekday()]} {start:%H:%M}–{end:%H:%M}"
        zone = f"{start.tzinfo} 时间（{utc}）" + (f" · {again[0]}重复" if again else "")
    else:
        when = f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}–{end:%H:%M}"
        zone = f"{start.tzinfo} time ({utc})" + (f" · repeats {again[1]}" if again else "")
    return when, zone


def _draw(job_kind: str, spec) -> list[bytes]:
    if job_kind == "icons":
        brand, background = spec
        files = icons.icon_files(cards.logo_image(brand), background)
        return [files[name] for name in _icon_names()]
    if job_kind == "share":
        return [cards.share_card(spec)]
    if job_kind == "product":
        return [cards.product_card(spec)]
    return [posters.poster(spec)]


RECIPES = {"icons": [icons.RECIPE, marks.RECIPE, "icons", "marks"], "share": [cards.RECIPE, marks.RECIPE, "share", "marks"],
           "product": [cards.RECIPE, marks.RECIPE, "product", "marks"],
           "poster": [posters.RECIPE, cards.RECIPE, marks.RECIPE, "poster", "marks"]}


def _job_key(job: Job, store: Store) -> str:
    # A spec is a frozen dataclass of strings, numbers and tuples, so its repr is its content (and
    # ten times cheaper than asdict and JSON). Cached photo paths are content-addressed: their
    # names, not where the cache lives, are the input.
    return digest(job.kind, _recipe(job.kind), repr(job.spec).replace(str(store.root), ""))


@cache
def _recipe(kind: str) -> str:
    """What draws a kind of image, besides its spec: the recipe versions, layouts and the font."""
    return digest([r if not r.isalpha() else layout(r) for r in RECIPES[kind]], cjk_font().identity)


def _draw_batch(batch) -> list[list[str]]:
    """In a worker: one village's images in a row, so that what its cards share (the hero cut to
    size, the pattern, the resized logo; see cards.py) is prepared once, not once per card."""
    return [[str(write_atomic(Path(t), data)) for t, data in zip(targets, _draw(kind, spec))]
            for kind, spec, targets in batch]


def _run(jobs: list[Job], store: Store, pool: _Pool, progress, step: str, counts) -> list[list[Path]]:
    results: list[list[Path] | None] = []
    by_owner: dict[str, list[tuple[int, tuple]]] = {}  # owner -> (slot in results, task)
    for job in jobs:
        key = _job_key(job, store)
        targets = [store.path(job.kind, f"{key}-{i}", Path(u).suffix) for i, u in enumerate(job.urls)]
        if all(os.path.exists(t) for t in targets):
            results.append(targets)
            continue
        by_owner.setdefault(job.owner, []).append((len(results), (job.kind, job.spec, [str(t) for t in targets])))
        results.append(None)
    batches = _batches(list(by_owner.values()), pool.workers)
    made = sum(len(batch) for batch in batches)
    counts["reused"] += len(jobs) - made
    counts["made"] += made
    drawn = pool.map(_draw_batch, [[task for _, task in batch] for batch in batches], progress, step, len(jobs),
                     len(jobs) - made, sizes=[len(batch) for batch in batches])
    for batch, written in zip(batches, drawn):
        for (slot, _), paths in zip(batch, written):
            results[slot] = [Path(p) for p in paths]
    return results  # type: ignore[return-value]


def _batches(owners: list[list], workers: int) -> list[list]:
    """One batch per village; when there are fewer villages than twice the workers, each is cut in
    pieces so that every core has work."""
    pieces = max(1, -(-2 * workers // max(1, len(owners))))
    batches = []
    for tasks in owners:
        size = -(-len(tasks) // pieces)
        batches += [tasks[i : i + size] for i in range(0, len(tasks), size)]
    return batches


class _Pool:
    """A process pool created only when there is work for more than one core."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        if self.executor:
            self.executor.shutdown(cancel_futures=True)

    def map(self, function, tasks: list, progress: Progress | None, step: str, total: int, done: int,
            sizes: list[int] | None = None) -> list:
        """function(task) for every task, results in the order of `tasks`; progress as they finish,
        counting `sizes[i]` items for task i (default 1)."""
        sizes = sizes or [1] * len(tasks)
        if progress and total:
            progress(step, done, total)
        if len(tasks) < 2 or self.workers < 2:
            results = []
            for task, size in zip(tasks, sizes):
                results.append(function(task))
                done += size
                if progress:
                    progress(step, done, total)
            return results
        if self.executor is None:
            self.executor = ProcessPoolExecutor(max_workers=self.workers)
        futures = {self.executor.submit(function, task): i for i, task in enumerate(tasks)}
        results = [None] * len(tasks)
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done += sizes[futures[future]]
            if progress:
                progress(step, done, total)
        return results
