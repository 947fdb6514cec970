"""Who came first, from a real git repository: the advice goes to the newcomer, a herd names its
earliest village, and without history the report says the order is unknown."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from generator.checks.differentiation import check
from generator.checks.differentiation import text as t
from generator.checks.differentiation.history import first_added
from tests.checks.evaluation import load_cases, village_of


def _commit(repo: Path, slug: str, when: int) -> None:
    """Add villages/<slug>/village.yml in a commit dated `when`."""
    profile = repo / "villages" / slug / "village.yml"
    profile.parent.mkdir(parents=True, exist_ok=True)
    profile.write_text(yaml.safe_dump({"slug": slug}), encoding="utf-8")
    stamp = f"{when} +0000"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    run = lambda *args: subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)
    run("add", str(profile.relative_to(repo)))
    run("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", f"add {slug}")


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def _case(name: str):
    return next(c for c in load_cases() if c.id == name)


def test_the_advice_goes_to_the_village_committed_later(tmp_path):
    repo = _repo(tmp_path)
    case = _case("paraphrase-qingyuan")
    original, copy = (village_of(case, m, repo / "villages") for m in case.members)
    # The copy's slug sorts first: without history the advice would land on it only by chance.
    _commit(repo, copy.slug, 1_700_000_000)
    _commit(repo, original.slug, 1_600_000_000)
    _commit(repo, original.slug + "-later-edit", 1_800_000_000)
    assert first_added([original, copy]) == {original.slug: 1_600_000_000, copy.slug: 1_700_000_000}
    (pair,) = check([original, copy]).pairs
    assert pair.later == copy.slug and pair.advice_for == copy.slug and pair.a == copy.slug
    assert any(e.startswith("先后：「龙岩村」的档案先提交") for e in pair.evidence)
    asked_about_the_original = check([original, copy], only=[original.slug]).pairs[0]
    assert asked_about_the_original.a == original.slug, "--only keeps the village asked about first"
    assert asked_about_the_original.advice_for == copy.slug, "but the advice is still for the newcomer"


def test_a_herd_is_one_cluster_naming_its_earliest_village(tmp_path):
    repo = _repo(tmp_path)
    case = _case("herd-wuchang-rice-6")
    villages = [village_of(case, m, repo / "villages") for m in case.members]
    for when, village in zip((5, 1, 3, 2, 6, 4), villages):  # the second member was committed first
        _commit(repo, village.slug, 1_600_000_000 + when * 86_400)
    report = check(villages, language="en")
    (herd,) = report.clusters
    assert len(herd.villages) == 6 and herd.earliest == villages[1].slug
    assert herd.villages[0] == villages[1].slug and herd.villages[1] == villages[3].slug
    assert herd.summary.startswith("these 6 villages share this passage") and "the earliest is 新乐村" in herd.summary
    assert any(fact in herd.passage for fact in ("拉林河", "长鼓")), "a sentence of the shared story"
    assert "[herd]" in report.to_text()
    assert all(p.advice_for != villages[1].slug for p in report.pairs), "the earliest is never told to change"


def test_without_git_the_order_is_unknown(tmp_path):
    case = _case("herd-qingyuan-mushroom-3")
    villages = [village_of(case, m, tmp_path) for m in case.members]
    assert first_added(villages) == {}
    report = check(villages)
    (herd,) = report.clusters
    assert herd.earliest == "" and "无法判断哪一个最早" in herd.summary
    assert all(p.later == "" and any("无法判断谁先谁后" in e for e in p.evidence) for p in report.pairs)


def test_the_newcomer_is_quoted_its_own_words(tmp_path):
    repo = _repo(tmp_path)
    # (paraphrase-qingyuan was the case here: the facts it shares, 吴三公 and the 砍花法 of Song
    # times, are its county's own legend, so since scoring.county_facts it warns on its colours)
    case = _case("paraphrase-anji-retold")
    original, copy = (village_of(case, m, repo / "villages") for m in case.members)
    _commit(repo, original.slug, 1_600_000_000)
    _commit(repo, copy.slug, 1_700_000_000)
    (pair,) = check([original, copy], only=[original.slug]).pairs
    (story_advice,) = [a for a in pair.advice if a.startswith("重写品牌故事")]
    quoted = story_advice.split("如「", 1)[1].split("」", 1)[0].rstrip("…")
    assert quoted and quoted in t.normalize(copy.profile.story).replace("，", ",")
    assert f"「{original.profile.name['zh']}」" in story_advice, "it names the original it repeats"
