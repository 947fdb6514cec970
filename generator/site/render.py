"""One planned page rendered: its body from `theme/storefront/<template>` and its head (social
tags, icons, brand colours, JSON-LD). Works without MkDocs: the plugin only hands the results on.
Our templates run in an environment of their own with autoescaping on, since every value in them
comes from a profile.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from generator.assets.palette import css_variables
from generator.profile.categories import categories
from generator.profile.model import Village, pick
from generator.schedule.timeline import Occurrence
from generator.site.pages import PageSpec, Site
from generator.site.structured import events_graph, product_graph, script_tag, village_graph
from generator.urls import (
    SCHEDULE_URL,
    SEARCH_PROVINCES_URL,
    SITE_FEED_URL,
    absolute_url,
    category_url,
    live_url,
    photo_url,
    poster_thumbnail_url,
    poster_url,
    product_card_url,
    product_url,
    qr_url,
    region_url,
    seal_url,
    search_index_url,
    session_calendar_url,
    share_card_url,
    village_calendar_url,
    village_feed_url,
    village_url,
)
from generator.words import (
    browser_words,
    certificate_label,
    chinese,
    clock_span,
    day_label,
    platform_label,
    price_parts,
    role_label,
    say,
    shop_label,
    short_date,
    zone_label,
)

THEME_DIR = Path(__file__).resolve().parents[2] / "theme"


@dataclass(frozen=True)
class Rendered:
    head: Markup
    body: Markup
    footer: Markup = field(default_factory=Markup)
    """A village page's footer line (theme/partials/copyright.html); empty on the site's pages."""
    brand_name: str = ""
    logo: str = ""
    """A village page's name and seal (relative URL) for Material's header; empty on the site's."""
    search_index: str = ""
    """The search index (relative URL) the page searches first: its province's, else the list of
    provinces (partials/search.html)."""


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
    # Profile texts go through the build's converter (site.texts), which the page's context carries.
    # Paragraphs in the other language are folded into a <details> (markup.fold_other_language).
    env.filters["md"] = jinja2.pass_context(
        lambda context, text: context["site"].texts.html(text, context["site"].language)
    )
    env.filters["plain"] = jinja2.pass_context(
        lambda context, text, limit=160: context["site"].texts.plain(text, limit)
    )
    return env


def render_page(page: PageSpec, site: Site, theme_dir: Path = THEME_DIR) -> Rendered:
    env = _environment(theme_dir)
    language = site.language

    shards = site.shards

    def url(target: str) -> str:
        # A page of another shard is on another site: its absolute address there (site/shards.py).
        return (shards and shards.elsewhere(target)) or relative_url(target, page.url)

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
        "certification_label": lambda kind: certificate_label(kind, language),
        "product_url": product_url,
        "photo_url": photo_url,
        "village_url": village_url,
        "region_url": region_url,
        "category_url": category_url,
        "zh": chinese(language),
        # Buyers' words (generator/words.py): phrases, shops, roles, zones and prices.
        "w": lambda key, **values: say(language, key, **values),
        "shop": lambda platform: shop_label(platform, language),
        "role": lambda key: role_label(key, language),
        "zone": lambda name, moment=None: zone_label(name, language, moment),
        "price": price_parts,
        "live": _live_helpers(language, site.now),
        # Images (generator/assets): <picture> data for a profile photo, and the generated cards.
        "photo": lambda v, relative: _picture(site, v, relative, url),
        "share_card_url": share_card_url,
        "product_card_url": product_card_url,
        "poster_url": poster_url,
    }
    context.setdefault("category", None)
    context.setdefault("region", None)
    context["brand_logo"] = seal_url(page.village) if page.village else None
    body = env.get_template(page.template).render(context)
    footer = Markup("")
    if page.village is not None:
        body = Markup(env.get_template("brandbar.html").render(context)) + Markup(body)
        footer = Markup(env.get_template("footer.html").render(context))
    context["jsonld"] = [script_tag(g) for g in _graphs(page, site, absolute)]
    # The share card (a JPEG, which every crawler reads) where the page has one; a photo is given
    # by its largest width, since its own name is not published.
    social = page.images[0] if page.images else share_card_url(None) if site.assets else None
    social = site.assets.published(social) if social and site.assets else social
    context["social_image"] = absolute(social) if social and site.url else None
    context["icons"] = (
        {name: url(u) for name, u in site.assets.icons.get(page.village.slug if page.village else "", {}).items()}
        if site.assets
        else {}
    )
    context["page_url"] = absolute(page.url) if site.url else None
    context["brand_css"] = css_variables(context["palette"])
    head = env.get_template("head.html").render(context)
    search = url(search_index_url(page.scope) if page.scope else SEARCH_PROVINCES_URL)
    if page.village is None:
        return Rendered(Markup(head), Markup(body), footer, search_index=search)
    return Rendered(
        Markup(head),
        Markup(body),
        footer,
        pick(page.village.profile.name, language),
        url(context["brand_logo"]),
        search,
    )


def render_site_head(site: Site) -> Markup:
    """The head of a page written in Markdown (the guide, 404): the site's colours, so that it
    looks like the rest of the site rather than like Material's default indigo (main.html links
    the site's icons on every page)."""
    return Markup(f"<style>:root{{{css_variables(site.site_palette)}}}</style>")


def _graphs(page: PageSpec, site: Site, absolute) -> list[dict]:
    village = page.village
    images = [site.assets.published(u) for u in page.images] if site.assets else list(page.images)
    if page.template in ("schedule.html", "village-live.html") and page.data["schedule"].upcoming:
        return [events_graph(page.data["schedule"].upcoming, absolute, site.language)]
    if page.kind == "profile" and village:
        return [village_graph(village, page.url, images, absolute, site.language, site.texts)]
    if page.kind == "product" and village:
        product = page.data["product"]
        return [product_graph(village, product, page.url, images, absolute, site.now, site.language, site.texts)]
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


SOON = timedelta(days=1)
"""How close a start must be for 即将开始; a later one is 预告."""


def session_state(occurrence: Occurrence, now: datetime) -> str:
    """What a start is at `now`, as a key of words.py: on-air, soon, preview or ended."""
    if occurrence.end <= now:
        return "ended"
    if occurrence.start <= now:
        return "on-air"
    return "soon" if occurrence.start - now <= SOON else "preview"


def _live_helpers(language: str, now: datetime) -> dict[str, Any]:
    """What the schedule templates call, as `live.<name>(...)`."""
    return {
        "state": lambda o: session_state(o, now),
        "when": lambda o: f"{day_label(o.start, language)} {clock_span(o.start, o.end)}",
        "short": lambda o: short_date(o.start, language),
        "page": live_url,
        "calendar": session_calendar_url,
        "village_calendar": village_calendar_url,
        "village_feed": village_feed_url,
        "site_feed": lambda: SITE_FEED_URL,
        "schedule": lambda: SCHEDULE_URL,
        "has_page": lambda village: village.goes_live,
        "channel": lambda village, channel_id: village.channel(channel_id),
        "platform": lambda platform: platform_label(platform, language),
        "qr": qr_url,
        "poster": lambda o: poster_url(o.village, o.index),
        "poster_thumbnail": lambda o: poster_thumbnail_url(o.village, o.index),
        "hosts": lambda o: o.village.hosts(o.session),
        "labels": lambda: browser_words(language),
    }
