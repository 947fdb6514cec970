"""Signatures, their cache per digest, and the sub-quadratic search for candidate pairs.

A signature is what candidate search needs of a record: four seeded MinHashes (slogan, story,
product descriptions, culture descriptions), hashed blocking keys, hashed counted tokens, the
primary colour in Lab, image hashes, and the story's content words with their rarity (kept so
that only a changed story is segmented again: jieba costs more than all the rest of a
signature). It depends only on the record, so it is cached by the record's digest (the profile's
SHA-256 plus image file stamps): a rebuild recomputes only changed villages, and their stories'
words are looked up by the text (content.words_key) before jieba is asked.

Two ways to find text candidates, with the same bands and so the same answers:
- many queries (a full check): datasketch `MinHashLSH` hash tables, built once;
- one or a few queries (`--only`): the band equality test evaluated directly on the stored
  signature matrix with numpy, which costs one vectorised pass instead of building the tables.
  The stored table is queried where it lies in the memory-mapped cache file, beside a small table
  of the run's new signatures (SignatureCache.parts): nothing of 50,000 rows is read whole or copied.

Retold stories are found by a word index: every (word, record) of every story, so that two
stories' shared weight is summed over the words they share (never over all pairs), and a pair is
proposed when its content-word similarity (content.similarity, the scorer's own measure) reaches
the candidate floor.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np

from generator.cache import code_identity
from generator.checks.differentiation import CHECK_CODE
from generator.checks.differentiation.arrays import mapped_arrays, write_arrays
from generator.checks.differentiation.features import Features, blocking_keys, counted_tokens, lab
from generator.checks.differentiation.images import ImageHashes

TEXT_FIELDS = ("slogan", "story", "products", "culture")
CACHE_ARRAYS = (
    "digests",
    "minhashes",
    "present",
    "lab",
    "keys",
    "key_offsets",
    "tokens",
    "token_offsets",
    "images",
    "words",
    "word_weights",
    "word_offsets",
    "word_totals",
    "word_text",
    "word_text_offsets",
    "story_keys",
)
SEED = 1
SCHEME = "affine32"
"""Pinned: hash values of different datasketch schemes must never meet in one index or cache."""
SCANS_BEFORE_SORTING = 64
"""Token counts are answered by scanning until this many were asked, then by one sorted table."""
WORD_SEPARATOR = "\x1f"
"""Between the words of one story in the cache (a control character no normalised text keeps)."""
WORD_CANDIDATE_FACTOR = 0.8
"""Stories are proposed from this fraction of the scorer's words_floor: the index leaves out words
found in more than max_block stories, so its similarity can be a little below the exact one."""


@dataclass(frozen=True)
class Signature:
    minhashes: np.ndarray
    """(4, num_perm) uint32, one row per TEXT_FIELDS; all zeros where the record has no such text."""
    present: np.ndarray
    """(4,) bool: which texts exist."""
    keys: np.ndarray
    """Blocking keys, hashed to uint64."""
    tokens: np.ndarray
    """Counted tokens (products, culture), hashed to uint64."""
    lab: np.ndarray
    """Primary colour in CIELab, NaN when the record declares none."""
    images: tuple[ImageHashes, ...] = ()
    words: tuple[str, ...] = ()
    """The story's content words, sorted."""
    weights: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))
    """Their rarity (content.rarity), in the same order."""
    story_key: str = ""
    """What the words are cached under (content.words_key)."""


