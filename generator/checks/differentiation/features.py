"""What a record looks like to the comparison: name keys, shingle sets, product and culture tokens.

`Features` are derived from a `Record` once per run and compared pair by pair in `signals.py`.
`blocking_keys` and `counted_tokens` are the small parts kept in the signature cache so that
candidate search and rarity counts never need the full features of every village.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from coloraide import Color

from generator.checks.differentiation import text as t
from generator.checks.differentiation.content import content_words, words_key
from generator.checks.differentiation.images import ImageHashes, band_keys
from generator.checks.differentiation.records import Record
from generator.checks.differentiation.vocabulary import GENERIC_NAME_WORDS_EN, PRODUCT_TERMS
from generator.profile.categories import categories


@dataclass(frozen=True)
class Features:
    record: Record
    zh_core: str
    spelled: str
    """Toneless pinyin of the Chinese core, syllables separated by spaces."""
    en_core: str
    sound: str
    """The name as it sounds, in toneless pinyin without spaces: of the Chinese core, or the Latin
    core of a name written only in pinyin (Huangdu Cun -> huangdu), so the two scripts meet."""
    slogan: frozenset[str]
    slogan_lines: tuple[frozenset[str], ...]
    """Shingles of each language's slogan line on its own."""
    story: frozenset[str]
    product_text: frozenset[str]
    """Shingles of the product descriptions: copied catalogue copy is copying too."""
    culture_text: frozenset[str]
    story_key: str
    """What the story words are cached under (content.words_key of the text segmented)."""
    story_words: Mapping[str, float]
    """Content words of the story (and of the culture descriptions, where a story is often
    continued) with their rarity in general Chinese: what a paraphrase keeps (content.py)."""
    products: frozenset[str]
    """Tokens `cat:<category>`, `term:<vocabulary term>`, `name:<product name core>`."""
    product_labels: Mapping[str, Mapping[str, str]]
    """Token -> the names (by language) of the first product or category carrying it."""
    culture: frozenset[str]
    culture_labels: Mapping[str, Mapping[str, str]]
    colors: tuple[str, ...]
    images: tuple[ImageHashes, ...]

    @property
    def key(self) -> str:
        return self.record.key


def build_features(
    record: Record,
    images: tuple[ImageHashes, ...] = (),
    known_words: Callable[[str], Mapping[str, float] | None] = lambda key: None,
) -> Features:
    """Every comparable key of one record. `known_words` gives the content words cached under a
    story key, when the signature cache has them: segmenting is the slowest step of a record, and
    jieba's dictionary alone takes half a second to load."""
    zh_core, en_core = _cores(record)
    own = _name_words(record, zh_core, en_core)
    products, product_labels = _product_tokens(record, own)
    own = (own | _goods_words(record)) - {""}
    told = t.remove_words(t.normalize(record.story), own)
    story_key = words_key(told)
    story_words = known_words(story_key)
    culture, culture_labels = {}, {}
    for item in record.culture:
        for name in item.names.values():
            token = "culture:" + (t.name_core(name) or t.normalize(name))
            culture[token] = True
            culture_labels.setdefault(token, item.names)
    return Features(
        record=record,
        zh_core=zh_core,
        spelled=t.pinyin(zh_core) if zh_core else "",
        en_core=en_core,
        sound=t.pinyin(zh_core).replace(" ", "") if zh_core else en_core,
        slogan_lines=tuple(frozenset(_shingles(line, own)) for line in record.slogan.values() if line.strip()),
        slogan=frozenset(_shingles(" ".join(record.slogan.values()), own)),
        story=frozenset(_shingles(record.story, own)),
        product_text=frozenset(_shingles(" ".join(p.description for p in record.products), own)),
        culture_text=frozenset(_shingles(" ".join(c.description for c in record.culture), own)),
        story_key=story_key,
        story_words=content_words(told) if story_words is None else story_words,
        products=frozenset(products),
        product_labels=product_labels,
        culture=frozenset(culture),
        culture_labels=culture_labels,
        colors=record.colors,
        images=images,
    )


def story_text(record: Record) -> str:
    """The story as its content words are read from it: normalised, without the record's own names
    (what build_features segments; the engine segments many of them at once)."""
    zh_core, en_core = _cores(record)
    own = (_name_words(record, zh_core, en_core) | _goods_words(record)) - {""}
    return t.remove_words(t.normalize(record.story), own)


def _cores(record: Record) -> tuple[str, str]:
    zh = next((n for n in record.names.values() if t.CJK.search(n)), "")
    en = next((n for n in record.names.values() if not t.CJK.search(n)), "")  # Pái-mò is Latin too
    return (t.name_core(zh) if zh else "", t.name_core(en) if en else "")


def _name_words(record: Record, zh_core: str, en_core: str) -> set[str]:
    # The name's own words are removed from texts (a copier swaps them), but not its generic ones:
    # "village" of "Huangdu Village" is also a word of the slogan "One leaf that lifted a village".
    en = next((n for n in record.names.values() if not t.CJK.search(n)), "")
    own = {*(t.normalize(n) for n in record.names.values()), zh_core, en_core}
    own.update(w for w in en.lower().split() if w not in GENERIC_NAME_WORDS_EN)
    place = record.place
    for part in (place.province, place.city, place.county, place.township):
        own.update((part, t.region_core(part)))
    return own


def _goods_words(record: Record) -> set[str]:
    """The record's product names and the forms of their vocabulary terms (swapped by a copier too)."""
    own = set()
    for product in record.products:
        own.update(t.normalize(n) for n in product.names.values())
    if record.products:
        own.update(
            f for p in record.products for n in p.names.values() for x in t.product_terms(n) for f in _term_forms(x)
        )
    return own


