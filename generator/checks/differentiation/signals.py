"""The signals: how alike two records are in one respect, each 0..1 with evidence a person can check.

Like a trademark examiner, each respect is judged on its own (sound and shape of the name, the
words of the slogan and story, goods, culture, colours, the picture of the logo); `scoring.py`
decides what they mean together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

from coloraide import Color
from rapidfuzz import fuzz, process

from generator.checks.differentiation import content
from generator.checks.differentiation import images as im
from generator.checks.differentiation import text as t
from generator.checks.differentiation.features import Features
from generator.checks.differentiation.records import Record
from generator.checks.differentiation.vocabulary import NATURAL_COLOURS
from generator.profile.model import pick
from generator.words import chinese, choose


@dataclass(frozen=True)
class Signal:
    value: float
    """0 (nothing alike) to 1 (the same)."""
    evidence: tuple[str, ...] = ()
    copied: float = 0.0
    """Copied text within this respect (descriptions), scored like a copied story."""
    overlap: float = 0.0
    """Shared goods or culture elements by name, without the copied text."""
    snippets: tuple[tuple[str, str], ...] = ()
    """(a, b) passages that match, for advice."""
    words: float = 0.0
    """Similarity of content words weighted by rarity (the story: a paraphrase keeps its facts)."""
    template: bool = False
    """Images of the same everyday template with different details (a badge with another name)."""
    delta_e: float = float("inf")
    """The closest pair of matched colours, in CIEDE2000 (palette only)."""
    natural: bool = False
    """Both main colours are the colour of goods both sell (palette only): vocabulary.NATURAL_COLOURS."""
    stock: bool = False
    """Slogans alike in Chinese that share nothing but stock phrasing and everyday words (slogan only)."""


NOTHING = Signal(0.0)


# --- name: shape and sound ---------------------------------------------------------------------


def name_signal(a: Features, b: Features, language: str) -> Signal:
    """Same written core 1.0 (in Chinese, or in Latin letters when the Chinese cores do not sound
    different), same toneless pinyin 0.9 (also a name written only in pinyin against the
    Chinese one), same under merged sounds 0.8, containment 0.75,
    else 0.85 x the fuzzy ratio of pinyin or English cores when that ratio is at least SPELLED_ALIKE."""
    shown = f"{a.record.label(language)} / {b.record.label(language)}"
    if (len(a.zh_core) >= 2 and a.zh_core == b.zh_core) or (
        len(a.en_core) >= 4 and a.en_core == b.en_core and not (a.zh_core and b.zh_core and a.sound != b.sound)
    ):
        core = a.zh_core if a.zh_core == b.zh_core else a.en_core
        return Signal(
            1.0,
            (
                choose(
                    language,
                    f"名称：{shown}，去掉通名后同为「{core}」",
                    f"name: {shown} share the core {core!r}",
                ),
            ),
        )
    if a.spelled and a.spelled == b.spelled:
        return Signal(
            0.9,
            (
                choose(
                    language,
                    f"名称：{shown} 同音（拼音 {a.spelled}），字形不同",
                    f"name: {shown} sound the same ({a.spelled!r}), written differently",
                ),
            ),
        )
    if a.spelled and b.spelled and t.fuzzy_pinyin(a.spelled) == t.fuzzy_pinyin(b.spelled):
        return Signal(
            0.8,
            (
                choose(
                    language,
                    f"名称：{shown} 读音相近（{a.spelled} / {b.spelled}，方言中常混读）",
                    f"name: {shown} sound alike ({a.spelled!r} / {b.spelled!r}, merged in many accents)",
                ),
            ),
        )
    if a.sound and a.sound == b.sound and not (a.zh_core and b.zh_core):
        written = a if not a.zh_core else b
        return Signal(
            0.9,
            (
                choose(
                    language,
                    f"名称：{shown} 读音相同，「{written.record.label(language)}」只写了拼音（{a.sound}）",
                    f"name: {shown} sound the same; {written.record.label(language)!r} is the other written in pinyin "
                    f"({a.sound!r})",
                ),
            ),
        )
    short, long_ = sorted((a.zh_core, b.zh_core), key=len)
    if len(short) >= 2 and short in long_:
        return Signal(
            0.75, (choose(language, f"名称：「{long_}」包含「{short}」", f"name: {long_!r} contains {short!r}"),)
        )
    ratio = max(_ratio(a.spelled.replace(" ", ""), b.spelled.replace(" ", "")), _ratio(a.en_core, b.en_core))
    if ratio >= SPELLED_ALIKE:
        return Signal(
            round(0.85 * ratio, 3),
            (
                choose(
                    language,
                    f"名称：{shown} 拼写相近（相似度 {ratio:.0%}）",
                    f"name: {shown} are spelled alike ({ratio:.0%})",
                ),
            ),
        )
    return NOTHING


SPELLED_ALIKE = 0.85
"""Below this, two short pinyin strings share letters by chance (zhouqian / zhoujia is 0.80)."""


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100 if len(a) >= 3 and len(b) >= 3 else 0.0


# --- text: slogan, story, descriptions --------------------------------------------------------


def text_similarity(a: frozenset[str], b: frozenset[str], min_shared: int) -> tuple[float, float, int]:
    """(Jaccard, containment, shared) of two shingle sets.

    Containment (shared / smaller set) catches a copy padded with new text; it is trusted only when
    at least `min_shared` shingles are shared, since two short texts share a few by chance. Stock
    phrases were removed before shingling (vocabulary.STOCK_PHRASES); nothing is learned from the
    villages under test, where a herd's shared story would look like stock phrasing.
    """
    if not a or not b:
        return 0.0, 0.0, 0
    shared = len(a & b)
    jaccard = shared / len(a | b)
    containment = shared / min(len(a), len(b)) if shared >= min_shared else jaccard
    return jaccard, containment, shared


def text_signal(
    field: str, a_set: frozenset[str], b_set: frozenset[str], a_text: str, b_text: str, min_shared: int, language: str
) -> Signal:
    """The mean of Jaccard and containment, with the best-matching sentence pairs as evidence."""
    jaccard, containment, shared = text_similarity(a_set, b_set, min_shared)
    value = round((jaccard + containment) / 2, 3)
    if value < 0.08:
        return Signal(value)
    label = choose(language, FIELD_ZH[field], field)
    head = choose(
        language,
        f"{label}：逐字比较，有 {shared} 个三字片段相同，{strength(value, 'zh')}（相似度 {value:.2f}；"
        f"Jaccard {jaccard:.2f}，包含度 {containment:.2f}）",
        f"{field}: compared character by character, {shared} three-character pieces are the same, "
        f"{strength(value, 'en')} (similarity {value:.2f}; Jaccard {jaccard:.2f}, containment {containment:.2f})",
    )
    pairs = matching_sentences(a_text, b_text)
    quotes = tuple(f"  「{t.clip(x)}」 ≈ 「{t.clip(y)}」 ({score:.0f}%)" for x, y, score in pairs)
    return Signal(value, (head, *quotes), copied=value, snippets=tuple((x, y) for x, y, _ in pairs))


TEXT_STRENGTH = ((0.45, "几乎照抄", "nearly a verbatim copy"), (0.25, "很高", "very high"), (0.12, "偏高", "raised"))
"""How a text similarity reads (the floors follow Thresholds.text_copy and text_floor)."""


def strength(value: float, language: str) -> str:
    for floor, zh, en in TEXT_STRENGTH:
        if value >= floor:
            return choose(language, zh, en)
    return choose(language, "很低", "low")


def story_signal(a: Features, b: Features, language: str) -> Signal:
    """The story compared twice: by characters (a copy, a light edit, a copy into 繁體) and by
    content words weighted by rarity in general Chinese (a paraphrase keeps its facts)."""
    by_characters = text_signal("story", a.story, b.story, a.record.story, b.record.story, 6, language)
    jaccard, containment, shared = content.similarity(a.story_words, b.story_words)
    words = round((jaccard + containment) / 2, 3)
    if words < 0.08:
        return dataclasses.replace(by_characters, words=words)
    rarest = choose(language, "、", ", ").join(content.shown(shared[:8]))
    head = choose(
        language,
        f"品牌故事：按词比较（人名、地名、数字和少见的词，越少见分量越重），共用 {len(shared)} 个："
        f"{rarest}；{strength(words, 'zh')}（相似度 {words:.2f}），换了说法但事实相同",
        f"story: compared by content words (names, places, numbers and rare words, the rarer the "
        f"heavier), {len(shared)} shared: {rarest}; {strength(words, 'en')} (similarity {words:.2f}): "
        f"other wording, the same facts",
    )
    quotes = by_characters.evidence[1:] if by_characters.evidence else ()
    snippets = by_characters.snippets or tuple(
        (x, y) for x, y, _ in matching_sentences(a.record.story, b.record.story, 3, 30)
    )
    return Signal(
        max(by_characters.value, words),
        (*by_characters.evidence[:1], head, *quotes),
        copied=by_characters.copied,
        snippets=snippets,
        words=words,
    )


def slogan_signal(a: Features, b: Features, language: str) -> Signal:
    """Slogans compared whole and line by line: a slogan given only in English that repeats the
    other's English line is contained in it (the whole comparison dilutes it with the Chinese line)."""
    whole = text_signal(
        "slogan",
        a.slogan,
        b.slogan,
        "\n".join(a.record.slogan.values()),
        "\n".join(b.record.slogan.values()),
        3,
        language,
    )
    best = whole
    for x in a.slogan_lines:
        for y in b.slogan_lines:
            line = text_signal(
                "slogan", x, y, "\n".join(a.record.slogan.values()), "\n".join(b.record.slogan.values()), 3, language
            )
            if text_similarity(x, y, 3)[2] >= 3 and line.value > best.value:
                best = line
    return _stock_slogans(a, b, best, language) if best.value >= 0.08 else best


