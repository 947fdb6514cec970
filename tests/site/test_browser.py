"""The browse filters of home, category and region pages in a real browser: plain links to the
product grids, the same with JavaScript and without, so a buyer in any browser reaches them."""

from __future__ import annotations

import pytest

from generator.profile.read import load_catalog
from tests.conftest import REPO

CATALOG = load_catalog(REPO / "villages")


def _tile_names(page) -> list[str]:
    return page.eval_on_selector_all(".sf-grid .sf-tile__name", "tiles => tiles.map(t => t.textContent)")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_category_filter_leads_to_a_grid_of_its_products(site_url, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site_url)
    page.click('.sf-filters a[href$="categories/tea/"]')
    assert page.url == site_url + "categories/tea/"
    teas = [p.name["zh"] for v in CATALOG.villages for p in v.profile.products if p.category == "tea"]
    assert sorted(_tile_names(page)) == sorted(teas) and len(teas) >= 2
    assert page.inner_text('.sf-filters a[aria-current="page"]') == "茶叶"
    context.close()


def test_region_filter_lists_the_products_of_the_province(site_url, browser):
    page = browser.new_page()
    page.goto(site_url + "categories/tea/")
    province = CATALOG.villages[0].profile.region.province
    page.click(f'.sf-filters a:text-is("{province}")')
    expected = [
        p.name["zh"] for v in CATALOG.villages if v.profile.region.province == province for p in v.profile.products
    ]
    assert sorted(_tile_names(page)) == sorted(expected)
    page.close()


def test_home_offers_products_and_live_sessions(site_url, browser):
    page = browser.new_page()
    page.goto(site_url)
    assert 0 < len(_tile_names(page)) <= 12
    assert page.locator("#live ~ .sf-sessions .sf-session").count() >= 1
    page.close()
