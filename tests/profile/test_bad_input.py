"""Every kind of mistake a cooperative makes gets a message naming the file, the line, the field,
what is wrong and what would be right; never a traceback.

Each case edits one line of a valid profile (tests/fixtures/base) and checks the message.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from generator.errors import ProfileErrors
from generator.profile import yamlfile
from generator.profile.read import load_catalog
from tests.conftest import REPO, run_storefront

BASE = REPO / "tests" / "fixtures" / "base"
FILE = "villages/test-village/village.yml"

# (case, text replaced in the base profile, replacement, line, field, words the message must hold)
CASES = [
    ("unknown top-level key", "slogan: 一句口号", "slogen: 一句口号", 7, "slogen", "did you mean 'slogan'"),
    (
        "unknown nested key",
        "    category: tea",
        "    categroy: tea",
        20,
        "products[0].categroy",
        "did you mean 'category'",
    ),
    ("enum typo", "kind: festival", "kind: festivl", 12, "culture[0].kind", "did you mean 'festival'"),
    ("category not in the list", "category: tea", "category: teas", 20, "products[0].category", "did you mean 'tea'"),
    (
        "enum lists allowed values",
        "role: anchor",
        "role: host",
        30,
        "team[0].role",
        "allowed: anchor (主播), assistant (助播)",
    ),
    ("colour not hex", '"#2F6B3A"', "green", 15, "brand.colors.primary", '"#RRGGBB"'),
    (
        "time zone typo",
        "timezone: Asia/Shanghai",
        "timezone: Asia/Shanghia",
        6,
        "timezone",
        "did you mean 'Asia/Shanghai'",
    ),
    ("currency not ISO 4217", "currency: CNY", "currency: YUAN", 22, "products[0].price.currency", "ISO 4217"),
    ("RMB is CNY", "currency: CNY", "currency: RMB", 22, "products[0].price.currency", "write currency: CNY"),
    ("price not positive", "amount: 268", "amount: -5", 22, "products[0].price.amount", "greater than 0"),
    ("price not a number", "amount: 268", "amount: 两百", 22, "products[0].price.amount", "a number like 268"),
    (
        "month out of range",
        "season: [3, 4]",
        "season: [3, 14]",
        23,
        "products[0].season[1]",
        "less than or equal to 12",
    ),
    (
        "http instead of https",
        "https://shop.example.com/1",
        "http://shop.example.com/1",
        28,
        "products[0].buy[0].url",
        "https://",
    ),
    (
        "missing photo",
        "images: [images/tea.jpg]",
        "images: [images/teas.jpg]",
        24,
        "products[0].images[0]",
        "did you mean 'images/tea.jpg'",
    ),
    (
        "photo path leaves folder",
        "hero: images/hero.jpg",
        "hero: ../hero.jpg",
        16,
        "brand.hero",
        "outside the village folder",
    ),
    ("absolute photo path", "hero: images/hero.jpg", "hero: /etc/hero.jpg", 16, "brand.hero", "absolute path"),
    ("not an image name", "hero: images/hero.jpg", "hero: images/hero.gif", 16, "brand.hero", "JPEG, PNG or WebP"),
    (
        "unknown channel",
        "      channel: douyin-main",
        "      channel: douyin",
        36,
        "live.sessions[0].channel",
        "did you mean 'douyin-main'",
    ),
    ("unknown host", "hosts: [li-na]", "hosts: [lina]", 41, "live.sessions[0].hosts[0]", "no team member 'lina'"),
    (
        "unknown featured product",
        "products: [white-tea]",
        "products: [green-tea]",
        42,
        "live.sessions[0].products[0]",
        "no product 'green-tea'",
    ),
    (
        "unknown repeat frequency",
        "repeat: FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959",
        "repeat: FREQ=SOMETIMES",
        39,
        "live.sessions[0].repeat",
        "not offered; repeat DAILY, WEEKLY",
    ),
    (
        "bad repeat rule",
        "BYDAY=FR",
        "BYDAY=XX",
        39,
        "live.sessions[0].repeat",
        "days are written with two letters: MO Monday, TU Tuesday",
    ),
    (
        "repeat that never happens",
        "UNTIL=20270630T235959",
        "UNTIL=20200101T000000",
        39,
        "live.sessions[0].repeat",
        "UNTIL before start",
    ),
    ("bad duration", "duration: 2h", "duration: two hours", 38, "live.sessions[0].duration", "like 90m, 2h"),
    (
        "bad date-time",
        "start: 2026-12-04T19:30",
        "start: 2026-13-04T19:30",
        37,
        "live.sessions[0].start",
        "2027-03-20T19:30",
    ),
    (
        "bad date",
        "valid_until: 2027-12-31",
        "valid_until: 2027-02-30",
        26,
        "products[0].certifications[0].valid_until",
        "like 2027-12-31",
    ),
    ("id with spaces", "  - id: white-tea", "  - id: White Tea", 18, "products[0].id", "lowercase letters"),
    (
        "except without repeat",
        "      repeat: FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959",
        "      scene: 茶园",
        40,
        "live.sessions[0].except",
        "only a repeating session",
    ),
    ("bad e-mail", "email: coop@example.com", "email: coop-at-example", 44, "service.contact.email", "e-mail address"),
    ("bad language code", "en: Test Village", "english: Test Village", 2, "name", "not a language code"),
    (
        "comma inside a flow mapping",
        "en: Test Village}",
        "en: Test, Village}",
        2,
        "name",
        "put text that contains a comma in quotes",
    ),
    (
        "empty list",
        "culture:\n  - name: 开园节\n    kind: festival\n    description: 节日。",
        "culture: []\n\n\n",
        10,
        "culture",
        "at least 1",
    ),
    ("wrong type", "season: [3, 4]", "season: March", 23, "products[0].season", "should be a list"),
    ("empty text", "slogan: 一句口号", 'slogan: ""', 7, "slogan", "is empty"),
    ("duplicate key", "timezone: Asia/Shanghai", "slogan: 另一句", 7, "slogan", "appears twice (lines 6 and 7)"),
    ("tab indentation", "  county: 安吉县", "\tcounty: 安吉县", 5, "", "tab"),
    ("colon inside text", "slogan: 一句口号", "slogan: 口号: 冒号", 7, "", "put text that contains ': ' in quotes"),
    ("python tag", "slogan: 一句口号", 'slogan: !!python/object/apply:os.system ["echo hi"]', 7, "slogan", "tag"),
    (
        "duplicate team id",
        "  - {id: li-na, name: 李娜, role: anchor}",
        "  - {id: li-na, name: 李娜, role: anchor}\n  - {id: li-na, name: 王芳, role: assistant}",
        30,
        "team[0].id",
        "used 2 times",
    ),
]


def _village(tmp_path: Path, text: str | bytes, folder: str = "test-village") -> Path:
    villages = tmp_path / "villages"
    shutil.copytree(BASE, villages / folder)
    target = villages / folder / "village.yml"
    target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return villages


def _problems(villages: Path) -> list[str]:
    with pytest.raises(ProfileErrors) as raised:
        load_catalog(villages)
    return [str(p) for p in raised.value.problems]


def test_the_base_profile_is_valid(tmp_path):
    catalog = load_catalog(_village(tmp_path, (BASE / "village.yml").read_text(encoding="utf-8")))
    assert [v.slug for v in catalog.villages] == ["test-village"]


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mistake_is_located_and_explained(tmp_path, old, new, line, field, words):
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    assert old in text, "the case must change the base profile"
    problems = _problems(_village(tmp_path, text.replace(old, new, 1)))
    # A YAML syntax mistake is located to its column too: `file:line:column: message`.
    prefix = re.escape(f"{FILE}:{line}") + r"(:\d+)?: " + (re.escape(f"{field}: ") if field else "")
    matching = [p for p in problems if re.match(prefix, p)]
    assert matching, f"no problem starts with {prefix!r}: {problems}"
    assert any(words in p for p in matching), f"{words!r} not in {matching}"


def test_gbk_file_is_asked_to_be_saved_as_utf8(tmp_path):
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    problems = _problems(_village(tmp_path, text.encode("gbk")))
    assert problems == [
        (
            f"{FILE}:2: the file is not UTF-8 (it looks like GBK/GB18030 from an older Chinese Windows editor); "
            "open it and save it as UTF-8"
        )
    ]


def test_utf16_file_is_asked_to_be_saved_as_utf8(tmp_path):
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    problems = _problems(_village(tmp_path, text.encode("utf-16")))
    assert len(problems) == 1 and "UTF-16" in problems[0] and problems[0].startswith(f"{FILE}:1:")


def test_bom_and_crlf_are_read_as_usual(tmp_path):
    text = (BASE / "village.yml").read_text(encoding="utf-8").replace("\n", "\r\n")
    catalog = load_catalog(_village(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert catalog.villages[0].profile.slogan == {"zh": "一句口号"}


def test_folder_name_that_is_not_a_slug(tmp_path):
    villages = _village(tmp_path, (BASE / "village.yml").read_text(encoding="utf-8"), folder="Test Village")
    problems = _problems(villages)
    assert problems == [
        (
            "villages/Test Village/village.yml:1: (folder name): the folder name 'Test Village' is not a valid id; "
            "rename the folder to 'test-village' (a-z, 0-9 and '-')"
        )
    ]


def test_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "secret.jpg"
    shutil.copy(BASE / "images" / "hero.jpg", outside)
    text = (BASE / "village.yml").read_text(encoding="utf-8").replace("hero: images/hero.jpg", "hero: images/link.jpg")
    villages = _village(tmp_path, text)
    (villages / "test-village" / "images" / "link.jpg").symlink_to(outside)
    problems = _problems(villages)
    assert problems == [
        (
            f"{FILE}:16: brand.hero: 'images/link.jpg' leads outside the village folder (through a link); "
            "copy the photo into images/"
        )
    ]


def test_a_remembered_village_is_checked_again_when_its_file_or_a_photo_changes(tmp_path):
    """A build remembers validated villages; a hit must never hide a mistake made since."""
    import dataclasses
    import os
    import pickle

    villages = _village(tmp_path, (BASE / "village.yml").read_text(encoding="utf-8"))
    folder, cache = villages / "test-village", tmp_path / "cache"

    def load():
        return _load_remembering(villages, cache).villages[0]

    fresh = load()
    assert load() == fresh
    # Poison the remembered village: only a hit can return it.
    saved = pickle.loads((cache / "villages.pickle").read_bytes())
    ((key, (photos, village)),) = saved.items()
    poisoned = dataclasses.replace(village, source="remembered")
    (cache / "villages.pickle").write_bytes(pickle.dumps({key: (photos, poisoned)}))
    assert load().source == "remembered"
    # Photos touched but not changed (a fresh checkout in CI): still a hit.
    for photo in (folder / "images").iterdir():
        os.utime(photo, (1_700_000_000, 1_700_000_000))
    assert load().source == "remembered"
    # A photo replaced by a link out of the folder, with the same bytes: the check runs and refuses it.
    outside = tmp_path / "secret.jpg"
    shutil.copy(folder / "images" / "hero.jpg", outside)
    (folder / "images" / "hero.jpg").unlink()
    (folder / "images" / "hero.jpg").symlink_to(outside)
    with pytest.raises(ProfileErrors) as raised:
        _load_remembering(villages, cache)
    assert any("brand.hero" in str(p) and "outside the village folder" in str(p) for p in raised.value.problems)
    # Another photo in its place: the check runs again (and the poisoned village is gone).
    (folder / "images" / "hero.jpg").unlink()
    shutil.copy(folder / "images" / "tea.jpg", folder / "images" / "hero.jpg")
    assert load().source != "remembered"
    # The file itself changed: another key.
    profile = folder / "village.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("slogan: 一句口号", "slogan: 另一句"), encoding="utf-8"
    )
    assert load().profile.slogan == {"zh": "另一句"}
    (cache / "villages.pickle").write_bytes(b"not a pickle")
    assert load().profile.slogan == {"zh": "另一句"}, "a damaged memo is only a miss"


def _load_remembering(villages: Path, cache: Path):
    from generator.cache import Memo, Stamps

    memo, stamps = Memo(cache, "villages", pickled=True), Stamps(cache)
    try:
        return load_catalog(villages, memo=memo, stamps=stamps)
    finally:
        memo.save()
        stamps.save()


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    started = time.monotonic()
    problems = _problems(_village(tmp_path, "\n".join(lines) + "\n"))
    assert time.monotonic() - started < 5
    assert len(problems) == 1 and "expands to more than 100,000 values" in problems[0]


def test_deep_nesting_is_refused(tmp_path):
    problems = _problems(_village(tmp_path, "name: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert len(problems) == 1 and "nested too deeply" in problems[0]


def test_folder_without_a_profile(tmp_path):
    villages = _village(tmp_path, (BASE / "village.yml").read_text(encoding="utf-8"))
    (villages / "empty-start").mkdir()
    assert _problems(villages) == [
        "villages/empty-start: there is no village.yml in this folder; add one or remove the folder"
    ]


def test_all_problems_of_all_files_are_reported_at_once(tmp_path):
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    villages = _village(tmp_path, text.replace("kind: festival", "kind: x").replace("amount: 268", "amount: 0"))
    shutil.copytree(BASE, villages / "second")
    (villages / "second" / "village.yml").write_text(
        text.replace("timezone: Asia/Shanghai", "timezone: Mars"), encoding="utf-8"
    )
    problems = _problems(villages)
    assert [p.split(": ")[0] for p in problems] == ["villages/second/village.yml:6", f"{FILE}:12", f"{FILE}:22"]


def test_validate_command_prints_every_problem_and_no_traceback(tmp_path):
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    _village(
        tmp_path,
        text.replace("kind: festival", "kind: festivl")
        .replace("prodcuts", "x")
        .replace("    category: tea", "    categroy: tea"),
    )
    result = run_storefront("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    # The folder has no mkdocs.yml: the project's default language, Chinese, is spoken.
    assert f"{FILE}:12: culture[0].kind: 不能写 'festivl'；是不是要写 'festival'？" in result.stderr
    assert f"{FILE}:20: products[0].categroy: 没有字段 'categroy'；是不是要写 'category'？" in result.stderr
    assert result.stderr.startswith("1 个文件里有 3 处问题：")


def test_validate_command_accepts_the_base_profile(tmp_path):
    _village(tmp_path, (BASE / "village.yml").read_text(encoding="utf-8"))
    result = run_storefront("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "全部 1 个村庄档案都没有问题（共 1 个产品）。" in result.stdout


def test_yaml_one_point_one_surprises_stay_text(tmp_path):
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    text = text.replace("slogan: 一句口号", "slogan: no").replace('phone: "0572-1234567"', "phone: 0572")
    catalog = load_catalog(_village(tmp_path, text))
    profile = catalog.villages[0].profile
    assert profile.slogan == {"zh": "no"} and profile.service.contact.phone == "0572"


# Where libyaml (the fast reader) and PyYAML's own reader part ways; PyYAML's reading is the one kept.
LIBYAML_DIFFERS = [
    "a:\tb\n",  # a tab after the colon: PyYAML refuses it
    "a: b\n\ufeffc: d\n",  # a byte order mark at the start of a line
    "a: [x?y, z]\n",  # a `?` in an unquoted word inside [...]: PyYAML refuses it
    "a: {k?: 1}\n",
    "a: [1, !9, 2]\n",  # a tag: PyYAML names it with the comma, libyaml without
    'a: "\\ud800"\n',  # an escaped lone surrogate: libyaml refuses it, PyYAML reads it
    "a: [x:, b]\n",  # libyaml refuses these; PyYAML reads them
    "a: " + "[" * 2000 + "]" * 2000 + "\n",  # libyaml's nesting limit; PyYAML's own refusal
    "a: 1\nb: [1, 2]\nc: |\n  text\n  more\nd: {e: 'f', g: no}\n",
]


@pytest.mark.parametrize(
    "text", LIBYAML_DIFFERS + [p.read_text("utf-8-sig") for p in sorted((REPO / "villages").glob("*/village.yml"))]
)
def test_libyaml_reads_every_file_as_pyyaml_does(text, monkeypatch):
    def read(text):
        try:
            document = yamlfile.parse(text)
            return document.data, document.lines, document.text_starts
        except yamlfile.YamlProblem as problem:
            return problem.line, problem.message, problem.path

    fast = read(text)
    monkeypatch.setattr(yamlfile, "_FAST", None)
    assert fast == read(text)