STOCK_SLOGAN_SUBSTANCE = 3.0
"""Rarity (content.rarity) that two alike Chinese slogans must share, once stock phrases are left
out, to say something of their own: at least one word as rare as 源头 (seen ~400 times in jieba's
60-million-word count). 原生态好味道 shares 味道 (1.1) and nothing else; the copied slogans of the
evaluation sets share 6 to 16 (沙田柚, 九孔, 一树 红玛瑙)."""
ALIKE_LINES = 80
"""rapidfuzz ratio from which two Chinese slogan lines read as the same line."""


def _stock_slogans(a: Features, b: Features, found: Signal, language: str) -> Signal:
    """The slogan signal marked `stock` when both Chinese lines read alike and share no word of
    substance: a brochure line any village may use, whose English line is its translation. Chinese
    lines that differ leave the English lines' match as it is (a copied English slogan counts)."""
    zh_a, zh_b = (t.normalize(f.record.slogan.get("zh", "")) for f in (a, b))
    if not zh_a.strip() or not zh_b.strip() or fuzz.ratio(zh_a, zh_b) < ALIKE_LINES:
        return found
    words_a, words_b = (content.content_words(t.remove_words(line, ())) for line in (zh_a, zh_b))
    shared = sorted(words_a.keys() & words_b.keys(), key=lambda w: (-words_a[w], w))
    if sum(words_a[w] for w in shared) >= STOCK_SLOGAN_SUBSTANCE:
        return found
    what = choose(language, "、", ", ").join(content.shown(shared)) or choose(language, "无", "none")
    line = choose(
        language,
        f"口号：两句中文口号读来一样，但除了套话（原生态、绿水青山一类）只共用常见的词（{what}）：很多村都会这样写，只算很弱的相似",
        f"slogan: the two Chinese slogans read alike, but apart from stock phrasing (原生态, 绿水青山 and the like) "
        f"they share only everyday words ({what}): many villages write such a line, so it counts as a weak resemblance",
    )
    return dataclasses.replace(found, stock=True, evidence=(line, *found.evidence))


