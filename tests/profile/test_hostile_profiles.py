"""Profiles that try to break the site through their names and places: a photo where the site puts
a file of its own, a photo name whose published copies no file system can hold, a village folder
that is a link to elsewhere, a village name that is YAML syntax, and invisible text-direction
controls. Each is refused at its line with advice, or published clean."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from generator.profile.read import load_catalog
from tests.conftest import REPO, make_project, run_storefront
from tests.profile.test_bad_input import _problems, _village
from tests.profile.test_hostile_files import _heic

BASE = REPO / "tests" / "fixtures" / "base"
FILE = "villages/test-village/village.yml"
TEXT = (BASE / "village.yml").read_text(encoding="utf-8")


def _with_hero(tmp_path: Path, hero: str, size: tuple[int, int] = (800, 600)) -> Path:
    """The base village with its hero photo at `hero` (written as a real photo there)."""
    villages = _village(tmp_path, TEXT.replace("hero: images/hero.jpg", f'hero: "{hero}"'))
    target = villages / "test-village" / hero
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (120, 90, 40)).save(target, "PNG" if hero.lower().endswith(".png") else "JPEG")
    return villages


def _photo(suffix: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1400, 100), (30, 120, 60)).save(out, "PNG" if suffix == ".png" else "JPEG")
    return out.getvalue()


# --- a photo where the site writes a file of its own ---------------------------------------------


@pytest.mark.parametrize(
    ("hero", "where"),
    [
        ("share.jpg/hero.jpg", "in a folder 'share.jpg'"),  # where the share card is a file
        ("Share.JPG/hero.jpg", "in a folder 'share.jpg'"),  # one folder with share.jpg on Windows and macOS
        ("products/white-tea/card.webp/hero.jpg", "in a folder 'products/white-tea/card.webp'"),
        ("live/0/poster.webp/hero.jpg", "in a folder 'live/0/poster.webp'"),
        ("live/0/poster-small.webp/hero.jpg", "in a folder 'live/0/poster-small.webp'"),
        ("live/calendar.ics/hero.jpg", "in a folder 'live/calendar.ics'"),
    ],
)
def test_a_photo_where_the_site_puts_a_file_of_its_own_is_refused(tmp_path, hero, where):
    problems = _problems(_with_hero(tmp_path, hero))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{FILE}:16: brand.hero: {hero!r} would be published {where}, "), problems
    assert "where the site puts a file it makes" in problems[0] and "rename the photo" in problems[0], problems


@pytest.mark.parametrize(
    "hero",
    [
        # A photo is published at its widths only (`share-320.webp`...), never at its own name (#19):
        # named like a file the site makes, it still publishes beside it.
        "share.jpg",
        "products/white-tea/card.jpg",
        "live/0/poster.jpg",
        "brand/logo.png",
        "brand/favicon.jpg",
        "brand/icon.jpg",
        "live/1/share.jpg",
        "products/share.jpg",
    ],
)
def test_a_photo_beside_the_sites_own_files_is_fine(tmp_path, hero):
    assert load_catalog(_with_hero(tmp_path, hero)).villages[0].profile.brand.hero == hero


# --- photo names whose published copies are too long -------------------------------------------


@pytest.mark.parametrize(
    ("stem", "suffix", "cut"),
    [
        ("b" * 243, ".png", 2),  # a 247-byte name: `...-png-1280.webp` is 257 bytes
        ("茶" * 81, ".png", 1),  # 247 bytes too; 257 published: one character of three bytes less
        ("b" * 246, ".jpg", 1),  # 250 bytes; `...-1280.webp` is 256
        ("b" * 241, ".heic", 1),  # 246 bytes; `...-heic-1280.webp` is 256
    ],
)
def test_a_photo_name_too_long_once_published_is_refused_with_how_much_to_cut(tmp_path, stem, suffix, cut):
    villages = _village(tmp_path, TEXT.replace("images: [images/tea.jpg]", f'images: ["images/{stem}{suffix}"]'))
    photo = villages / "test-village" / "images" / f"{stem}{suffix}"
    photo.write_bytes(_heic() if suffix == ".heic" else _photo(suffix))
    problems = _problems(villages)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{FILE}:24: products[0].images[0]: 'images/{stem[:20]}"), problems
    characters = "character" if cut == 1 else "characters"
    assert f"shorten the name by {cut} {characters}" in problems[0], problems
    assert "255 bytes" in problems[0], problems


def test_the_longest_name_allowed_builds(tmp_path):
    # 241 + `-png-1280.webp` = 255 bytes, the limit: what validate lets through, the build publishes.
    name = "images/" + "b" * 241 + ".png"
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    village = project / "villages" / "test-village"
    (village / "village.yml").write_text(
        TEXT.replace("images: [images/tea.jpg]", f'images: ["{name}"]'), encoding="utf-8"
    )
    (village / name).write_bytes(_photo(".png"))
    assert load_catalog(project / "villages").villages
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    published = project / "site" / "villages" / "test-village" / "images"
    assert len(("b" * 241 + "-png-1280.webp").encode()) == 255
    assert (published / ("b" * 241 + "-png-1280.webp")).is_file()


def test_one_character_more_is_refused(tmp_path):
    villages = _village(tmp_path, TEXT.replace("images: [images/tea.jpg]", f'images: ["images/{"b" * 242}.png"]'))
    (villages / "test-village" / "images" / f"{'b' * 242}.png").write_bytes(_photo(".png"))
    problems = _problems(villages)
    assert len(problems) == 1 and "shorten the name by 1 character" in problems[0], problems


# --- a village folder that is a link to elsewhere -----------------------------------------------


def test_a_village_folder_linked_from_outside_is_refused(tmp_path):
    villages = _village(tmp_path, TEXT)
    outside = tmp_path / "elsewhere" / "test-village"
    outside.parent.mkdir()
    shutil.move(villages / "test-village", outside)
    (villages / "test-village").symlink_to(outside, target_is_directory=True)
    problems = _problems(villages)
    assert problems == [
        "villages/test-village: this folder is a link to a folder outside the villages folder; "
        "move the village folder itself into villages/ instead"
    ], problems


def test_a_village_folder_linked_inside_the_villages_folder_is_read(tmp_path):
    villages = _village(tmp_path, TEXT)
    shutil.move(villages / "test-village", villages / "_drafts")
    (villages / "test-village").symlink_to("_drafts", target_is_directory=True)
    assert [v.slug for v in load_catalog(villages).villages] == ["test-village"]


# --- `storefront new` with a name that is YAML syntax -------------------------------------------

HOSTILE_NAMES = [
    "Evil\\",
    'Evil\\"',
    'Say "hi"',
    "it's",
    "'",
    '"',
    "a: b",
    "#1 村",
    "村 # not a comment",
    "two\nlines",
    "yes",
    "No",
    "null",
    "~",
    "true",
    "0572",
    "1:30",
    "2026-01-01",
    "1e3",
    "- item",
    "[a, b]",
    "{a: b}",
    "*alias",
    "&anchor",
    "!tag",
    "%TAG",
    "@home",
    "`tick`",
    "? key",
    "| block",
    "> folded",
    "{{name}}",
    "黄杜村 \\ \"Evil\" #1: 'x'",
]


def fill_region(text: str) -> str:
    """A scaffolded profile with its region filled in, as the cooperative is asked to."""
    filled = text.replace("  province:  ", "  province: 浙江省").replace("  county:    ", "  county: 安吉县")
    assert filled != text
    return filled


def test_new_writes_any_name_as_the_text_it_is(tmp_path):
    project = make_project(tmp_path)
    (project / "villages").mkdir()
    for i, name in enumerate(HOSTILE_NAMES):
        result = run_storefront("new", f"v{i}", "--name", name, cwd=project)
        assert result.returncode == 0, (name, result.stderr)
        profile = project / "villages" / f"v{i}" / "village.yml"
        profile.write_text(fill_region(profile.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    names = {v.slug: v.profile.name for v in load_catalog(project / "villages").villages}
    assert names == {f"v{i}": {"zh": name} for i, name in enumerate(HOSTILE_NAMES)}
    text = (project / "villages" / "v0" / "village.yml").read_text(encoding="utf-8")
    template = (REPO / "generator" / "data" / "village-template.yml").read_text(encoding="utf-8")
    comments = [line for line in template.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in text.splitlines() for line in comments)  # the notes are kept


# --- text-direction controls ---------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
BIDI_PATTERN = re.compile(f"[{BIDI}]")


def test_text_direction_controls_never_reach_pages_feeds_or_calendars(tmp_path):
    project = make_project(tmp_path)
    village = project / "villages" / "test-village"
    shutil.copytree(BASE, village)
    text = (
        TEXT.replace("name: {zh: 测试村, en: Test Village}", 'name: {zh: "测试\u202e村", en: "Test \u202eegalliV"}')
        .replace("slogan: 一句口号", "slogan: 一句\u2067口号\u2069")
        .replace("  一个故事。", "  一个\u200f故事\u061c。")
        .replace("name: 白茶", "name: 白\u202d茶")
        .replace("title: 开采直播", "title: 开采\u202b直播")
        .replace("{id: li-na, name: 李娜, role: anchor}", '{id: li-na, name: "李\u200e娜", role: anchor}')
        # short texts shown as written: places, units, certificates, contacts
        .replace("county: 安吉县", 'county: "安吉\u200f县"')
        .replace("unit: 250 g}", 'unit: "250\u202e g"}')
        .replace("issuer: 国家知识产权局", 'issuer: "国家知识\u202e产权局"')
        .replace('phone: "0572-1234567"', 'phone: "0572-\u202e1234567"')
    )
    assert text.count("\u202e") == 5
    (village / "village.yml").write_text(text, encoding="utf-8")
    profile = load_catalog(project / "villages").villages[0].profile
    assert profile.name == {"zh": "测试村", "en": "Test egalliV"} and profile.story == "一个故事。"
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    written = [
        p
        for p in (project / "site").rglob("*")
        if p.suffix in (".html", ".xml", ".ics", ".json", ".atom", ".webmanifest", ".txt")
    ]
    assert {p.suffix for p in written} >= {".html", ".xml", ".ics", ".json"}
    for path in written:
        assert not BIDI_PATTERN.search(path.read_text(encoding="utf-8")), path
    page = (project / "site" / "villages" / "test-village" / "index.html").read_text(encoding="utf-8")
    assert "测试村" in page and "李娜" in page


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        (
            "https://live.example.com/1",
            "https://live.example.com/\u202e1gpj.exe",
            33,
            "live.channels[0].url",
        ),
        ("https://shop.example.com/1", "https://shop.example.com/\u200f1", 28, "products[0].buy[0].url"),
    ],
)
def test_an_address_with_a_text_direction_control_is_refused_at_its_line(tmp_path, old, new, line, field):
    problems = _problems(_village(tmp_path, TEXT.replace(old, new)))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{FILE}:{line}: {field}: "), problems
    assert "invisible text-direction control" in problems[0] and "type the address again" in problems[0], problems


def test_validate_refuses_the_address_through_the_command_line(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(BASE, project / "villages" / "test-village")
    (project / "villages" / "test-village" / "village.yml").write_text(
        TEXT.replace("https://live.example.com/1", "https://live.example.com/\u202e1"), encoding="utf-8"
    )
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{FILE}:33: live.channels[0].url: " in result.stderr
