"""The pages of the site, as data, and their bodies rendered from `theme/storefront/*.html`.

`plan_pages` decides which pages exist (one list, built once from the whole catalogue);
`render_page` turns one of them into HTML for the head and the body. Both work without MkDocs:
the plugin only hands the results to MkDocs. Our templates run in an environment of their own
with autoescaping on, since every value in them comes from a profile.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from generator import live, structured
from generator.categories import categories
from generator.differentiation import Report
from generator.markup import plain, render
from generator.model import Catalog, Village, pick
from generator.palette import Palette, css_variables
from generator.schedule import Occurrence, upcoming, window
from generator.urls import (
    absolute_url,
    photo_url,
    poster_url,
    product_card_url,
    product_url,
    session_card_url,
    share_card_url,
    village_url,
)

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
CERTIFICATION_LABELS = {
    "geographical-indication": ("地理标志产品", "Geographical indication"),
    "organic": ("有机产品认证", "Certified organic"),
    "green-food": ("绿色食品", "Green Food"),
    "intangible-heritage": ("非物质文化遗产", "Intangible cultural heritage"),
    "other": ("认证", "Certificate"),
}
# 陕西 and 山西 share the pinyin "shanxi"; the official romanization tells them apart.
PROVINCE_SLUGS = {
    "北京": "beijing", "天津": "tianjin", "河北": "hebei", "山西": "shanxi", "内蒙古": "neimenggu",
    "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang", "上海": "shanghai", "江苏": "jiangsu",
    "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi", "山东": "shandong",
    "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong", "广西": "guangxi",
    "海南": "hainan", "重庆": "chongqing", "四川": "sichuan", "贵州": "guizhou", "云南": "yunnan",
    "西藏": "xizang", "陕西": "shaanxi", "甘肃": "gansu", "青海": "qinghai", "宁夏": "ningxia",
    "新疆": "xinjiang", "台湾": "taiwan", "香港": "xianggang", "澳门": "aomen",
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
    schedule_window: tuple[timedelta, timedelta] = (timedelta(weeks=4), timedelta(weeks=8))
    """How far back and ahead of `now` the schedule pages list sessions."""
    assets: Any = None
    """generator.assets.kit.Assets: responsive photos and icons, for the templates (None: plain <img>)."""


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
    pages.append(PageSpec("regions/", _label(language, "地区", "Regions"), _label(language, "按省份浏览村庄", "Villages by province"),
                          "regions.html", {"provinces": [(n, provinces[n], len(by_province[n])) for n in provinces]}))
    for name, slug in provinces.items():
        pages.append(PageSpec(f"regions/{slug}/", name, _label(language, f"{name}的村庄", f"Villages in {name}"),
                              "listing.html", {"villages": by_province[name], "heading": name}))
    ordered = [c for c in categories().values() if c.id in by_category]
    pages.append(PageSpec("categories/", _label(language, "品类", "Categories"), _label(language, "按品类浏览村庄", "Villages by category"),
                          "categories.html", {"categories": [(c, len(by_category[c.id])) for c in ordered]}))
    for category in ordered:
        label = category.label(language)
        pages.append(PageSpec(f"categories/{category.id}/", label, _label(language, f"出产{label}的村庄", f"Villages that make {label}"),
                              "listing.html", {"villages": by_category[category.id], "heading": label, "category": category.id}))
    back, ahead = site.schedule_window
    schedule = live.group_by_day(window(catalog.villages, site.now, back, ahead), site.now, language)
    pages.append(PageSpec(live.SCHEDULE_URL, _label(language, "直播日程", "Live schedule"),
                          _label(language, "各村即将开始的直播", "Upcoming live sessions of every village"),
                          "schedule.html", {"schedule": schedule, **live.site_links(catalog.villages, site.url)}))
    for village in filter(live.has_live_page, catalog.villages):
        name = pick(village.profile.name, language)
        hero = village.profile.brand.hero if village.profile.brand else None
        pages.append(PageSpec(live.live_url(village), _label(language, f"{name} · 直播", f"{name} · Live"),
                              _label(language, f"{name}的直播间与直播日程", f"Where and when {name} goes live"), "village-live.html",
                              {"schedule": live.group_by_day(window([village], site.now, back, ahead), site.now, language),
                               **live.village_links(village, site.url)},
                              village, tuple(photo_url(village, p) for p in filter(None, [hero]))))
    if report is not None:
        pages.append(_report_page(catalog, report))
    return pages


def _report_page(catalog: Catalog, report: Report) -> PageSpec:
    """For cooperatives, out of the nav and of search engines: look-alike brands and what is unique."""
    language = catalog.language
    flagged = len(report.pairs)
    return PageSpec(
        "report/",
        _label(language, "品牌差异化报告", "Brand differentiation report"),
        _label(language, f"{len(catalog.villages)} 个村庄两两比较：{flagged} 对相似，以及每个村的独特之处",
               f"{len(catalog.villages)} villages compared: {flagged} similar pairs, and what only each has"),
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
    description = _label(catalog.language, f"{len(catalog.villages)} 个村庄的品牌与好物", f"The brands and goods of {len(catalog.villages)} villages")
    return PageSpec("", site.name, description, "home.html", data)


def _village_page(village: Village, site: Site) -> PageSpec:
    profile, language = village.profile, site.language
    hero = profile.brand.hero if profile.brand else None
    images = (share_card_url(village), *(photo_url(village, p) for p in filter(None, [hero])))
    return PageSpec(
        village_url(village),
        pick(profile.name, language),
        f"{pick(profile.slogan, language)} {plain(profile.story, 120)}".strip(),
        "village.html",
        {"upcoming": upcoming(village, site.now, site.schedule_window[1])},
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
        plain(product.description, 150),
        "product.html",
        {"product": product, "in_season": structured.in_season(product, site.now)},
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


def _label(language: str, zh: str, en: str) -> str:
    return zh if language.startswith("zh") else en


# --- rendering one page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    head: Markup
    body: Markup


@cache
def _environment(theme_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme_dir / "storefront"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates do not change during a build: without this, every include of every page
        # asks the file system whether its template changed (a hundred thousand stats per build).
        auto_reload=False,
    )
    env.filters["md"] = render
    env.filters["plain"] = plain
    return env


def render_page(page: PageSpec, site: Site, theme_dir: Path = THEME_DIR) -> Rendered:
    env = _environment(theme_dir)
    language = site.language

    def url(target: str) -> str:
        return relative_url(target, page.url)

    def absolute(target: str) -> str:
        return absolute_url(site.url, target)

    context = {
        **page.data,
        "page": page,
        "site": site,
        "village": page.village,
        "palette": site.palettes[page.village.slug] if page.village else site.site_palette,
        "t": lambda text: pick(text, language),
        "other": lambda text: _other_language(text, language),
        "url": url,
        "category_label": lambda cid: categories()[cid].label(language),
        "certification_label": lambda kind: CERTIFICATION_LABELS[kind][0 if language.startswith("zh") else 1],
        "product_url": product_url,
        "photo_url": photo_url,
        "village_url": village_url,
        "zh": language.startswith("zh"),
        "session_time": _session_time,
        "live": live.template_helpers(language),
        # Images (generator/assets): <picture> data for a profile photo, and the generated cards.
        "photo": lambda v, relative: _picture(site, v, relative, url),
        "share_card_url": share_card_url,
        "product_card_url": product_card_url,
        "session_card_url": session_card_url,
        "poster_url": poster_url,
    }
    body = env.get_template(page.template).render(context)
    context["jsonld"] = [structured.script_tag(g) for g in _graphs(page, site, absolute)]
    social = page.images[0] if page.images else share_card_url(None) if site.assets else None
    context["social_image"] = absolute(social) if social and site.url else None
    context["icons"] = {name: url(u) for name, u in site.assets.icons.get(page.village.slug if page.village else "", {}).items()} if site.assets else {}
    context["page_url"] = absolute(page.url) if site.url else None
    context["brand_css"] = css_variables(context["palette"])
    head = env.get_template("head.html").render(context)
    return Rendered(Markup(head), Markup(body))


def render_site_head(site: Site) -> Markup:
    """The head of a page written in Markdown (the guide, 404): the site's colours, so that it
    looks like the rest of the site rather than like Material's default indigo (main.html links
    the site's icons on every page)."""
    return Markup(f"<style>:root{{{css_variables(site.site_palette)}}}</style>")


