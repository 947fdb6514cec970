"""What the buyer's pages say, without a browser (issue 18, part B): a second language folded away
(markup.fold_other_language), time zones by their Chinese names, promises that fit the kind of
product (structured.promises), and the contract's bound on a product's photos."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from pydantic import ValidationError

from generator.profile.categories import categories
from generator.profile.read import load_catalog
from generator.profile.schema import MAX_PRODUCT_PHOTOS, profile_adapter
from generator.site.markup import Texts, fold_other_language, render
from generator.site.structured import promises
from generator.words import zone_label
from tests.conftest import REPO, make_project, run_storefront

CATALOG = load_catalog(REPO / "villages")


def test_an_english_paragraph_of_a_chinese_story_is_folded_on_demand():
    text = "黄杜村在安吉。\n\n*Huangdu is in Anji.*\n\nIt grows tea.\n\n如今家家户户种茶。"
    folded = fold_other_language(render(text), "zh")
    assert folded.count("<details") == 1  # the two English paragraphs, together
    head, _, tail = folded.partition('<details class="sf-other-language" lang="en"><summary>English</summary>')
    assert "黄杜村在安吉" in head and "Huangdu is in Anji" in tail.split("</details>")[0]
    assert "It grows tea" in tail.split("</details>")[0] and "如今家家户户种茶" in tail.split("</details>")[1]
    # The same text on an English page folds the Chinese instead, each run on its own.
    english = fold_other_language(render(text), "en")
    assert english.count('lang="zh"><summary>中文</summary>') == 2
    assert english.index("Huangdu is in Anji") < english.index("如今家家户户种茶")


def test_a_chinese_paragraph_with_latin_words_stays_chinese():
    text = "在松岩，喝茶说“食茶”（tsia̍h tê）。Tieguanyin 是这里的茶。"
    assert fold_other_language(render(text), "zh") == render(text)


def test_a_text_all_in_the_other_language_is_not_hidden():
    text = "Only English here.\n\nAnd here."
    assert fold_other_language(render(text), "zh") == render(text)


def test_folding_keeps_every_character_of_the_sanitized_html():
    text = "中文一段。\n\n- one\n- two\n\n> quoted English\n\n| a | b |\n|---|---|\n| c | d |\n\n中文二段。"
    safe = str(render(text))
    folded = fold_other_language(safe, "zh")
    opening = '<details class="sf-other-language" lang="en"><summary>English</summary>'
    assert folded.replace(opening, "").replace("</details>", "") == safe
    assert "<table>" in folded.split("</details>")[-1]  # a table is never folded


def test_pages_get_the_folded_text_and_the_cache_keeps_languages_apart():
    texts = Texts()
    story = CATALOG.village("huangdu-white-tea").profile.story
    assert "<details" in texts.html(story, "zh") and "<details" not in texts.html(story)
    assert 'lang="zh"' in texts.html(story, "en")


@pytest.mark.parametrize(
    ("zone", "zh", "en"),
    [
        ("Asia/Shanghai", "北京时间", "Beijing time"),
        ("Europe/Berlin", "德国（柏林）时间", "Germany (Berlin) Time"),
        ("Asia/Kolkata", "印度时间", "India Time"),
    ],
)
def test_time_zones_are_named_in_chinese(zone, zh, en):
    moment = datetime(2026, 12, 4, 19, 30, tzinfo=ZoneInfo(zone))
    assert zone_label(zone, "zh", moment) == zh and zone_label(zone, "en", moment) == en


def test_a_zone_without_a_place_is_named_by_its_offset():
    moment = datetime(2026, 12, 4, 19, 30, tzinfo=ZoneInfo("Etc/GMT+5"))
    assert zone_label("Etc/GMT+5", "zh", moment).endswith("（UTC-05:00）")


def test_a_stay_is_promised_booking_terms_and_goods_shipping_and_returns():
    assert categories()["tourism"].shipped is False and categories()["tea"].shipped is True
    village = CATALOG.village("azheke-hani-red-rice")
    stay = next(p for p in village.profile.products if p.category == "tourism")
    rice = next(p for p in village.profile.products if p.category == "rice")
    general = village.profile.service
    assert general.shipping and general.returns
    shown = promises(village, stay)
    assert shown.shipping is None and shown.returns is None and shown.contact == general.contact
    assert promises(village, rice).shipping == general.shipping and promises(village, rice).returns == general.returns
    assert promises(village).shipping == general.shipping  # the village's page: all it states


def test_a_products_own_promises_replace_the_villages():
    village = CATALOG.village("azheke-hani-red-rice")
    data = yaml.safe_load((REPO / "villages" / village.slug / "village.yml").read_text(encoding="utf-8"))
    data["service"]["booking"] = "提前三天预订。"
    stay = next(p for p in data["products"] if p["category"] == "tourism")
    stay["service"] = {"returns": "入住前两天可退订。", "contact": {"phone": "0873-1234567"}}
    profile = profile_adapter().validate_python(data)
    product = next(p for p in profile.products if p.category == "tourism")
    shown = promises(dataclasses.replace(village, profile=profile), product)
    assert shown.returns == "入住前两天可退订。"  # its own, though a stay inherits no returns
    assert shown.booking == "提前三天预订。" and shown.shipping is None
    assert shown.contact.phone == "0873-1234567"


def test_a_product_holds_at_most_the_photos_a_gallery_shows():
    data = yaml.safe_load((REPO / "villages" / "huangdu-white-tea" / "village.yml").read_text(encoding="utf-8"))
    data["products"][0]["images"] = ["images/hero.jpg"] * MAX_PRODUCT_PHOTOS
    profile_adapter().validate_python(data)
    data["products"][0]["images"].append("images/hero.jpg")
    with pytest.raises(ValidationError) as error:
        profile_adapter().validate_python(data)
    assert error.value.errors()[0]["loc"][:3] == ("products", 0, "images")


def test_validate_says_how_many_photos_a_product_may_have(tmp_path):
    project = make_project(tmp_path, REPO / "villages")
    path = project / "villages" / "huangdu-white-tea" / "village.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["products"][0]["images"] = ["images/hero.jpg"] * (MAX_PRODUCT_PHOTOS + 1)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1
    assert (
        f"products[0].images: 最多 {MAX_PRODUCT_PHOTOS} 项，这里有 {MAX_PRODUCT_PHOTOS + 1} 项"
        in result.stdout + result.stderr
    )
