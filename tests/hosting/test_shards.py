"""A site built as several (issue #19): one site per province and a national index, through the
real command line and real MkDocs builds of the sample villages (nine provinces). Each shard holds
its own villages only, its addresses are under its own URL, a link to another shard is absolute
and lands on a page that shard has, the index links every shard, and a copy across two provinces
still stops a shard's build: every shard is checked against every village."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import REPO, make_project, run_storefront

BASE = REPO / "tests" / "fixtures" / "base"
SITE_URL = "https://example.github.io/village-storefront/"
CHECK_CACHE = Path(".cache/storefront/differentiation")
BUILT = ("zhejiang", "fujian")
"""The province shards these tests build (with the index): two are enough to follow links both ways."""


@pytest.fixture(scope="module")
def sharded(tmp_path_factory) -> dict:
    """The samples as a CI run makes them: the plan (check, shards --json), then shard builds."""
    project = make_project(tmp_path_factory.mktemp("shards"), REPO / "villages")
    plan = run_storefront("check", cwd=project)
    assert plan.returncode == 0, plan.stderr + plan.stdout
    signatures = _signatures(project)
    listed = run_storefront("shards", "--json", cwd=project)
    assert listed.returncode == 0, listed.stderr
    builds = {}
    for name in (*BUILT, "index"):
        builds[name] = run_storefront("build", "--strict", "--shard", name, cwd=project)
        assert builds[name].returncode == 0, builds[name].stderr + builds[name].stdout
    return {
        "project": project,
        "listing": json.loads(listed.stdout),
        "builds": builds,
        "signatures": (signatures, _signatures(project)),
        "reports": sorted(p.name.split("-")[0] for p in (project / CHECK_CACHE).glob("*.pickle")),
    }


def _signatures(project: Path) -> dict[str, tuple[int, int]]:
    """Each signature file of the check's cache with its inode and modification time."""
    folder = project / CHECK_CACHE
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("signatures-*")}


def _site(sharded, name: str) -> Path:
    return sharded["project"] / f"site.{name}"


