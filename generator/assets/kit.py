"""The visual kit of every village, in one call: `build_kit`.

photos (responsive variants) -> palettes (palette.py, from the published hero) -> every kind of
image of kinds.py: icons, share cards, product cards, live posters, QR codes. Every image is a pure
function of its inputs, stored under a digest of them and of its recipe (kinds.recipe): an
unchanged image is never redrawn, a changed one always is. Misses are drawn across all cores
(ProcessPoolExecutor); results are gathered by job, not by finishing order, so the output does not
depend on scheduling.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from PIL import Image

from generator.assets import kinds, responsive
from generator.assets.cards import BrandSpec, ProductSpec, ShareSpec
from generator.assets.encoding import MEDIA_TYPES
from generator.assets.icons import icon_names
from generator.assets.marks import MarkSpec
from generator.assets.palette import Palette, village_palette
from generator.assets.posters import PosterSpec
from generator.cache import Caches, Store, Written, code_identity, digest
from generator.errors import ProfileErrors
from generator.layouts import layout
from generator.profile.fields import photos_of
from generator.profile.model import Catalog, Village, pick
from generator.profile.photos import MAX_PIXELS, PhotoProblem, display_name
from generator.profile.repeats import last_start, rule_parts
from generator.profile.times import later
from generator.progress import Progress
from generator.schedule.timeline import Timeline
from generator.urls import (
    brand_url,
    photo_url,
    poster_thumbnail_url,
    poster_url,
    product_card_url,
    qr_url,
    share_card_url,
    variant_url,
)
from generator.words import (
    certificate_label,
    channel_label,
    chinese,
    clock_span,
    day_label,
    list_names,
    price_parts,
    price_text,
    repeat_label,
    say,
    utc_offset,
    zone_label,
)

log = logging.getLogger("mkdocs.plugins.storefront")

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
    largest: str
    """The largest width in the best format: the photo's address for crawlers (JSON-LD `image`)."""

    def relative(self, url: Callable[[str], str]) -> dict[str, Any]:
        """URLs as seen from the page, ready for partials/picture.html."""

        def srcset(pairs):
            return ", ".join(f"{url(u)} {w}w" for u, w in pairs)

        *better, (_, fallback) = self.sources
        return {
            "sources": [{"type": t, "srcset": srcset(p)} for t, p in better],
            "srcset": srcset(fallback),
            "src": url(self.src),
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class Assets:
    """What the templates look up: responsive photos and icon links."""

    pictures: Mapping[str, Picture] = field(default_factory=dict)
    """photo_url(village, relative) -> its responsive variants."""
    icons: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """village slug ('' for the site) -> icon name -> URL."""

    def picture(self, village: Village, relative: str) -> Picture | None:
        return self.pictures.get(photo_url(village, relative))

    def published(self, url: str) -> str:
        """The file a crawler is given for an image URL: a photo's largest width (its own name is
        not published), anything else as it is."""
        picture = self.pictures.get(url)
        return picture.largest if picture else url


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
    caches: Caches,
    *,
    timeline: Timeline,
    site_palette: Palette,
    site_name: str,
    progress: Progress | None = None,
    max_pixels: int = MAX_PIXELS,
    workers: int | None = None,
) -> Kit:
    """Every image of the site; raises ProfileErrors naming each photo that cannot be used."""
    started = time.monotonic()
    store = caches.store
    language = catalog.language
    workers = workers or _cores()
    counts = {"made": 0, "reused": 0}
    with _Pool(workers) as pool:
        manifests = _publish_photos(catalog, store, caches.stamps, pool, progress, max_pixels, counts)
        files: dict[str, Path] = {}
        pictures: dict[str, Picture] = {}
        photos: dict[str, Path] = {}
        for village in catalog.villages:
            for relative in photos_of(village):
                _place_photo(village, relative, manifests[(village.slug, relative)], store, files, pictures, photos)
        memo = caches.memo("palettes")
        palettes = {v.slug: village_palette(v, photos, memo) for v in catalog.villages}
        jobs = list(_drawing_jobs(catalog, palettes, site_palette, site_name, photos, timeline, language))
        drawn = _run(jobs, store, pool, progress, "images", counts)
    icon_urls: dict[str, dict[str, str]] = {}
    for job, outputs in zip(jobs, drawn):
        for url, path in zip(job.urls, outputs):
            files[url] = path
            if job.kind == "icons":
                icon_urls.setdefault(job.owner, {})[Path(url).name] = url
    store.settled = True
    total = sum(p.stat().st_size for p in set(files.values()))
    stats = {
        "photos": len(photos),
        "photos_made": counts["photos_made"],
        "images": len(files),
        "images_made": counts["made"],
        "images_reused": counts["reused"],
        "image_bytes": total,
    }
    log.info(
        f"Images: {counts['made']} made, {counts['reused']} reused from cache, {len(files)} files, "
        f"{total / 1e6:.1f} MB ({time.monotonic() - started:.2f} s, {workers} workers)"
    )
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
    recipe = _photo_recipe()
    for village in catalog.villages:
        for relative in photos_of(village):
            key = _photo_key(recipe, stamps.digest(village.folder / relative))
            wanted.setdefault(key, []).append((village.slug, relative, display_name(village, relative)))
    tasks, problems = [], []
    for key, owners in wanted.items():
        manifest = _cached_manifest(store, key)
        if manifest is not None and manifest["pixels"] <= max_pixels:
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
            manifest, written = result
            store.note(written)
            manifests[key] = manifest
    if problems:
        raise ProfileErrors(problems)
    counts["made"] += len(tasks)
    counts["photos_made"] = len(tasks)
    return {(slug, relative): manifests[key] for key, owners in wanted.items() for slug, relative, _ in owners}


