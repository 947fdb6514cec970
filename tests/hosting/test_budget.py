"""The site's weight by kind (hosting/budget.py), on the built sample site: every file has a kind,
the kinds add up to the files, and the limit of GitHub Pages is told apart from object storage."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.config import HOST_LIMITS
from generator.hosting.budget import OTHER, Weight, kind_of, megabytes, over_limit, unneeded_theme_file, weigh
from tests.conftest import REPO, make_project, run_storefront


def test_every_file_of_the_sample_site_has_a_kind(sample_site: Path):
    unkinded = [
        p.relative_to(sample_site).as_posix()
        for p in sample_site.rglob("*")
        if p.is_file() and kind_of(p.relative_to(sample_site).as_posix()) == OTHER
    ]
    # The JSON Schema for editors is the one file that is none of the buyer-facing kinds.
    assert unkinded == ["village.schema.json"]


def test_the_kinds_add_up_to_every_byte_counted_once_per_file(sample_site: Path):
    weight = weigh(sample_site)
    files = [p for p in sample_site.rglob("*") if p.is_file()]
    assert weight.files == len(files)
    assert weight.total == sum(p.stat().st_size for p in files) == sum(weight.kinds.values())
    assert list(weight.kinds.values()) == sorted(weight.kinds.values(), reverse=True)
    for kind in ("photos", "posters", "product_cards", "share_images", "pages", "theme", "icons", "feeds"):
        assert weight.kinds.get(kind, 0) > 0, kind


def test_files_are_sorted_into_the_kinds_their_urls_name():
    assert kind_of("villages/a/live/0/poster.webp") == "posters"
    assert kind_of("villages/a/live/0/poster-small.webp") == "posters"
    assert kind_of("villages/a/products/tea/card.webp") == "product_cards"
    assert kind_of("villages/a/products/tea/share.jpg") == "share_images"
    assert kind_of("villages/a/images/tea-640.webp") == "photos"
    assert kind_of("villages/a/products/tea/index.html") == "pages"
    assert kind_of("schedule/feed.xml") == "feeds"
    assert kind_of("assets/javascripts/bundle.abc123.min.js") == "theme"


def test_only_a_host_with_a_limit_is_ever_passed():
    heavy = Weight(total=1_300_000_000, files=1, kinds={"photos": 1_300_000_000})
    light = Weight(total=900_000_000, files=1, kinds={"photos": 900_000_000})
    assert over_limit(heavy, "github-pages") == HOST_LIMITS["github-pages"] == 1_000_000_000
    assert over_limit(light, "github-pages") is None
    assert over_limit(heavy, "object-storage") is None


def test_sizes_read_as_hosts_state_them():
    assert megabytes(12_345) == "12 KB"
    assert megabytes(400_000) == "0.4 MB"
    assert megabytes(28_300_000) == "28 MB"
    assert megabytes(1_340_000_000) == "1.3 GB"


def test_the_build_ends_with_the_sites_size_by_kind(tmp_path):
    villages = tmp_path / "villages"
    villages.mkdir()
    shutil.copytree(REPO / "villages" / "huangdu-white-tea", villages / "huangdu-white-tea")
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", villages)
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    weight = weigh(project / "site")
    line = next(line for line in result.stdout.splitlines() if line.startswith("网站共"))
    assert line.startswith(f"网站共 {megabytes(weight.total)}，{weight.files:,} 个文件：")
    assert "照片" in line and "网页" in line and "分享图" in line
    assert "警告" not in result.stderr  # far under GitHub Pages' 1 GB


def test_theme_files_no_page_fetches_are_left_out(sample_site: Path):
    assert not list(sample_site.rglob("*.map"))
    lunr = sample_site / "assets" / "javascripts" / "lunr"
    assert not (lunr / "wordcut.js").exists() and not (lunr / "min" / "lunr.de.min.js").exists()
    assert list((sample_site / "assets" / "javascripts").glob("bundle.*.min.js"))  # what pages load stays
    assert unneeded_theme_file("assets/javascripts/lunr/min/lunr.de.min.js", ["de"]) is False
    assert unneeded_theme_file("assets/javascripts/lunr/wordcut.js", ["th"]) is False