def _shard(sharded, name: str) -> dict:
    return next(s for s in sharded["listing"]["shards"] if s["name"] == name)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _pages(site: Path):
    for page in sorted(site.rglob("index.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        yield page, parser


def _lands(site: Path, path: str) -> bool:
    """Whether a site-relative path is a file of `site` (a folder by its index.html)."""
    target = site / unquote(path)
    return (target / "index.html").is_file() if path.endswith("/") or not path else target.is_file()


def test_the_listing_names_every_province_once_and_the_index(sharded):
    listing = sharded["listing"]
    samples = sorted(p.parent.name for p in (REPO / "villages").glob("*/village.yml"))
    assert sorted(v for s in listing["shards"] for v in s["villages"]) == samples
    names = [s["name"] for s in listing["shards"]]
    assert listing["matrix"] == {"shard": names}
    assert {"zhejiang", "fujian", "shaanxi", "xinjiang"} <= set(names)
    assert _shard(sharded, "zhejiang")["province"] == "浙江省"
    assert _shard(sharded, "zhejiang")["url"] == SITE_URL + "zhejiang/"
    assert listing["index"]["url"] == SITE_URL


def test_each_shard_holds_its_own_villages_only(sharded):
    for name in BUILT:
        built = sorted(p.name for p in (_site(sharded, name) / "villages").iterdir())
        assert built == sorted(_shard(sharded, name)["villages"])
        search = json.loads((_site(sharded, name) / "search" / "provinces.json").read_text(encoding="utf-8"))
        assert [row[1] for row in search["provinces"]] == [name]  # buyers search this province
    assert not (_site(sharded, "index") / "villages").exists()  # the index has no village pages
    assert not list(_site(sharded, "index").rglob("*.webp"))  # nor photos


def test_addresses_are_under_the_shards_own_url(sharded):
    for name in BUILT:
        site, url = _site(sharded, name), _shard(sharded, name)["url"]
        for page, parsed in _pages(site):
            if page.parent.name in ("guide", "benchmarks"):
                continue  # Markdown pages: MkDocs' canonical, checked below through the sitemap
            expected = url + page.parent.relative_to(site).as_posix().removeprefix(".") + "/"
            assert parsed.canonical == expected.replace(url + "/", url), page
        sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locations and all(loc.startswith(url) for loc in locations)
        feed = next(site.glob("villages/*/live/feed.xml"), None) or site / "schedule" / "feed.xml"
        assert url in feed.read_text(encoding="utf-8")
        named = []  # every address of ours in the calendars (RFC 5545 folds long lines)
        for calendar in site.glob("villages/*/live/*.ics"):
            text = re.sub(r"\r?\n ", "", calendar.read_text(encoding="utf-8"))
            named += re.findall(r"https://example\.github\.io/[^\s\\]+", text)
        assert named and all(u.startswith(url) for u in named), named


def test_every_relative_link_stays_in_the_shard_and_lands(sharded):
    for name in (*BUILT, "index"):
        site = _site(sharded, name)
        for page, parsed in _pages(site):
            base = page.parent.relative_to(site).as_posix()
            for href in parsed.links:
                split = urlsplit(href)
                if split.scheme or href.startswith(("#", "//")) or not split.path:
                    continue
                resolved = Path(base, split.path).as_posix()
                resolved = str(Path("/", resolved).resolve())[1:] + ("/" if split.path.endswith("/") else "")
                assert _lands(site, resolved), f"{page}: {href}"


def test_links_to_other_shards_are_absolute_and_land(sharded):
    """Where a shard names another province (the regions page) or the index, the link is the
    other site's absolute address; each of those to a built shard is a page that shard has."""
    urls = {s["name"]: s["url"] for s in sharded["listing"]["shards"]}
    for name in (*BUILT, "index"):
        site = _site(sharded, name)
        regions = _Links()
        regions.feed((site / "regions" / "index.html").read_text(encoding="utf-8"))
        for other, url in urls.items():
            if other == name:
                assert f"{other}/" in regions.links  # its own region, within the site
            else:
                assert url + f"regions/{other}/" in regions.links, (name, other)
        if name != "index":
            assert SITE_URL in regions.links  # the way to the national index
        for _, parsed in _pages(site):
            for href in parsed.links:
                for other in BUILT:
                    if other != name and href.startswith(urls[other]):
                        assert _lands(_site(sharded, other), href[len(urls[other]) :]), href


def test_the_index_links_every_shard_with_its_count(sharded):
    home = (_site(sharded, "index") / "index.html").read_text(encoding="utf-8")
    for shard in sharded["listing"]["shards"]:
        link = f'<a href="{shard["url"]}regions/{shard["name"]}/">{shard["province"]}</a>'
        assert f'{link} <span class="sf-count">{len(shard["villages"])}</span>' in home
    assert not (_site(sharded, "index") / "categories").exists()  # no nav entry to a page it lacks


def test_shard_builds_reuse_the_plans_signatures_and_report(sharded):
    """The plan's `storefront check` computed every signature and kept the whole-site report; a
    shard's build read its villages' pairs out of that report: it wrote no new signature file, and
    no report of its own (a shard that compared its villages again would keep a preview report)."""
    before, after = sharded["signatures"]
    assert before and before == after
    assert sharded["reports"] == ["report"], sharded["reports"]


def test_the_build_says_how_to_deploy_each_shard(sharded):
    assert "--prefix zhejiang/" in sharded["builds"]["zhejiang"].stdout
    assert "site.index" in sharded["builds"]["index"].stdout
    assert "--prefix" not in sharded["builds"]["index"].stdout  # the index is the root of the site


def test_an_unknown_shard_is_refused_with_the_known_ones(tmp_path):
    project = make_project(tmp_path, REPO / "villages")
    result = run_storefront("build", "--shard", "atlantis", cwd=project)
    assert result.returncode == 1
    assert "atlantis" in result.stderr and "zhejiang" in result.stderr and "index" in result.stderr
    assert "分站" in result.stderr  # in the site's language
    assert not (project / "site.atlantis").exists()


def _copy_across_provinces(tmp_path, fail_on: str) -> Path:
    """test-village in 浙江 and other-village, the same brand, in 福建: a copy across shards."""
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    shutil.copytree(BASE, project / "villages" / "other-village")
    profile = project / "villages" / "other-village" / "village.yml"
    text = profile.read_text(encoding="utf-8").replace("province: 浙江省", "province: 福建省\n  city: 泉州市")
    profile.write_text(text.replace("county: 安吉县", "county: 安溪县"), encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("fail_on: fail", f"fail_on: {fail_on}"), "utf-8")
    return project


def test_a_copy_in_another_province_stops_the_shard(tmp_path):
    project = _copy_across_provinces(tmp_path, "fail")
    listed = json.loads(run_storefront("shards", "--json", cwd=project).stdout)
    assert {s["name"]: s["villages"] for s in listed["shards"]} == {
        "fujian": ["other-village"],
        "zhejiang": ["test-village"],
    }
    result = run_storefront("build", "--shard", "zhejiang", cwd=project)
    assert result.returncode == 1
    assert "太相似" in result.stderr and "other-village" in result.stderr
    assert not (project / "site.zhejiang").exists()


def test_the_report_links_a_look_alike_in_another_shard_there(tmp_path):
    project = _copy_across_provinces(tmp_path, "never")
    for name in ("zhejiang", "fujian"):
        result = run_storefront("build", "--shard", name, cwd=project)
        assert result.returncode == 0, result.stderr
    report = _Links()
    report.feed((project / "site.zhejiang" / "report" / "index.html").read_text(encoding="utf-8"))
    there = SITE_URL + "fujian/villages/other-village/"
    assert there in report.links
    assert (project / "site.fujian" / "villages" / "other-village" / "index.html").is_file()
