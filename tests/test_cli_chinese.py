"""A Chinese site's commands say nothing in English: argparse's own words (usage, errors), the
claims lint's reasons, the check's and the output folder's refusals, a preview's note, MkDocs'
log lines. Each command runs as a cooperative runs it (a subprocess, the project's Chinese
mkdocs.yml); what it prints may hold code (paths, field names, rule ids, commands) but no English
sentence. The same mistakes on an English site are answered in English (the last test)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import REPO, make_project, run_storefront

BASE = REPO / "tests" / "fixtures" / "base"
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [a-z]{2,}){2,}\b")
"""Three English words in a row, the first perhaps capitalised: a sentence, not a name or a command."""
ARGPARSE = ("usage:", "options:", "error:", "positional arguments", "invalid choice", "required")


def _project(tmp_path, *edits: tuple[str, str], config: tuple[str, str] | None = None):
    project = make_project(tmp_path)
    village = project / "villages" / "test-village"
    shutil.copytree(BASE, village)
    text = (village / "village.yml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    (village / "village.yml").write_text(text, encoding="utf-8")
    if config:
        settings = (project / "mkdocs.yml").read_text(encoding="utf-8")
        assert config[0] in settings
        (project / "mkdocs.yml").write_text(settings.replace(*config), encoding="utf-8")
    return project


def _english_in(output: str) -> list[str]:
    found = ENGLISH.findall(output) + [word for word in ARGPARSE if word in output]
    found += [line for line in output.splitlines() if line.startswith(("INFO", "WARNING", "ERROR"))]
    return found


CLAIM = ("slogan: 一句口号", "slogan: 全国最好的白茶，包治百病")
EXPIRING = ("valid_until: 2027-12-31", "valid_until: 2026-11-30")  # 12 days after the tests' clock


@pytest.mark.parametrize(
    ("args", "edits", "config", "status", "words"),
    [
        ((), (), None, 2, "缺少这些参数：COMMAND"),
        (("buidl",), (), None, 2, "不能选 'buidl'"),
        (("new",), (), None, 2, "缺少这些参数：SLUG"),
        (("validate", "--bogus"), (), None, 2, "不认识这些参数：--bogus"),
        (("check", "--fail-on", "sometimes"), (), None, 2, "参数 --fail-on：不能选 'sometimes'"),
        (("build", "--only"), (), None, 2, "后面至少要跟一个值"),
        (("build", "--help"), (), None, 0, "用法：storefront build"),
        (("lint",), (CLAIM, EXPIRING), None, 1, "绝对化用语：买家无法核实"),
        (("lint", "--json"), (CLAIM,), None, 1, "食品不得声称预防或治疗疾病"),
        (("build",), (CLAIM,), None, 1, "用语检查发现了不能发布的说法"),
        (("build", "--site-dir", "villages/test-village"), (), None, 1, "在村庄文件夹"),
        (("build", "--site-dir", "villages"), (), None, 1, "会替换掉村庄文件夹"),
        (("build", "--only", "nowhere"), (), None, 1, "--only：/"),
        (
            ("check",),
            (),
            ("registries: [taobao-2014, taobao-2016]", "registries: [missing.csv]"),
            1,
            "名录 missing.csv",
        ),
        (("check",), (), ("fail_on: fail\n", "fail_on: fail\n        thresholds: {warn: abc}\n"), 1, "应该是数字"),
        (
            ("check",),
            (),
            ("fail_on: fail\n", "fail_on: fail\n        thresholds: {wran: 0.5}\n"),
            1,
            "是不是要写 'warn'",
        ),
        (
            ("build",),
            (),
            ("        strict: false\n", "        strict: false\n        ignore: [price-units]\n"),
            1,
            "没有规则 'price-units'",
        ),
        (("build",), (), None, 0, "已生成 site：1 个村庄"),
    ],
)
def test_a_chinese_site_hears_no_english(tmp_path, args, edits, config, status, words):
    project = _project(tmp_path, *edits, config=config)
    result = run_storefront(*args, cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode == status, output
    assert "Traceback" not in output
    assert words in output, output
    assert not _english_in(output), (_english_in(output), output)


def test_a_preview_of_one_village_says_so_in_chinese(tmp_path):
    project = _project(tmp_path)
    result = run_storefront("build", "--only", "test-village", cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "这是 1 个村庄的预览（test-village），生成在 site.preview" in result.stdout, output
    assert not _english_in(output), (_english_in(output), output)


def test_an_english_site_hears_the_same_in_english(tmp_path):
    project = _project(tmp_path, CLAIM, config=("  language: zh\n", "  language: en\n"))
    lint = run_storefront("lint", cwd=project)
    assert "an absolute claim that a buyer cannot check" in lint.stdout, lint.stdout
    assert lint.stdout.splitlines()[0].endswith("[error: absolute-term]"), lint.stdout
    wrong = run_storefront("check", "--fail-on", "sometimes", cwd=project)
    assert "error: argument --fail-on: invalid choice: 'sometimes'" in wrong.stderr, wrong.stderr
    assert run_storefront("build", "-h", cwd=project).stdout.startswith("usage: storefront build")
