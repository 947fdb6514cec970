"""Text in, comparable keys out: name cores, pinyin keys, product terms, shingles, sentences.

Everything here is a pure function of its arguments, so that a signature computed from a profile
today equals the one computed tomorrow (the cache depends on it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from pypinyin import lazy_pinyin

from generator.checks.differentiation.vocabulary import (
    GENERIC_NAME_SUFFIXES_ZH,
    GENERIC_NAME_WORDS_EN,
    GENERIC_NAME_WORDS_ZH,
    PRODUCT_TERMS,
    REGION_SUFFIXES,
    STOCK_PHRASES,
)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.])\s+|\n+")
MARKDOWN_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|https?://\S+|[*_#>`\[\]|]")
ZH_SHINGLE = 3
"""Chinese shingles are 3 characters: 2-grams are shared by any two texts on one topic (茶园, 采茶),
and a light paraphrase still leaves most 3-grams of the untouched clauses intact."""
EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "we",
        "our",
        "us",
        "they",
        "their",
        "them",
        "he",
        "she",
        "his",
        "her",
        "you",
        "your",
        "as",
        "into",
        "than",
        "then",
        "there",
        "here",
        "so",
        "but",
        "not",
        "no",
    ]
)
FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("f", "h"), ("r", "l"))
FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("uan", "uan"))
"""Sounds many speakers merge (southern Mandarin and dialect: zh/z, n/l, -ng/-n, f/h). Two names
equal under these merges sound alike to much of the audience of a live stream."""


def normalize(text: str) -> str:
    """NFKC, traditional characters folded to simplified, lowercase, Markdown markup and links removed."""
    return MARKDOWN_NOISE.sub(" ", simplified(unicodedata.normalize("NFKC", text))).lower()


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # its dictionaries ship inside the wheel: nothing is downloaded

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters folded to simplified (OpenCC t2s), so a copy into 繁體 compares as
    the original; text without Han characters is returned as it is, at no cost."""
    return _to_simplified().convert(text) if CJK.search(text) else text


def plain_latin(text: str) -> str:
    """Tone marks and other accents removed: Pái-mò -> Pai-mo, as pinyin is typed without them."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_core(name: str) -> str:
    """The distinctive part of a village or brand name: 黄杜村 -> 黄杜, Huangdu Village -> huangdu."""
    text = normalize(name)
    if CJK.search(text):
        han = "".join(CJK.findall(text))
        for word in GENERIC_NAME_WORDS_ZH:
            stripped = han.replace(word, "")
            han = stripped if len(stripped) >= 2 else han
        changed = True
        while changed:
            changed = False
            for suffix in GENERIC_NAME_SUFFIXES_ZH:
                if han.endswith(suffix) and len(han) - len(suffix) >= 2:
                    han, changed = han[: -len(suffix)], True
        return han
    words = [w for w in LATIN_WORD.findall(plain_latin(text)) if w not in GENERIC_NAME_WORDS_EN]
    return "".join(words)


def region_core(name: str | None) -> str:
    """安吉县 -> 安吉: the word a story uses for a place."""
    text = "".join(CJK.findall(normalize(name or "")))
    for suffix in REGION_SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


@lru_cache(maxsize=65536)
def pinyin(core: str) -> str:
    """Toneless pinyin of a Chinese core, syllables joined by spaces (黄杜 and 皇渡: 'huang du')."""
    syllables = [s for s in lazy_pinyin(core, errors="ignore") if s.isalpha()]
    return " ".join(syllables)


def fuzzy_pinyin(spelled: str) -> str:
    """Pinyin with commonly merged sounds merged, so near-homophones share one key."""
    out = []
    for syllable in spelled.split():
        for a, b in FUZZY_INITIALS:
            if syllable.startswith(a):
                syllable = b + syllable[len(a) :]
                break
        for a, b in FUZZY_FINALS:
            if syllable.endswith(a):
                syllable = syllable[: -len(a)] + b
                break
        out.append(syllable)
    return " ".join(out)


def initials(spelled: str) -> str:
    """First letters of the syllables: 'huang du' -> 'hd'; a coarse blocking key."""
    return "".join(s[0] for s in spelled.split())


@lru_cache(maxsize=1)
def _term_forms() -> tuple[tuple[str, str, bool], ...]:
    forms = [(form.lower(), term, bool(CJK.search(form))) for term, (_, fs) in PRODUCT_TERMS.items() for form in fs]
    return tuple(sorted(forms, key=lambda f: -len(f[0])))


def product_terms(name: str) -> tuple[str, ...]:
    """Controlled-vocabulary terms named in a product name, longest match first (葡萄干 is not 葡萄)."""
    text = normalize(name)
    latin = " " + " ".join(LATIN_WORD.findall(text)) + " "
    found: list[str] = []
    for form, term, is_cjk in _term_forms():
        if is_cjk and form in text:
            text = text.replace(form, "|")
            found.append(term)
        elif not is_cjk and f" {form} " in latin:
            latin = latin.replace(f" {form} ", " | ")
            found.append(term)
    return tuple(dict.fromkeys(found))


def term_category(term: str) -> str:
    """The project category a vocabulary term belongs to."""
    return PRODUCT_TERMS[term][0]


def remove_words(text: str, words: Iterable[str]) -> str:
    """`text` without the given words (longest first) and without stock phrases."""
    for word in sorted({w for w in (*words, *STOCK_PHRASES) if len(w) >= 2}, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


def shingles(text: str) -> set[str]:
    """Chinese 3-character shingles per run of Han characters, English word bigrams without stopwords.

    Punctuation, spaces and removed words break runs; reordered sentences keep their shingles.
    """
    out: set[str] = set()
    for run in CJK.findall(text):
        if len(run) < ZH_SHINGLE:
            continue
        out.update(run[i : i + ZH_SHINGLE] for i in range(len(run) - ZH_SHINGLE + 1))
    words = [stem(w) for w in LATIN_WORD.findall(text) if w not in EN_STOPWORDS]
    out.update(f"{a} {b}" for a, b in pairwise(words))
    return out


def stem(word: str) -> str:
    # Plural and -ed/-ing endings are the commonest paraphrase of the same English sentence.
    for ending in ("ing", "ed", "es", "s"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def line_key(text: str) -> str:
    """A line as it reads, without punctuation, case, stopwords or word endings, in simplified
    characters: two slogans that say the same words get the same key."""
    text = normalize(text)
    han = "".join(CJK.findall(text))
    words = [stem(w) for w in LATIN_WORD.findall(text) if w not in EN_STOPWORDS]
    return " ".join(filter(None, (han, *words)))


def sentences(text: str) -> list[str]:
    """Sentences worth quoting as evidence: Markdown removed, at least 6 characters."""
    plain = MARKDOWN_NOISE.sub("", unicodedata.normalize("NFKC", text))
    return [s.strip() for s in SENTENCE_END.split(plain) if s and len(s.strip()) >= 6]


def clip(text: str, limit: int = 40) -> str:
    """A snippet short enough for one line of a report."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
