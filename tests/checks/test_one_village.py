"""What keeps a one-village check (`storefront check --only`) cheap in a fresh process: MinHash
without datasketch, pinned LSH bands, the cached table joined from slices instead of reordered,
the code identity's parse remembered. Each shortcut must give exactly what the long way gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from generator.cache import IMPORTS_MEMO, code_identity
from generator.checks.differentiation import CHECK_CODE, Thresholds, check
from generator.checks.differentiation.engine import _lsh_thresholds
from generator.checks.differentiation.features import build_features
from generator.checks.differentiation.index import (
    CACHE_ARRAYS,
    LSH_BANDS,
    SCHEME,
    SEED,
    CandidateIndex,
    SignatureCache,
    Table,
    _band_hits,
    _runs,
    minhash,
    signature,
)
from generator.checks.differentiation.records import record_from_village
from tests.checks.test_differentiation import BASES, _merge, _small_catalog, make_village

REPO = Path(__file__).resolve().parents[2]


def test_minhash_is_datasketchs_bit_for_bit():
    rng = np.random.default_rng(3)
    th = Thresholds()
    for size in (1, 2, 7, 60, 500):
        values = [rng.bytes(int(rng.integers(1, 12))) for _ in range(size)]
        theirs = MinHash(num_perm=th.num_perm, seed=SEED, scheme=SCHEME)
        theirs.update_batch(values)
        ours = minhash(values, th.num_perm)
        assert ours.dtype == np.uint32 and np.array_equal(ours, theirs.hashvalues), size


def test_pinned_bands_are_the_ones_datasketch_chooses():
    th = Thresholds()
    for threshold in _lsh_thresholds(th):
        assert (threshold, th.num_perm) in LSH_BANDS, "every threshold the check uses is pinned"
    for (threshold, num_perm), bands in LSH_BANDS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert (lsh.b, lsh.r) == bands, threshold


FIELDS = tuple(name for name in CACHE_ARRAYS if name not in ("digests", "images"))
"""The arrays of a Table (the cache file also keeps the rows' digests, which a Table does not hold; its
images, a mapping, are compared apart)."""


def test_a_table_joined_from_slices_is_the_table_taken_row_by_row():
    th = Thresholds()
    signatures = [signature(build_features(record_from_village(v)), th.num_perm) for v in _small_catalog()]
    cached, new = Table.of(signatures[:-3], th.num_perm), Table.of(signatures[-3:], th.num_perm)
    n = len(cached)
    both = Table.concat(cached, new)
    orders = [
        [*range(3), n, *range(4, n)],  # one record edited: its new signature in its old place
        [*range(n), n, n + 1],  # two villages added
        [*range(5, n), *range(5)],  # reordered
        [n + 2, 0, n],  # mostly new, crossing the boundary both ways
        [*range(n - 1), n],  # consecutive across the boundary: two slices, not one
    ]
    for order in orders:
        rows = np.array(order)
        slices = [(cached, a, b) if a < n else (new, a - n, b - n) for a, b in _runs(rows, n)]
        joined, taken = Table.joined(slices, th.num_perm), both.take(rows)
        for name in FIELDS:
            x, y = getattr(joined, name), getattr(taken, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), (name, order)
        assert joined.images == taken.images, order


def test_the_remembered_code_identity_is_the_identity(tmp_path):
    plain = code_identity(CHECK_CODE)
    assert code_identity(CHECK_CODE, memo_dir=tmp_path) == plain
    assert (tmp_path / IMPORTS_MEMO).is_file()
    assert code_identity(CHECK_CODE, memo_dir=tmp_path) == plain, "read back from the memo"
    (tmp_path / IMPORTS_MEMO).write_text("{not json")
    assert code_identity(CHECK_CODE, memo_dir=tmp_path) == plain, "a damaged memo only costs the parse"


# A fresh interpreter, as CI runs `storefront check --only`: the small catalogue with one slogan
# edited, checked against the warm cache; prints the report and which heavy libraries it imported.
FRESH = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from tests.checks.test_differentiation import BASES, _merge, _small_catalog, make_village
    villages = _small_catalog()
    old = BASES["anji-tea"]["slogan"]
    changed = make_village("v0-b", _merge(BASES["anji-tea"], {"slogan": dict(old, zh="换了一句，" + old["zh"])}))
    villages = [changed if v.slug == "v0-b" else v for v in villages]
    from generator.checks.differentiation import check
    only = None if sys.argv[2] == "full" else ["v0-b"]
    report = check(villages, cache_dir=Path(sys.argv[1]), only=only)
    pairs = [p for p in report.to_json()["pairs"] if "v0-b" in (p["a"], p["b"])]
    print(json.dumps({"pairs": pairs, "loaded": sorted(m for m in ("datasketch", "scipy") if m in sys.modules)}))
    """
)


