"""The evaluation set (tests/fixtures/pairs/real/, see tests/checks/evaluation.py): copies as villages
really make them and honest neighbours, with precision and recall per kind printed, and the
targets of issue 16 asserted: recall >= 0.95 at warn-or-fail and >= 0.85 at fail on copies, no
honest pair at fail, at most 1 in 20 at warn."""

from __future__ import annotations

from generator.checks.differentiation import check
from tests.checks.evaluation import HELDOUT, PAIRS, load_cases, render, run, summary


def test_the_evaluation_set_is_large_and_covers_every_kind_of_copy():
    cases = load_cases()
    pairs = sum(len(c.pairs) for c in cases)
    assert pairs >= 100
    kinds = {c.kind for c in cases}
    assert {"paraphrase", "herd", "traditional", "pinyin-name", "english-slogan", "image", "template"} <= kinds
    assert {"same-county-same-product", "stock-phrases", "same-festival", "template-honest"} <= kinds
    herds = [c for c in cases if c.kind == "herd"]
    assert {len(c.members) for c in herds} >= {3, 4, 5, 6}
    assert sum(len(c.pairs) for c in cases if c.label == "distinct") >= 30


def test_precision_and_recall_per_kind_reach_the_targets(tmp_path, capsys):
    outcomes = run(load_cases(), check, tmp_path)
    with capsys.disabled():
        print("\n" + render(outcomes))
    s = summary(outcomes)
    missed = [(o.case, o.a, o.b) for o in outcomes if o.label != "distinct" and o.level == "ok"]
    assert s.recall_flagged >= 0.95, f"copies not flagged: {missed}"
    assert s.recall_failed >= 0.85
    false_fails = [(o.case, o.score) for o in outcomes if o.label == "distinct" and o.level == "fail"]
    assert not false_fails, f"honest pairs that fail: {false_fails}"
    assert s.honest_warned <= s.honest / 20


def test_the_held_out_set(tmp_path, capsys):
    """Written after the thresholds were set and scored before anything was changed for it (its
    scores, first and since, in docs/benchmarks.md). Since its honest misses were fixed (the county's
    facts, the goods' own colour, everyday templates: scoring.py) it is held to the full targets."""
    cases = load_cases(HELDOUT)
    assert sum(len(c.pairs) for c in cases) >= 30 and not {c.id for c in cases} & {c.id for c in load_cases()}
    _held_to_the_targets("held-out set", cases, tmp_path, capsys)


def test_the_second_held_out_set(tmp_path, capsys):
    """Written by a helper who read none of the check's code (heldout2/, bases of its own: goji,
    lotus root, hickory, pomelo) and scored once before any change: copies 0.98 flagged and 0.96
    failed, one honest pair failed (both slogans the stock line 原生态好味道). The two rules written
    for its misses (a stock slogan, a mirrored corner crop) make it no longer held out for them."""
    cases = load_cases(PAIRS / "heldout2")
    earlier = {c.id for folder in (PAIRS / "real", HELDOUT) for c in load_cases(folder)}
    assert sum(len(c.pairs) for c in cases) >= 70 and not {c.id for c in cases} & earlier
    _held_to_the_targets("second held-out set", cases, tmp_path, capsys)


def _held_to_the_targets(title: str, cases, folder, capsys) -> None:
    """Issue 16's targets on a set: recall >= 0.95 at warn-or-fail and >= 0.85 at fail on copies,
    no honest pair at fail, at most 1 in 20 at warn (the table printed whatever the outcome)."""
    outcomes = run(cases, check, folder)
    with capsys.disabled():
        print(f"\n{title}\n" + render(outcomes))
    s = summary(outcomes)
    assert s.recall_flagged >= 0.95 and s.recall_failed >= 0.85
    flagged = {o.case: o.level for o in outcomes if o.label == "distinct" and o.level != "ok"}
    assert "fail" not in flagged.values(), flagged
    assert s.honest_warned <= s.honest / 20, flagged
