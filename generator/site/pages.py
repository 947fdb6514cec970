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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from generator.assets.kit import Assets
from generator.assets.palette import Palette
from generator.checks.differentiation import Report
from generator.profile.categories import categories
from generator.profile.model import Catalog, Village, pick
from generator.schedule.grouping import SeriesDay, SeriesGroup, SeriesSchedule, group_series, series_of
from generator.schedule.timeline import Timeline
from generator.site.markup import Texts
from generator.site.structured import in_season, promises
from generator.urls import (
    CATEGORIES_URL,
    REGIONS_URL,
    REPORT_URL,
    SCHEDULE_URL,
    SITE_CALENDAR_URL,
    SITE_FEED_URL,
    category_url,
    live_url,
    page_of,
    photo_url,
    product_url,
    region_url,
    schedule_week_url,
    share_card_url,
    village_calendar_url,
    village_feed_url,
    village_url,
    webcal,
)
from generator.words import say, short_date

if TYPE_CHECKING:
    from generator.site.shards import Shards

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


PRODUCTS_PER_PAGE = 24
"""Products on one page of a category or region grid: a page weighs the same at any site size."""
FIRST_ROW = 6
"""Tiles a grid loads at once, not lazily: its first row at 1280 px (six of at least 8rem); on a
phone the first three rows, which Chromium would fetch before any scrolling anyway."""
SERIES_PER_PAGE = 30
"""Live sessions on one page of a week of the all-villages schedule."""
HOME_PRODUCTS = 12
HOME_SESSIONS = 6
HOME_VILLAGES = 12
"""What home shows of each: a selection, with links to the whole lists."""
OTHER_PRODUCTS = 4
"""How many of the village's other products a product page offers (本村其他好物)."""


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
    shards: Shards | None = None
    """A site built as several (site/shards.py): every shard, and the one this site is; None for a
    site built whole."""
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
    scope: str = ""
    """The province (slug) whose search index the page searches first; '' for the largest."""

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
        # Buyers search their own index (site/search.py): MkDocs' index keeps only the pages
        # written in Markdown, which nobody's page fetches.
        meta["search"] = {"exclude": True}
        front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
        return f"---\n{front}\n---\n\n{_escape_markdown(self.description)}\n"


@dataclass(frozen=True)
class Listed:
    """A product in a grid: the village it comes from, and whether it is in season at build time."""

    village: Village
    product: Any
    in_season: bool


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its listing: its number, and every page's URL (site-relative)."""

    number: int
    urls: tuple[str, ...]

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < len(self.urls) else None

    def shown(self, around: int = 2) -> list[tuple[int, str] | None]:
        """The page links a pager shows: the first, the last and `around` either side of this one;
        None where pages are skipped. A listing of 4,000 pages still has a pager of ten links."""
        last = len(self.urls)
        numbers = sorted({1, last, *range(max(1, self.number - around), min(last, self.number + around) + 1)})
        links: list[tuple[int, str] | None] = []
        for n in numbers:
            if links and links[-1] is not None and n - links[-1][0] > 1:
                links.append(None)
            links.append((n, self.urls[n - 1]))
        return links


def paginate(items: list, size: int, url_of) -> list[tuple[str, list, Pager]]:
    """`items` cut into pages of `size` (at least one page): (url, its items, its pager)."""
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    urls = tuple(url_of(n) for n in range(1, len(chunks) + 1))
    return [(urls[n], chunk, Pager(n + 1, urls)) for n, chunk in enumerate(chunks)]


def _escape_markdown(text: str) -> str:
    # Profile text reaches the search index through Markdown: no HTML or link syntax may survive.
    return "".join(f"&#{ord(c)};" if c in "<>&[]`*_\\!#|" else c for c in text)


# --- which pages exist -------------------------------------------------------------------------


def plan_pages(
    catalog: Catalog, site: Site, report: Report | None = None, everyone: Catalog | None = None
) -> list[PageSpec]:
    """`everyone`: the whole catalogue when `catalog` is part of it (a shard, a preview), so that the
    report names the other villages of its pairs."""
    if site.shards and site.shards.is_index:
        return _index_pages(site)
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
    browse = browse_links(catalog)
    pages.append(
        PageSpec(
            REGIONS_URL,
            say(language, "regions"),
            say(language, "regions.about"),
            "regions.html",
            _provinces(site) or {"provinces": [(n, provinces[n], len(by_province[n])) for n in provinces]},
        )
    )
    for name, slug in provinces.items():
        pages += [
            replace(p, scope=slug)
            for p in _grid_pages(
                region_url(slug),
                name,
                say(language, "region.about", name=name),
                by_province[name],
                site,
                {"region": slug, **browse},
            )
        ]
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
        pages += _grid_pages(
            category_url(category.id),
            label,
            say(language, "category.about", name=label),
            by_category[category.id],
            site,
            {"category": category.id, **browse},
            only=category.id,
        )
    pages += _schedule_pages(catalog, site)
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
                    "schedule": group_series(timeline.window([village]), site.now, language),
                    **_village_links(village, site.url),
                },
                village,
                (share_card_url(village), *(photo_url(village, p) for p in filter(None, [hero]))),
            )
        )
    if report is not None:
        pages.append(_report_page(catalog, report, everyone or catalog))
    # Search starts in the page's own province: a village's, or the region page's.
    return [replace(p, scope=provinces[p.village.profile.region.province]) if p.village else p for p in pages]