def _shingles(text: str, own: set[str]) -> set[str]:
    return t.shingles(t.remove_words(t.normalize(text), own))


def _term_forms(term: str) -> tuple[str, ...]:
    return tuple(f.lower() for f in PRODUCT_TERMS[term][1] if len(f) >= 2)


def _product_tokens(record: Record, own: set[str]) -> tuple[dict[str, bool], dict[str, Mapping[str, str]]]:
    tokens: dict[str, bool] = {}
    labels: dict[str, Mapping[str, str]] = {}
    names = categories()
    for product in record.products:
        shown = product.names
        for name in product.names.values():
            for term in t.product_terms(name):
                tokens[f"term:{term}"] = True
                labels.setdefault(f"term:{term}", shown)
                if t.term_category(term) != "other":  # 'other' groups unrelated goods: no overlap
                    tokens[f"cat:{t.term_category(term)}"] = True
        if product.category in names and product.category != "other":
            tokens[f"cat:{product.category}"] = True
        zh_name = next((n for n in product.names.values() if t.CJK.search(n)), "")
        forms = {f for term in t.product_terms(zh_name) for f in _term_forms(term)}
        core = "".join(t.CJK.findall(t.remove_words(t.normalize(zh_name), own | forms)))
        if len(core) >= 2:
            tokens[f"name:{core}"] = True
            labels.setdefault(f"name:{core}", shown)
    for token in tokens:
        if token.startswith("cat:") and token[4:] in names:
            labels.setdefault(token, {"zh": names[token[4:]].zh, "en": names[token[4:]].en})
    return tokens, labels


def lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELab (D65) coordinates, for nearest-colour search before exact CIEDE2000."""
    l_, a, b = Color(hex_colour).convert("lab-d65").coords()
    return (float(l_), float(a), float(b))


COLOUR_CELL = 8.0
"""Edge of a CIELab grid cell. Eight grids shifted by half a cell on each axis: two colours less
than 4 apart on every axis share a cell in at least one grid (each axis picks its good shift).
Colour only escalates a pair when it is nearly the same (palette >= 0.8, about ΔE00 6)."""


def colour_cells(hex_colour: str) -> list[str]:
    """The colour's cell in each of the eight half-shifted CIELab grids."""
    point = lab(hex_colour)
    keys = []
    for shift in range(8):
        offsets = [COLOUR_CELL / 2 if shift >> axis & 1 else 0.0 for axis in range(3)]
        cell = ",".join(str(int((v + o) // COLOUR_CELL)) for v, o in zip(point, offsets))
        keys.append(f"{shift}:{cell}")
    return keys


def blocking_keys(features: Features) -> list[str]:
    """Keys two records must share to be scored: only combinations that can reach warn need one.

    Products alone never warn (sharing a category is not homogeneity), so products block only
    together with a nearby colour (CIELab cell) or a name's sound; text copies are found by MinHash
    LSH instead, and retold stories by their content words (the word index of `index.py`).
    """
    keys: set[str] = set()
    place = features.record.place
    if len(features.zh_core) >= 2:
        keys.add("n:" + features.zh_core)
    goods = "+".join(sorted(tok for tok in features.products if tok.startswith("term:")))
    if features.spelled:
        keys.add("f:" + t.fuzzy_pinyin(features.spelled).replace(" ", ""))
        syllables = features.spelled.split()
        if len(syllables) >= 2:
            # Spelled alike: one syllable kept whole, the rest by initials, within the same goods
            # or the same county: the two places where a near-name confuses buyers.
            shapes = (
                f"{syllables[0]}|{t.initials(' '.join(syllables[1:]))}",
                f"{t.initials(' '.join(syllables[:-1]))}|{syllables[-1]}",
            )
            scopes = ([goods] if goods else []) + ([f"@{place.county}"] if place.county else [])
            keys.update(f"ni:{shape}|{scope}" for shape in shapes for scope in scopes)
    if len(features.en_core) >= 3:
        keys.add("e:" + features.en_core)
    if len(features.sound) >= 4:
        keys.add("p:" + features.sound)  # hanzi and pinyin meet here
    for line in features.record.slogan.values():
        if len(said := t.line_key(line)) >= 6:
            # The same slogan line in any language, whatever else the slogans say: containment, not Jaccard.
            keys.add("s:" + said)
    # The same goods (the whole set of terms) in a nearby colour: what a look-alike shop is.
    main = _main_product(features.record)
    for colour in features.colors if goods or main else ():  # both colours: a copy may swap them
        cells = colour_cells(colour)
        if goods:
            keys.update(f"tp:{goods}|{cell}" for cell in cells)
        if main and place.county:
            # The main product alone, within a county: a look-alike shop next door adds or drops a
            # side line, not its main goods (across the country, a nearby green tea is not a copy).
            keys.update(f"tm:{main}|{place.county}|{cell}" for cell in cells)
    keys.update(f"c:{token}" for token in features.culture)
    for image in features.images:
        keys.update("l:" + k for k in band_keys(image))
    return sorted(keys)


def _main_product(record: Record) -> str:
    """The first product's first vocabulary term (its category when it has none): what a shop is known for."""
    if not record.products:
        return ""
    first = record.products[0]
    terms = [term for name in first.names.values() for term in t.product_terms(name)]
    return terms[0] if terms else (first.category if first.category != "other" else "")


def counted_tokens(features: Features) -> list[str]:
    """Tokens whose frequency across all records weights the comparison (IDF) and the advice."""
    return sorted(features.products | features.culture)
