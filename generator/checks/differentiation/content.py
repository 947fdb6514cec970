"""Content words: what survives a paraphrase, weighted by how rare each word is in general Chinese.

A story retold with synonyms and reordered clauses keeps few character 3-grams, but it keeps its
facts: names of people and places, numbers, product and craft terms, events. Those are rare words
in general Chinese, and the common ones (如今, 村里, 每年) carry no identity. Rarity is read from
jieba's dictionary frequencies, counted on general Chinese text that is not under test, so a story
that a whole county shares stays rare (a herd is not mistaken for stock phrasing) while a stock
phrase of every brochure stays common however few villages use it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from generator.checks.differentiation import text as t
from generator.checks.differentiation.arrays import mapped_arrays, write_arrays

COMMON_FREQ = 3000
"""A word used more often than this in jieba's 60-million-word count is everyday language
(我们 310k, 如今 6k, 村里 1.4k stays): it says nothing about who wrote a text."""
ENGLISH_WEIGHT = 4.0
"""An English content word weighs as much as a moderately rare Chinese word (frequency ~1,000)."""
NUMBER_WEIGHT = 8.0
"""A number of 10 or more (a year, a quantity, a height) is a fact a paraphrase keeps: as rare as a
word seen a few dozen times in 60 million."""
SMALLEST_NUMBER = 10
"""Below this, numbers are grammar (三户人家, 两遍), not facts."""

NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?[万亿]?|[〇零一二两三四五六七八九十百千万亿]{2,}")
CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_SECTIONS = {"万": 10_000, "亿": 100_000_000}


WORD_TABLE = "jieba-{version}.words"
"""jieba's dictionary as a sorted table, in the check's cache folder (see WordTable)."""
FEW_STORIES = 8
"""Up to this many stories are segmented with the table: a lookup there costs a binary search
(about 20 ms a story), the dictionary half a second to load before the first story."""


def _jieba() -> Any:
    """jieba, imported without setuptools' pkg_resources. jieba 0.42 finds its files (dictionary,
    HMM tables) through pkg_resources when that imports, and reads the same files from its own
    folder when it does not; importing pkg_resources takes 0.15 s, more than segmenting a story."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import pkg_resources` raises ImportError
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    return jieba


@cache
def _dictionary() -> Any:
    """jieba's tokenizer with its dictionary loaded (once; the dictionary ships in the package)."""
    jieba = _jieba()
    jieba.setLogLevel(logging.WARNING)  # it announces every dictionary load on stderr otherwise
    jieba.initialize()
    return jieba.dt


class WordTable:
    """jieba's dictionary (its FREQ: each word's count, 0 for each prefix of a word) as a sorted
    table of UTF-8 words, memory-mapped and searched by bisection.

    jieba loads its 500,000 entries into a dict before it segments anything (0.5-1 s); a check of
    one changed story needs a few thousand of them. The tokenizer asks only `in`, `[]` and `get`,
    and the table answers each exactly as the dict would (tests/checks/test_word_table.py)."""

    NAMES = ("words", "counts", "total")

    def __init__(self, arrays: Mapping[str, np.ndarray]):
        self.words, self.counts = arrays["words"], arrays["counts"]
        self.total = int(arrays["total"][0])
        self.width = self.words.dtype.itemsize
        self._seen: dict[str, int | None] = {}

    @classmethod
    def write(cls, path: Path, frequencies: Mapping[str, int], total: int) -> None:
        words = np.array([w.encode() for w in frequencies], dtype=bytes)
        order = np.argsort(words, kind="stable")
        counts = np.array(list(frequencies.values()), dtype=np.int64)[order]
        write_arrays(path, {"words": words[order], "counts": counts, "total": np.array([total])}, cls.NAMES)

    def _count(self, word: str) -> int | None:
        if word not in self._seen:
            raw = word.encode()
            count = None
            if len(raw) <= self.width:  # a longer key would be cut to the width before comparing
                i = int(np.searchsorted(self.words, raw))
                if i < len(self.words) and self.words[i] == raw:
                    count = int(self.counts[i])
            self._seen[word] = count
        return self._seen[word]

    def __contains__(self, word: str) -> bool:
        return self._count(word) is not None

    def __getitem__(self, word: str) -> int:
        count = self._count(word)
        if count is None:
            raise KeyError(word)
        return count

    def get(self, word: str, default: int | None = None) -> int | None:
        count = self._count(word)
        return default if count is None else count


def _table_path(folder: Path) -> Path:
    return folder / WORD_TABLE.format(version=_jieba().__version__)


@cache
def _mapped_dictionary(folder: Path) -> Any:
    """A jieba tokenizer reading the word table kept in `folder`, or None when there is none yet
    (or it cannot be read: the full dictionary is then only a slower run)."""
    try:
        table = WordTable(mapped_arrays(_table_path(folder), WordTable.NAMES))
    except (OSError, ValueError, KeyError):
        return None
    tokenizer = _jieba().Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = table, table.total, True
    return tokenizer


def _keep_table(folder: Path) -> None:
    """Write the word table from the loaded dictionary when `folder` has none for this jieba."""
    path = _table_path(folder)
    if not path.is_file():
        full = _dictionary()
        try:
            WordTable.write(path, full.FREQ, full.total)
            for stale in folder.glob(WORD_TABLE.format(version="*")):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a folder that cannot be written (a full disk): the next story edit loads the dictionary


_table_folder: list[Path] = []
"""Where this run keeps the word table (engine.check names its cache folder; see use_word_table)."""


def use_word_table(folder: Path | None) -> None:
    """Let content_words called without a tokenizer (a slogan compared while scoring) read the word
    table kept in `folder` while jieba's dictionary is not loaded: a one-village check then never
    loads the dictionary for a few words."""
    _table_folder[:] = [folder] if folder is not None else []


