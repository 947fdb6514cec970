"""Signatures, their cache per digest, and the sub-quadratic search for candidate pairs.

A signature is what candidate search needs of a record: four seeded MinHashes (slogan, story,
product descriptions, culture descriptions), hashed blocking keys, hashed counted tokens, the primary colour in Lab, and image
hashes. It depends only on the record, so it is cached by the record's digest (the profile's
SHA-256 plus image file stamps): a rebuild recomputes only changed villages.

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
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from generator.differentiation.features import Features, blocking_keys, counted_tokens, lab
from generator.differentiation.images import ImageHashes

TEXT_FIELDS = ("slogan", "story", "products", "culture")
CACHE_VERSION = 2
SEED = 1
SCHEME = "affine32"
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


class SignatureCache:
    """Signatures by digest in one compressed-free .npz plus a small JSON of image hashes.

    Loaded once, written once (atomically) when something new was computed; entries of records
    no longer present are dropped on that write.
    """

    def __init__(self, folder: Path | None, num_perm: int):
        self.path = folder / f"signatures-v{CACHE_VERSION}-{SCHEME}-p{num_perm}.npz" if folder else None
        self.entries: dict[str, Signature] = {}
        self.dirty = False
        if self.path and self.path.is_file():
            self._load()

    def get(self, digest: str) -> Signature | None:
        return self.entries.get(digest)

    def put(self, digest: str, value: Signature) -> None:
        self.entries[digest] = value
        self.dirty = True

    def save(self, keep: Iterable[str]) -> None:
        """Write the signatures of `keep` (the records of this run) if anything changed."""
        if not self.path or not self.dirty:
            return
        digests = sorted(set(keep) & self.entries.keys())
        rows = [self.entries[d] for d in digests]
        key_counts = np.array([len(r.keys) for r in rows], dtype=np.int64)
        token_counts = np.array([len(r.tokens) for r in rows], dtype=np.int64)
        arrays = {
            "digests": np.array(digests, dtype="U64"),
            "minhashes": np.stack([r.minhashes for r in rows]) if rows else np.zeros((0, len(TEXT_FIELDS), 1), np.uint32),
            "present": np.stack([r.present for r in rows]) if rows else np.zeros((0, len(TEXT_FIELDS)), bool),
            "lab": np.stack([r.lab for r in rows]) if rows else np.zeros((0, 3)),
            "keys": np.concatenate([r.keys for r in rows]) if rows else np.zeros(0, np.uint64),
            "key_counts": key_counts,
            "tokens": np.concatenate([r.tokens for r in rows]) if rows else np.zeros(0, np.uint64),
            "token_counts": token_counts,
            "images": np.array([json.dumps({d: [i.to_list() for i in r.images] for d, r in zip(digests, rows) if r.images})]),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz.tmp")
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.chmod(temporary, 0o644)
        os.replace(temporary, self.path)  # readers never see a half-written cache
        self.dirty = False

    def _load(self) -> None:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                digests = data["digests"].tolist()
                minhashes, present, labs = data["minhashes"], data["present"], data["lab"]
                keys = np.split(data["keys"], np.cumsum(data["key_counts"])[:-1]) if digests else []
                tokens = np.split(data["tokens"], np.cumsum(data["token_counts"])[:-1]) if digests else []
                images = json.loads(str(data["images"][0]))
        except (OSError, ValueError, KeyError):
            return  # an unreadable cache is only a slower run
        for i, digest in enumerate(digests):
            hashes = tuple(ImageHashes.from_list(x) for x in images.get(digest, ()))
            self.entries[digest] = Signature(minhashes[i], present[i], keys[i], tokens[i], labs[i], hashes)


class CandidateIndex:
    """All signatures of one run, stacked, with the two ways of proposing pairs."""

    def __init__(self, signatures: Sequence[Signature], is_village: Sequence[bool], thresholds: Sequence[float], num_perm: int, max_block: int):
        self.count = len(signatures)
        self.is_village = np.array(is_village, dtype=bool)
        self.minhashes = np.stack([s.minhashes for s in signatures])
        self.present = np.stack([s.present for s in signatures])
        self.lab = np.stack([s.lab for s in signatures])
        self.key_owner = np.repeat(np.arange(self.count), [len(s.keys) for s in signatures])
        self.keys = np.concatenate([s.keys for s in signatures]) if signatures else np.zeros(0, np.uint64)
        unique, inverse, counts = np.unique(self.keys, return_inverse=True, return_counts=True)
        self.key_size = counts[inverse]
        tokens = np.concatenate([np.unique(s.tokens) for s in signatures]) if signatures else np.zeros(0, np.uint64)
        self.token_values, self.token_counts = np.unique(tokens, return_counts=True)
        # (bands, rows) per text field, as datasketch chooses them for each threshold
        self.params = [(lsh.b, lsh.r) for lsh in (MinHashLSH(threshold=t, num_perm=num_perm) for t in thresholds)]
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
        """How many records carry a counted token."""
        i = np.searchsorted(self.token_values, np.uint64(token_hash))
        return int(self.token_counts[i]) if i < len(self.token_values) and self.token_values[i] == token_hash else 0

    def all_pairs(self) -> set[tuple[int, int]]:
        """Every candidate pair with at least one village, from LSH tables and key blocks."""
        pairs: set[tuple[int, int]] = set()
        for field in range(len(TEXT_FIELDS)):
            lsh = MinHashLSH(num_perm=self.minhashes.shape[2], params=self.params[field])
            rows = np.flatnonzero(self.present[:, field])
            with lsh.insertion_session() as session:
                for row in rows:
                    session.insert(int(row), LeanMinHash(seed=SEED, hashvalues=self.minhashes[row, field], scheme=SCHEME), check_duplication=False)
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
        own = self.keys[(self.key_owner == row) & (self.key_size <= self.max_block)]
        if len(own):
            found.update(self.key_owner[np.isin(self.keys, own)].tolist())
        found.discard(row)
        return {_ordered(row, other) for other in found if self.is_village[row] or self.is_village[other]}


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
