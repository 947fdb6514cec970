"""The build's ordered steps: everything the site needs, computed before anything is written.

read and validate every profile -> lint claims -> check brands against each other -> the timeline
of live sessions -> photos, palettes and generated images -> calendars and feeds -> plan pages.
MkDocs then renders the planned pages (plugin.py) and output.py swaps the new site in.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.assets.kit import build_kit
from generator.assets.palette import build_palette
from generator.cache import Caches
from generator.checks.brands import check_brands, load_registries, thresholds_from
from generator.checks.claims import LintConfig, exit_status, lint_catalog, to_text
from generator.checks.differentiation import Report
from generator.config import Settings
from generator.errors import StorefrontError
from generator.messages import listed, say
from generator.profile.model import Catalog
from generator.profile.read import load_catalog
from generator.profile.times import build_now
from generator.progress import Progress
from generator.schedule.feeds import Publisher, calendar_files
from generator.schedule.timeline import build_timeline
from generator.site.markup import Texts
from generator.site.pages import PageSpec, Site, plan_pages
from generator.site.search import search_files
from generator.site.shards import INDEX, Shards, plan_shards

log = logging.getLogger("mkdocs.plugins.storefront")


@dataclass
class Prepared:
    catalog: Catalog
    site: Site
    pages: list[PageSpec]
    files: dict[str, Path | bytes]
    """The site's generated static files: site-relative URL -> a file to copy, or the bytes to write."""
    stats: dict[str, int] = field(default_factory=dict)
    report: Report | None = None
    """The differentiation check's result, shown on the /report/ page."""
    caches: Caches | None = None
    """What this build keeps for the next: saved once more after the pages are rendered (templates
    convert profile texts too)."""


def prepare(settings: Settings, progress: Progress | None = None) -> Prepared:
    """Everything the site needs, computed before anything is written; raises ProfileErrors (and
    StorefrontError for a lint error, a copied brand or a bad registry)."""
    started = time.monotonic()
    caches = PreviewCaches(settings.cache_dir) if settings.only else Caches(settings.cache_dir)
    caches.sweep()  # what builds killed midway left
    try:  # what was computed is kept (caches.save) even when a later step stops the build
        catalog = load_catalog(
            settings.villages_dir,
            language=settings.language,
            max_pixels=settings.max_image_pixels,
            memo=caches.memo("villages", pickled=True),
            stamps=caches.stamps,
        )
        log.info(
            say(
                "build.read",
                villages=len(catalog.villages),
                products=catalog.product_count,
                seconds=time.monotonic() - started,
            )
        )
        everyone, catalog = catalog, selected(catalog, settings.only, settings.villages_dir)
        shards = sharded(everyone, settings)
        if shards:  # one province's site (or the index): its villages, checked against all
            catalog = shards.catalog(everyone)
        now = build_now()
        check_claims(catalog, settings.lint, caches, now)
        registries = load_registries(settings.registries, settings.root)
        thresholds = thresholds_from(settings.thresholds)
        only = [v.slug for v in catalog.villages] if settings.only or shards else None  # against all the others
        report = check_brands(everyone, registries, thresholds, settings.fail_on, settings.cache_dir, only)
        timeline = build_timeline(catalog.villages, now, *settings.schedule_window)
        site_palette = build_palette(*settings.site_colors, photo=None, seed="site")
        kit = build_kit(
            catalog,
            caches,
            timeline=timeline,
            site_palette=site_palette,
            site_name=settings.site_name,
            progress=progress,
            max_pixels=settings.max_image_pixels,
        )
        site = Site(
            name=settings.site_name,
            url=shards.url if shards else settings.site_url,
            language=settings.language,
            now=now,
            palettes=kit.palettes,
            site_palette=site_palette,
            timeline=timeline,
            assets=kit.assets,
            texts=Texts(caches.memo("markup")),
            shards=shards,
        )
        pages = plan_pages(catalog, site, report, everyone if shards else None)
        calendars = calendar_files(
            catalog, timeline, Publisher(site.name, site.url, site.language), caches.memo("calendars")
        )
    finally:
        caches.save()
    stats = {"villages": len(catalog.villages), "products": catalog.product_count, "pages": len(pages), **kit.stats}
    files = {**kit.files, **calendars, **search_files(catalog, site)}
    return Prepared(catalog, site, pages, files, stats, report, caches)


class PreviewCaches(Caches):
    """The caches of a preview, which uses a few villages' images and memos: it adds what it made
    and forgets nothing, so the next whole build still finds every other village's ready."""

    def save(self) -> None:
        self.stamps.save()  # every village's photos were read, so every stamp is there
        for memo in self._memos.values():
            memo.save(forget_unused=False)


def selected(catalog: Catalog, only: tuple[str, ...], villages_dir: Path) -> Catalog:
    """The villages a preview builds (all of them when `only` is empty); a slug that names no
    village is an error, not an empty site."""
    if not only:
        return catalog
    unknown = sorted(set(only) - {v.slug for v in catalog.villages})
    if unknown:
        raise StorefrontError(say("only.unknown", slugs=listed([repr(s) for s in unknown]), folder=villages_dir))
    return replace(catalog, villages=tuple(v for v in catalog.villages if v.slug in only))


def sharded(everyone: Catalog, settings: Settings) -> Shards | None:
    """The shards of a site built as several, when this build makes one of them (`--shard`); a
    name that is no shard is an error, and so is a site with no address to link the shards by."""
    if not settings.shard:
        return None
    if not (settings.site_url or settings.shard_url):
        raise StorefrontError(say("shards.no_url"))
    shards = plan_shards(everyone, settings.shard, settings.shard_url, settings.site_url)
    if settings.shard != INDEX and settings.shard not in shards.by_name:
        known = listed([*shards.by_name, INDEX])
        raise StorefrontError(say("shards.unknown", shard=settings.shard, known=known))
    return shards


def check_claims(catalog: Catalog, config: LintConfig, caches: Caches | None = None, now=None) -> None:
    """The claims lint: error-level findings stop the build; warnings are printed."""
    findings = lint_catalog(catalog, config=config, now=now, memo=caches.memo("claims") if caches else None)
    if exit_status(findings):
        raise StorefrontError(say("build.claims_refused") + "\n" + to_text(findings))
    for finding in findings:
        log.info(say("build.claims_warning", finding=finding))
