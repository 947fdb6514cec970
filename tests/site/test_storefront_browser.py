"""What a buyer does on a phone, in a real Chromium: the buy bar of a product page (fixed at the
bottom, plain links that work without JavaScript), the schedule that shows a weekly show once,
product grids on category pages, and static pagination that reaches every product."""

from __future__ import annotations

import copy

import pytest
import yaml

from generator.profile.read import load_catalog
from generator.site.pages import PRODUCTS_PER_PAGE
from tests.conftest import REPO, make_project, run_storefront, serve

CATALOG = load_catalog(REPO / "villages")
HUANGDU = CATALOG.village("huangdu-white-tea")
PHONE = {"width": 390, "height": 844}
PRODUCT = "villages/huangdu-white-tea/products/white-tea-mingqian/"


def test_buy_bar_is_fixed_at_the_bottom_of_a_phone_and_works_without_javascript(browser, site_url):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PRODUCT)
    bar = page.locator(".sf-buybar")
    assert bar.is_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1)  # on the first screen
    assert bar.inner_text().split() == ["联系", "直播", "去购买"]
    first_shop = HUANGDU.product("white-tea-mingqian").buy[0].url
    assert page.get_attribute(".sf-buybar__buy", "href") == first_shop
    # The shops by their Chinese names, the first one the primary action.
    buttons = page.locator(".sf-buy a")
    assert buttons.all_inner_texts() == ["在淘宝购买", "在抖音购买"]
    assert "md-button--primary" in buttons.first.get_attribute("class")
    assert "md-button--primary" not in buttons.nth(1).get_attribute("class")
    page.click(".sf-buybar__contact")
    assert page.url.endswith("#service")
    context.close()


def test_buy_bar_is_not_shown_on_a_desktop(browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + PRODUCT)
    assert page.locator(".sf-buybar").is_hidden()
    assert page.locator(".sf-buy a").first.is_visible()
    page.close()


def test_price_reads_as_a_chinese_shop_writes_it(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + PRODUCT)
    assert page.inner_text(".sf-buybox .sf-price__amount") == "¥268"
    unit = page.locator(".sf-buybox .sf-price__unit")
    assert unit.inner_text() == "/250 g"
    amount_size = float(page.eval_on_selector(".sf-buybox .sf-price__amount", "e => getComputedStyle(e).fontSize")[:-2])
    unit_size = float(unit.evaluate("e => getComputedStyle(e).fontSize")[:-2])
    assert unit_size < amount_size / 1.5
    page.close()


def test_a_weekly_show_is_listed_once_with_its_rule_and_next_dates(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "villages/huangdu-white-tea/live/")
    tasting = page.locator(".sf-session", has_text="冬日茶室·安吉白茶品鉴")
    assert tasting.count() == 1
    assert tasting.locator(".sf-session__rule").inner_text() == "每周五 19:30-21:30，至2027年2月26日"
    assert "2026年12月4日 周五 19:30-21:30" in tasting.locator("[data-sf-next-start]").inner_text()
    assert tasting.locator(".sf-session__zone").inner_text() == "北京时间"
    dates = tasting.locator(".sf-session__dates time").all_inner_texts()
    assert dates[:2] == ["12月11日 周五", "12月18日 周五"] and len(dates) == 4
    # The sample site is built on 2026-11-18: more than a day before, so 预告, not 即将开始.
    assert tasting.locator("[data-sf-state]").inner_text() == "预告"
    assert "Asia/Shanghai" not in page.inner_text("main")
    context.close()


def test_category_page_is_a_grid_of_its_products(browser, site_url):
    page = browser.new_page(viewport=PHONE)
    page.goto(site_url + "categories/tea/")
    teas = [(v, p) for v in CATALOG.villages for p in v.profile.products if p.category == "tea"]
    tiles = page.locator(".sf-grid > .sf-tile")
    assert tiles.count() == len(teas) >= 5
    names = tiles.locator(".sf-tile__name").all_inner_texts()
    assert sorted(names) == sorted(p.name["zh"] for _, p in teas)
    assert all(text.startswith("¥") for text in tiles.locator(".sf-price__amount").all_inner_texts())
    # Two columns on a phone, and the first row's photos are not lazy.
    first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
    assert first["y"] == second["y"] and second["x"] > first["x"]
    assert tiles.nth(0).locator("img").get_attribute("loading") is None
    assert tiles.nth(5).locator("img").get_attribute("loading") == "lazy" if tiles.count() > 5 else True
    page.close()


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory):
    """The samples, with Huangdu selling PRODUCTS_PER_PAGE + 6 teas: two pages of the tea grid."""
    root = tmp_path_factory.mktemp("paged")
    project = make_project(root, REPO / "villages")
    profile_path = project / "villages" / "huangdu-white-tea" / "village.yml"
    profile = yaml.safe_load(profile_path.read_text(encoding="utf-8"))
    base = profile["products"][0]
    for n in range(PRODUCTS_PER_PAGE + 6):
        extra = copy.deepcopy(base)
        extra["id"] = f"tea-{n:02d}"
        extra["name"] = {"zh": f"白茶{n:02d}号", "en": f"White tea {n}"}
        profile["products"].append(extra)
    profile_path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    with serve(project / "site") as url:
        yield url


def test_pagination_reaches_every_product_without_javascript(browser, paged_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(paged_site + "categories/tea/")
    seen = []
    while True:
        tiles = page.locator(".sf-grid .sf-tile__name").all_inner_texts()
        assert 0 < len(tiles) <= PRODUCTS_PER_PAGE
        seen += tiles
        following = page.locator(".sf-pager a[rel=next]")
        if not following.count():
            break
        following.click()
    assert page.url.endswith("categories/tea/page/2/")
    assert page.get_attribute('.sf-pager a[aria-current="page"]', "href") == "./"
    teas = [p for v in load_catalog(REPO / "villages").villages for p in v.profile.products if p.category == "tea"]
    assert len(seen) == len(set(seen)) == len(teas) + PRODUCTS_PER_PAGE + 6
    context.close()


def test_the_search_index_is_fetched_only_when_search_is_opened(browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url + "categories/tea/")
    page.wait_for_timeout(500)
    assert not [u for u in fetched if "/search/" in u]
    page.click(".md-search__input")
    page.wait_for_timeout(500)
    page.keyboard.insert_text("白茶")  # as an input method or a paste gives it: no key event
    page.wait_for_selector(".md-search-result__item")
    # A page of no province: the list of provinces, then the largest (site/search.py).
    assert [u.rsplit("/", 1)[-1] for u in fetched if "/search/" in u] == ["provinces.json", "zhejiang.json"]
    results = page.locator(".md-search-result__item").all_inner_texts()
    assert any("白茶" in r for r in results)
    page.close()
