"""The build's ordered steps, and output that replaces the previous site only when all went well.

read and validate every profile -> lint claims -> check brands against each other ->
publish photos -> palettes -> plan pages and files. Nothing is written to
the site before everything is known; MkDocs then renders the planned pages (see plugin.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from PIL import Image

from generator import markup
from generator.assets.cache import Memo, Stamps, code_identity, digest
from generator.assets.kit import build_kit
from generator.assets.photos import MAX_PIXELS
from generator.assets.qr import qr_files
from generator.calendar import calendar_files
from generator.checking import check_brands
from generator.differentiation import Registry, Report, Thresholds
from generator.errors import StorefrontError
from generator.lint import LintConfig, exit_status, lint_catalog, to_text
from generator.model import Catalog, Village
from generator.pages import PageSpec, Site, plan_pages
from generator.palette import Palette, build_palette
from generator.profiles import load_catalog
from generator.progress import Progress
from generator.schedule import build_now
from generator.urls import photo_url

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
    after_render: list[Memo] = field(default_factory=list)
    """Memos that rendering pages adds to: saved once the site is built."""


def prepare(
    villages_dir: Path,
    *,
    cache_dir: Path,
    site_name: str,
    site_url: str | None,
    language: str,
    site_colors: tuple[str, str],
    schedule_window: tuple[timedelta, timedelta] = (timedelta(weeks=4), timedelta(weeks=8)),
    progress: Progress | None = None,
    max_image_pixels: int = MAX_PIXELS,
    lint: LintConfig | None = None,
    registries: list[Registry] | None = None,
    thresholds: Thresholds | None = None,
    fail_on: str = "fail",
) -> Prepared:
    """Everything the site needs, computed before anything is written; raises ProfileErrors."""
    started = time.monotonic()
    markup_memo = Memo(cache_dir, "markup")
    markup.remember_in(markup_memo)
    villages_memo, stamps = Memo(cache_dir, "villages", pickled=True), Stamps(cache_dir)
    catalog = load_catalog(villages_dir, language=language, max_pixels=max_image_pixels, memo=villages_memo,
                           stamps=stamps)
    villages_memo.save()
    log.info(f"Read {len(catalog.villages)} villages, {catalog.product_count} products "
             f"({time.monotonic() - started:.2f} s)")
    claims_memo = Memo(cache_dir, "claims")
    check_claims(catalog, lint or LintConfig(), claims_memo)
    claims_memo.save()
    report = check_brands(catalog, registries or [], thresholds or Thresholds(), fail_on, cache_dir)
    now = build_now()
    site_palette = build_palette(*site_colors, photo=None, seed="site")
    # Photos, then palettes (from the published hero), then marks, icons, cards and posters.
    palettes_memo = Memo(cache_dir, "palettes")
    kit = build_kit(catalog, cache_dir, palette_of=partial(_village_palette, memo=palettes_memo),
                    site_palette=site_palette, site_name=site_name, now=now, progress=progress,
                    max_pixels=max_image_pixels, stamps=stamps)  # it saves the stamps
    palettes_memo.save()
    photos, made, palettes = kit.photos, kit.stats["photos_made"], kit.palettes
    site = Site(
        name=site_name,
        url=site_url or None,
        language=language,
        now=now,
        palettes=palettes,
        site_palette=site_palette,
        assets=kit.assets,
        schedule_window=schedule_window,
    )
    pages = plan_pages(catalog, site, report)
    stats = {"villages": len(catalog.villages), "products": catalog.product_count, "pages": len(pages),
             "photos": len(photos), "photos_made": made, **kit.stats}
    calendars_memo = Memo(cache_dir, "calendars")
    files: dict[str, Path | bytes] = {**kit.files, **calendar_files(catalog, site, calendars_memo),
                                      **qr_files(catalog, cache_dir)}
    calendars_memo.save()
    return Prepared(catalog, site, pages, files, stats, report, after_render=[markup_memo])


def check_claims(catalog: Catalog, config: LintConfig, memo: Memo | None = None) -> None:
    """The claims lint: error-level findings stop the build; warnings are printed."""
    findings = lint_catalog(catalog, config=config, memo=memo)
    if exit_status(findings):
        raise StorefrontError("The claims lint found words that cannot be published:\n" + to_text(findings))
    for finding in findings:
        log.info(f"Claims lint warning: {finding}")


def _village_palette(village: Village, photos: dict[str, Path], memo: Memo | None = None) -> Palette:
    brand = village.profile.brand
    colors = brand.colors if brand else None
    primary, accent = (colors.primary, colors.accent) if colors else (None, None)
    hero = photos[photo_url(village, brand.hero)] if brand and brand.hero and not (primary and accent) else None
    # The published hero's name is a digest of its bytes; the palette code and the colour and image
    # libraries are in the key too (a palette takes 5 to 10 ms, most of it colour science).
    key = digest(code_identity(("generator.palette",), ("coloraide", "pillow")), primary, accent,
                 hero and hero.name, village.slug)
    compute = lambda: asdict(_palette_from(primary, accent, hero, village.slug))
    fields = memo.get(key, compute) if memo else compute()
    palette = Palette(**{**fields, "adjustments": tuple(fields["adjustments"])})
    for note in palette.adjustments:
        log.info(f"{village.source}: {note}")
    if palette.source != "profile":
        log.info(f"{village.source}: brand colours derived from the {palette.source} ({palette.primary}, {palette.accent})")
    return palette


def _palette_from(primary: str | None, accent: str | None, hero: Path | None, seed: str) -> Palette:
    photo = None
    if hero:
        with Image.open(hero) as image:
            image.draft("RGB", (128, 128))  # a palette needs only a thumbnail: decode JPEG at 1/8
            photo = image.convert("RGB")
    return build_palette(primary, accent, photo=photo, seed=seed)


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
