"""PROFILE.md is the contract in the repository, written from the schema by `storefront schema`:
it must be what that command writes now, cover every field in Chinese and English, and its
example must be a profile the reader accepts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import yaml

from generator.profile.contract import contract_markdown, example, fields
from generator.profile.repeats import never_happens, start_off_the_days
from generator.profile.schema import profile_adapter
from tests.conftest import REPO


def test_profile_md_is_what_the_schema_writes():
    written = (REPO / "PROFILE.md").read_text(encoding="utf-8")
    assert written == contract_markdown(), "PROFILE.md has drifted from the schema: run `storefront schema`"


def test_every_field_is_described_in_chinese_and_english():
    listed = list(fields())
    paths = {path for path, *_ in listed}
    assert {"region.county", "team[].role", "live.sessions[].repeat", "service.contact.email"} <= paths
    assert len(paths) > 60
    for path, _, about, _ in listed:
        chinese, _, english = about.partition(" / ")
        assert any("\u4e00" <= c <= "\u9fff" for c in chinese) and english.strip(), path


def test_the_example_is_a_profile_the_reader_accepts():
    profile = profile_adapter().validate_python(yaml.safe_load(example()), context={"language": "zh"})
    session = profile.live.sessions[0]
    assert session.repeat == "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630"  # 每周五，至2027年6月30日
    zone = ZoneInfo(profile.timezone)
    assert never_happens(session, zone) is None and start_off_the_days(session, zone) is None
    assert profile.team[0].role == "anchor" and profile.products[0].buy[0].platform == "taobao"


def test_the_guide_covers_every_block_and_names_the_contract():
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    for block in ("team:", "live:", "service:", "channels:", "sessions:", "PROFILE.md", "空一行"):
        assert block in guide, block