def _graphs(page: PageSpec, site: Site, absolute) -> list[dict]:
    village = page.village
    if page.template in ("schedule.html", "village-live.html") and page.data["schedule"].upcoming:
        return [live.events_graph(page.data["schedule"].upcoming, absolute, site.language)]
    if page.kind == "profile" and village:
        return [structured.village_graph(village, page.url, list(page.images), absolute, site.language)]
    if page.kind == "product" and village:
        product = page.data["product"]
        return [structured.product_graph(village, product, page.url, list(page.images), absolute, site.now, site.language)]
    return []


def _picture(site: Site, village: Village, relative: str, url) -> dict[str, Any]:
    """What partials/picture.html needs for one profile photo, its URLs relative to the page."""
    found = site.assets.picture(village, relative) if site.assets else None
    if found is None:  # no assets built (a template test): the photo as it is
        return {"sources": [], "src": url(photo_url(village, relative)), "srcset": "", "width": None, "height": None}
    return found.relative(url)


def relative_url(target: str, base: str) -> str:
    """`target` (site-relative) as seen from the page at `base`, so the site works in any folder."""
    is_directory = target == "" or target.endswith("/")
    relative = _relative_path(_parts(target.rstrip("/")), _parts(base.rstrip("/")))
    if relative == ".":
        return "./"
    # Percent-encoded: a photo named "tea 1,#2.jpg" must not break a srcset or become a fragment.
    # Most links are plain ASCII slugs, which quote() would return unchanged at some cost.
    if not _URL_SAFE.fullmatch(relative):
        relative = quote(relative, safe="/")
    return relative + "/" if is_directory else relative


_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")
"""What quote(..., safe="/") leaves as it is."""


@lru_cache(maxsize=1 << 16)
def _parts(path: str) -> tuple[str, ...]:
    # A site of 1,000 villages links a few hundred thousand times: every page splits its own URL
    # once and most targets (icons, photos, village pages) recur across pages.
    return tuple(part for part in posixpath.normpath(path or ".").split("/") if part != ".")


def _relative_path(to: tuple[str, ...], start: tuple[str, ...]) -> str:
    # posixpath.relpath, without its two abspath calls (a getcwd each).
    common = 0
    for a, b in zip(to, start):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + list(to[common:])) or "."


def _other_language(text: Mapping[str, str] | None, language: str) -> str:
    """The same text in a second language, shown small beside the first where it helps."""
    if not text:
        return ""
    main = pick(text, language)
    return next((value for code, value in text.items() if value != main), "")


def _session_time(occurrence: Occurrence) -> str:
    """`2026-12-04 19:30–21:30 (UTC+08:00)`: village time, with its offset spelt out."""
    return live.session_time(occurrence)
