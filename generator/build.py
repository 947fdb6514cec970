"""The build's ordered steps: everything the site needs, computed before anything is written.

read and validate every profile -> lint claims -> check brands against each other -> the timeline
of live sessions -> photos, palettes and generated images -> calendars and feeds -> plan pages.
MkDocs then renders the planned pages (plugin.py) and output.py swaps the new site in.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.assets.kit import build_kit
from generator.assets.palette import build_palette
from generator.cache import Caches
from generator.checks.brands import check_brands, load_registries, thresholds_from
from generator.checks.claims import LintConfig, exit_status, lint_catalog, to_text
from generator.checks.differentiation import Report
from generator.config import Settings
from generator.errors import StorefrontError
from generator.profile.model import Catalog
from generator.profile.read import load_catalog
from generator.profile.times import build_now
from generator.progress import Progress
from generator.schedule.feeds import Publisher, calendar_files
from generator.schedule.timeline import build_timeline
from generator.site.markup import Texts
from generator.site.pages import PageSpec, Site, plan_pages

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
    caches = Caches(settings.cache_dir)
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
            f"Read {len(catalog.villages)} villages, {catalog.product_count} products "
            f"({time.monotonic() - started:.2f} s)"
        )
        now = build_now()
        check_claims(catalog, settings.lint, caches, now)
        registries = load_registries(settings.registries, settings.root)
        thresholds = thresholds_from(settings.thresholds)
        report = check_brands(catalog, registries, thresholds, settings.fail_on, settings.cache_dir)
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
            url=settings.site_url,
            language=settings.language,
            now=now,
            palettes=kit.palettes,
            site_palette=site_palette,
            timeline=timeline,
            assets=kit.assets,
            texts=Texts(caches.memo("markup")),
        )
        pages = plan_pages(catalog, site, report)
        calendars = calendar_files(
            catalog, timeline, Publisher(site.name, site.url, site.language), caches.memo("calendars")
        )
    finally:
        caches.save()
    stats = {"villages": len(catalog.villages), "products": catalog.product_count, "pages": len(pages), **kit.stats}
    return Prepared(catalog, site, pages, {**kit.files, **calendars}, stats, report, caches)


def check_claims(catalog: Catalog, config: LintConfig, caches: Caches | None = None, now=None) -> None:
    """The claims lint: error-level findings stop the build; warnings are printed."""
    findings = lint_catalog(catalog, config=config, now=now, memo=caches.memo("claims") if caches else None)
    if exit_status(findings):
        raise StorefrontError("The claims lint found words that cannot be published:\n" + to_text(findings))
    for finding in findings:
        log.info(f"Claims lint warning: {finding}")
