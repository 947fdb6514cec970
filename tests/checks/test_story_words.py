"""Content words kept in the signature cache and found by a word index: a warm check segments
nothing, an edit elsewhere in a profile does not load jieba, and the index proposes exactly the
stories whose content-word similarity reaches its floor."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from itertools import combinations
from pathlib import Path

import numpy as np
import yaml

from generator.checks.differentiation import Thresholds, check, content
from generator.checks.differentiation.engine import _lsh_thresholds
from generator.checks.differentiation.features import build_features
from generator.checks.differentiation.index import (
    WORD_CANDIDATE_FACTOR,
    CandidateIndex,
    SignatureCache,
    Table,
    signature,
)
from generator.checks.differentiation.records import record_from_village
from generator.profile.model import Village
from tests.checks.test_differentiation import BASES, PAIR_FILES, _small_catalog, make_village, pair_villages

REPO = Path(__file__).resolve().parents[2]

# A fresh interpreter, as CI runs `storefront check --only`: the tiny catalogue of the test with one
# village edited, checked against the warm cache; it prints whether jieba loaded its dictionary and
# whether a story was segmented with the word table kept in the cache folder.
FRESH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tests.checks.test_differentiation import BASES, _merge, _small_catalog, make_village
    villages = _small_catalog()
    edit = sys.argv[2]
    old = BASES["anji-tea"][edit]
    new = dict(old, zh="换了一句，" + old["zh"]) if edit == "slogan" else "今年又种下一片新茶园。" + old
    changed = make_village("v0-b", _merge(BASES["anji-tea"], {edit: new}))
    villages = [changed if v.slug == "v0-b" else v for v in villages]
    from generator.checks.differentiation import check, content
    only = None if sys.argv[3:] == ["full"] else ["v0-b"]
    report = check(villages, cache_dir=Path(sys.argv[1]), only=only)
    dictionary = bool(content._dictionary.cache_info().currsize)
    segmented = content._mapped_dictionary.cache_info().misses > 0 and "jieba" in sys.modules
    print(len(report.pairs), dictionary, segmented)
    """
)


def _fresh_check(cache: Path, edit: str, *more: str) -> tuple[int, bool, bool]:
    """(pairs, jieba's dictionary loaded, the word table opened)."""
    result = subprocess.run(
        [sys.executable, "-c", FRESH, str(cache), edit, *more], cwd=REPO, capture_output=True, text=True, check=True
    )
    pairs, dictionary, table = result.stdout.split()
    return int(pairs), dictionary == "True", table == "True"


def test_an_edit_outside_the_story_does_not_load_jiebas_dictionary(tmp_path):
    check(_small_catalog(), cache_dir=tmp_path)  # a full check: every story segmented, the word table kept
    pairs, dictionary, _ = _fresh_check(tmp_path, "slogan")
    assert pairs and not dictionary, "the story's words came from the cache"
    pairs, dictionary, table = _fresh_check(tmp_path, "story")
    assert pairs and table and not dictionary, "a new story is segmented with the word table"
    assert _fresh_check(tmp_path, "story") == (pairs, False, True), "a one-village check leaves the cache as it was"
    _fresh_check(tmp_path, "story", "full")  # the build or a full check writes the cache
    assert _fresh_check(tmp_path, "story")[:2] == (pairs, False), "and its words are cached from then on"


def test_cached_words_are_the_words_segmented(tmp_path):
    villages = _small_catalog()
    first = check(villages, cache_dir=tmp_path)
    cache = SignatureCache(tmp_path / "differentiation", Thresholds().num_perm)
    for village in villages:
        features = build_features(record_from_village(village))
        assert cache.story_words(features.story_key) == features.story_words
    assert check(villages, cache_dir=tmp_path).to_json() == first.to_json() == check(villages).to_json()


def test_the_word_index_proposes_exactly_the_similar_stories():
    villages = [make_village(name, data) for name, data in BASES.items() if name != "fragments"]
    for path in PAIR_FILES:
        a, b = pair_villages(yaml.safe_load(path.read_text(encoding="utf-8")))
        villages += [Village(f"{path.stem}-{v.slug}", v.source, v.folder, v.profile, {}, v.digest) for v in (a, b)]
    th = Thresholds()
    features = [build_features(record_from_village(v)) for v in villages]
    signatures = [signature(f, th.num_perm) for f in features]
    index = CandidateIndex(
        Table.of(signatures, th.num_perm),
        [True] * len(villages),
        _lsh_thresholds(th),
        th.num_perm,
        max_block=len(villages),  # no word left out: the index must equal the exact measure
        words_floor=th.words_floor,
    )
    exact = set()
    for i, j in combinations(range(len(villages)), 2):
        jaccard, containment, _ = content.similarity(features[i].story_words, features[j].story_words)
        if (jaccard + containment) / 2 >= th.words_floor * WORD_CANDIDATE_FACTOR + 1e-6:
            exact.add((i, j))
    found = index._story_pairs(index.parts[0].table)
    assert exact, "the fixtures hold retold stories"
    near = {p for p in found ^ exact if abs(_similarity(features, *p) - th.words_floor * WORD_CANDIDATE_FACTOR) < 1e-4}
    assert found ^ exact == near, "only float32 rounding at the floor itself may differ"
    for row in np.random.default_rng(1).choice(len(villages), 15, replace=False).tolist():
        assert {tuple(sorted((row, o))) for o in index._stories_like(row)} == {p for p in found if row in p}


def _similarity(features, i, j) -> float:
    jaccard, containment, _ = content.similarity(features[i].story_words, features[j].story_words)
    return (jaccard + containment) / 2
