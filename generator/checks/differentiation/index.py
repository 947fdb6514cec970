"""Signatures, their cache per digest, and the sub-quadratic search for candidate pairs.

A signature is what candidate search needs of a record: four seeded MinHashes (slogan, story,
product descriptions, culture descriptions), hashed blocking keys, hashed counted tokens, the
primary colour in Lab, and image hashes. It depends only on the record, so it is cached by the
record's digest (the profile's SHA-256 plus image file stamps): a rebuild recomputes only changed
villages.

Two ways to find text candidates, with the same bands and so the same answers:
- many queries (a full check): datasketch `MinHashLSH` hash tables, built once;
- one or a few queries (`--only`): the band equality test evaluated directly on the stored
  signature matrix with numpy, which costs one vectorised pass instead of building the tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from generator.cache import code_identity
from generator.checks.differentiation import CHECK_CODE
from generator.checks.differentiation.features import Features, blocking_keys, counted_tokens, lab
from generator.checks.differentiation.images import ImageHashes

TEXT_FIELDS = ("slogan", "story", "products", "culture")
CACHE_ARRAYS = ("digests", "minhashes", "present", "lab", "keys", "key_offsets", "tokens", "token_offsets", "images")
SEED = 1
SCHEME = "affine32"
SCANS_BEFORE_SORTING = 64
"""Token counts are answered by scanning until this many were asked, then by one sorted table."""
"""Pinned: hash values of different datasketch schemes must never meet in one index or cache."""


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
            mh = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME)
            mh.update_batch([s.encode() for s in sorted(shingles)])
            minhashes[i], present[i] = mh.hashvalues.astype(np.uint32), True
    colour = lab(features.colors[0]) if features.colors else (np.nan, np.nan, np.nan)
    return Signature(
        minhashes=minhashes,
        present=present,
        keys=np.array([key_hash(k) for k in blocking_keys(features)], dtype=np.uint64),
        tokens=np.array([key_hash(k) for k in counted_tokens(features)], dtype=np.uint64),
        lab=np.array(colour, dtype=np.float64),
        images=features.images,
    )


@dataclass(frozen=True)
class Table:
    """Many signatures as flat arrays (row i is one record): what the index and the cache hold.

    Flat arrays load, reorder and compare without a Python loop per record, which is what keeps a
    one-village check at 50,000 villages well under a second.
    """

    minhashes: np.ndarray
    present: np.ndarray
    lab: np.ndarray
    keys: np.ndarray
    key_offsets: np.ndarray
    """Row i's keys are keys[key_offsets[i]:key_offsets[i + 1]]."""
    tokens: np.ndarray
    token_offsets: np.ndarray
    images: dict[int, tuple[ImageHashes, ...]]

    def __len__(self) -> int:
        return len(self.present)

    @classmethod
    def of(cls, signatures: Sequence[Signature], num_perm: int) -> Table:
        """The table of some signatures, in their order."""
        fields = len(TEXT_FIELDS)
        return cls(
            minhashes=np.stack([s.minhashes for s in signatures])
            if signatures
            else np.zeros((0, fields, num_perm), np.uint32),
            present=np.stack([s.present for s in signatures]) if signatures else np.zeros((0, fields), bool),
            lab=np.stack([s.lab for s in signatures]) if signatures else np.zeros((0, 3)),
            keys=np.concatenate([s.keys for s in signatures]) if signatures else np.zeros(0, np.uint64),
            key_offsets=np.concatenate([[0], np.cumsum([len(s.keys) for s in signatures], dtype=np.int64)]).astype(
                np.int64
            ),
            tokens=np.concatenate([s.tokens for s in signatures]) if signatures else np.zeros(0, np.uint64),
            token_offsets=np.concatenate([[0], np.cumsum([len(s.tokens) for s in signatures], dtype=np.int64)]).astype(
                np.int64
            ),
            images={i: s.images for i, s in enumerate(signatures) if s.images},
        )

    def take(self, rows: np.ndarray) -> Table:
        """These rows, in this order (vectorised, also for the ragged key and token lists)."""
        if len(rows) == len(self) and np.array_equal(rows, np.arange(len(self))):
            return self  # a warm run: the cache is stored in the order of the catalogue
        keys, key_offsets = _take_ragged(self.keys, self.key_offsets, rows)
        tokens, token_offsets = _take_ragged(self.tokens, self.token_offsets, rows)
        position = {int(old): new for new, old in enumerate(rows.tolist()) if int(old) in self.images}
        return Table(
            self.minhashes[rows],
            self.present[rows],
            self.lab[rows],
            keys,
            key_offsets,
            tokens,
            token_offsets,
            {new: self.images[old] for old, new in position.items()},
        )

    @staticmethod
    def concat(a: Table, b: Table) -> Table:
        shift = len(a)
        return Table(
            np.concatenate([a.minhashes, b.minhashes]),
            np.concatenate([a.present, b.present]),
            np.concatenate([a.lab, b.lab]),
            np.concatenate([a.keys, b.keys]),
            np.concatenate([a.key_offsets, b.key_offsets[1:] + a.key_offsets[-1]]),
            np.concatenate([a.tokens, b.tokens]),
            np.concatenate([a.token_offsets, b.token_offsets[1:] + a.token_offsets[-1]]),
            {**a.images, **{i + shift: v for i, v in b.images.items()}},
        )

    def owners(self, offsets: np.ndarray) -> np.ndarray:
        return np.repeat(np.arange(len(self)), np.diff(offsets))