def _fresh(cache: Path, mode: str) -> dict:
    import json

    result = subprocess.run(
        [sys.executable, "-c", FRESH, str(cache), mode], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_one_village_check_imports_neither_datasketch_nor_scipy_and_agrees_with_the_full_check(tmp_path):
    check(_small_catalog(), cache_dir=tmp_path)  # what the last build left
    one = _fresh(tmp_path, "only")
    assert one["loaded"] == [], "signing one record and querying the cached table need neither"
    assert one["pairs"], "the edited village still meets its look-alike"
    full = _fresh(tmp_path / "elsewhere", "full")
    assert "datasketch" in full["loaded"], "a full check builds LSH tables (so the test can fail)"
    key = lambda p: (min(p["a"], p["b"]), max(p["a"], p["b"]), p["score"], p["level"])
    assert sorted(map(key, one["pairs"])) == sorted(map(key, full["pairs"]))


def test_band_hits_are_the_bands_compared_whole():
    th = Thresholds()
    signatures = [signature(build_features(record_from_village(v)), th.num_perm) for v in _small_catalog()]
    minhashes = Table.of(signatures, th.num_perm).minhashes.copy()
    count = len(minhashes)
    rng = np.random.default_rng(5)
    minhashes[1::3, 1, :40] = minhashes[0, 1, :40]  # some records share bands with row 0
    minhashes[2::5, 1, ::3] = minhashes[0, 1, ::3]  # and some only the bands' first values
    minhashes[rng.integers(0, count, 5), 2] = minhashes[3, 2]
    for field, threshold in enumerate(_lsh_thresholds(th)):
        bands, rows = LSH_BANDS[threshold, th.num_perm]
        width = bands * rows
        matrix = minhashes[:, field, :width].reshape(count, bands, rows)
        for row in range(count):
            whole = (matrix == minhashes[row, field, :width].reshape(bands, rows)).all(axis=2).any(axis=1)
            assert np.array_equal(_band_hits(minhashes[:, field], minhashes[row, field], bands, rows), whole)
    hits = _band_hits(minhashes[:, 1], minhashes[0, 1], *LSH_BANDS[_lsh_thresholds(th)[1], th.num_perm])
    assert hits[1::3].all() and hits.sum() < count


def test_the_stored_table_where_it_lies_proposes_what_the_gathered_table_does(tmp_path):
    """`--only` queries the cache's table in place beside a small table of new rows, with the rows
    of records no longer in the run left out: every proposal and count must be the full table's."""
    th = Thresholds()
    villages = _small_catalog()
    check(villages, cache_dir=tmp_path)  # the cache a build left
    old = BASES["anji-tea"]["slogan"]
    edited = make_village("v0-b", _merge(BASES["anji-tea"], {"slogan": dict(old, zh="换了一句，" + old["zh"])}))
    added = make_village("v9-new", BASES["anji-tea"])
    removed = villages[-1].slug
    run = sorted(
        [edited if v.slug == "v0-b" else v for v in villages if v.slug != removed] + [added], key=lambda v: v.slug
    )
    cache = SignatureCache(tmp_path / "differentiation", th.num_perm)
    digests = [v.digest for v in run]
    assert len(set(digests)) < len(digests), "a digest held twice gets a row of its own"
    for village in run:
        if not cache.has(village.digest):
            cache.put(village.digest, signature(build_features(record_from_village(village)), th.num_perm))
    parts = cache.parts(digests)
    assert len(parts[0].table) == len(cache.table) and (parts[0].rows < 0).any(), "stale rows stay, left out"
    thresholds = (_lsh_thresholds(th), th.num_perm, th.max_block, th.words_floor)
    where, gathered = (
        CandidateIndex(parts, [True] * len(run), *thresholds),
        CandidateIndex(cache.gather(digests), [True] * len(run), *thresholds),
    )
    everything = gathered.all_pairs()
    assert everything
    for row in range(len(run)):
        assert where.pairs_for(row) == gathered.pairs_for(row) == {p for p in everything if row in p}, run[row].slug
    tokens = [*sorted(set(gathered.parts[0].table.tokens.tolist())), 1, 2, 3]
    assert [where.token_count(t) for t in tokens] == [gathered.token_count(t) for t in tokens]
    assert np.array_equal(where.lab, gathered.lab, equal_nan=True)
    assert np.array_equal(where.word_totals, gathered.word_totals)
