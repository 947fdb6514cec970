"""The pages of the site, as data: the `Site` context every page is rendered in, and `plan_pages`,
which decides which pages exist (one list, built once from the whole catalogue). render.py turns
each into HTML; neither needs MkDocs, the plugin only hands the results to it.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from generator.assets.kit import Assets
from generator.assets.palette import Palette
from generator.checks.differentiation import Report
from generator.profile.categories import categories
from generator.profile.model import Catalog, Village, pick
from generator.schedule.grouping import group_by_day
from generator.schedule.timeline import Timeline
from generator.site.markup import Texts
from generator.site.structured import in_season
from generator.urls import (
    CATEGORIES_URL,
    REGIONS_URL,
    REPORT_URL,
    SCHEDULE_URL,
    SITE_CALENDAR_URL,
    SITE_FEED_URL,
    category_url,
    live_url,
    photo_url,
    product_url,
    region_url,
    share_card_url,
    village_calendar_url,
    village_feed_url,
    village_url,
    webcal,
)
from generator.words import say

PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
# 陕西 and 山西 share the pinyin "shanxi"; the official romanization tells them apart.
PROVINCE_SLUGS = {
    "北京": "beijing",
    "天津": "tianjin",
    "河北": "hebei",
    "山西": "shanxi",
    "内蒙古": "neimenggu",
    "辽宁": "liaoning",
    "吉林": "jilin",
    "黑龙江": "heilongjiang",
    "上海": "shanghai",
    "江苏": "jiangsu",
    "浙江": "zhejiang",
    "安徽": "anhui",
    "福建": "fujian",
    "江西": "jiangxi",
    "山东": "shandong",
    "河南": "henan",
    "湖北": "hubei",
    "湖南": "hunan",
    "广东": "guangdong",
    "广西": "guangxi",
    "海南": "hainan",
    "重庆": "chongqing",
    "四川": "sichuan",
    "贵州": "guizhou",
    "云南": "yunnan",
    "西藏": "xizang",
    "陕西": "shaanxi",
    "甘肃": "gansu",
    "青海": "qinghai",
    "宁夏": "ningxia",
    "新疆": "xinjiang",
    "台湾": "taiwan",
    "香港": "xianggang",
    "澳门": "aomen",
}
"""Every provincial-level division, as pypinyin spells it, except 陕西: "shaanxi", the official
spelling that keeps it apart from 山西. A build of real villages then never imports pypinyin (a
third of a second); any other name still gets its pinyin."""


@dataclass(frozen=True)
class Site:
    name: str
    url: str | None
    """The public address (mkdocs.yml `site_url`), for canonical and social links."""
    language: str
    now: datetime
    palettes: Mapping[str, Palette]
    site_palette: Palette
    timeline: Timeline
    """Every start of every session the site shows."""
    assets: Assets | None = None
    """Responsive photos and icons, for the templates (None: plain <img>)."""
    texts: Texts = field(default_factory=Texts)
    """Profile Markdown as HTML and plain text, converted once per build."""


@dataclass(frozen=True)
class PageSpec:
    url: str
    """Site-relative directory URL, like `villages/huangdu/` ('' is home)."""
    title: str
    description: str
    template: str
    data: Mapping[str, Any] = field(default_factory=dict)
    village: Village | None = None
    images: tuple[str, ...] = ()
    """Site-relative image URLs, the first one the page's social image."""
    kind: str = "website"

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"

    def search_stub(self) -> str:
        """The Markdown MkDocs reads: front matter and the text the search index should hold."""
        # Material prints title and description into the page without escaping: escape them here.
        meta = {
            "title": html.escape(self.title),
            "description": html.escape(self.description),
            "template": "storefront.html",
            "hide": ["navigation", "toc"],
        }
        front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
        return f"---\n{front}\n---\n\n{_escape_markdown(self.description)}\n"


def _escape_markdown(text: str) -> str:
    # Profile text reaches the search index through Markdown: no HTML or link syntax may survive.
    return "".join(f"&#{ord(c)};" if c in "<>&[]`*_\\!#|" else c for c in text)


# --- which pages exist -------------------------------------------------------------------------


