"""Page weight per page type, as a buyer's phone sees it, at a given number of villages.

    .venv/bin/python benchmarks/pageweight.py                   # the sample villages (10)
    .venv/bin/python benchmarks/pageweight.py --villages 1000   # synthetic villages (see fullscale.py)

Builds the site (`storefront build`, the fixed clock of the tests), serves it on loopback and opens
one page of each type in Chromium at 390 x 844: before scrolling it counts the bytes transferred
(every response's body gzipped at level 6, as GitHub Pages serves text; images as they are), the
requests, the DOM nodes and the page's height; then it scrolls to the bottom and counts the bytes
again. Each figure is printed beside the issue's target (#18), with a mark where it is over.
Synthetic villages are made by benchmarks/fullscale.py's `synthesize`, with small photos (the
weight of a page depends on the widths it publishes, not on the camera's).
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import ARGS, CHROMIUM, FIXED_EPOCH, make_project, serve

PHONE = {"width": 390, "height": 844}
TARGETS = {"gzip_kb": 200, "dom": 1500, "requests": 20, "height": 20_000, "scrolled_kb": 1536}
"""The issue's targets: before scrolling, <= 200 KB gzip, 1,500 nodes, 20 requests; no page taller
than 20,000 px; after scrolling to the bottom <= 1.5 MB."""
COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg", "application/xml")


def page_types(site: Path) -> dict[str, str]:
    """One URL of each page type, found in the built site."""
    village = sorted(p.name for p in (site / "villages").iterdir() if (p / "index.html").exists())[0]
    product = sorted(p.name for p in (site / "villages" / village / "products").iterdir())[0]
    region = sorted(p.name for p in (site / "regions").iterdir() if p.is_dir())[0]
    category = max(
        (p for p in (site / "categories").iterdir() if p.is_dir()),
        key=lambda p: (p / "page").exists(),  # one with several pages, where there is one
    ).name
    live = next(
        (f"villages/{v.name}/live/" for v in sorted((site / "villages").iterdir()) if (v / "live").exists()), None
    )
    types = {
        "home": "",
        "village": f"villages/{village}/",
        "product": f"villages/{village}/products/{product}/",
        "village live": live,
        "schedule": "schedule/",
        "regions": "regions/",
        "region": f"regions/{region}/",
        "categories": "categories/",
        "category": f"categories/{category}/",
    }
    return {kind: url for kind, url in types.items() if url is not None}


def measure(browser, base: str, url: str) -> dict:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    sizes: list[int] = []

    def counted(response):
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            return
        kind = response.headers.get("content-type", "")
        sizes.append(len(gzip.compress(body, 6)) if kind.startswith(COMPRESSED) else len(body))

    page.on("response", counted)
    page.goto(base + url, wait_until="load")
    page.wait_for_timeout(300)
    first = {
        "gzip_kb": sum(sizes) / 1024,
        "requests": len(sizes),
        "dom": page.evaluate("document.getElementsByTagName('*').length"),
        "height": page.evaluate("document.documentElement.scrollHeight"),
    }
    height = first["height"]
    for y in range(0, height + PHONE["height"], PHONE["height"]):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.wait_for_timeout(300)
    first["scrolled_kb"] = sum(sizes) / 1024
    context.close()
    return first


def report(label: str, figures: dict[str, dict]) -> None:
    print(
        f"\n{label}  (phone 390 px; target: <= {TARGETS['gzip_kb']} KB gz, {TARGETS['dom']} nodes, "
        f"{TARGETS['requests']} requests, {TARGETS['height']:,} px, {TARGETS['scrolled_kb']} KB scrolled)"
    )
    print(f"{'page':<14}{'KB gz':>9}{'requests':>10}{'DOM':>8}{'height px':>11}{'scrolled KB':>13}")
    for kind, f in figures.items():
        marks = {key: "!" if f[key] > TARGETS[key] else " " for key in TARGETS}
        print(
            f"{kind:<14}{f['gzip_kb']:>8.0f}{marks['gzip_kb']}{f['requests']:>9}{marks['requests']}"
            f"{f['dom']:>7}{marks['dom']}{f['height']:>10,}{marks['height']}{f['scrolled_kb']:>12.0f}{marks['scrolled_kb']}"
        )


def build(villages: int, workdir: Path) -> Path:
    project = workdir / f"project-{villages}"
    written = project / "villages"
    if villages and written.is_dir() and len(list(written.glob("v*/village.yml"))) == villages:
        return _built(project, villages)  # the villages of the last run, and its image cache
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    if villages == 0:
        make_project(project, REPO / "villages")
    else:
        from benchmarks.fullscale import ensure_photos, synthesize, write_villages

        make_project(project)
        data, _ = synthesize(villages, ["taobao-2014", "taobao-2016"], 3)
        for profile in data:
            _start_on_its_weekday(profile)
        photos, _ = ensure_photos(workdir, villages, (800, 600), 3)
        write_villages(project / "villages", data, photos)
    return _built(project, villages)


def _built(project: Path, villages: int) -> Path:
    started = time.perf_counter()
    # The command line as a cooperative runs it, with the tests' fixed clock and no time limit
    # (tests.conftest.run_storefront stops at ten minutes; a thousand villages take longer).
    environment = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build"], cwd=project, env=environment, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr + result.stdout)
    print(f"built {villages or 'the sample'} villages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return project / "site"


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _start_on_its_weekday(profile: dict) -> None:
    """A weekly session's start moved on to the day its BYDAY names: the reader refuses a start
    on another weekday (it would add a show), which fullscale.py's villages do not yet heed."""
    from datetime import datetime, timedelta

    for session in profile.get("live", {}).get("sessions", []):
        byday = dict(p.split("=") for p in session.get("repeat", "").split(";") if "=" in p).get("BYDAY")
        if not byday:
            continue
        start = datetime.fromisoformat(session["start"])
        ahead = (WEEKDAYS.index(byday.split(",")[0][-2:]) - start.weekday()) % 7
        session["start"] = (start + timedelta(days=ahead)).strftime("%Y-%m-%dT%H:%M")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=0, help="synthetic villages (default: the samples)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/storefront-pageweight"))
    args = parser.parse_args()
    if not CHROMIUM:
        raise SystemExit("needs chromium (apt-get install chromium)")
    site = build(args.villages, args.workdir.resolve())
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        figures = {kind: measure(browser, base, url) for kind, url in page_types(site).items()}
        browser.close()
    report(f"{args.villages or 'sample'} villages", figures)


if __name__ == "__main__":
    main()
