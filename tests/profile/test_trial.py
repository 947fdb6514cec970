"""Issue 17's trial, replayed: a cooperative clerk who reads only Chinese adds a bamboo-weaving
village and makes the mistakes that clerk made (tests/fixtures/trial/villages). Through the real
command line, on the project's Chinese site, each is answered in Chinese at its line (and column,
for a YAML mistake) with a hint that fits the field; what the clerk wrote in Chinese is read."""

from __future__ import annotations

import shutil

import pytest

from generator.messages import speaking
from generator.profile.read import load_catalog
from generator.profile.regions import region_problems
from generator.profile.repeats import RuleProblem, checked_rule
from generator.profile.schema import json_schema
from tests.conftest import REPO, make_project, run_storefront

TRIAL = REPO / "tests" / "fixtures" / "trial" / "villages"


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> list[str]:
    project = make_project(tmp_path_factory.mktemp("trial"), TRIAL)
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr.splitlines()


def _answer(answers: list[str], where: str) -> str:
    found = [line.strip() for line in answers if line.strip().startswith(where)]
    assert len(found) == 1, f"{where!r} is answered {len(found)} times: {answers}"
    return found[0]


SYNTAX = "villages/zhuyi-syntax/village.yml"
MISTAKES = "villages/zhuyi-mistakes/village.yml"


@pytest.mark.parametrize(
    ("where", "words"),
    [
        # Every YAML mistake of the file, in one run, at its line and column, the character named.
        (f"{SYNTAX}:2:15: ", '里的两项之间用了中文逗号 "，"；请改成英文逗号 ","'),
        (f"{SYNTAX}:7:7: ", '字段名后面是全角冒号 "："；请改成英文冒号加一个空格 ": "'),
        (
            f"{SYNTAX}:16:14: brand.colors.primary: ",
            '颜色要加引号：没有引号时 # 后面会被当成注释，这一项就成了空的；请写成 "#2E6B40"',
        ),
        # A missing hero photo: no other photo is offered in its place (the folder has images/tea.jpg).
        (f"{MISTAKES}:16: brand.hero: ", "'images/hero.jpg' 不存在；请把照片放在本村文件夹里的 images/hero.jpg"),
        # `time:` is the session's `start`, not a word that looks alike (`title`).
        (f"{MISTAKES}:37: live.sessions[0].time: ", "没有字段 'time'；是不是要写 'start'？"),
        (f"{MISTAKES}:35: live.sessions[0].start: ", "必须填写，但没有写"),
        # The channel is there, but without the id that names it.
        (f"{MISTAKES}:36: live.sessions[0].channel: ", "live.channels[0] 还没有 `id:`；在那里加上 `id: douyin`"),
        (f"{MISTAKES}:33: live.channels[0].id: ", "必须填写"),
        # A weekday of three letters: every day is listed, with its Chinese name.
        (
            f"{MISTAKES}:39: live.sessions[0].repeat: ",
            "BYDAY=SAT 不对：星期几要写成两个字母：MO 周一、TU 周二、WE 周三、TH 周四、FR 周五、SA 周六、SU 周日",
        ),
        # A list where a block was wanted: said in words, with no dump of the list.
        (f"{MISTAKES}:43: service: ", "这里写成了列表（以 '- ' 开头的行）；应该是一组 `字段: 值` 的行"),
        # A county checked against China's divisions, with the official name offered.
        (
            "villages/zhuyi-region/village.yml:6: region.county: ",
            "成都市 没有 '崇州县'；是不是要写 '崇州市'？",
        ),
        # A Saturday start with a Friday rule: both days named.
        (
            "villages/zhuyi-days/village.yml:39: live.sessions[0].repeat: ",
            "`start` 的 2026-12-05 是周六，但 BYDAY=FR 只在周五",
        ),
    ],
)
def test_each_mistake_is_answered_in_chinese_at_its_line(answers, where, words):
    answer = _answer(answers, where)
    assert words in answer, answer


def test_nothing_else_is_said_and_nothing_in_english(answers):
    assert answers[0] == "4 个文件里有 12 处问题：", answers
    assert len(answers) == 13, answers
    assert "[" not in _answer(answers, f"{MISTAKES}:43: service: ").split("service: ")[1].replace("'- '", "")
    assert not [line for line in answers if "did you mean" in line or "is not" in line], answers


