"""`storefront check` and the check inside the build, end to end through the real command line."""

from __future__ import annotations

import json
import shutil

from tests.conftest import REPO, make_project, run_storefront
from tests.reading import Page


def _with_copycat(project):
    """The samples plus a village that copied Huangdu's profile and changed only its name."""
    shutil.copytree(REPO / "villages", project / "villages")
    copy = project / "villages" / "copycat-tea"
    shutil.copytree(project / "villages" / "huangdu-white-tea", copy)
    profile = copy / "village.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("黄杜村", "皇渡村").replace("Huangdu", "Huangdu New"),
        encoding="utf-8",
    )
    return project


def test_a_renamed_copy_fails_the_check_with_evidence(tmp_path):
    project = _with_copycat(make_project(tmp_path))
    result = run_storefront("check", "--json", cwd=project)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["villages"] == 11
    pair = report["pairs"][0]
    assert {pair["a"], pair["b"]} == {"copycat-tea", "huangdu-white-tea"} and pair["level"] == "fail"
    assert set(pair["signals"]) == {"name", "slogan", "story", "products", "culture", "palette", "logo"}
    assert pair["signals"]["story"] > 0.9 and pair["evidence"]
    assert all(0 <= v <= 1 for v in pair["signals"].values())
    only = run_storefront("check", "--json", "--only", "asi-luochuan-apple", cwd=project)
    assert only.returncode == 0 and json.loads(only.stdout)["pairs"] == []


def test_a_renamed_copy_stops_the_build(tmp_path):
    project = _with_copycat(make_project(tmp_path))
    result = run_storefront("build", cwd=project)
    assert result.returncode == 1
    assert "太相似" in result.stderr and "copycat-tea" in result.stderr  # the sample site is Chinese
    assert "Traceback" not in result.stderr and not (project / "site").exists()


def test_samples_pass_the_check_against_the_taobao_registries(tmp_path):
    project = make_project(tmp_path, REPO / "villages")
    result = run_storefront("check", "--against", "taobao-2014", "--against", "taobao-2016", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "10 villages, 1524 registry rows" in result.stdout


def test_bad_registry_is_a_clear_error(tmp_path):
    project = make_project(tmp_path, REPO / "villages")
    (project / "list.txt").write_text("x", encoding="utf-8")
    result = run_storefront("check", "--against", "list.txt", cwd=project)
    assert result.returncode == 1 and "list.txt" in result.stderr and "Traceback" not in result.stderr


def test_report_page_tells_each_village_what_only_it_has(sample_site):
    text = (sample_site / "report" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in text
    assert "没有发现过于相似的村庄品牌" in text
    for folder in sorted((REPO / "villages").glob("*/village.yml")):
        assert f'id="{folder.parent.name}"' in text
    assert text.count("只属于本村") >= 10
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'href="report/"' not in home  # out of the public nav
    assert Page(text).links
