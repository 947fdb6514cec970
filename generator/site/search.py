"""Buyers' search, one small index per province: `search/<province>.json` holds that province's
villages and products (name, village, price, thumbnail), and nothing a buyer does not shop for (the
guide, the report, the benchmarks stay out). A page asks for its own province's index when search
is opened (theme/assets/javascripts/search-on-demand.js), and the others are a choice away, so what
a phone downloads grows with one province, not with the site. Substring matching needs no word
segmentation for Chinese names, and the ranking is the script's: a name that holds the query
before a village that only mentions it.
"""

from __future__ import annotations

import json
from collections import defaultdict

from generator.profile.categories import categories
from generator.profile.model import Catalog, Village, pick
from generator.site.pages import Site, region_slugs
from generator.urls import SEARCH_PROVINCES_URL, search_index_url
from generator.words import price_text, search_words

SEARCH_THUMBNAIL = 320
"""The width of the photo a result shows (at 48 px, the smallest published width is plenty)."""


def search_files(catalog: Catalog, site: Site) -> dict[str, bytes]:
    """Site-relative URL -> JSON of each province's index."""
    by_province: dict[str, list[Village]] = defaultdict(list)
    for village in catalog.villages:
        by_province[village.profile.region.province].append(village)
    slugs = region_slugs(list(by_province))
    # The largest first: where a page without a province (home, the schedule) searches by default.
    provinces = sorted(slugs, key=lambda name: (-len(by_province[name]), slugs[name]))
    head = {
        "provinces": [[name, slugs[name], len(by_province[name])] for name in provinces],
        "words": search_words(site.language),
    }
    files = {search_index_url(slugs[name]): _index(by_province[name], head, site) for name in provinces}
    files[SEARCH_PROVINCES_URL] = _json(head)
    return files


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _index(villages: list[Village], head: dict, site: Site) -> bytes:
    """`head` (every province [name, slug, villages], largest first, and the script's words) with
    "villages": [[slug, name, place, slogan]] and "products": [[village, id, name, price,
    thumbnail, category]]: compact rows, the village as an index into "villages"; page URLs are
    the script's to make (urls.py's patterns), thumbnails are site-relative."""
    language = site.language
    rows, products = [], []
    for n, village in enumerate(villages):
        profile = village.profile
        region = profile.region
        place = "".join(filter(None, [region.province, region.city, region.county]))
        rows.append([village.slug, pick(profile.name, language), place, pick(profile.slogan, language)])
        for product in profile.products:
            products.append(
                [
                    n,
                    product.id,
                    pick(product.name, language),
                    price_text(product.price) if product.price else "",
                    _thumbnail(site, village, product.images[0]) if product.images else "",
                    categories()[product.category].label(language),
                ]
            )
    return _json({**head, "villages": rows, "products": products})


def _thumbnail(site: Site, village: Village, relative: str) -> str:
    """The site-relative URL of the smallest WebP (else JPEG) copy of a photo."""
    picture = site.assets.picture(village, relative) if site.assets else None
    if picture is None:
        return ""
    _, widths = picture.sources[0]
    return min(widths, key=lambda pair: abs(pair[1] - SEARCH_THUMBNAIL))[0]
