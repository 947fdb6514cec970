"""The build as a whole: same input, same bytes; a failed build keeps the last good site."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from jsonschema import Draft202012Validator

from generator.profile.scaffold import slug_for
from generator.profile.schema import json_schema
from generator.profile.yamlfile import parse
from tests.conftest import REPO, make_project, run_storefront
from tests.profile.test_hostile_profiles import fill_region

BASE = REPO / "tests" / "fixtures" / "base"


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_of_the_same_input_are_identical(tmp_path):
    (tmp_path / "one").mkdir(), (tmp_path / "two").mkdir()
    first, second = make_project(tmp_path / "one", REPO / "villages"), make_project(tmp_path / "two", REPO / "villages")
    for project in (first, second):
        result = run_storefront("build", cwd=project)
        assert result.returncode == 0, result.stderr
    one, two = tree_digest(first / "site"), tree_digest(second / "site")
    assert len(one) > 50
    assert [k for k in one if one[k] != two.get(k)] == [] and one.keys() == two.keys()


def test_a_warm_rebuild_from_remembered_values_gives_the_same_bytes(tmp_path):
    import os
    import pickle

    project = make_project(tmp_path, REPO / "villages")
    old = 1_700_000_000  # photos copied just now would be "racily clean", never remembered
    for path in (project / "villages").rglob("*"):
        os.utime(path, (old, old), follow_symlinks=False)
    assert run_storefront("build", cwd=project).returncode == 0
    cold = tree_digest(project / "site")
    cache = project / ".cache" / "storefront"
    villages = pickle.loads((cache / "villages.pickle").read_bytes())
    texts = json.loads((cache / "markup.json").read_text(encoding="utf-8"))
    assert len(villages) == len([p for p in (project / "villages").iterdir() if p.is_dir()]) and len(texts) > 100
    assert (cache / "claims.json").exists() and (cache / "palettes.json").exists()
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    warm = tree_digest(project / "site")
    assert [k for k in cold if cold[k] != warm.get(k)] == [] and cold.keys() == warm.keys()


def test_images_are_linked_from_the_cache_and_a_rebuild_keeps_both_intact(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    assert run_storefront("build", cwd=project).returncode == 0
    cache = {p.stat().st_ino: p for p in (project / ".cache").rglob("*") if p.is_file()}
    site = project / "site"
    images = [
        p
        for p in site.rglob("*")
        if p.suffix in (".webp", ".jpeg", ".jpg", ".png") and not p.is_relative_to(site / "assets" / "images")
    ]  # Material's own, not from our cache
    assert any(p.name.startswith("qr-") for p in images)
    assert images and all(p.stat().st_ino in cache for p in images), "every image is the cache's file, not a copy"
    before = tree_digest(project / "site")
    assert run_storefront("build", cwd=project).returncode == 0
    assert tree_digest(project / "site") == before
    assert all(
        hashlib.sha256(p.read_bytes()).hexdigest() == before[str(p.relative_to(project / "site"))]
        for p in images
        if p.exists()
    )


def test_failed_build_leaves_the_previous_site_untouched(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    assert run_storefront("build", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    profile = project / "villages" / "test-village" / "village.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("kind: festival", "kind: nonsense"), encoding="utf-8"
    )
    result = run_storefront("build", cwd=project)
    assert result.returncode == 1
    assert "villages/test-village/village.yml:12: culture[0].kind" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_strict_build_that_warns_leaves_the_previous_site_untouched(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    assert run_storefront("build", "--strict", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    (project / "docs" / "guide.md").write_text("# Guide\n\n[broken](missing-page.md)\n", encoding="utf-8")
    result = run_storefront("build", "--strict", cwd=project)
    assert result.returncode == 1 and "missing-page.md" in result.stderr
    assert tree_digest(project / "site") == before


def test_build_prints_a_summary(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    result = run_storefront("build", "--site-dir", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "1 个村庄，1 个产品" in result.stdout and "0 个警告" in result.stdout  # the sample site is Chinese
    assert (project / "out" / "villages" / "test-village" / "products" / "white-tea" / "index.html").is_file()


def test_new_village_from_a_chinese_name_validates_and_builds(tmp_path):
    project = make_project(tmp_path)
    (project / "villages").mkdir()
    result = run_storefront("new", "黄杜村", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "huangducun" in result.stdout
    profile = project / "villages" / "huangducun" / "village.yml"
    text = profile.read_text(encoding="utf-8")
    assert 'name: "黄杜村"' in text
    # The region is left for the cooperative to fill in (no village publishes another's by mistake).
    unfilled = run_storefront("validate", cwd=project)
    assert unfilled.returncode == 1 and "region.county: 还没有填写" in unfilled.stderr, unfilled.stderr
    profile.write_text(fill_region(text), encoding="utf-8")
    assert run_storefront("validate", cwd=project).returncode == 0
    assert run_storefront("new", "huangducun", cwd=project).returncode == 1  # never overwrites


def test_pinyin_slugs():
    assert slug_for("黄杜村") == "huangducun"
    assert slug_for("Xiao Shan 小山") == "xiao-shan-xiaoshan"


def test_region_slugs_from_the_table_and_from_pinyin_for_any_other_name():
    from generator.site.pages import region_slugs

    slugs = region_slugs(["浙江省", "陕西省", "山西省", "广西壮族自治区", "海东省"])
    assert slugs == {
        "浙江省": "zhejiang",
        "陕西省": "shaanxi",
        "山西省": "shanxi",
        "广西壮族自治区": "guangxi",
        "海东省": "haidong",
    }


def test_the_province_table_spells_as_pypinyin_does_so_no_address_changes():
    from pypinyin import lazy_pinyin

    from generator.site.pages import PROVINCE_SLUGS

    assert len(PROVINCE_SLUGS) == 34
    differ = {core: slug for core, slug in PROVINCE_SLUGS.items() if "".join(lazy_pinyin(core)).lower() != slug}
    assert differ == {"陕西": "shaanxi"}


def test_published_json_schema_matches_the_schema_and_accepts_every_sample():
    committed = json.loads((REPO / "villages" / "village.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(json_schema())), "run `storefront schema` and commit the result"
    validator = Draft202012Validator(committed)
    for profile in sorted((REPO / "villages").glob("*/village.yml")):
        text = profile.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../village.schema.json\n"), profile
        errors = [e.message for e in validator.iter_errors(parse(text).data)]
        assert not errors, f"{profile}: {errors}"


def test_json_schema_rejects_what_the_validator_rejects():
    validator = Draft202012Validator(json_schema())
    data = parse((BASE / "village.yml").read_text(encoding="utf-8")).data
    assert not list(validator.iter_errors(data))
    data["prodcuts"] = []
    data["products"][0]["category"] = "teas"
    assert len(list(validator.iter_errors(data))) == 2


def test_claims_that_cannot_be_published_stop_the_build(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    profile = project / "villages" / "test-village" / "village.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("slogan: 一句口号", "slogan: 全国最好的白茶"), encoding="utf-8"
    )
    result = run_storefront("build", cwd=project)
    assert result.returncode == 1
    assert "villages/test-village/village.yml:7: slogan: “最好”" in result.stderr  # in the site's Chinese
    assert "[错误: absolute-term]" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "site").exists()
    lint = run_storefront("lint", "--json", cwd=project)
    assert lint.returncode == 1
    findings = json.loads(lint.stdout)["findings"]
    assert {(f["field"], f["rule"], f["level"]) for f in findings} == {("slogan", "absolute-term", "error")}


def test_markdown_conversions_are_remembered_by_text_and_code(tmp_path):
    from generator.cache import Memo
    from generator.site.markup import Texts

    memo = Memo(tmp_path, "markup")
    texts = Texts(memo)
    assert texts.html("**好茶**") == "<p><strong>好茶</strong></p>"
    assert texts.plain("**好茶**") == "好茶"
    memo.save()
    saved = json.loads((tmp_path / "markup.json").read_text(encoding="utf-8"))
    assert sorted(saved.values()) == ["<p><strong>好茶</strong></p>", "好茶"]
    poisoned = {key: "remembered" for key in saved}  # only a hit can give this
    (tmp_path / "markup.json").write_text(json.dumps(poisoned), encoding="utf-8")
    remembered = Texts(Memo(tmp_path, "markup"))
    assert remembered.html("**好茶**") == "remembered" and remembered.plain("**好茶**") == "remembered"
    assert remembered.html("*另一段*") == "<p><em>另一段</em></p>"
    assert Texts().html("**好茶**") == "<p><strong>好茶</strong></p>", "without a memo, nothing is remembered"
