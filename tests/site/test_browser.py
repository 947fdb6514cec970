"""The home page's filters in a real browser: with JavaScript they filter in place; without it
they are links to the region and category pages and every village is listed."""

from __future__ import annotations

from generator.profile.read import load_catalog
from tests.conftest import REPO

CATALOG = load_catalog(REPO / "villages")


def _visible_villages(page) -> list[str]:
    return page.eval_on_selector_all(".sf-card:not([hidden]) .sf-card__name", "cards => cards.map(c => c.textContent)")


def test_filters_combine_and_reset(site_url, browser):
    page = browser.new_page()
    page.goto(site_url)
    assert len(_visible_villages(page)) == len(CATALOG.villages)
    tea = [v.profile.name["zh"] for v in CATALOG.villages if "tea" in v.categories]
    page.click('[data-filter="category"][data-value="tea"]')
    assert sorted(_visible_villages(page)) == sorted(tea) and len(tea) >= 2
    assert page.get_attribute('[data-filter="category"][data-value="tea"]', "aria-pressed") == "true"
    province = CATALOG.villages[0].profile.region.province
    page.click(f'[data-filter="province"][data-value="{province}"]')
    both = [
        v.profile.name["zh"]
        for v in CATALOG.villages
        if "tea" in v.categories and v.profile.region.province == province
    ]
    assert sorted(_visible_villages(page)) == sorted(both)
    page.click('[data-filter="category"][data-value="tea"]')
    page.click(f'[data-filter="province"][data-value="{province}"]')
    assert len(_visible_villages(page)) == len(CATALOG.villages)
    page.close()


def test_without_javascript_filters_are_links(site_url, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert len(_visible_villages(page)) == len(CATALOG.villages)
    page.click('[data-filter="category"][data-value="tea"]')
    assert page.url == site_url + "categories/tea/"
    names = page.eval_on_selector_all(".sf-card__name", "cards => cards.map(c => c.textContent)")
    assert sorted(names) == sorted(v.profile.name["zh"] for v in CATALOG.villages if "tea" in v.categories)
    context.close()