def test_what_the_clerk_wrote_in_chinese_is_read_as_the_contract_means(tmp_path):
    villages = tmp_path / "villages"
    shutil.copytree(TRIAL / "zhuyi-words", villages / "zhuyi-words")
    (village,) = load_catalog(villages).villages
    profile = village.profile
    assert profile.culture[0].kind == "craft"  # 手艺
    assert profile.team[0].role == "anchor"  # 主播
    assert profile.products[0].buy[0].platform == "taobao"  # 淘宝
    assert profile.live.channels[0].platform == "douyin"  # 抖音
    assert profile.live.sessions[0].repeat == "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270630"  # 每周六，至2027年6月30日


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("每周六", "FREQ=WEEKLY;BYDAY=SA"),
        ("每周二、四", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("每星期二和星期四", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("每天", "FREQ=DAILY"),
        ("每月1日", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("每月1号、15号", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
        ("每周五，直到2027-06-30", "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630"),
        ("每周六 至 2027年6月30日", "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270630"),
    ],
)
def test_a_repeat_written_in_chinese_is_the_rule_it_means(written, rule):
    assert checked_rule(written) == rule


@pytest.mark.parametrize(("written", "words"), [("每周六 19:30", "每周六"), ("每周六，至2207年6月30日", "2207")])
def test_a_chinese_repeat_keeps_the_limits_of_a_rule(written, words):
    with pytest.raises(RuleProblem) as raised:
        checked_rule(written)
    assert words in str(raised.value)


def test_the_json_schema_offers_the_chinese_names_to_editors():
    kind = json_schema()["$defs"]["CultureItem"]["properties"]["kind"]
    assert {"手艺", "节庆", "非遗", "craft"} <= set(kind["enum"])
    assert kind["enumDescriptions"][kind["enum"].index("手艺")] == "手艺（craft）"
    platform = json_schema()["$defs"]["BuyLink"]["properties"]["platform"]
    assert {"淘宝", "天猫", "京东", "拼多多", "抖音", "快手", "微信", "小红书"} <= set(platform["enum"])


@pytest.mark.parametrize(
    ("region", "words"),
    [
        ({"province": "四川省", "county": "安吉县"}, "'安吉县' 不在 四川省，它在 浙江省湖州市"),
        ({"province": "四川", "county": "崇州市"}, "'四川' 不是中国的省级行政区；是不是要写 '四川省'？"),
        (
            {"province": "四川省", "county": "崇州市", "township": "道明乡"},
            "崇州市 没有 '道明乡'；是不是要写 '道明镇'？",
        ),
    ],
)
def test_a_region_is_checked_against_chinas_divisions(region, words):
    with speaking("zh"):
        messages = [message for _, message in region_problems(region)]
    assert len(messages) == 1 and words in messages[0], messages


def test_a_real_region_and_a_place_abroad_pass_and_the_county_code_is_known(tmp_path):
    assert not list(region_problems({"province": "四川省", "city": "成都市", "county": "崇州市", "township": "道明镇"}))
    assert not list(region_problems({"province": "北京市", "city": "北京市", "county": "东城区"}))
    assert not list(region_problems({"province": "Toscana", "county": "Siena"}))  # outside China: free text
    villages = tmp_path / "villages"
    shutil.copytree(TRIAL / "zhuyi-region", villages / "zhuyi-region")
    text = (villages / "zhuyi-region" / "village.yml").read_text(encoding="utf-8")
    (villages / "zhuyi-region" / "village.yml").write_text(text.replace("崇州县", "崇州市"), encoding="utf-8")
    (village,) = load_catalog(villages).villages
    assert village.county_code == "510184"


# --- the path through the work: what the guide says, and what the commands say on the way ------

GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("block", ["team:", "live:", "channels:", "sessions:", "service:", "空一行", "PROFILE.md"])
def test_the_guide_covers_every_block_and_names_the_contract(block):
    assert block in GUIDE


def test_the_guide_sends_the_clerk_to_the_server_not_to_a_file_on_disk():
    assert "make serve" in GUIDE and "--only" in GUIDE
    opened = [line for line in GUIDE.splitlines() if "site/index.html" in line]
    assert opened and all("不行" in line for line in opened), opened  # said only to warn against it


def test_a_new_village_from_nothing_is_told_in_chinese_what_to_fill_in(tmp_path):
    project = make_project(tmp_path)
    (project / "villages").mkdir()
    created = run_storefront("new", "竹艺村", cwd=project)
    assert created.returncode == 0, created.stderr
    assert "改用 'zhuyicun'（拼音）" in created.stdout and "已新建 villages/zhuyicun/village.yml" in created.stdout
    checked = run_storefront("validate", cwd=project)
    assert checked.returncode == 1
    assert checked.stderr.splitlines() == [
        "1 个文件里有 2 处问题：",
        "  villages/zhuyicun/village.yml:12: region.province: 还没有填写；请写上省，例如 浙江省",
        "  villages/zhuyicun/village.yml:13: region.county: 还没有填写；请写上县或区，例如 安吉县",
    ]


def test_the_sample_site_url_is_noted_before_publishing(tmp_path):
    project = make_project(tmp_path)
    shutil.copytree(REPO / "tests" / "fixtures" / "base", project / "villages" / "test-village")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "site_url 还是示例地址 https://example.github.io/village-storefront/" in result.stderr