def _provinces(site: Site) -> dict[str, Any] | None:
    """What the regions page of a shard lists: every province of the whole site (the others'
    links lead to their shards, render.py), and the way to the national index."""
    if site.shards is None:
        return None
    shards = site.shards.by_name.values()
    return {
        "provinces": [(s.province, s.name, len(s.villages)) for s in shards],
        "index_url": None if site.shards.is_index else site.shards.index_url,
    }


def _index_pages(site: Site) -> list[PageSpec]:
    """The national index of a sharded site: home and the regions page, each the provinces with
    their counts and links to their shards; no village pages, no photos."""
    language = site.language
    assert site.shards is not None
    villages = sum(len(s.villages) for s in site.shards.by_name.values())
    data = _provinces(site)
    return [
        PageSpec("", site.name, say(language, "site.about", villages=villages), "regions.html", data),
        PageSpec(REGIONS_URL, say(language, "regions"), say(language, "regions.about"), "regions.html", data),
    ]


def _report_page(catalog: Catalog, report: Report, everyone: Catalog) -> PageSpec:
    """For cooperatives, out of the nav and of search engines: look-alike brands and what is unique."""
    language = catalog.language
    flagged = len(report.pairs)
    return PageSpec(
        REPORT_URL,
        say(language, "report"),
        say(language, "report.about", villages=len(catalog.villages), flagged=flagged),
        "report.html",
        {"report": report, "villages": catalog.villages, "villages_by_slug": {v.slug: v for v in everyone.villages}},
        kind="report",
    )


def _home(catalog: Catalog, site: Site) -> PageSpec:
    """Home: live sessions coming up, a selection of products and of villages, the ways to browse.
    Each is a bounded selection, so home weighs the same with ten villages or ten thousand."""
    data = {
        "villages": catalog.villages[:HOME_VILLAGES],
        "products": _selection(catalog.villages, site.now),
        "sessions": series_of(site.timeline.upcoming(catalog.villages), site.now, site.language)[:HOME_SESSIONS],
        **browse_links(catalog),
    }
    description = say(catalog.language, "site.about", villages=len(catalog.villages))
    return PageSpec("", site.name, description, "home.html", data)


def _selection(villages: list[Village], now: datetime) -> list[Listed]:
    """HOME_PRODUCTS products for home: one per village in turn (in season first), so that one
    village with many products does not fill it."""
    chosen: list[Listed] = []
    for village in villages:
        products = sorted(village.profile.products, key=lambda p: not in_season(p, now))
        if products:
            chosen.append(Listed(village, products[0], in_season(products[0], now)))
        if len(chosen) == HOME_PRODUCTS:
            break
    return chosen


def _grid_pages(listing: str, heading: str, about: str, villages, site: Site, data: dict, only: str | None = None):
    """A region's or a category's products as a grid, PRODUCTS_PER_PAGE a page; in-season first."""
    listed = [
        Listed(v, p, in_season(p, site.now))
        for v in villages
        for p in v.profile.products
        if only is None or p.category == only
    ]
    listed.sort(key=lambda entry: not entry.in_season)  # stable: village and product order kept
    pages = []
    for url, chunk, pager in paginate(listed, PRODUCTS_PER_PAGE, lambda n: page_of(listing, n)):
        title = (
            heading
            if pager.number == 1
            else f"{heading} · {say(site.language, 'page.of', page=pager.number, pages=len(pager.urls))}"
        )
        pages.append(
            PageSpec(
                url,
                title,
                about,
                "listing.html",
                {
                    **data,
                    "heading": heading,
                    "products": chunk,
                    "pager": pager,
                    "total": len(listed),
                    "first_row": FIRST_ROW,
                },
            )
        )
    return pages