FIELD_ZH = {"slogan": "口号", "story": "品牌故事", "products": "产品描述", "culture": "文化描述"}


def matching_sentences(a_text: str, b_text: str, limit: int = 3, cutoff: int = 60) -> list[tuple[str, str, float]]:
    """Sentence pairs that match best, in any order (a reordered copy still pairs up)."""
    a_sentences, b_sentences = t.sentences(a_text)[:60], t.sentences(b_text)[:60]
    if not a_sentences or not b_sentences:
        return []
    found = []
    for sentence in a_sentences:
        best = process.extractOne(sentence, b_sentences, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best:
            found.append((sentence, best[0], best[1]))
    return sorted(found, key=lambda f: (-f[2], f[0]))[:limit]


# --- goods and culture: weighted overlap ------------------------------------------------------


def overlap(a: frozenset[str], b: frozenset[str], weight: Mapping[str, float]) -> tuple[float, list[str]]:
    """Mean of weighted Jaccard and weighted containment, and the shared tokens by weight."""
    shared = a & b
    if not shared:
        return 0.0, []
    w = lambda tokens: sum(weight.get(x, 1.0) for x in tokens)
    jaccard = w(shared) / w(a | b)
    containment = w(shared) / min(w(a), w(b))
    return (jaccard + containment) / 2, sorted(shared, key=lambda x: (-weight.get(x, 1.0), x))


def products_signal(a: Features, b: Features, weight: Mapping[str, float], text: Signal, language: str) -> Signal:
    """Overlap of categories, vocabulary terms and product names (rarer counts more); copied
    product descriptions count as `copied`."""
    return _overlap_signal(
        a.products,
        b.products,
        a.product_labels,
        weight,
        text,
        language,
        ("产品：共有 {names}（重合度 {value:.2f}）", "products: both offer {names} (overlap {value:.2f})"),
    )


def culture_signal(a: Features, b: Features, weight: Mapping[str, float], text: Signal, language: str) -> Signal:
    """Overlap of culture elements (festivals, crafts, landscapes) by name; copied descriptions as `copied`."""
    return _overlap_signal(
        a.culture,
        b.culture,
        a.culture_labels,
        weight,
        text,
        language,
        ("文化：都写了 {names}（重合度 {value:.2f}）", "culture: both name {names} (overlap {value:.2f})"),
    )


def _overlap_signal(
    mine, theirs, labels, weight: Mapping[str, float], text: Signal, language: str, wording: tuple[str, str]
) -> Signal:
    """A weighted overlap of two sets, its shared items as evidence, and the copied-text signal beside it."""
    value, shared = overlap(mine, theirs, weight)
    evidence = []
    if shared:
        names = _labels(labels, shared, language)
        evidence.append(choose(language, *(w.format(names=names, value=value) for w in wording)))
    return Signal(
        round(max(value, text.value), 3),
        (*evidence, *text.evidence),
        copied=text.value,
        snippets=text.snippets,
        overlap=round(value, 3),
    )


def _labels(labels: Mapping[str, Mapping[str, str]], tokens: list[str], language: str) -> str:
    shown = [pick(labels[x], language) if x in labels else x.split(":", 1)[-1] for x in tokens]
    return choose(language, "、", ", ").join(list(dict.fromkeys(shown))[:4])


# --- look: colours and logo -------------------------------------------------------------------

ROLE_WEIGHTS = (0.65, 0.35)
"""Primary colour weighs more: it is the header, the packaging, what a viewer remembers."""


@lru_cache(maxsize=200_000)
def _colour(hex_colour: str) -> Color:
    return Color(hex_colour)  # parsing costs more than the distance itself


def delta_e(a: str, b: str) -> float:
    """CIEDE2000 distance between two hex colours (about 2: barely visible; above 30: unrelated)."""
    return _colour(a).delta_e(_colour(b), method="2000")


COLOUR_CLOSENESS = ((2.0, "几乎一样", "nearly the same"), (5.0, "很接近", "very close"), (10.0, "相近", "close"))
"""How a CIEDE2000 distance reads, by the usual scale: up to 2 seen only side by side, 2-10 at a
glance but alike, above 10 plainly different colours."""
OBVIOUS_DIFFERENCE = 10.0
"""ΔE00 above which two colours are obviously different: no palette advice."""


def colour_closeness(distance: float, language: str) -> str:
    for limit, zh, en in COLOUR_CLOSENESS:
        if distance <= limit:
            return choose(language, zh, en)
    return choose(language, "明显不同", "clearly different")


def _assignment(cost: list[list[float]]) -> tuple[list[int], list[int]]:
    """Rows matched to columns at the least total cost, rows ascending (what scipy's
    linear_sum_assignment answers). A palette has at most two colours, so every matching is tried:
    importing scipy.optimize would cost a one-village check more than all its comparisons."""
    n, m = len(cost), len(cost[0])
    if n <= m:
        cols = min(permutations(range(m), n), key=lambda c: sum(cost[i][j] for i, j in enumerate(c)))
        return list(range(n)), list(cols)
    rows = min(permutations(range(n), m), key=lambda r: sum(cost[i][j] for j, i in enumerate(r)))
    matched = sorted(zip(rows, range(m)))
    return [i for i, _ in matched], [j for _, j in matched]


def palette_signal(a: Features, b: Features, scale: float, language: str) -> Signal:
    """1 - (weighted CIEDE2000 distance of the optimally matched colours) / scale, at least 0."""
    if not a.colors or not b.colors:
        return NOTHING
    cost = [[delta_e(x, y) for y in b.colors] for x in a.colors]
    rows, cols = _assignment(cost)
    weights = [(ROLE_WEIGHTS[i] + ROLE_WEIGHTS[j]) / 2 for i, j in zip(rows, cols)]
    distance = sum(cost[i][j] * w for i, j, w in zip(rows, cols, weights)) / sum(weights)
    value = max(0.0, 1 - distance / scale)
    closest = min(cost[i][j] for i, j in zip(rows, cols))
    if value < 0.2:
        return Signal(round(value, 3), delta_e=closest)
    matched = choose(language, "；", "; ").join(
        f"{a.colors[i]} ↔ {b.colors[j]} {colour_closeness(cost[i][j], language)}（ΔE00 {cost[i][j]:.1f}）"
        if chinese(language)
        else f"{a.colors[i]} ↔ {b.colors[j]} {colour_closeness(cost[i][j], language)} (ΔE00 {cost[i][j]:.1f})"
        for i, j in zip(rows, cols)
    )
    evidence = choose(
        language, f"配色：比较了主色和辅色，{matched}", f"palette: main and accent colours compared, {matched}"
    )
    # Villages that each chose the goods' colour land a few ΔE00 apart (4-7 in the held-out set);
    # palettes nearly the same (seen apart only side by side) are a copied palette whatever the hue.
    goods = _natural_colour_of(a, b, language) if distance > COLOUR_CLOSENESS[0][0] else ""
    if goods:
        evidence += choose(
            language,
            f"；两边的主色都是{goods}本身的颜色，卖同样东西的村常这样选色，这一项分量减轻",
            f"; both main colours are the colour of the {goods} themselves, which villages selling them often "
            "choose: this counts for less",
        )
    return Signal(round(value, 3), (evidence,), delta_e=closest, natural=bool(goods))


NATURAL_RADIUS = OBVIOUS_DIFFERENCE
"""ΔE00 within which a brand colour is the goods' own colour: not obviously different from it."""


def _natural_colour_of(a: Features, b: Features, language: str) -> str:
    """The name of goods both sell whose own colour both main colours are (within NATURAL_RADIUS
    of one of its NATURAL_COLOURS), or "" when there is none."""
    for token in sorted(a.products & b.products):
        term = token.removeprefix("term:")
        if token.startswith("term:") and term in NATURAL_COLOURS:
            for colour in NATURAL_COLOURS[term]:
                if all(delta_e(f.colors[0], colour) <= NATURAL_RADIUS for f in (a, b)):
                    names = (a.product_labels | b.product_labels).get(token)
                    return pick(names, "zh" if chinese(language) else "en") if names else term
    return ""


HOW_ZH = {
    "same": "",
    "mirrored": "（镜像）",
    "inverted": "（反色）",
    "mirrored+inverted": "（镜像并反色）",
    "cropped": "（裁剪过）",
    "mirrored+cropped": "（镜像并裁剪）",
}


def logo_signal(a: Features, b: Features, scale: float, language: str) -> Signal:
    """1 - (fewest differing hash bits between any of their brand images, against every view of
    the other: mirrored, inverted, cropped) / scale; an everyday template with other details is
    marked `template` (scoring caps it at warn)."""
    best: tuple[im.Match, im.ImageHashes, im.ImageHashes] | None = None
    for x in a.images:
        for y in b.images:
            found = im.match(x, y)
            if best is None or found.bits < best[0].bits:
                best = (found, x, y)
    if best is None:
        return NOTHING
    found, x, y = best
    value = max(0.0, 1 - found.bits / scale)
    if value <= 0:
        return NOTHING
    how_zh, how_en = HOW_ZH[found.how], f" ({found.how})" if found.how != "same" else ""
    if found.template:
        evidence = choose(
            language,
            f"图形：{x.role} {x.file} 与 {y.role} {y.file} 外形相同（感知哈希相差 {found.bits}/64 位{how_zh}），"
            f"但图里的文字和细节不同：是同一个常用模板，各写了自己的名字，不算抄袭，最多提醒",
            f"image: {x.role} {x.file} and {y.role} {y.file} share a shape ({found.bits}/64 hash bits{how_en}) but "
            f"not their text and details: the same everyday template with each one's own name, not a copy; at most "
            f"a warning",
        )
    else:
        evidence = choose(
            language,
            f"图形：{x.role} {x.file} 与 {y.role} {y.file} {_image_closeness(found.bits, 'zh')}"
            f"（感知哈希相差 {found.bits}/64 位{how_zh}）",
            f"image: {x.role} {x.file} vs {y.role} {y.file}: {_image_closeness(found.bits, 'en')} "
            f"({found.bits}/64 hash bits differ{how_en})",
        )
    return Signal(round(value, 3), (evidence,), template=found.template)


def _image_closeness(bits: int, language: str) -> str:
    if bits <= 6:
        return choose(language, "是同一张图", "the same picture")
    if bits <= 12:
        return choose(language, "非常像", "very alike")
    return choose(language, "有些像", "somewhat alike")


# --- place: the stakes ------------------------------------------------------------------------


def region_stakes(
    a: Record, b: Record, county: float, city: float, province: float, language: str
) -> tuple[float, str]:
    """How close the two are on the map, as a multiplier of the stakes, and a sentence saying so."""
    pa, pb = a.place, b.place
    if pa.province and pa.province == pb.province:
        if pa.county and pa.county == pb.county and (not pa.city or not pb.city or pa.city == pb.city):
            return county, choose(language, f"地区：同在{pa.county}", f"region: both in {pa.county}")
        if pa.city and pa.city == pb.city:
            return city, choose(language, f"地区：同在{pa.city}", f"region: both in {pa.city}")
        return province, ""
    return 0.0, ""