def _photo_recipe() -> list:
    return [code_identity(responsive.__name__), layout("photos")]


def _photo_key(recipe: list, sha: str) -> str:
    """A photo's variants are named by their recipe and the SHA-256 of the photo's bytes."""
    return digest(recipe, sha)


def _cached_manifest(store: Store, key: str) -> dict | None:
    """The manifest of a photo's variants written by an earlier build, if it and every file it
    names are intact (see Store.intact); None for a miss, and for anything damaged, which is then
    made again."""
    path = store.path("photos", key, ".json")
    if not store.intact(path):
        return None
    try:
        manifest = json.loads(path.read_bytes())
        names = [v["name"] for v in manifest["variants"]] + [manifest["largest"]]
        int(manifest["pixels"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest if all(store.intact(store.file(name)) for name in names) else None


def _photo_task(task) -> tuple[dict, list[Written]] | str:
    """In a worker: every variant of one photo written to the store; its manifest and what was
    written, or the problem. The photo is read once: the bytes drawn are the bytes hashed, so a
    photo replaced while the build runs is never stored under the digest of the one it replaced."""
    _, source, display, root, max_pixels = task
    store = Store(Path(root))
    try:
        data = Path(source).read_bytes()
    except OSError as error:  # moved or deleted since the profiles were read
        return f"it could not be read ({error.strerror}); put it back, or change the profile"
    # This build places the variants where it planned to; the manifest goes under the key of
    # the bytes drawn, where a later build (hashing the new photo) looks.
    key = _photo_key(_photo_recipe(), hashlib.sha256(data).hexdigest())
    try:
        variants = responsive.render_variants(data, display, max_pixels)
    except PhotoProblem as error:
        return error.problem.message
    written, entries = [], []
    for v in variants:
        w = store.write(store.path("photos", f"{key}-{v.width}", f".{v.format}"), v.data)
        written.append(w)
        entries.append({"width": v.width, "height": v.height, "format": v.format, "name": w.name})
    largest = max(entries, key=lambda e: e["width"])
    with Image.open(io.BytesIO(data)) as image:  # the header: the pixel limit is checked again on a cache hit
        manifest = {"variants": entries, "pixels": image.width * image.height}
    # What the kit draws cards and palettes from: the largest copy, in the recipe's first format.
    widest = [e for e in entries if e["width"] == largest["width"]]
    formats = layout("photos")["formats"]
    manifest["largest"] = min(widest, key=lambda e: formats.index(e["format"]) if e["format"] in formats else 9)["name"]
    written.append(store.write(store.path("photos", key, ".json"), json.dumps(manifest, sort_keys=True).encode()))
    return manifest, written


def _place_photo(village, relative, manifest, store, files, pictures, photos) -> None:
    entries = manifest["variants"]
    by_format: dict[str, list[tuple[str, int]]] = {}
    for entry in entries:
        url = variant_url(village, relative, entry["width"], entry["format"])
        files[url] = store.file(entry["name"])
        by_format.setdefault(entry["format"], []).append((url, entry["width"]))
    # The photo's own name is not published: pages show its widths, and the one copy drawn from
    # (cards, palettes) is the largest.
    original = photo_url(village, relative)
    photos[original] = store.file(manifest["largest"])
    order = [f for f in ("webp", "png", "jpeg") if f in by_format]
    fallback = by_format[order[-1]]
    target = layout("photos")["fallback_width"]
    src = min(fallback, key=lambda pair: (abs(pair[1] - target), pair[1]))[0]
    largest = max(entries, key=lambda e: e["width"])
    pictures[original] = Picture(
        largest["width"],
        largest["height"],
        tuple((MEDIA_TYPES[f], tuple(sorted(by_format[f], key=lambda p: p[1]))) for f in order),
        src,
        max(by_format[order[0]], key=lambda pair: pair[1])[0],
    )


# --- marks, icons, cards, posters ---------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    kind: str
    """A kind of image of kinds.KINDS: icons | share | product | poster | qr"""
    owner: str
    """The village slug, '' for the site."""
    spec: Any
    urls: tuple[str, ...]


def _brand(
    village: Village | None, name: str, palette: Palette, style: str, seed: str, photos: Mapping[str, Path]
) -> BrandSpec:
    colours = {f: getattr(palette, f) for f in PALETTE_FIELDS}
    logo = village.profile.brand.logo if village and village.profile.brand else None
    if logo:
        return BrandSpec(**colours, style=style, seed=seed, mark=None, logo=str(photos[photo_url(village, logo)]))
    return BrandSpec(
        **colours,
        style=style,
        seed=seed,
        mark=MarkSpec(name, seed, style, palette.primary, palette.on_primary, palette.accent),
    )


def _drawing_jobs(catalog, palettes, site_palette, site_name, photos, timeline, language) -> Iterable[Job]:
    site_brand = _brand(None, site_name, site_palette, "ink", "site", photos)
    yield Job("icons", "", (site_brand, "#FFFFFF"), tuple(brand_url(None, n) for n in icon_names()))
    tagline = say(language, "site.about", villages=len(catalog.villages))
    yield Job("share", "", ShareSpec(site_brand, "", site_name, tagline, "", None), (share_card_url(None),))
    for village in catalog.villages:
        profile = village.profile
        style = (profile.brand.style if profile.brand else None) or "ink"
        name = pick(profile.name, "zh")
        brand = _brand(village, name, palettes[village.slug], style, village.slug, photos)
        yield Job("icons", village.slug, (brand, "#FFFFFF"), tuple(brand_url(village, n) for n in icon_names()))
        hero = profile.brand.hero if profile.brand else None
        hero_path = str(photos[photo_url(village, hero)]) if hero else None
        title = pick(profile.name, language)
        region = " ".join(filter(None, [profile.region.province, profile.region.city, profile.region.county]))
        yield Job(
            "share",
            village.slug,
            ShareSpec(brand, region, title, pick(profile.slogan, language), site_name, hero_path),
            (share_card_url(village),),
        )
        for product in profile.products:
            photo = str(photos[photo_url(village, product.images[0])]) if product.images else hero_path
            amount, unit = price_parts(product.price)
            badges = tuple(dict.fromkeys(certificate_label(c.kind, language, "badge") for c in product.certifications))
            product_name = pick(product.name, language)
            subtitle = " · ".join(filter(None, [price_text(product.price), *badges]))
            yield Job(
                "share",
                village.slug,
                ShareSpec(brand, title, product_name, subtitle, site_name, photo),
                (share_card_url(village, product.id),),
            )
            yield Job(
                "product",
                village.slug,
                ProductSpec(brand, product_name, amount, unit, title, badges, photo),
                (product_card_url(village, product.id),),
            )
        for channel in village.channels:
            yield Job("qr", village.slug, channel.url, (qr_url(village, channel.id),))
        for index, session in enumerate(village.sessions):
            yield from _session_jobs(
                village,
                index,
                session,
                brand,
                title,
                region,
                hero_path,
                photos,
                timeline.next_start(village, index),
                language,
                site_name,
            )


def _session_jobs(village, index, session, brand, title, region, hero_path, photos, start, language, site_name):
    end = later(start, session.duration)  # real time, as on the schedule pages
    when, zone = _when(start, end, language)
    if session.repeat:  # a series poster: its rule, never one week's date (it is drawn once)
        when = _series_when(session, village, start, end, language)
    channel = village.channel(session.channel)
    where = channel_label(channel, language)
    hosts = list_names([pick(p.name, language) for p in village.hosts(session)], language)
    products = []
    for pid in session.products:
        product = village.product(pid)
        photo = str(photos[photo_url(village, product.images[0])]) if product.images else None
        products.append((pick(product.name, language), photo))
    # No share card of its own: a session has no page (it is shared by its village's live page,
    # whose card is the village's, and by its poster), and a card no page names is bytes for nothing.
    session_title = pick(session.title, language)
    label = say(language, "poster.label")
    spec = PosterSpec(
        brand,
        title,
        region,
        label,
        session_title,
        when,
        zone,
        say(language, "poster.hosts", hosts=hosts) if hosts else "",
        tuple(products),
        channel.url,
        say(language, "poster.scan"),
        f"{where}\n{channel.url}",
        site_name,
    )
    yield Job("poster", village.slug, spec, (poster_url(village, index), poster_thumbnail_url(village, index)))


def _series_when(session, village, start: datetime, end: datetime, language: str) -> str:
    """`每周五 19:30-21:30，至2027年2月26日`: what a series poster says instead of a date."""
    last = last_start(session, village.zone)
    return repeat_label(dict(rule_parts(session.repeat)), start, end, last and last.date(), language)


def _when(start: datetime, end: datetime, language: str) -> tuple[str, str]:
    """A one-off's date and times, and the zone line (a series says how often in its rule)."""
    times = clock_span(start, end)
    when = f"{day_label(start, language)} {times}" if chinese(language) else f"{day_label(start, language)}, {times}"
    offset = f"（{utc_offset(start)}）" if chinese(language) else f" ({utc_offset(start)})"
    return when, zone_label(str(start.tzinfo), language) + offset


def _job_key(job: Job, store: Store) -> str:
    # A spec is a frozen dataclass of strings, numbers and tuples, so its repr is its content (and
    # ten times cheaper than asdict and JSON). Cached photo paths are content-addressed: their
    # names, not where the cache lives, are the input.
    return digest(job.kind, kinds.recipe(job.kind), repr(job.spec).replace(str(store.root), ""))


def _draw_batch(batch) -> list[list[Written]]:
    """In a worker: one village's images in a row, so that what its cards share (the hero cut to
    size, the pattern, the resized logo; see cards.py) is prepared once, not once per card."""
    root, tasks = batch
    store = Store(Path(root))
    return [
        [store.write(Path(t), data) for t, data in zip(targets, kinds.draw(kind, spec))]
        for kind, spec, targets in tasks
    ]


def _run(jobs: list[Job], store: Store, pool: _Pool, progress, step: str, counts) -> list[list[Path]]:
    results: list[list[Path] | None] = []
    by_owner: dict[str, list[tuple[int, tuple]]] = {}  # owner -> (slot in results, task)
    for job in jobs:
        key = _job_key(job, store)
        targets = [store.path(job.kind, f"{key}-{i}", Path(u).suffix) for i, u in enumerate(job.urls)]
        if all(store.intact(t) for t in targets):
            results.append(targets)
            continue
        by_owner.setdefault(job.owner, []).append((len(results), (job.kind, job.spec, [str(t) for t in targets])))
        results.append(None)
    batches = _batches(list(by_owner.values()), pool.workers)
    made = sum(len(batch) for batch in batches)
    counts["reused"] += len(jobs) - made
    counts["made"] += made
    drawn = pool.map(
        _draw_batch,
        [(str(store.root), [task for _, task in batch]) for batch in batches],
        progress,
        step,
        len(jobs),
        len(jobs) - made,
        sizes=[len(batch) for batch in batches],
    )
    for batch, written in zip(batches, drawn):
        for (slot, _), files in zip(batch, written):
            store.note(files)
            results[slot] = [store.file(w.name) for w in files]
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

    def map(
        self,
        function,
        tasks: list,
        progress: Progress | None,
        step: str,
        total: int,
        done: int,
        sizes: list[int] | None = None,
    ) -> list:
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
