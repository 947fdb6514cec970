"""The built sample site, read back as a browser and a search engine would read it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from generator.assets.palette import MIN_CONTRAST, WHITE, contrast
from generator.profile.read import load_catalog
from tests.conftest import REPO
from tests.reading import Page

CATALOG = load_catalog(REPO / "villages")


def read(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


def json_ld(page: Page) -> list[dict]:
    return [json.loads(text) for attributes, text in page.scripts if attributes.get("type") == "application/ld+json"]


def brand_variables(page: Page) -> dict[str, str]:
    style = next(s for s in page.styles if "--md-primary-fg-color" in s)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9A-F]{6})", style))


def test_there_are_enough_varied_samples():
    villages = CATALOG.villages
    assert len(villages) >= 8
    assert len({v.profile.region.province for v in villages}) >= 6
    categories = [c for v in villages for c in set(v.categories)]
    assert any(categories.count(c) >= 2 for c in set(categories)), "two villages should share a category"


@pytest.mark.parametrize("village", CATALOG.villages, ids=lambda v: v.slug)
def test_village_and_product_pages_exist_with_structured_data(sample_site, village):
    page = read(sample_site, f"villages/{village.slug}")
    graph = json_ld(page)[0]["@graph"]
    organization = next(n for n in graph if n["@type"] == "Organization")
    place = next(n for n in graph if n["@type"] == "Place")
    assert organization["name"] == village.profile.name["zh"]
    assert organization["url"].endswith(f"/villages/{village.slug}/")
    assert organization["location"]["@id"] == place["@id"]
    assert place["address"]["addressRegion"] == village.profile.region.province
    for product in village.profile.products:
        data = json_ld(read(sample_site, f"villages/{village.slug}/products/{product.id}"))[0]
        assert data["@type"] == "Product" and data["name"] == product.name["zh"]
        offer = data["offers"]
        assert offer["price"] == f"{product.price.amount:.2f}" and offer["priceCurrency"] == product.price.currency
        assert offer["availability"] in ("https://schema.org/InStock", "https://schema.org/OutOfStock")


@pytest.mark.parametrize("village", CATALOG.villages, ids=lambda v: v.slug)
def test_brand_colours_are_applied_and_readable(sample_site, village):
    variables = brand_variables(read(sample_site, f"villages/{village.slug}"))
    primary, on_primary = variables["--md-primary-fg-color"], variables["--md-primary-bg-color"]
    assert contrast(primary, on_primary) >= MIN_CONTRAST
    assert contrast(variables["--md-typeset-a-color"], WHITE) >= MIN_CONTRAST
    assert contrast(variables["--sf-accent"], variables["--sf-on-accent"]) >= MIN_CONTRAST
    colors = village.profile.brand.colors if village.profile.brand else None
    if colors and colors.primary and contrast(colors.primary, on_primary) >= MIN_CONTRAST:
        assert primary == colors.primary  # a readable brand colour is used as it is


def test_villages_get_their_own_colours(sample_site):
    primaries = {
        brand_variables(read(sample_site, f"villages/{v.slug}"))["--md-primary-fg-color"] for v in CATALOG.villages
    }
    assert len(primaries) == len(CATALOG.villages)


def test_markdown_pages_wear_the_site_colours(sample_site):
    home = brand_variables(read(sample_site, ""))
    guide = brand_variables(read(sample_site, "guide"))
    assert guide and guide["--md-primary-fg-color"] == home["--md-primary-fg-color"]
    assert "--md-primary-fg-color:" in (sample_site / "404.html").read_text(encoding="utf-8")


def test_no_broken_internal_links(sample_site):
    # 404.html links from the site's root path (site_url), since it is served at any depth.
    root = urlsplit(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]).path
    broken = []
    for html in sample_site.rglob("*.html"):
        for link in Page(html.read_text(encoding="utf-8")).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path)
            base = sample_site if path.startswith(root) else html.parent
            target = (base / path.removeprefix(root)).resolve()
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"{html.relative_to(sample_site)} -> {link}")
    assert not broken, "\n".join(broken[:20])


def test_home_lists_every_village_with_filters_that_work_without_javascript(sample_site):
    # Ten samples: all of them fit home's bounded selection (pages.HOME_VILLAGES).
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    for village in CATALOG.villages:
        assert f'href="villages/{village.slug}/"' in home
    filters = home[home.index('class="sf-filters"') :]
    assert re.search(r'class="sf-tag" href="regions/[a-z]+/"', filters)
    assert re.search(r'class="sf-tag" href="categories/[a-z-]+/"', filters)


def test_nav_stays_short(sample_site):
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    nav_links = re.findall(r'class="md-tabs__link', home)
    assert 3 <= len(nav_links) <= 8  # villages and products are reached through index pages


def test_social_meta_and_canonical(sample_site):
    text = (sample_site / "villages" / CATALOG.villages[0].slug / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://' in text
    assert re.search(r'<meta property="og:image" content="https://[^"]+\.(jpg|png|webp)">', text)
    assert '<meta name="twitter:card" content="summary_large_image">' in text
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/villages/{CATALOG.villages[0].slug}/</loc>" in sitemap


def test_chinese_search_index_is_built_offline(sample_site):
    village = CATALOG.villages[0]
    listing = json.loads((sample_site / "search" / "provinces.json").read_text(encoding="utf-8"))
    slug = next(s for name, s, _ in listing["provinces"] if name == village.profile.region.province)
    raw = (sample_site / "search" / f"{slug}.json").read_text(encoding="utf-8")
    assert village.profile.name["zh"] in raw, "Chinese is written as UTF-8, not as six-byte escapes"
    assert not re.search(r"\\u[4-9][0-9a-f]{3}", raw)
    assert village.profile.name["zh"] in [row[1] for row in json.loads(raw)["villages"]]
    assert '<html lang="zh"' in (sample_site / "index.html").read_text(encoding="utf-8")


def test_published_photos_carry_no_metadata(sample_site):
    from PIL import Image

    photos = list((sample_site / "villages").rglob("*.jpg"))
    assert photos
    for photo in photos:
        with Image.open(photo) as image:
            assert not image.getexif() and "icc_profile" not in image.info


def test_feeds_are_announced_and_exist(sample_site):
    for page in (sample_site / "index.html", sample_site / "villages" / "huangdu-white-tea" / "index.html"):
        feeds = re.findall(
            r'<link rel="alternate feed" type="application/atom\+xml" title="[^"]+" href="([^"]+)">',
            page.read_text(encoding="utf-8"),
        )
        assert len(feeds) == 1 and (page.parent / feeds[0]).is_file()
        # Not rel="alternate" alone, which Material reads as a language version and looks for a
        # sitemap.xml beside (a 404 on every page).
        assert '<link rel="alternate" type="application/atom+xml"' not in page.read_text(encoding="utf-8")


def test_json_schema_is_published(sample_site):
    schema = json.loads((sample_site / "village.schema.json").read_text(encoding="utf-8"))
    assert "products" in schema["properties"]


def test_products_carry_certificates_and_the_villages_promises(sample_site):
    village = next(
        v
        for v in CATALOG.villages
        if v.profile.service and v.profile.service.returns and any(p.certifications for p in v.profile.products)
    )
    product = next(p for p in village.profile.products if p.certifications)
    page_url = f"villages/{village.slug}/products/{product.id}"
    offer = json_ld(read(sample_site, page_url))[0]["offers"]
    assert offer["hasMerchantReturnPolicy"]["@type"] == "MerchantReturnPolicy"
    # The promises of this product (its own, or the village's that fit its kind) are on its page.
    assert offer["hasMerchantReturnPolicy"]["url"].endswith(f"/{page_url}/#service")
    html = (sample_site / page_url / "index.html").read_text(encoding="utf-8")
    for cert in product.certifications:
        assert f"证书编号：{cert.id}" in html and f"发证机构：{cert.issuer}" in html


def test_live_pages_show_scannable_qr_codes_of_the_channels(sample_site):
    import zxingcpp
    from PIL import Image

    village = next(v for v in CATALOG.villages if v.profile.live and v.profile.live.channels)
    for channel in village.profile.live.channels:
        qr = sample_site / "villages" / village.slug / "live" / f"qr-{channel.id}.png"
        with Image.open(qr) as image:
            assert [r.text for r in zxingcpp.read_barcodes(image)] == [channel.url]
    html = (sample_site / "villages" / village.slug / "live" / "index.html").read_text(encoding="utf-8")
    assert f'src="qr-{village.profile.live.channels[0].id}.png"' in html and "poster.webp" in html


@pytest.mark.parametrize(
    "target, base",
    [
        ("v/anji/", "v/anji/"),
        ("v/anji/products/tea/", "v/anji/"),
        ("v/anji/", "v/anji/products/tea/"),
        ("assets/brand/logo.png", "v/anji/live/"),
        ("", "v/anji/"),
        ("v/anji/", ""),
        ("search/", "search/"),
        ("v/anji/photos/tea 1,#2.jpg", "v/anji/products/tea/"),
        ("v/安吉/茶.webp", "v/安吉/"),
        ("v/a~b_c.d-e/x.png", "regions/"),
        ("v/anji/products/tea/", "v/anji/products/teapot/"),
    ],
)
def test_links_are_relative_and_percent_encoded(target, base):
    import posixpath
    from urllib.parse import quote

    from generator.site.render import relative_url

    # What the standard library says, from the page's folder (a page URL names a folder).
    expected = posixpath.relpath("/" + target.rstrip("/"), "/" + base.rstrip("/"))
    expected = (
        "./" if expected == "." else quote(expected, safe="/") + ("/" if target.endswith("/") or not target else "")
    )
    assert relative_url(target, base) == expected


@pytest.mark.parametrize("village", CATALOG.villages, ids=lambda v: v.slug)
def test_prices_read_as_chinese_shops_write_them_on_pages_and_cards(sample_site, village):
    from generator.words import price_parts

    for product in village.profile.products:
        amount, unit = price_parts(product.price)
        assert amount.startswith("¥") and not amount.endswith(".00")
        html = (sample_site / f"villages/{village.slug}/products/{product.id}/index.html").read_text(encoding="utf-8")
        assert f'<span class="sf-price__amount">{amount}</span>' in html
        assert "CNY " not in html and f"{product.price.amount:.2f}</span>" not in html
        if unit:
            assert f'<span class="sf-price__unit">/{unit}</span>' in html


def test_other_currencies_carry_their_sign():
    from generator.profile.schema import Price
    from generator.words import price_parts, price_text

    assert price_parts(Price(amount=98, currency="CNY", unit="5 kg")) == ("¥98", "5 kg")
    assert price_text(Price(amount=18.5, currency="EUR", unit="500 ml")) == "€18.50 / 500 ml"
    assert price_text(Price(amount=1200, currency="USD")) == "$1,200"
    assert price_text(Price(amount=3, currency="CHF")) == "CHF 3"


def test_buyers_search_holds_buyers_pages_only(sample_site):
    # Villages and their products, each once; not the guide, the report or the benchmarks.
    indexes = [json.loads(p.read_text(encoding="utf-8")) for p in (sample_site / "search").glob("*.json")]
    found = {row[1] for index in indexes for row in index.get("villages", [])}  # [slug, name, place, slogan]
    found |= {row[2] for index in indexes for row in index.get("products", [])}  # [village, id, name, ...]
    expected = {v.profile.name["zh"] for v in CATALOG.villages}
    expected |= {p.name["zh"] for v in CATALOG.villages for p in v.profile.products}
    assert found == expected
    mkdocs = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in mkdocs["docs"] if not d["location"].startswith(("guide", "benchmarks"))]


def test_not_found_page_speaks_chinese_and_leads_back(sample_site):
    text = (sample_site / "404.html").read_text(encoding="utf-8")
    assert "<h1>页面不存在</h1>" in text and "404 - Not found" not in text
    assert "回到首页" in text and "Made with" not in text


def test_a_village_page_wears_the_village_and_a_site_page_the_site(sample_site):
    village = CATALOG.village("huangdu-white-tea")
    for url in (f"villages/{village.slug}", f"villages/{village.slug}/products/{village.profile.products[0].id}"):
        page = (sample_site / url / "index.html").read_text(encoding="utf-8")
        topic = page[page.index('class="md-header__topic"') :][:200]
        assert village.profile.name["zh"] in topic and "Village Storefront" not in topic
        # The seal at the size it is shown (40 px), not the 512 px logo: 3 KB rather than 70.
        header = page[page.index('class="md-header__button md-logo"') :][:300]
        assert "brand/icon-96.png" in header and "brand/logo.png" not in page
        assert 'class="sf-brandbar"' in page and "brand/icon-96.png" in page[page.index('class="sf-brandbar"') :]
        footer = page[page.index('class="md-copyright"') :]
        assert village.profile.service.contact.phone in footer and "Made with" not in footer
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert "乡村好物" in home[home.index('class="md-header__topic"') :][:200]
    assert "sf-brandbar" not in home and "Made with" not in home


def test_pagination_reaches_every_item_and_its_pager_stays_short():
    from generator.site.pages import paginate
    from generator.urls import page_of

    pages = paginate(list(range(4000 * 24 + 1)), 24, lambda n: page_of("categories/tea/", n))
    assert [url for url, _, _ in pages[:2]] == ["categories/tea/", "categories/tea/page/2/"]
    assert sum(len(items) for _, items, _ in pages) == 4000 * 24 + 1 and len(pages[-1][1]) == 1
    middle = pages[2000][2]
    shown = [link and link[0] for link in middle.shown()]
    assert shown == [1, None, 1999, 2000, 2001, 2002, 2003, None, 4001]
    assert middle.previous == "categories/tea/page/2000/" and middle.next == "categories/tea/page/2002/"
    assert paginate([], 24, lambda n: page_of("x/", n))[0][0] == "x/"  # an empty listing still has its page


def test_a_product_and_the_live_session_that_sells_it_link_both_ways(sample_site):
    village = CATALOG.village("huangdu-white-tea")
    product = read(sample_site, f"villages/{village.slug}/products/white-tea-mingqian")
    assert "../../live/#douyin-main-20261204t1930" in product.links  # to the weekly tasting
    live = read(sample_site, f"villages/{village.slug}/live")
    assert "../products/white-tea-mingqian/" in live.links  # and back