def _take_ragged(values: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts, lengths = offsets[rows], offsets[rows + 1] - offsets[rows]
    new_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    index = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(new_offsets[-1])
    return values[index], new_offsets


class SignatureCache:
    """Signatures by digest in one file: the arrays of a `Table` written one after another as
    .npy records (image hashes as JSON).

    Loaded once, written once (atomically) when something new was computed; entries of records
    no longer present are dropped on that write. Plain .npy records read straight into memory,
    without the zip layer and checksums of .npz: a third of the load time at 50,000 villages.
    """

    def __init__(self, folder: Path | None, num_perm: int):
        # Named by the code that computes signatures (cache.code_identity): new code, a new file.
        code = code_identity(CHECK_CODE)[:16]
        self.path = folder / f"signatures-{code}-{SCHEME}-p{num_perm}.npys" if folder else None
        self.num_perm = num_perm
        self.table = Table.of([], num_perm)
        self.rows: dict[str, int] = {}
        self.new: dict[str, Signature] = {}
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

    def put(self, digest: str, value: Signature) -> None:
        self.new[digest] = value

    def gather(self, digests: Sequence[str]) -> Table:
        """The table of these digests in this order; every one must have a signature."""
        fresh = [d for d in dict.fromkeys(digests) if d in self.new and d not in self.rows]
        combined = (
            Table.concat(self.table, Table.of([self.new[d] for d in fresh], self.num_perm)) if fresh else self.table
        )
        where = {**self.rows, **{d: len(self.table) + i for i, d in enumerate(fresh)}}
        return combined.take(np.array([where[d] for d in digests], dtype=np.int64))

    def save(self, keep: Iterable[str]) -> None:
        """Write the signatures of `keep` (the records of this run) if anything changed."""
        if not self.path or not self.new:
            return
        entries = self.entries
        digests = [d for d in dict.fromkeys(keep) if d in entries]  # the run's order: next run needs no reordering
        table = self.gather(digests)
        arrays = {
            "digests": np.array(digests, dtype="U64"),
            "minhashes": table.minhashes,
            "present": table.present,
            "lab": table.lab,
            "keys": table.keys,
            "key_offsets": table.key_offsets,
            "tokens": table.tokens,
            "token_offsets": table.token_offsets,
            "images": np.array([json.dumps({digests[i]: [h.to_list() for h in v] for i, v in table.images.items()})]),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            for name in CACHE_ARRAYS:
                np.lib.format.write_array(file, np.ascontiguousarray(arrays[name]), allow_pickle=False)
        os.chmod(temporary, 0o644)
        os.replace(temporary, self.path)  # readers never see a half-written cache
        for stale in self.path.parent.glob("signatures-*"):
            if stale != self.path and not stale.name.endswith(".tmp"):
                stale.unlink(missing_ok=True)  # older versions and schemes are never read again

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as file:
                data = {name: np.lib.format.read_array(file, allow_pickle=False) for name in CACHE_ARRAYS}
            digests = data["digests"].tolist()
            images = json.loads(str(data["images"][0]))
            index = {d: i for i, d in enumerate(digests)}
            self.table = Table(
                data["minhashes"],
                data["present"],
                data["lab"],
                data["keys"],
                data["key_offsets"],
                data["tokens"],
                data["token_offsets"],
                {index[d]: tuple(ImageHashes.from_list(x) for x in v) for d, v in images.items() if d in index},
            )
            self.rows = index
        except (OSError, ValueError, KeyError, EOFError):
            self.table, self.rows = Table.of([], self.num_perm), {}  # an unreadable cache is only a slower run


class CandidateIndex:
    """All signatures of one run, stacked, with the two ways of proposing pairs."""

    def __init__(
        self, table: Table, is_village: Sequence[bool], thresholds: Sequence[float], num_perm: int, max_block: int
    ):
        self.count = len(table)
        self.is_village = np.array(is_village, dtype=bool)
        self.minhashes, self.present, self.lab = table.minhashes, table.present, table.lab
        self.keys = table.keys
        self.key_owner = table.owners(table.key_offsets)
        self.key_offsets = table.key_offsets
        self.tokens = table.tokens
        self._token_table: tuple[np.ndarray, np.ndarray] | None = None
        self._token_scans: dict[int, int] = {}
        self.params = [_lsh_params(t, num_perm) for t in thresholds]
        self.estimate_floor = [t / 2 for t in thresholds]
        self.max_block = max_block

    def _estimated_at_least(self, pairs: set[tuple[int, int]], field: int) -> set[tuple[int, int]]:
        """The LSH proposals whose MinHash-estimated Jaccard reaches half the LSH threshold.

        Banding lets through a tail of low-similarity pairs (at Jaccard 0.02, 1 in 3,000 pairs:
        over a million at 100,000 villages); the estimate from the signatures drops them for the
        cost of one vectorised comparison, long before the exact scorer would.
        """
        if not pairs:
            return set()
        ordered = sorted(pairs)
        left, right = (np.array(side) for side in zip(*ordered))
        agree = (self.minhashes[left, field] == self.minhashes[right, field]).mean(axis=1)
        return {pair for pair, keep in zip(ordered, agree >= self.estimate_floor[field]) if keep}

    def token_count(self, token_hash: int) -> int:
        """How many records carry a counted token (tokens are unique within a record)."""
        if self._token_table is None and len(self._token_scans) < SCANS_BEFORE_SORTING:
            # A one-village check asks about a few dozen tokens: a scan each is cheaper than
            # sorting every token of 50,000 records.
            if token_hash not in self._token_scans:
                self._token_scans[token_hash] = int(np.count_nonzero(self.tokens == np.uint64(token_hash)))
            return self._token_scans[token_hash]
        if self._token_table is None:
            self._token_table = np.unique(self.tokens, return_counts=True)
        values, counts = self._token_table
        i = np.searchsorted(values, np.uint64(token_hash))
        return int(counts[i]) if i < len(values) and values[i] == token_hash else 0

    def all_pairs(self) -> set[tuple[int, int]]:
        """Every candidate pair with at least one village, from LSH tables and key blocks."""
        pairs: set[tuple[int, int]] = set()
        for field in range(len(TEXT_FIELDS)):
            lsh = MinHashLSH(num_perm=self.minhashes.shape[2], params=self.params[field])
            rows = np.flatnonzero(self.present[:, field])
            with lsh.insertion_session() as session:
                for row in rows:
                    session.insert(
                        int(row),
                        LeanMinHash(seed=SEED, hashvalues=self.minhashes[row, field], scheme=SCHEME),
                        check_duplication=False,
                    )
            proposed: set[tuple[int, int]] = set()
            for row in rows[self.is_village[rows]]:
                query = LeanMinHash(seed=SEED, hashvalues=self.minhashes[row, field], scheme=SCHEME)
                proposed.update(_ordered(int(row), int(other)) for other in lsh.query(query) if other != row)
            pairs |= self._estimated_at_least(proposed, field)
        order = np.argsort(self.keys, kind="stable")
        sorted_keys, owners = self.keys[order], self.key_owner[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], len(sorted_keys)]
        for start, end in zip(starts, ends):
            if 2 <= end - start <= self.max_block:
                members = sorted(set(owners[start:end].tolist()))
                pairs.update((a, b) for a, b in combinations(members, 2) if self.is_village[a] or self.is_village[b])
        return pairs

    def pairs_for(self, row: int) -> set[tuple[int, int]]:
        """Candidate pairs of one record with every other: banded MinHash equality and shared keys."""
        found: set[int] = set()
        for field in range(len(TEXT_FIELDS)):
            if not self.present[row, field]:
                continue
            bands, rows = self.params[field]
            width = bands * rows
            matrix = self.minhashes[:, field, :width].reshape(self.count, bands, rows)
            query = self.minhashes[row, field, :width].reshape(bands, rows)
            hit = (matrix == query).all(axis=2).any(axis=1) & self.present[:, field]
            proposed = {_ordered(row, int(other)) for other in np.flatnonzero(hit) if other != row}
            found.update(a if b == row else b for a, b in self._estimated_at_least(proposed, field))
        own = self.keys[self.key_offsets[row] : self.key_offsets[row + 1]]
        if len(own):
            sharing = np.flatnonzero(np.isin(self.keys, own))
            values, sizes = np.unique(self.keys[sharing], return_counts=True)
            small = values[sizes <= self.max_block]  # blocks over max_block are too common to mean anything
            found.update(self.key_owner[sharing[np.isin(self.keys[sharing], small)]].tolist())
        found.discard(row)
        return {_ordered(row, other) for other in found if self.is_village[row] or self.is_village[other]}


@cache
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) as datasketch chooses them for a threshold (its search is worth caching)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
