"""Buyers' search in a real Chromium, on the sample site: nothing fetched until search is opened,
then only the page's province (or, on a page without one, the list of provinces and the largest);
text that arrives without a key event (pasted, or from a Chinese input method) is searched; the
product named for the words ranks first, with its photo and price; the other provinces are a
choice away. And the two things every page used to do: a 404 for sitemap.xml (Material's lookup
beside the feed link) and the first row of a grid waiting for lazy loading."""

from __future__ import annotations

import json
from pathlib import Path

from generator.profile.read import load_catalog
from generator.site.pages import FIRST_ROW, region_slugs
from tests.conftest import REPO

CATALOG = load_catalog(REPO / "villages")
AZHEKE = "villages/azheke-hani-red-rice/"
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[1] / "browser" / "screenshots"


def _open(browser, url, viewport=PHONE):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    fetched, errors = [], []
    page.on("request", lambda request: fetched.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return context, page, fetched, errors


def _searches(fetched, site_url):
    return [u.removeprefix(site_url) for u in fetched if u.startswith(site_url + "search/")]


def test_search_fetches_nothing_until_opened_then_its_province_and_ranks_the_named_product_first(browser, site_url):
    context, page, fetched, errors = _open(browser, site_url + AZHEKE + "products/mushroom-house-stay/")
    page.wait_for_load_state("networkidle")
    assert _searches(fetched, site_url) == []  # and no worker of Material's search either
    assert not [u for u in fetched if "workers/search" in u]
    with page.expect_response(lambda r: r.url.endswith("search/yunnan.json")):
        page.click("label.md-header__button[for=__search]")
    # fill() sets the text with an input event and no key events, as a paste or an IME does.
    page.fill("[data-sf-search-input]", "红米")
    first = page.locator("[data-sf-search-results] li").first
    first.wait_for()
    assert first.locator(".sf-search__name").inner_text() == "梯田红米"
    assert first.locator(".sf-search__price").inner_text() == "¥36 / 1 kg"
    assert first.locator("a").get_attribute("href").endswith(AZHEKE + "products/terrace-red-rice/")
    thumbnail = first.locator("img.sf-search__thumb")
    thumbnail.evaluate("img => img.decode()")
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    names = page.locator("[data-sf-search-results] .sf-search__name").all_inner_texts()
    assert names.index("梯田红米") < names.index("阿者科村")  # the village only mentions it
    assert page.inner_text("[data-sf-search-meta]") == f"找到{len(names)}件"
    assert _searches(fetched, site_url) == ["search/yunnan.json"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "search-390.png")
    first.locator("a").click()
    page.wait_for_url("**/terrace-red-rice/")
    assert not errors
    context.close()


def test_a_page_without_a_province_searches_the_largest_and_offers_the_others(browser, site_url):
    context, page, fetched, errors = _open(browser, site_url, {"width": 1280, "height": 900})
    page.focus("[data-sf-search-input]")
    page.fill("[data-sf-search-input]", "红米")
    page.wait_for_function("document.querySelector('[data-sf-search-meta]').textContent.length > 0")
    provinces = region_slugs([v.profile.region.province for v in CATALOG.villages])
    largest = max(provinces, key=lambda name: sum(v.profile.region.province == name for v in CATALOG.villages))
    assert _searches(fetched, site_url) == ["search/provinces.json", f"search/{provinces[largest]}.json"]
    assert "没有找到“红米”" in page.inner_text("[data-sf-search-meta]")  # not grown in Zhejiang
    options = page.eval_on_selector_all("[data-sf-search-scope] option", "os => os.map(o => o.value)")
    assert sorted(options) == sorted(provinces.values())
    page.select_option("[data-sf-search-scope]", "yunnan")
    page.locator("[data-sf-search-results] li").first.wait_for()
    assert page.locator("[data-sf-search-results] .sf-search__name").first.inner_text() == "梯田红米"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "search-1280.png")
    assert not errors
    context.close()


def test_each_province_index_holds_its_own_villages_only(sample_site):
    listing = json.loads((sample_site / "search" / "provinces.json").read_text(encoding="utf-8"))
    assert sum(count for _, _, count in listing["provinces"]) == len(CATALOG.villages)
    for name, slug, count in listing["provinces"]:
        index = json.loads((sample_site / "search" / f"{slug}.json").read_text(encoding="utf-8"))
        expected = [v for v in CATALOG.villages if v.profile.region.province == name]
        assert [row[0] for row in index["villages"]] == [v.slug for v in expected] and count == len(expected)
        assert len(index["products"]) == sum(len(v.profile.products) for v in expected)
    # MkDocs' own index keeps none of the generated pages (nor is it fetched by any page).
    docs = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not [d for d in docs if d["location"].startswith(("villages/", "regions/", "categories/", "schedule/"))]


def test_no_page_asks_for_what_is_not_there_and_a_grids_first_row_loads_at_once(browser, site_url):
    missing = []
    for url in ("", AZHEKE, AZHEKE + "products/terrace-red-rice/", "schedule/", "regions/yunnan/", "categories/"):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.goto(site_url + url)
        page.wait_for_load_state("networkidle")
        context.close()
    assert missing == []  # no sitemap.xml beside the feed link, nor anything else
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "categories/tea/")
    loading = page.eval_on_selector_all(".sf-grid .sf-tile__image", "imgs => imgs.map(i => i.loading)")
    assert loading[:2] == ["auto", "auto"] and "lazy" not in loading[:FIRST_ROW]
    context.close()
