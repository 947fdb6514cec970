"""Honest neighbours: what any village of the same county selling the same goods shares with the
others (its county's public facts, the goods' own colour, an everyday badge template) weighs less,
and a copy from such a neighbour still fails; a brochure slogan two villages both wrote is no copy.
Cases from the held-out sets (tests/fixtures/pairs/heldout/, heldout2/)."""

from __future__ import annotations

from generator.checks.differentiation import Thresholds, check
from generator.checks.differentiation.scoring import county_facts_margin
from tests.checks.evaluation import HELDOUT_SETS, _merge, load_cases, village_of

CASES = {c.id: c for folder in HELDOUT_SETS for c in load_cases(folder)}
SHOW_ALL = Thresholds(warn=0.01)
"""Every compared pair reported, whatever its score, so its evidence can be read (its level then
is read off the default thresholds: DEFAULT.level(score))."""
DEFAULT = Thresholds()


def _villages(case_id: str, folder, colours: tuple[tuple[str, str], ...] = ()):
    """The villages of a case; with `colours`, each member's (primary, accent) replaced."""
    case = CASES[case_id]
    members = list(case.members)
    for i, (primary, accent) in enumerate(colours):
        changes = {**members[i].get("set", {}), "brand": {"colors": {"primary": primary, "accent": accent}}}
        members[i] = {**members[i], "set": changes}
    return [village_of(case, m, folder) for m in members]


def test_a_neighbour_telling_the_countys_facts_passes_and_a_retold_story_still_fails(tmp_path):
    (honest,) = check(_villages("ho-honest-xunwu-same-county", tmp_path / "a"), thresholds=SHOW_ALL).pairs
    assert DEFAULT.level(honest.score) == "ok", honest.parts
    assert 0.2 < honest.signals["story"] < 0.25, "the same cultivar, river and blight year: facts shared"
    assert any("门槛因此提高到" in e for e in honest.evidence), "the evidence says why they weigh less"
    (copied,) = check(_villages("ho-paraphrase-xunwu", tmp_path / "b")).pairs
    assert copied.level == "fail"


def test_the_margin_grows_with_the_shared_goods_and_the_nearness():
    th = Thresholds()
    assert county_facts_margin(0.0, 1.0, th) == county_facts_margin(1.0, 0.0, th) == 0
    assert county_facts_margin(0.8, 1.0, th) > county_facts_margin(0.8, 0.5, th) > 0


def test_palettes_in_the_goods_own_colour_count_for_less(tmp_path):
    (orange,) = check(_villages("ho-same-festival-oranges", tmp_path / "a"), thresholds=SHOW_ALL).pairs
    assert DEFAULT.level(orange.score) == "ok" and any("本身的颜色" in e for e in orange.evidence)
    # the same two villages in two blues as close as their two oranges: not the oranges' colour
    blue = (("#1F5FE0", "#3C6E3A"), ("#2A6FE5", "#36613A"))
    (pair,) = check(_villages("ho-same-festival-oranges", tmp_path / "b", blue), thresholds=SHOW_ALL).pairs
    assert not any("本身的颜色" in e for e in pair.evidence)
    assert pair.parts["palette"] > 2 * orange.parts.get("palette", 0)
    assert DEFAULT.level(pair.score) == "warn", "close colours with the same goods nearby are still worth a warning"


def test_an_everyday_template_with_the_same_goods_in_one_county_is_not_a_warning(tmp_path):
    for case in ("ho-badge-template-two-bayberry", "ho-seal-template-two-peppers"):
        (pair,) = check(_villages(case, tmp_path / case), thresholds=SHOW_ALL).pairs
        assert DEFAULT.level(pair.score) == "ok" and pair.signals["logo"] > 0.8, case
        assert any("同一个常用模板" in e for e in pair.evidence), "still named in the evidence"
    (copied,) = check(_villages("ho-badge-copied", tmp_path / "copied")).pairs
    assert copied.level == "fail", "the same badge with the same text is a copy"


def _with_slogans(case_id: str, folder, *slogans: dict):
    """The villages of a case with their slogans replaced."""
    case = CASES[case_id]
    members = [{**m, "set": _merge(m.get("set", {}), {"slogan!": slogan})} for m, slogan in zip(case.members, slogans)]
    return [village_of(case, m, folder) for m in members]


def test_a_stock_slogan_both_villages_wrote_is_no_copy_and_a_copied_slogan_still_fails(tmp_path):
    (stock,) = check(_villages("h2-stock-phrase-slogans", tmp_path / "a"), thresholds=SHOW_ALL).pairs
    assert stock.signals["slogan"] >= 0.9, "the same line, word for word"
    assert DEFAULT.level(stock.score) == "ok" and any("套话" in e for e in stock.evidence), stock.evidence
    own = {"zh": "黄河拐弯处，一树红玛瑙", "en": "Where the Yellow River bends, a tree of red agate"}
    (copied,) = check(_with_slogans("h2-stock-phrase-slogans", tmp_path / "b", own, own)).pairs
    assert copied.level == "fail", "a line of its own, copied whole"
    english = {"en": own["en"]}
    (translated,) = check(
        _with_slogans(
            "h2-stock-phrase-slogans", tmp_path / "c", {"zh": "原生态好味道", **english}, {"zh": "枸杞红了", **english}
        ),
        thresholds=SHOW_ALL,
    ).pairs
    assert not any("套话" in e for e in translated.evidence), "other Chinese lines: the copied English line counts"
    assert translated.parts["slogan"] > 2 * stock.parts.get("slogan", 0)


def test_a_logo_mirrored_and_cut_at_a_corner_is_a_copy(tmp_path):
    (pair,) = check(_villages("h2-logo-mirrored-corner-cropped", tmp_path)).pairs
    assert pair.level == "fail" and pair.signals["logo"] >= 0.8
    assert any("镜像并裁剪" in e for e in pair.evidence), pair.evidence