@lru_cache(maxsize=1_000_000)
def key_hash(text: str) -> int:
    """A stable 64-bit hash of a key or token (Python's hash() changes per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def signature(features: Features, num_perm: int) -> Signature:
    """The signature of one record from its features."""
    texts = (features.slogan, features.story, features.product_text, features.culture_text)
    minhashes = np.zeros((len(TEXT_FIELDS), num_perm), dtype=np.uint32)
    present = np.zeros(len(TEXT_FIELDS), dtype=bool)
    for i, shingles in enumerate(texts):
        if shingles:
            minhashes[i], present[i] = minhash([s.encode() for s in sorted(shingles)], num_perm), True
    colour = lab(features.colors[0]) if features.colors else (np.nan, np.nan, np.nan)
    return Signature(
        minhashes=minhashes,
        present=present,
        keys=np.array([key_hash(k) for k in blocking_keys(features)], dtype=np.uint64),
        tokens=np.array([key_hash(k) for k in counted_tokens(features)], dtype=np.uint64),
        lab=np.array(colour, dtype=np.float64),
        images=features.images,
        story_key=features.story_key,
        words=tuple(sorted(features.story_words)),
        weights=np.array([features.story_words[w] for w in sorted(features.story_words)], dtype=np.float32),
    )


def minhash(values: Sequence[bytes], num_perm: int) -> np.ndarray:
    """datasketch's MinHash of `values` (seed SEED, scheme affine32), bit for bit, without importing
    datasketch: its package imports scipy.integrate (0.45 s), which a one-village check that signs
    one record would pay for nothing. `tests/checks/test_minhash.py` holds the two equal.

    The affine32 scheme: each value's SHA-1 (first 4 bytes, little-endian) is premixed by the
    MurmurHash3 finalizer, then permuted by a * h + b in uint32 (wrapping is the modulo)."""
    hashes = np.array([int.from_bytes(hashlib.sha1(v).digest()[:4], "little") for v in values], dtype=np.uint32)
    a, b = _permutations(num_perm)
    with np.errstate(over="ignore"):
        h = hashes ^ (hashes >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        h = (h ^ (h >> np.uint32(16))).reshape(-1, 1)
        return (h * a + b).min(axis=0) if len(values) else np.full(num_perm, np.iinfo(np.uint32).max, np.uint32)


@cache
def _permutations(num_perm: int) -> np.ndarray:
    # As datasketch draws them for affine32 (odd multipliers), once per run instead of per MinHash.
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


@dataclass(frozen=True)
class Table:
    """Many signatures as flat arrays (row i is one record): what the index and the cache hold.

    Flat arrays load, reorder and compare without a Python loop per record, which is what keeps a
    one-village check at 50,000 villages under a second. Ragged lists (keys, tokens, words,
    the words' text) are one flat array each with offsets: row i's keys are
    keys[key_offsets[i]:key_offsets[i + 1]].
    """

    minhashes: np.ndarray
    present: np.ndarray
    lab: np.ndarray
    keys: np.ndarray
    key_offsets: np.ndarray
    tokens: np.ndarray
    token_offsets: np.ndarray
    images: dict[int, tuple[ImageHashes, ...]]
    words: np.ndarray
    """Hashed content words of the stories (uint64)."""
    word_weights: np.ndarray
    word_offsets: np.ndarray
    word_totals: np.ndarray
    """(rows,) float64: each story's weight, the exact sum of its words' (math.fsum), stored per row
    so that content similarity reads the same number whatever table the row sits in."""
    word_text: np.ndarray
    """The words themselves, UTF-8 bytes joined by WORD_SEPARATOR, read only for records scored."""
    word_text_offsets: np.ndarray
    story_keys: np.ndarray
    """content.words_key of each row's story (U32)."""

    RAGGED = (("keys", "key_offsets"), ("tokens", "token_offsets"), ("word_text", "word_text_offsets"))
    """Ragged lists with offsets of their own (words and their weights share word_offsets)."""

    def __len__(self) -> int:
        return len(self.present)

    @classmethod
    def of(cls, signatures: Sequence[Signature], num_perm: int) -> Table:
        """The table of some signatures, in their order."""
        fields = len(TEXT_FIELDS)
        texts = [WORD_SEPARATOR.join(s.words).encode() for s in signatures]
        return cls(
            minhashes=np.stack([s.minhashes for s in signatures])
            if signatures
            else np.zeros((0, fields, num_perm), np.uint32),
            present=np.stack([s.present for s in signatures]) if signatures else np.zeros((0, fields), bool),
            lab=np.stack([s.lab for s in signatures]) if signatures else np.zeros((0, 3)),
            keys=_flat([s.keys for s in signatures], np.uint64),
            key_offsets=_offsets([len(s.keys) for s in signatures]),
            tokens=_flat([s.tokens for s in signatures], np.uint64),
            token_offsets=_offsets([len(s.tokens) for s in signatures]),
            images={i: s.images for i, s in enumerate(signatures) if s.images},
            words=_flat([np.array([key_hash(w) for w in s.words], dtype=np.uint64) for s in signatures], np.uint64),
            word_weights=_flat([s.weights for s in signatures], np.float32),
            word_offsets=_offsets([len(s.words) for s in signatures]),
            word_totals=np.array([math.fsum(s.weights.tolist()) for s in signatures], dtype=np.float64),
            word_text=np.frombuffer(b"".join(texts), dtype=np.uint8).copy(),
            word_text_offsets=_offsets([len(x) for x in texts]),
            story_keys=np.array([s.story_key for s in signatures], dtype="U32"),
        )

    def story_words(self, row: int) -> dict[str, float]:
        """The content words of row's story with their rarity, as content.content_words gave them."""
        start, end = self.word_text_offsets[row], self.word_text_offsets[row + 1]
        if start == end:
            return {}
        words = self.word_text[start:end].tobytes().decode().split(WORD_SEPARATOR)
        weights = self.word_weights[self.word_offsets[row] : self.word_offsets[row + 1]].tolist()
        return dict(zip(words, (round(w, 3) for w in weights)))

    def take(self, rows: np.ndarray) -> Table:
        """These rows, in this order (vectorised, also for the ragged lists)."""
        if len(rows) == len(self) and np.array_equal(rows, np.arange(len(self))):
            return self  # a warm run: the cache is stored in the order of the catalogue
        ragged = {}
        for values, offsets in self.RAGGED:
            ragged[values], ragged[offsets] = _take_ragged(getattr(self, values), getattr(self, offsets), rows)
        ragged["words"], ragged["word_offsets"] = _take_ragged(self.words, self.word_offsets, rows)
        ragged["word_weights"], _ = _take_ragged(self.word_weights, self.word_offsets, rows)
        position = {int(old): new for new, old in enumerate(rows.tolist()) if int(old) in self.images}
        return Table(
            minhashes=self.minhashes[rows],
            present=self.present[rows],
            lab=self.lab[rows],
            word_totals=self.word_totals[rows],
            story_keys=self.story_keys[rows],
            images={new: self.images[old] for old, new in position.items()},
            **ragged,
        )

    @staticmethod
    def joined(slices: Sequence[tuple[Table, int, int]], num_perm: int) -> Table:
        """Rows start:end of each table, one slice after another: the same table `take` makes of
        those rows, by copying slices."""
        if len(slices) == 1 and slices[0][1] == 0 and slices[0][2] == len(slices[0][0]):
            return slices[0][0]  # a warm run: the cache is stored in the order of the catalogue
        if not slices:
            return Table.of([], num_perm)
        ragged = {}
        for values, offsets in (*Table.RAGGED, ("words", "word_offsets")):
            parts, lengths = [], [np.zeros(1, np.int64)]
            for table, start, end in slices:
                own = getattr(table, offsets)
                parts.append(getattr(table, values)[own[start] : own[end]])
                lengths.append(np.diff(own[start : end + 1]))
            ragged[values], ragged[offsets] = np.concatenate(parts), np.cumsum(np.concatenate(lengths))
        word_weights = np.concatenate([t.word_weights[t.word_offsets[a] : t.word_offsets[b]] for t, a, b in slices])
        images, at = {}, 0
        for table, start, end in slices:
            images.update((at + i - start, v) for i, v in table.images.items() if start <= i < end)
            at += end - start

        def stacked(name: str) -> np.ndarray:
            return np.concatenate([getattr(t, name)[a:b] for t, a, b in slices])

        return Table(
            minhashes=stacked("minhashes"),
            present=stacked("present"),
            lab=stacked("lab"),
            word_totals=stacked("word_totals"),
            story_keys=stacked("story_keys"),
            images=dict(sorted(images.items())),
            word_weights=word_weights,
            **ragged,
        )

    @staticmethod
    def concat(a: Table, b: Table) -> Table:
        ragged = {}
        for values, offsets in (*Table.RAGGED, ("words", "word_offsets")):
            ragged[values] = np.concatenate([getattr(a, values), getattr(b, values)])
            ragged[offsets] = np.concatenate([getattr(a, offsets), getattr(b, offsets)[1:] + getattr(a, offsets)[-1]])
        return Table(
            minhashes=np.concatenate([a.minhashes, b.minhashes]),
            present=np.concatenate([a.present, b.present]),
            lab=np.concatenate([a.lab, b.lab]),
            word_totals=np.concatenate([a.word_totals, b.word_totals]),
            story_keys=np.concatenate([a.story_keys, b.story_keys]),
            images={**a.images, **{i + len(a): v for i, v in b.images.items()}},
            word_weights=np.concatenate([a.word_weights, b.word_weights]),
            **ragged,
        )

    def owners(self, offsets: np.ndarray) -> np.ndarray:
        return np.repeat(np.arange(len(self)), np.diff(offsets))


@dataclass(frozen=True)
class Part:
    """A table of signatures and, for each of its rows, the row of this run that it is (-1: a
    record not in this run, left where it lies in the stored table)."""

    table: Table
    rows: np.ndarray
    active: np.ndarray
    """rows >= 0."""

    @classmethod
    def of(cls, table: Table, rows: np.ndarray) -> Part:
        return cls(table, rows, rows >= 0)

    @classmethod
    def whole(cls, table: Table) -> Part:
        """A table already in the run's order (a full check's): row i is the run's row i."""
        return cls.of(table, np.arange(len(table), dtype=np.int64))

    def run_rows(self, offsets: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The run row owning each position of a ragged list (offsets: its table's offsets)."""
        return self.rows[np.searchsorted(offsets, positions, side="right") - 1]


RUN_SHARE = 64
"""A table is joined from slices when it is at most one slice per this many rows."""


def _runs(rows: np.ndarray, boundary: int) -> list[tuple[int, int]]:
    """rows as maximal runs of consecutive indexes, [start, end) each, none across `boundary`
    (where the cached rows end and the new ones begin)."""
    if not len(rows):
        return []
    breaks = np.flatnonzero((np.diff(rows) != 1) | (rows[1:] == boundary)) + 1
    starts, ends = np.r_[0, breaks], np.r_[breaks, len(rows)]
    return [(int(rows[a]), int(rows[b - 1]) + 1) for a, b in zip(starts.tolist(), ends.tolist())]


def _flat(parts: Sequence[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _offsets(lengths: Sequence[int]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def _take_ragged(values: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts, lengths = offsets[rows], offsets[rows + 1] - offsets[rows]
    new_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    index = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(new_offsets[-1])
    return values[index], new_offsets


class SignatureCache:
    """Signatures by digest in one file: the arrays of a `Table` written one after another as
    .npy records (image hashes as JSON), memory-mapped when read (arrays.py).

    Mapped once, written once (atomically) when something new was computed; entries of records
    no longer present are dropped on that write. Plain .npy records, without the zip layer and
    checksums of .npz, so that each array is a view of the mapped file where it lies.
    """

    def __init__(self, folder: Path | None, num_perm: int):
        # Named by the code that computes signatures (cache.code_identity): new code, a new file.
        code = code_identity(CHECK_CODE, memo_dir=folder)[:16]
        self.path = folder / f"signatures-{code}-{SCHEME}-p{num_perm}.npys" if folder else None
        self.num_perm = num_perm
        self.table = Table.of([], num_perm)
        self.rows: dict[str, int] = {}
        self.new: dict[str, Signature] = {}
        self._stories: dict[str, int] | None = None
        self._new_stories: dict[str, Signature] = {}
        self._gathered: tuple[tuple, Table] | None = None
        if self.path and self.path.is_file():
            self._load()

    @property
    def entries(self) -> set[str]:
        """Every digest with a signature, cached or new."""
        return set(self.rows) | set(self.new)

    def has(self, digest: str) -> bool:
        return digest in self.rows or digest in self.new

    def images(self, digest: str) -> tuple[ImageHashes, ...] | None:
        """The cached image hashes of a record, or None when it has no cached signature."""
        if digest in self.new:
            return self.new[digest].images
        if digest in self.rows:
            return self.table.images.get(self.rows[digest], ())
        return None

    def story_words(self, key: str) -> dict[str, float] | None:
        """The content words cached under a story key (content.words_key), from any record whose
        story reads the same, or None when none has them."""
        if self._stories is None:
            self._stories = {k: row for row, k in enumerate(self.table.story_keys.tolist())}
        if key in self._stories:
            return self.table.story_words(self._stories[key])
        value = self._new_stories.get(key)
        return None if value is None else dict(zip(value.words, (round(w, 3) for w in value.weights.tolist())))

    def put(self, digest: str, value: Signature) -> None:
        self.new[digest] = value
        self._new_stories.setdefault(value.story_key, value)

    def parts(self, digests: Sequence[str]) -> list[Part]:
        """The run's signatures as two tables, neither copied from the other: the stored table where
        it lies (a row of a record not in this run, such as an edited village's old version, left
        out by its run row -1), and a small table of the rest (new signatures, and a second row for
        a digest the run holds twice). What a one-village check queries: at 50,000 villages,
        gathering the stored table into the run's order copies 100 MB for one changed row."""
        stored_rows = np.full(len(self.table), -1, dtype=np.int64)
        at = np.array([self.rows.get(d, -1) for d in digests], dtype=np.int64)
        cached = np.flatnonzero(at >= 0)
        _, first = np.unique(at[cached], return_index=True)
        stored_rows[at[cached[first]]] = cached[first]
        rest = np.setdiff1d(np.arange(len(digests)), cached[first])
        fresh = [int(r) for r in rest if at[r] < 0]
        again = [int(r) for r in rest if at[r] >= 0]
        added = Table.concat(
            Table.of([self.new[digests[r]] for r in fresh], self.num_perm),
            self.table.take(at[again]) if again else Table.of([], self.num_perm),
        )
        return [Part.of(self.table, stored_rows), Part.of(added, np.array(fresh + again, dtype=np.int64))]

    def gather(self, digests: Sequence[str]) -> Table:
        """The table of these digests in this order; every one must have a signature."""
        key = (tuple(digests), len(self.new))
        if self._gathered is not None and self._gathered[0] == key:
            return self._gathered[1]  # save() and the index ask for the same table
        table = self._gather(digests)
        self._gathered = (key, table)
        return table

    def _gather(self, digests: Sequence[str]) -> Table:
        fresh = [d for d in dict.fromkeys(digests) if d in self.new and d not in self.rows]
        added = Table.of([self.new[d] for d in fresh], self.num_perm)
        where = {**self.rows, **{d: len(self.table) + i for i, d in enumerate(fresh)}}
        rows = np.array([where[d] for d in digests], dtype=np.int64)
        runs = _runs(rows, len(self.table))
        if len(runs) <= max(8, len(rows) // RUN_SHARE):
            # A run that changed a few records: the cache's order with a few rows swapped or
            # appended, so the table is a few slices laid end to end (memory copies) instead of a
            # row-by-row take of every array (1.4 s at 50,000).
            return Table.joined(
                [
                    (self.table, a, b) if a < len(self.table) else (added, a - len(self.table), b - len(self.table))
                    for a, b in runs
                ],
                self.num_perm,
            )
        combined = Table.concat(self.table, added) if fresh else self.table
        return combined.take(rows)

    def save(self, keep: Iterable[str]) -> None:
        """Write the signatures of `keep` (the records of this run) if anything changed."""
        if not self.path or not self.new:
            return
        entries = self.entries
        digests = [d for d in dict.fromkeys(keep) if d in entries]  # the run's order: next run needs no reordering
        table = self.gather(digests)
        arrays = {
            "digests": np.array(digests, dtype="U64"),
            "images": np.array([json.dumps({digests[i]: [h.to_list() for h in v] for i, v in table.images.items()})]),
        }
        arrays.update((name, getattr(table, name)) for name in CACHE_ARRAYS if name not in arrays)
        write_arrays(self.path, arrays, CACHE_ARRAYS)  # readers never see a half-written cache
        for stale in self.path.parent.glob("signatures-*"):
            if stale != self.path:
                stale.unlink(missing_ok=True)  # older versions and schemes are never read again

    def _load(self) -> None:
        try:
            data = mapped_arrays(self.path, CACHE_ARRAYS)
            digests = data["digests"].tolist()
            images = json.loads(str(data["images"][0]))
            index = {d: i for i, d in enumerate(digests)}
            self.table = Table(
                images={index[d]: tuple(ImageHashes.from_list(x) for x in v) for d, v in images.items() if d in index},
                **{name: data[name] for name in CACHE_ARRAYS if name not in ("digests", "images")},
            )
            self.rows = index
        except (OSError, ValueError, KeyError, EOFError, TypeError):
            self.table, self.rows = Table.of([], self.num_perm), {}  # an unreadable cache is only a slower run


class CandidateIndex:
    """All signatures of one run, with the two ways of proposing pairs. Rows are the run's rows;
    the signatures may lie in several tables (SignatureCache.parts), queried where they lie."""

    def __init__(
        self,
        parts: Table | Sequence[Part],
        is_village: Sequence[bool],
        thresholds: Sequence[float],
        num_perm: int,
        max_block: int,
        words_floor: float = 0.13,
    ):
        self.parts = [Part.whole(parts)] if isinstance(parts, Table) else list(parts)
        self.count = len(is_village)
        self.is_village = np.array(is_village, dtype=bool)
        self.params = [_lsh_params(t, num_perm) for t in thresholds]
        self.estimate_floor = [t / 2 for t in thresholds]
        self.max_block = max_block
        self.words_floor = words_floor * WORD_CANDIDATE_FACTOR
        self.lab = self._by_run_row("lab", np.nan)
        self.word_totals = self._by_run_row("word_totals", 0.0)
        self._part = np.full(self.count, -1, dtype=np.int64)
        self._at = np.full(self.count, -1, dtype=np.int64)
        for k, part in enumerate(self.parts):
            self._part[part.rows[part.active]] = k
            self._at[part.rows[part.active]] = np.flatnonzero(part.active)
        self._token_table: tuple[np.ndarray, np.ndarray] | None = None
        self._token_scans: dict[int, int] = {}

    def _by_run_row(self, name: str, missing: float) -> np.ndarray:
        """A per-row array of the tables (lab, word_totals) in the run's order."""
        first = getattr(self.parts[0].table, name)
        out = np.full((self.count, *first.shape[1:]), missing, dtype=first.dtype)
        for part in self.parts:
            out[part.rows[part.active]] = getattr(part.table, name)[part.active]
        return out

    def _whole(self) -> Table:
        """The one table of a full check, in the run's order: all_pairs builds on it whole."""
        if len(self.parts) != 1 or not np.array_equal(self.parts[0].rows, np.arange(self.count)):
            raise ValueError("all_pairs needs one table in the run's order (Part.whole)")
        return self.parts[0].table

    def token_count(self, token_hash: int) -> int:
        """How many records of the run carry a counted token (tokens are unique within a record)."""
        if self._token_table is None and len(self._token_scans) < SCANS_BEFORE_SORTING:
            # A one-village check asks about a few dozen tokens: a scan each is cheaper than
            # sorting every token of 50,000 records.
            if token_hash not in self._token_scans:
                self._token_scans[token_hash] = sum(self._scan_tokens(part, token_hash) for part in self.parts)
            return self._token_scans[token_hash]
        if self._token_table is None:
            self._token_table = np.unique(np.concatenate([self._run_tokens(p) for p in self.parts]), return_counts=True)
        values, counts = self._token_table
        i = np.searchsorted(values, np.uint64(token_hash))
        return int(counts[i]) if i < len(values) and values[i] == token_hash else 0

    @staticmethod
    def _scan_tokens(part: Part, token_hash: int) -> int:
        positions = np.flatnonzero(part.table.tokens == np.uint64(token_hash))
        return int(np.count_nonzero(part.run_rows(part.table.token_offsets, positions) >= 0))

    @staticmethod
    def _run_tokens(part: Part) -> np.ndarray:
        tokens = part.table.tokens
        return tokens if part.active.all() else tokens[part.active[part.table.owners(part.table.token_offsets)]]

    def all_pairs(self) -> set[tuple[int, int]]:
        """Every candidate pair with at least one village, from LSH tables and key blocks."""
        from datasketch import LeanMinHash, MinHashLSH  # a full check only: it imports scipy.integrate

        table = self._whole()
        pairs: set[tuple[int, int]] = set()
        for field in range(len(TEXT_FIELDS)):
            lsh = MinHashLSH(num_perm=table.minhashes.shape[2], params=self.params[field])
            rows = np.flatnonzero(table.present[:, field])
            with lsh.insertion_session() as session:
                for row in rows:
                    session.insert(
                        int(row),
                        LeanMinHash(seed=SEED, hashvalues=table.minhashes[row, field], scheme=SCHEME),
                        check_duplication=False,
                    )
            proposed: set[tuple[int, int]] = set()
            for row in rows[self.is_village[rows]]:
                query = LeanMinHash(seed=SEED, hashvalues=table.minhashes[row, field], scheme=SCHEME)
                proposed.update(_ordered(int(row), int(other)) for other in lsh.query(query) if other != row)
            pairs |= self._estimated_at_least(table.minhashes[:, field], proposed, field)
        pairs |= self._story_pairs(table)
        order = np.argsort(table.keys, kind="stable")
        sorted_keys, owners = table.keys[order], table.owners(table.key_offsets)[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], len(sorted_keys)]
        for start, end in zip(starts, ends):
            if 2 <= end - start <= self.max_block:
                members = sorted(set(owners[start:end].tolist()))
                pairs.update((a, b) for a, b in combinations(members, 2) if self.is_village[a] or self.is_village[b])
        return pairs

    def _estimated_at_least(
        self, minhashes: np.ndarray, pairs: set[tuple[int, int]], field: int
    ) -> set[tuple[int, int]]:
        """The LSH proposals whose MinHash-estimated Jaccard reaches half the LSH threshold.

        Banding lets through a tail of low-similarity pairs (at Jaccard 0.02, 1 in 3,000 pairs:
        over a million at 100,000 villages); the estimate from the signatures drops them for the
        cost of one vectorised comparison, long before the exact scorer would.
        """
        if not pairs:
            return set()
        ordered = sorted(pairs)
        left, right = (np.array(side) for side in zip(*ordered))
        agree = (minhashes[left] == minhashes[right]).mean(axis=1)
        return {pair for pair, keep in zip(ordered, agree >= self.estimate_floor[field]) if keep}

    def pairs_for(self, row: int) -> set[tuple[int, int]]:
        """Candidate pairs of one record with every other: banded MinHash equality, content words
        and shared keys, each evaluated on every table where it lies."""
        table, at = self._located(row)
        found: set[int] = set()
        for field in range(len(TEXT_FIELDS)):
            if table.present[at, field]:
                found.update(self._texts_like(table.minhashes[at, field], field))
        found.update(self._stories_like(row))
        found.update(self._sharing_keys(table.keys[table.key_offsets[at] : table.key_offsets[at + 1]]))
        found.discard(row)
        return {_ordered(row, other) for other in found if self.is_village[row] or self.is_village[other]}

    def _located(self, row: int) -> tuple[Table, int]:
        """The table holding a run row's signature, and its row there."""
        return self.parts[self._part[row]].table, int(self._at[row])

    def _texts_like(self, query: np.ndarray, field: int) -> list[int]:
        """The run rows sharing a whole LSH band with `query` in `field` whose estimated Jaccard
        reaches the floor (what all_pairs' LSH tables and estimate propose)."""
        bands, rows = self.params[field]
        found: list[int] = []
        for part in self.parts:
            minhashes = part.table.minhashes[:, field]
            hit = np.flatnonzero(_band_hits(minhashes, query, bands, rows) & part.table.present[:, field] & part.active)
            agree = (minhashes[hit] == query).mean(axis=1)
            found += part.rows[hit[agree >= self.estimate_floor[field]]].tolist()
        return found

    def _sharing_keys(self, own: np.ndarray) -> list[int]:
        """The run rows sharing a blocking key with `own` in a block of at most max_block records
        (blocks over max_block are too common to mean anything)."""
        if not len(own):
            return []
        keys, owners = self._in_lists(own, "keys", "key_offsets")
        _, inverse, sizes = np.unique(keys, return_inverse=True, return_counts=True)
        return owners[sizes[inverse] <= self.max_block].tolist()

    def _stories_like(self, row: int) -> list[int]:
        """The run rows whose story's content-word similarity with row's reaches the floor."""
        table, at = self._located(row)
        own = table.words[table.word_offsets[at] : table.word_offsets[at + 1]]
        if not len(own):
            return []
        words, owners, weights = self._in_lists(own, "words", "word_offsets", "word_weights")
        _, inverse, sizes = np.unique(words, return_inverse=True, return_counts=True)
        small = (sizes <= self.max_block)[inverse]  # the same words the full check leaves out
        shared = np.bincount(owners[small], weights=weights[small].astype(np.float64), minlength=self.count)
        others = np.flatnonzero(shared)
        similar = self._similarity(shared[others], np.full(len(others), row), others) >= self.words_floor
        return [int(o) for o in others[similar] if o != row]

    def _in_lists(self, own: np.ndarray, values: str, offsets: str, *beside: str) -> tuple[np.ndarray, ...]:
        """Every occurrence of one of `own` in a ragged list of the run's records: the values, their
        run rows, and the lists `beside` at the same positions (table order, each table in turn)."""
        found = []
        for part in self.parts:
            array = getattr(part.table, values)
            positions = np.flatnonzero(np.isin(array, own))
            rows = part.run_rows(getattr(part.table, offsets), positions)
            kept = positions[rows >= 0]  # the rows of records not in this run are left out
            found.append((array[kept], rows[rows >= 0], *(getattr(part.table, b)[kept] for b in beside)))
        return tuple(np.concatenate(column) for column in zip(*found))

    def _story_pairs(self, table: Table) -> set[tuple[int, int]]:
        """Every pair of stories whose content-word similarity reaches the floor, from the word
        index: each word shared by 2 to max_block stories adds its weight to each pair of them."""
        order = np.argsort(table.words, kind="stable")
        words, owners = table.words[order], table.owners(table.word_offsets)[order]
        weights = table.word_weights.astype(np.float64)[order]
        starts = np.flatnonzero(np.r_[True, words[1:] != words[:-1]]) if len(words) else np.zeros(0, np.int64)
        sizes = np.diff(np.r_[starts, len(words)])
        left_parts, right_parts, weight_parts = [], [], []
        for size in np.unique(sizes[(sizes >= 2) & (sizes <= self.max_block)]).tolist():
            members = starts[sizes == size][:, None] + np.arange(size)  # (groups, size) positions
            first, second = np.triu_indices(size, 1)
            left_parts.append(owners[members[:, first]].ravel())
            right_parts.append(owners[members[:, second]].ravel())
            weight_parts.append(weights[members[:, first]].ravel())
        if not left_parts:
            return set()
        left, right = np.concatenate(left_parts), np.concatenate(right_parts)
        codes = np.minimum(left, right) * self.count + np.maximum(left, right)
        unique, inverse = np.unique(codes, return_inverse=True)
        shared = np.bincount(inverse, weights=np.concatenate(weight_parts))
        a, b = unique // self.count, unique % self.count
        keep = (self._similarity(shared, a, b) >= self.words_floor) & (self.is_village[a] | self.is_village[b])
        return set(zip(a[keep].tolist(), b[keep].tolist()))

    def _similarity(self, shared: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """content.similarity's (Jaccard + containment) / 2 from shared and total weights."""
        ta, tb = self.word_totals[a], self.word_totals[b]
        with np.errstate(divide="ignore", invalid="ignore"):
            jaccard = shared / (ta + tb - shared)
            containment = shared / np.minimum(ta, tb)
        return np.nan_to_num((jaccard + containment) / 2)


def _band_hits(minhashes: np.ndarray, query: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Which records share at least one whole LSH band with `query` (bool per record; minhashes:
    (records, num_perm), one field's). The first value of each band is compared first and only the
    bands that agree on it are compared whole: the same answer as comparing every band, without
    reading every value of 50,000 signatures (two unrelated values agree once in 2^32)."""
    starts = np.arange(bands) * rows
    banded = query[: bands * rows].reshape(bands, rows)
    records, band = np.nonzero(minhashes[:, starts] == banded[:, 0])
    columns = starts[band][:, None] + np.arange(rows)
    whole = (minhashes[records[:, None], columns] == banded[band]).all(axis=1)
    hit = np.zeros(len(minhashes), dtype=bool)
    hit[records[whole]] = True
    return hit


LSH_BANDS = {(0.3, 128): (37, 3), (0.5, 128): (25, 5)}
"""(threshold, num_perm) -> (bands, rows): what datasketch's MinHashLSH chooses for them (its
default weights, 0.5 each, for false positives and negatives), kept as data because it chooses by
numerical integration (scipy), 0.05 s in every process; a test checks that it still chooses these."""


@cache
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for a threshold: pinned (LSH_BANDS), else as datasketch chooses them."""
    if (threshold, num_perm) in LSH_BANDS:
        return LSH_BANDS[threshold, num_perm]
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
