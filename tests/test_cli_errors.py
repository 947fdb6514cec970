"""Broken input at the edges (repeat rules, photos, output folders, mkdocs.yml options) through the
real command line: exit 1 with advice, never a traceback, and nothing destroyed. The project's
site is Chinese (theme.language: zh), so the commands answer in Chinese; an English site is
answered in English (the tests at the end)."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image

from tests.conftest import REPO, make_project, run_storefront

BASE = REPO / "tests" / "fixtures" / "base"
RULE = "repeat: FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959"


def _project(tmp_path, old: str | None = None, new: str | None = None):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    if old is not None:
        profile = project / "villages" / "test-village" / "village.yml"
        text = profile.read_text(encoding="utf-8")
        assert old in text
        profile.write_text(text.replace(old, new), encoding="utf-8")
    return project


def _fails_with(result, words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert words in output, output


@pytest.mark.parametrize(
    ("new", "words"),
    [
        ("repeat: FREQ=WEEKLY;UNTIL=2027-06-30", "UNTIL=2027-06-30 应该是 20270630 这样的日期"),
        ("repeat: FREQ=WEEKLY;UNTIL=20270630T2359", "或 20270630T235959 这样的时间"),
        ("repeat: FREQ=MINUTELY", "FREQ=MINUTELY 不能用；只能是 DAILY, WEEKLY, MONTHLY, YEARLY"),
        ("repeat: FREQ=DAILY;COUNT=3000000", "COUNT=3000000 应该是 1 到 1000 的整数"),
    ],
)
def test_repeat_rules_the_build_cannot_expand_are_refused(tmp_path, new, words):
    project = _project(tmp_path, RULE, new)
    _fails_with(run_storefront("validate", cwd=project), words)
    _fails_with(run_storefront("build", cwd=project), words)


def test_a_yearly_session_on_the_29th_of_february_builds(tmp_path):
    project = _project(tmp_path, "start: 2026-12-04T19:30", "start: 2028-02-29T19:30")
    text = (project / "villages" / "test-village" / "village.yml").read_text(encoding="utf-8")
    (project / "villages" / "test-village" / "village.yml").write_text(
        text.replace(RULE, "repeat: FREQ=YEARLY").replace("except: [2026-12-25T19:30]", "except: []"), encoding="utf-8"
    )
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr


def test_photos_are_checked_by_validate_not_only_by_build(tmp_path):
    project = _project(tmp_path)
    images = project / "villages" / "test-village" / "images"
    (images / "tea.jpg").write_text("not a photo", encoding="utf-8")
    Image.new("L", (8000, 7000)).save(images / "hero.jpg")
    result = run_storefront("validate", cwd=project)
    _fails_with(result, "village.yml:24: products[0].images[0]: 'images/tea.jpg': 这个文件不是 JPEG、PNG 或 WebP 图片")
    assert "village.yml:16: brand.hero: 'images/hero.jpg': 照片有 8000x7000 像素" in result.stderr
    _fails_with(run_storefront("check", cwd=project), "8000x7000")


def test_a_site_folder_over_the_villages_is_refused(tmp_path):
    project = _project(tmp_path)
    _fails_with(run_storefront("build", "--site-dir", "villages/test-village", cwd=project), "在村庄文件夹")
    assert (project / "villages" / "test-village" / "village.yml").is_file()


def test_photo_names_with_spaces_and_commas_are_linked_encoded(tmp_path):
    project = _project(tmp_path, "images: [images/tea.jpg]", 'images: ["images/春茶 1,2.jpg"]')
    shutil.copy(
        project / "villages" / "test-village" / "images" / "tea.jpg",
        project / "villages" / "test-village" / "images" / "春茶 1,2.jpg",
    )
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "villages" / "test-village" / "products" / "white-tea" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "%E6%98%A5%E8%8C%B6%201%2C2" in page and "春茶 1,2" not in page.split("<article", 1)[1].split("alt=")[0]


def test_village_file_linked_from_outside_is_refused(tmp_path):
    project = _project(tmp_path)
    profile = project / "villages" / "test-village" / "village.yml"
    outside = tmp_path / "elsewhere.yml"
    shutil.move(profile, outside)
    profile.symlink_to(outside)
    _fails_with(run_storefront("validate", cwd=project), "village.yml 是一个链接，指向村庄文件夹以外的文件")


@pytest.mark.parametrize(
    ("old", "new", "command", "words"),
    [
        (
            "      cache_dir: .cache/storefront\n",
            "      cache_dir: .cache/storefront\n      colors: {primary: nonsense}\n",
            "build",
            '不是颜色；请写成带引号的 "#RRGGBB"',
        ),
        (
            "        fail_on: fail\n",
            "        fail_on: fail\n        thresholds: 5\n",
            "check",
            "应该是一组设置，例如 {warn: 0.5, fail: 0.75}",
        ),
        (
            "        fail_on: fail\n",
            "        fail_on: fail\n        thresholds: {warn: abc}\n",
            "check",
            "warn 应该是数字",
        ),
        (
            "registries: [taobao-2014, taobao-2016]",
            "registries: [missing.csv]",
            "check",
            "名录 missing.csv：没有这个文件",
        ),
    ],
)
def test_bad_options_in_mkdocs_yml_get_advice(tmp_path, old, new, command, words):
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    _fails_with(run_storefront(command, cwd=project), words)


def test_fail_on_never_lets_the_check_pass(tmp_path):
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("fail_on: fail", "fail_on: never"), encoding="utf-8")
    assert run_storefront("check", cwd=project).returncode == 0


def test_command_errors(tmp_path):
    project = _project(tmp_path)
    _fails_with(run_storefront("schema", "--villages", "missing", cwd=project), "missing: 这个文件夹不存在")
    _fails_with(run_storefront("check", "--against", "villages", cwd=project), "没有这个文件")


# --- the language the commands speak --------------------------------------------------------


def _english_site(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  language: zh\n" in text
    config.write_text(text.replace("  language: zh\n", "  language: en\n"), encoding="utf-8")
    return project


def test_an_english_site_is_answered_in_english(tmp_path):
    project = _english_site(_project(tmp_path, "kind: festival", "kind: festivl"))
    result = run_storefront("validate", cwd=project)
    _fails_with(result, "culture[0].kind: 'festivl' is not allowed; did you mean 'festival'? allowed: festival (节庆)")
    assert result.stderr.startswith("1 problem in 1 file:"), result.stderr
    assert not any("\u4e00" <= c <= "\u9fff" for c in result.stderr.replace("节庆", "").split("allowed:")[0])


def test_lang_and_the_locale_choose_the_language_over_the_site(tmp_path):
    project = _project(tmp_path)
    assert "全部 1 个村庄档案都没有问题" in run_storefront("validate", cwd=project).stdout
    assert "All 1 villages are valid" in run_storefront("validate", "--lang", "en", cwd=project).stdout
    assert "All 1 villages are valid" in run_storefront("validate", cwd=project, env={"LANG": "en_US.UTF-8"}).stdout
    english = _english_site(project)
    assert "全部 1 个村庄档案都没有问题" in run_storefront("validate", "--lang", "zh", cwd=english).stdout
    assert "全部 1 个村庄档案都没有问题" in run_storefront("validate", cwd=english, env={"LANG": "zh_CN.UTF-8"}).stdout
    assert "All 1 villages are valid" in run_storefront("validate", cwd=english).stdout


def test_the_build_summary_and_lint_speak_the_site_language(tmp_path):
    project = _project(tmp_path)
    built = run_storefront("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "已生成 site：1 个村庄，1 个产品" in built.stdout, built.stdout
    assert "用语检查" in run_storefront("lint", cwd=project).stdout
    english = run_storefront("build", cwd=_english_site(project))
    assert "Built site: 1 villages, 1 products" in english.stdout, english.stdout


def test_format_github_puts_each_problem_on_its_line_and_sums_up_in_chinese(tmp_path):
    project = _project(tmp_path, "slogan: 一句口号", "slogan：一句口号")
    summary = tmp_path / "summary.md"
    result = run_storefront("validate", "--format", "github", cwd=project, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "::error file=villages/test-village/village.yml,line=7,col=7::"
        '字段名后面是全角冒号 "："；请改成英文冒号加一个空格 ": "（例如 slogan: 竹编之乡）'
    ]
    text = summary.read_text(encoding="utf-8")
    assert (
        text.startswith("### 村庄档案检查\n\n1 个文件里有 1 处问题")
        and "| `villages/test-village/village.yml` | 7 |" in text
    )


def test_format_github_of_lint_marks_findings_by_level(tmp_path):
    project = _project(tmp_path, "slogan: 一句口号", "slogan: 全国最好的白茶")
    result = run_storefront("lint", "--format", "github", cwd=project)
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error file=", "::warning file=")) for line in lines), result.stdout
    assert any("file=villages/test-village/village.yml,line=7,title=slogan::" in line for line in lines), lines
