"""Accessibility of the sample site, checked by axe-core (Deque's engine, pinned in
tests/browser/package.json and installed by `make test` with `npm ci`) in headless Chromium.

A violation of impact "serious" or "critical" fails; the rest are printed (`pytest -s` shows them).
No axe rule is disabled.
"""

from __future__ import annotations

import os

import pytest

from generator.assets.palette import MIN_CONTRAST, PANEL, WHITE, build_palette, contrast
from generator.profile.read import load_catalog
from tests.conftest import REPO

AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CATALOG = load_catalog(REPO / "villages")
VILLAGE = next(v for v in CATALOG.villages if v.profile.live and v.profile.live.sessions)
PRODUCT = VILLAGE.profile.products[0]
CATEGORY = VILLAGE.categories[0]
PAGES = {
    "home": "",
    "village": f"villages/{VILLAGE.slug}/",
    "product": f"villages/{VILLAGE.slug}/products/{PRODUCT.id}/",
    "village live": f"villages/{VILLAGE.slug}/live/",
    "schedule": "schedule/",
    "regions": "regions/",
    "region": None,  # the first region page the regions index links to
    "categories": "categories/",
    "category": f"categories/{CATEGORY}/",
    "report": "report/",
    "guide": "guide/",
    "benchmarks": "benchmarks/",
}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: run `make test` (or `npm ci --prefix tests/browser`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def _audit(browser, url: str, axe_source: str, options: dict | None = None) -> list[dict]:
    page = browser.new_page()
    try:
        page.goto(url, wait_until="load")
        page.add_script_tag(content=axe_source)  # from node_modules: nothing is fetched
        return page.evaluate(
            "options => axe.run(document, options).then(r => r.violations)",
            {"resultTypes": ["violations"], **(options or {})},
        )
    finally:
        page.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:140]}")
            lines.append(f"      {node['failureSummary'].splitlines()[-1].strip()[:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_has_no_serious_accessibility_violations(kind, site_url, sample_site, browser, axe_source):
    path = PAGES[kind]
    if path is None:
        path = "regions/" + next(p.name for p in sorted((sample_site / "regions").iterdir()) if p.is_dir()) + "/"
    assert (sample_site / path / "index.html").exists()
    violations = _audit(browser, site_url + path, axe_source)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    rest = [v for v in violations if v["impact"] not in BLOCKING]
    if rest:
        print(f"\n{kind} ({path or '/'}): axe findings below serious:\n{_describe(rest)}")
    assert not blocking, f"{kind} ({path or '/'}):\n{_describe(blocking)}"


def test_every_brand_palette_reads_in_the_browser(site_url, browser, axe_source):
    """Each village has colours of its own: contrast and link rules on every village page."""
    found = []
    for village in CATALOG.villages:
        violations = _audit(
            browser,
            f"{site_url}villages/{village.slug}/",
            axe_source,
            {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}},
        )
        found += [f"{village.slug}: {_describe([v])}" for v in violations]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("primary", ["#2F6B3A", "#7FB08A", "#E8C547", "#3F7D4E", "#1565C0", "#D14639", "#FFFFFF"])
def test_links_read_on_white_and_on_grey_panels(primary):
    palette = build_palette(primary, "#E8C547", photo=None, seed="x")
    assert contrast(palette.link, WHITE) >= MIN_CONTRAST and contrast(palette.link, PANEL) >= MIN_CONTRAST


def test_wide_tables_scroll_from_the_keyboard_and_narrow_ones_stay_out_of_the_tab_order(site_url, browser):
    """Material's table boxes scroll sideways; one that overflows is a focusable, uniquely named
    region (axe: scrollable-region-focusable, landmark-unique), one that fits is left alone, and a
    change of the window's width moves boxes in and out of the tab order."""
    boxes = """() => [...document.querySelectorAll('.md-typeset__scrollwrap')].map(b => ({
        overflows: b.scrollWidth > b.clientWidth, tabindex: b.getAttribute('tabindex'),
        role: b.getAttribute('role'), label: b.getAttribute('aria-label')}))"""
    settled = """() => [...document.querySelectorAll('.md-typeset__scrollwrap')].every(
        b => (b.scrollWidth > b.clientWidth) === (b.getAttribute('tabindex') === '0'))"""

    def marked() -> tuple[list[dict], list[dict]]:
        page.wait_for_function(settled)
        found = page.evaluate(boxes)
        wide = [b for b in found if b["overflows"]]
        assert all(b["role"] == "region" and b["label"] for b in wide)
        assert len({b["label"] for b in wide}) == len(wide)
        assert all(b["tabindex"] is None and b["role"] is None for b in found if not b["overflows"])
        return wide, [b for b in found if not b["overflows"]]

    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        page.goto(site_url + "benchmarks/", wait_until="load")
        wide, narrow = marked()
        assert wide and narrow  # the page has tables of both kinds at this width
        page.set_viewport_size({"width": 320, "height": 900})
        assert len(marked()[0]) > len(wide)
        page.set_viewport_size({"width": 1300, "height": 900})
        assert len(marked()[0]) == len(wide)
    finally:
        page.close()