def _schedule_pages(catalog: Catalog, site: Site) -> list[PageSpec]:
    """The all-villages schedule, a week a page (SERIES_PER_PAGE sessions at most): /schedule/ is
    the week of the build's now, whatever it holds, with the weeks of the timeline's window either
    side of it (each reachable from the next, empty ones too, so the links never skip a week); each
    session once a week, by its first start that week. A start beyond the window is left to its
    village's page: the pages a build writes are bounded by the window, not by how far ahead a
    cooperative plans."""
    language = site.language
    timeline = site.timeline
    mondays = _weeks(timeline.now, timeline.back, timeline.ahead)
    weeks: dict[date, list] = {monday: [] for monday in mondays}
    for o in timeline.window(catalog.villages):
        if _monday(o.start) in weeks:
            weeks[_monday(o.start)].append(o)
    this_week = _monday(timeline.now)
    week_urls = {m: (SCHEDULE_URL if m == this_week else schedule_week_url(m)) for m in mondays}
    busy = [m for m in mondays if weeks[m]]
    pages = []
    for position, week in enumerate(mondays):
        # An empty week points to the next that has sessions, however many empty weeks lie between.
        later = next((m for m in busy if m > week), None) if not weeks[week] else None
        schedule = group_series(weeks[week], site.now, language)
        entries = [(group, day, s) for group in schedule.groups for day in group.days for s in day.series]
        base = week_urls[week]
        week_words = _week_words(week, language)
        for url, chunk, pager in paginate(entries, SERIES_PER_PAGE, lambda n, base=base: page_of(base, n)):
            pages.append(
                PageSpec(
                    url,
                    say(language, "schedule") if url == SCHEDULE_URL else f"{say(language, 'schedule')} · {week_words}",
                    say(language, "schedule.about"),
                    "schedule.html",
                    {
                        "schedule": _regroup(chunk, schedule),
                        "week": week_words,
                        "pager": pager,
                        "this_week": None if week == this_week else SCHEDULE_URL,
                        "next_busy": later and (week_urls[later], _week_words(later, language)),
                        "previous_week": week_urls[mondays[position - 1]] if position else None,
                        "next_week": week_urls[mondays[position + 1]] if position + 1 < len(mondays) else None,
                        **_site_links(catalog.villages, site.url),
                    },
                )
            )
    return pages


def _week_words(monday: date, language: str) -> str:
    """`11月30日 周一–12月6日 周日`."""
    return say(
        language, "week.of", first=short_date(monday, language), last=short_date(monday + timedelta(days=6), language)
    )


def _weeks(now: datetime, back: timedelta, ahead: timedelta) -> list[date]:
    """The Mondays of every week the window [now - back, now + ahead] touches, in order."""
    first, last = _monday(now - back), _monday(now + ahead)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _monday(moment) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def _regroup(entries, schedule):
    """The part of a schedule on one page: its groups and days, with only that page's series."""
    groups: dict[str, dict] = {}
    for group, day, series in entries:
        groups.setdefault(group.id, {"label": group.label, "days": {}})["days"].setdefault(day.date, [day.label, []])[
            1
        ].append(series)
    built = tuple(
        SeriesGroup(gid, g["label"], tuple(SeriesDay(d, label, tuple(ss)) for d, (label, ss) in g["days"].items()))
        for gid, g in groups.items()
    )
    shown = {(s.occurrence.village.slug, s.occurrence.index) for _, _, s in entries}
    return SeriesSchedule(built, tuple(o for o in schedule.upcoming if (o.village.slug, o.index) in shown))


def _village_page(village: Village, site: Site) -> PageSpec:
    profile, language = village.profile, site.language
    hero = profile.brand.hero if profile.brand else None
    images = (share_card_url(village), *(photo_url(village, p) for p in filter(None, [hero])))
    return PageSpec(
        village_url(village),
        pick(profile.name, language),
        f"{pick(profile.slogan, language)} {site.texts.plain(profile.story, 120)}".strip(),
        "village.html",
        {"upcoming": series_of(site.timeline.upcoming([village]), site.now, language)},
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
        {
            "product": product,
            "in_season": in_season(product, site.now),
            "promises": promises(village, product),
            "others": [p for p in village.profile.products if p.id != product.id][:OTHER_PRODUCTS],
            "sessions": [
                entry
                for entry in series_of(site.timeline.upcoming([village]), site.now, language)
                if product.id in entry.occurrence.session.products
            ],
        },
        village,
        images,
        "product",
    )


def browse_links(catalog: Catalog) -> dict[str, tuple]:
    """What the filters of home, region and category pages link to: the categories in use, and
    every province with its slug (partials/filters.html)."""
    used = {c for v in catalog.villages for c in v.categories}
    provinces = region_slugs([v.profile.region.province for v in catalog.villages])
    return {
        "filter_categories": tuple(c for c in categories().values() if c.id in used),
        "filter_provinces": tuple(provinces.items()),
    }


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
