"""Broken input at the edges (repeat rules, photos, output folders, mkdocs.yml options) through the
real command line: exit 1 with advice, never a traceback, and nothing destroyed."""

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
        ("repeat: FREQ=WEEKLY;UNTIL=2027-06-30", "UNTIL=2027-06-30 should be a date like 20270630"),
        ("repeat: FREQ=WEEKLY;UNTIL=20270630T2359", "or a time like 20270630T235959"),
        ("repeat: FREQ=MINUTELY", "FREQ=MINUTELY is not offered"),
        ("repeat: FREQ=DAILY;COUNT=3000000", "COUNT=3000000 should be a whole number from 1 to 1000"),
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
    _fails_with(result, "village.yml:24: products[0].images[0]: 'images/tea.jpg': this file is not a JPEG, PNG or WebP")
    assert "village.yml:16: brand.hero: 'images/hero.jpg': the photo is 8000x7000 pixels" in result.stderr
    _fails_with(run_storefront("check", cwd=project), "8000x7000")


def test_a_site_folder_over_the_villages_is_refused(tmp_path):
    project = _project(tmp_path)
    _fails_with(
        run_storefront("build", "--site-dir", "villages/test-village", cwd=project), "inside the villages folder"
    )
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
    _fails_with(run_storefront("validate", cwd=project), "a link to a file outside the village folder")


@pytest.mark.parametrize(
    ("old", "new", "command", "words"),
    [
        (
            "      cache_dir: .cache/storefront\n",
            "      cache_dir: .cache/storefront\n      colors: {primary: nonsense}\n",
            "build",
            'is not a colour; write it as "#RRGGBB"',
        ),
        (
            "        fail_on: fail\n",
            "        fail_on: fail\n        thresholds: 5\n",
            "check",
            "should be settings like",
        ),
        (
            "        fail_on: fail\n",
            "        fail_on: fail\n        thresholds: {warn: abc}\n",
            "check",
            "warn should be a number",
        ),
        (
            "registries: [taobao-2014, taobao-2016]",
            "registries: [missing.csv]",
            "check",
            "registry missing.csv: no such file",
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
    _fails_with(run_storefront("schema", "--villages", "missing", cwd=project), "this folder does not exist")
    _fails_with(run_storefront("check", "--against", "villages", cwd=project), "no such file")
