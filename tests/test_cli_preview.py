"""`storefront build --only SLUG`: a preview of some villages, built beside the site (site.preview/)
and never over it, holding their pages only, with their brands still checked against every
village; through the real command line."""

from __future__ import annotations

import shutil

from tests.conftest import REPO, make_project, run_storefront

BASE = REPO / "tests" / "fixtures" / "base"


def _two_villages(tmp_path, fail_on: str = "fail"):
    """test-village and other-village, a copy of it under another folder name: a look-alike pair."""
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    shutil.copytree(BASE, project / "villages" / "other-village")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("fail_on: fail", f"fail_on: {fail_on}"), "utf-8")
    return project


def _tree(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_preview_holds_one_village_and_leaves_the_site_alone(tmp_path):
    project = _two_villages(tmp_path, fail_on="never")
    whole = run_storefront("build", cwd=project)
    assert whole.returncode == 0, whole.stderr
    site = _tree(project / "site")
    assert sorted(p.name for p in (project / "site" / "villages").iterdir()) == ["other-village", "test-village"]

    preview = run_storefront("build", "--only", "test-village", cwd=project)
    assert preview.returncode == 0, preview.stderr
    assert "这是 1 个村庄的预览（test-village），生成在 site.preview，不是要发布的完整网站" in preview.stdout
    assert "已生成 site.preview：1 个村庄，1 个产品" in preview.stdout, preview.stdout
    assert _tree(project / "site") == site  # the whole site, untouched
    assert sorted(p.name for p in (project / "site.preview" / "villages").iterdir()) == ["test-village"]
    assert "other-village" not in (project / "site.preview" / "sitemap.xml").read_text(encoding="utf-8")
    # The preview's brand is still compared with the village it does not build (its copy).
    report = (project / "site.preview" / "report" / "index.html").read_text(encoding="utf-8")
    assert "几乎照抄" in report and "相似度 1.00" in report


def test_a_preview_of_a_copy_is_stopped_by_the_check_against_the_others(tmp_path):
    project = _two_villages(tmp_path)
    result = run_storefront("build", "--only", "other-village", cwd=project)
    assert result.returncode == 1, result.stdout
    assert "品牌和别的村太相似" in result.stderr and "test-village" in result.stderr, result.stderr
    assert not (project / "site.preview").exists() and not (project / "site").exists()


def test_a_preview_of_a_village_that_is_not_there_is_an_error_not_an_empty_site(tmp_path):
    project = _two_villages(tmp_path)
    result = run_storefront("build", "--only", "test-vilage", cwd=project)
    assert result.returncode == 1
    assert "--only：" in result.stderr and "没有村庄 'test-vilage'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_preview_beside_a_site_folder_of_ones_own(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    result = run_storefront("build", "--site-dir", "public", "--only", "test-village", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "public.preview" / "villages" / "test-village" / "index.html").is_file()
    assert not (project / "public").exists()
    assert "生成在 public.preview" in result.stdout, result.stdout


def test_a_preview_of_a_shard_is_refused_rather_than_built_as_the_shard(tmp_path):
    # Both at once used to build the shard's villages into a folder named like a preview of them,
    # and then offer it for deploying as the shard.
    project = make_project(tmp_path, REPO / "villages")
    result = run_storefront("build", "--only", "huangdu-white-tea", "--shard", "zhejiang", cwd=project)
    assert result.returncode == 2
    assert "参数 --shard：不能和参数 --only 一起用" in result.stderr, result.stderr
    assert not list(project.glob("site*"))