def plan_pages(catalog: Catalog, site: Site, report: Report | None = None) -> list[PageSpec]:
    language = catalog.language
    timeline = site.timeline
    pages = [_home(catalog, site)]
    by_province: dict[str, list[Village]] = defaultdict(list)
    by_category: dict[str, list[Village]] = defaultdict(list)
    for village in catalog.villages:
        by_province[village.profile.region.province].append(village)
        for category in village.categories:
            by_category[category].append(village)
        pages.append(_village_page(village, site))
        pages += [_product_page(village, product, site) for product in village.profile.products]
    provinces = region_slugs(list(by_province))
    pages.append(
        PageSpec(
            REGIONS_URL,
            say(language, "regions"),
            say(language, "regions.about"),
            "regions.html",
            {"provinces": [(n, provinces[n], len(by_province[n])) for n in provinces]},
        )
    )
    for name, slug in provinces.items():
        pages.append(
            PageSpec(
                region_url(slug),
                name,
                say(language, "region.about", name=name),
                "listing.html",
                {"villages": by_province[name], "heading": name},
            )
        )
    ordered = [c for c in categories().values() if c.id in by_category]
    pages.append(
        PageSpec(
            CATEGORIES_URL,
            say(language, "categories"),
            say(language, "categories.about"),
            "categories.html",
            {"categories": [(c, len(by_category[c.id])) for c in ordered]},
        )
    )
    for category in ordered:
        label = category.label(language)
        pages.append(
            PageSpec(
                category_url(category.id),
                label,
                say(language, "category.about", name=label),
                "listing.html",
                {"villages": by_category[category.id], "heading": label, "category": category.id},
            )
        )
    schedule = group_by_day(timeline.window(catalog.villages), site.now, language)
    pages.append(
        PageSpec(
            SCHEDULE_URL,
            say(language, "schedule"),
            say(language, "schedule.about"),
            "schedule.html",
            {"schedule": schedule, **_site_links(catalog.villages, site.url)},
        )
    )
    for village in catalog.villages:
        if not village.goes_live:
            continue
        name = pick(village.profile.name, language)
        hero = village.profile.brand.hero if village.profile.brand else None
        pages.append(
            PageSpec(
                live_url(village),
                say(language, "village.live", name=name),
                say(language, "village.live.about", name=name),
                "village-live.html",
                {
                    "schedule": group_by_day(timeline.window([village]), site.now, language),
                    **_village_links(village, site.url),
                },
                village,
                tuple(photo_url(village, p) for p in filter(None, [hero])),
            )
        )
    if report is not None:
        pages.append(_report_page(catalog, report))
    return pages


def _report_page(catalog: Catalog, report: Report) -> PageSpec:
    """For cooperatives, out of the nav and of search engines: look-alike brands and what is unique."""
    language = catalog.language
    flagged = len(report.pairs)
    return PageSpec(
        REPORT_URL,
        say(language, "report"),
        say(language, "report.about", villages=len(catalog.villages), flagged=flagged),
        "report.html",
        {"report": report, "villages": catalog.villages, "villages_by_slug": {v.slug: v for v in catalog.villages}},
        kind="report",
    )


def _home(catalog: Catalog, site: Site) -> PageSpec:
    provinces = region_slugs([v.profile.region.province for v in catalog.villages])
    used = {c for v in catalog.villages for c in v.categories}
    data = {
        "villages": catalog.villages,
        "provinces": list(provinces.items()),
        "categories": [c for c in categories().values() if c.id in used],
    }
    description = say(catalog.language, "site.about", villages=len(catalog.villages))
    return PageSpec("", site.name, description, "home.html", data)


def _village_page(village: Village, site: Site) -> PageSpec:
    profile, language = village.profile, site.language
    hero = profile.brand.hero if profile.brand else None
    images = (share_card_url(village), *(photo_url(village, p) for p in filter(None, [hero])))
    return PageSpec(
        village_url(village),
        pick(profile.name, language),
        f"{pick(profile.slogan, language)} {site.texts.plain(profile.story, 120)}".strip(),
        "village.html",
        {"upcoming": site.timeline.upcoming([village])},
        village,
        images,
        "profile",
    )


def _product_page(village: Village, product, site: Site) -> PageSpec:
    language = site.language
    images = (share_card_url(village, product.id), *(photo_url(village, p) for p in product.images))
    name = pick(product.name, language)
    return PageSpec(
        product_url(village, product.id),
        f"{name} · {pick(village.profile.name, language)}",
        site.texts.plain(product.description, 150),
        "product.html",
        {"product": product, "in_season": in_season(product, site.now)},
        village,
        images,
        "product",
    )


def region_slugs(provinces: list[str]) -> dict[str, str]:
    """A short, unique ASCII path segment per province: 浙江省 -> zhejiang, 陕西省 -> shaanxi."""
    slugs: dict[str, str] = {}
    for name in sorted(set(provinces)):
        core = name
        for suffix in PROVINCE_SUFFIXES:
            if core.endswith(suffix) and len(core) > len(suffix):
                core = core[: -len(suffix)]
                break
        slug = PROVINCE_SLUGS.get(core) or _pinyin(core)
        slug = "".join(c for c in slug if c.isascii() and c.isalnum())[:32] or "region"
        if slug in slugs.values():  # two names, one romanization: keep both pages apart
            slug = f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
        slugs[name] = slug
    return slugs


def _pinyin(text: str) -> str:
    # Imported only for a province the table does not name: pypinyin takes 0.2 s to import.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


def _village_links(village: Village, site_url: str | None) -> dict[str, str | None]:
    """The calendar, subscribe and feed links of a village's live page (none without sessions)."""
    calendar = village_calendar_url(village) if village.sessions else None
    return {
        "calendar_url": calendar,
        "webcal_url": calendar and webcal(site_url, calendar),
        "feed_url": village_feed_url(village),
    }


def _site_links(villages, site_url: str | None) -> dict[str, str | None]:
    """The same for the schedule of all villages."""
    calendar = SITE_CALENDAR_URL if any(v.sessions for v in villages) else None
    return {"calendar_url": calendar, "webcal_url": calendar and webcal(site_url, calendar), "feed_url": SITE_FEED_URL}