def _tokenizer() -> Any:
    """The full dictionary once loaded; until then the run's word table, when it has one."""
    if not _dictionary.cache_info().currsize and _table_folder:
        mapped = _mapped_dictionary(_table_folder[0])
        if mapped is not None:
            return mapped
    return _dictionary()


def rarity(word: str, tokenizer: Any = None) -> float:
    """How much sharing `word` says: 0 for everyday words, up to ~10 for words jieba never saw."""
    count = (tokenizer or _tokenizer()).FREQ.get(word, 0)
    if count > COMMON_FREQ:
        return 0.0
    return round(math.log((COMMON_FREQ + 1) / (count + 1)) + 1.0, 3)


def number_value(token: str) -> int | None:
    """1500万 -> 15000000, 一千五百万 -> 15000000, 一九四七 -> 1947, 一百四十 -> 140; None if not a number."""
    if token[0].isdigit():
        multiplier = CHINESE_SECTIONS.get(token[-1], 1)
        digits = token[:-1] if multiplier > 1 else token
        try:
            return int(float(digits) * multiplier)
        except ValueError:
            return None
    if len(token) >= 3 and all(c in CHINESE_DIGITS for c in token):
        return int("".join(str(CHINESE_DIGITS[c]) for c in token))  # a year read digit by digit
    return _chinese_count(token)


def _chinese_count(token: str) -> int | None:
    total = section = 0
    digit: int | None = None
    for char in token:
        if char in CHINESE_DIGITS:
            if digit is not None:
                return None  # 五六 (five or six) is an estimate, not a number
            digit = CHINESE_DIGITS[char]
        elif char in CHINESE_UNITS:
            section += (1 if digit is None else digit) * CHINESE_UNITS[char]
            digit = None
        else:
            total += (section + (digit or 0)) * CHINESE_SECTIONS[char]
            section, digit = 0, None
    return total + section + (digit or 0)


def words_key(text: str) -> str:
    """The key of a text's content words in the signature cache: the text alone, since the cache
    file is already named by the code that segments it and jieba's version (its dictionary ships in
    the package), index.SignatureCache. A profile edited elsewhere (a slogan, a price) keeps its
    story's key, so its story is not segmented again and jieba is not even loaded."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def content_words(text: str, tokenizer: Any = None) -> dict[str, float]:
    """The content words of an already normalised text (see text.normalize) with their rarity.

    Numbers become `#<value>` whatever their script; Chinese words of two or more characters
    that are not everyday language; English words without stopwords, stemmed. `tokenizer`: jieba's
    (with its full dictionary, or the run's word table: the same words) unless given.
    """
    if not text.strip():
        return {}  # a registry row has no story: no dictionary to load
    tokenizer = tokenizer or _tokenizer()
    words: dict[str, float] = {}
    for match in NUMBER.finditer(text):
        value = number_value(match.group())
        if value is not None and value >= SMALLEST_NUMBER:
            words[f"#{value}"] = NUMBER_WEIGHT
    plain = NUMBER.sub(" ", text)
    for run in t.CJK.findall(plain):
        # jieba's HMM stays on: it joins names it has never seen (吴三公, 李新安), the facts a retold
        # story keeps. Without it, on the evaluation set, the closest honest pair (0.155) and the
        # farthest paraphrase (0.165) nearly meet; with it they are 0.11 and 0.21.
        for word in tokenizer.lcut(run):
            if len(word) >= 2 and (weight := rarity(word, tokenizer)) > 0:
                words[word] = weight
    for word in t.LATIN_WORD.findall(plain):
        if word not in t.EN_STOPWORDS and len(word) >= 3 and not word.isdigit():
            words[t.stem(word)] = ENGLISH_WEIGHT
    return words


PARALLEL_FROM = 1000
"""Stories from which segmenting them on every core pays for starting the workers: a story takes
about 1-2 ms, a forked worker a few tens of ms (it inherits the loaded dictionary)."""
CHUNK = 200


def content_words_many(texts: Sequence[str], folder: Path | None = None) -> list[dict[str, float]]:
    """content_words of each text, in order. A few texts (an edited story) are segmented with the
    word table kept in `folder`, when there is one; more load the dictionary and keep the table
    there for next time; many are segmented across the machine's cores (a cold check of a large
    catalogue: segmenting is most of a signature's time)."""
    if not any(text.strip() for text in texts):
        return [{} for _ in texts]
    if folder is not None and len(texts) <= FEW_STORIES and (mapped := _mapped_dictionary(folder)) is not None:
        return [content_words(text, mapped) for text in texts]
    if folder is not None:
        _keep_table(folder)
    workers = min(_cores(), len(texts) // CHUNK)
    if len(texts) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [content_words(text) for text in texts]
    _dictionary()  # loaded once here, shared with the forked workers
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(content_words, texts, chunksize=CHUNK))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


def similarity(a: Mapping[str, float], b: Mapping[str, float]) -> tuple[float, float, list[str]]:
    """(weighted Jaccard, weighted containment, shared words rarest first) of two word sets (a word
    weighs the same on both sides: its rarity depends on the word alone)."""
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0, 0.0, []
    common = sum(a[w] for w in shared)
    mine, theirs = sum(a.values()), sum(b.values())
    jaccard = common / (mine + theirs - common)
    containment = common / min(mine, theirs)
    return jaccard, containment, sorted(shared, key=lambda w: (-a[w], w))


def shown(words: Iterable[str]) -> list[str]:
    """Words as a person reads them (numbers without their marker)."""
    return [w[1:] if w.startswith("#") else w for w in words]
