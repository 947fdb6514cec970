"""From signals to one score and a level: the documented rule, with every number settable.

The score is a noisy-OR of parts, `1 - prod(1 - part)`, so independent resemblances add up but
never pass 1. Each part is one signal times what makes it matter:

| part | value | why |
|---|---|---|
| story, slogan | weight x ramp(similarity, text_floor, text_copy) | a copied text fails whatever the products |
| slogan, stock | stock_slogan_weight x ramp(...) | a brochure line two villages both wrote is no copy |
| story, retold | story_weight x ramp(content words, words_floor + F, words_copy + F) | a paraphrase keeps its facts |
| product/culture descriptions | copy_weight x ramp(...) | copied catalogue copy is copying too |
| logo | logo_weight x ramp(image similarity, logo_floor, logo_copy) | a copied picture is a copied brand |
| logo, template | template_weight x ramp(...) | a shared badge template with its own name is at most a warning |
| name | name x (name_base + name_products x P + name_region x S) | names repeat; same goods or county confuse |
| palette | palette x (palette_base + palette_products x P + palette_region x S) | green is common; not with the goods |
| palette, the goods' colour | palette x palette_base | oranges are orange: sellers of one fruit pick its colour |
| culture | culture x (culture_base + culture_products x P + culture_region x S) | neighbours share festivals |
| products | P x (products_base + products_region x S) | sharing a category is not homogeneity |

The story part is the larger of its two rows. F = county_facts x S x P: neighbours with the same
goods share their county's public record (its cultivar, its rivers, the year of a blight), so
between them a retold story must share more facts to count. P is the products overlap (0..1, IDF-weighted), S
the region stakes (same county 1, same prefecture 0.5, same province 0.1). `ramp(x, lo, hi)` is
0 below lo, 1 above hi, linear between. Parts below `noise` are dropped. Level: fail at `fail`,
warn at `warn`; and without copied text or image (an image of a shared template with other text
is not a copied one, nor is a stock slogan) and with P below `escalate_products`, a pair is at most warn, so a name, a
colour or a badge template alone never fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from generator.checks.differentiation.signals import Signal

Level = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Thresholds:
    """Every number of the check, with defaults calibrated on tests/fixtures/pairs."""

    warn: float = 0.5
    """Score from which a pair is reported (and printed by the build)."""
    fail: float = 0.75
    """Score from which a pair fails `storefront check` and stops the build."""
    noise: float = 0.08
    """Parts below this are coincidence and do not add up."""
    text_floor: float = 0.12
    """Text similarity below which shared phrasing is coincidence."""
    text_copy: float = 0.45
    """Text similarity at which a text counts as copied outright (a light paraphrase lands near 0.5)."""
    words_floor: float = 0.13
    """Content-word similarity below which shared facts are coincidence: honest neighbours with the
    same goods in one county share a few topic words (茶园, 采茶, 新米) and stay under 0.12."""
    words_copy: float = 0.26
    """Content-word similarity at which a story counts as retold: hand-written paraphrases keep 0.21-0.69."""
    story_weight: float = 1.0
    slogan_weight: float = 0.95
    stock_slogan_weight: float = 0.3
    """Weight of slogans alike in nothing but stock phrasing (signals.STOCK_SLOGAN_SUBSTANCE): two
    villages that both wrote 原生态好味道 resemble each other a little, and copied nothing."""
    copy_weight: float = 0.9
    """Weight of copied product or culture descriptions."""
    logo_floor: float = 0.5
    logo_copy: float = 0.8
    logo_weight: float = 0.95
    template_weight: float = 0.1
    """Weight of images from the same everyday template with each one's own text: what a print shop
    or an app gives every customer, so it says nothing of copying and stays near noise. At 0.4 it
    made honest neighbours with the same goods in one county warn (0.62-0.74, products alone 0.36);
    it stays in the evidence of a pair flagged for something else (a fail needs copied text or design)."""
    logo_scale: float = 24.0
    """Hash bits (of 64) at which two images count as unrelated."""
    palette_scale: float = 15.0
    """CIEDE2000 distance at which two palettes count as unrelated. By the usual reading of ΔE00
    (up to 2 seen only side by side, 2-10 alike at a glance, above 10 obviously different) a
    palette 10 away is a third alike and one 15 away not at all; 30 made ΔE00 14 'too close'."""
    name_base: float = 0.45
    name_products: float = 0.35
    name_region: float = 0.25
    palette_base: float = 0.2
    palette_products: float = 0.5
    palette_region: float = 0.1
    culture_base: float = 0.35
    culture_products: float = 0.3
    culture_region: float = 0.15
    products_base: float = 0.3
    products_region: float = 0.15
    county_facts: float = 0.1
    """How far the retold-story ramp moves up at full region stakes and products overlap. Honest
    neighbours with the same goods in one county share its facts up to 0.22 on content words (the
    held-out Xunwu pair: cultivar, river, blight year); copies from such a neighbour keep 0.22-0.49."""
    escalate_products: float = 0.25
    """Products overlap from which name, colour and culture resemblances may fail a pair."""
    county: float = 1.0
    city: float = 0.5
    province: float = 0.1
    lsh_threshold: float = 0.3
    """Jaccard at which MinHash LSH should propose a slogan or story pair (exact scoring decides)."""
    lsh_threshold_descriptions: float = 0.5
    """The same for product and culture descriptions: short, formulaic texts whose copies are
    near-verbatim; a lower threshold would propose every pair of villages selling the same thing."""
    num_perm: int = 128
    max_block: int = 100
    """A blocking key shared by more records than this carries no identity and proposes no pairs
    (and keeps the number of candidates linear in the number of villages)."""

    def level(self, score: float) -> Level:
        return "fail" if score >= self.fail else "warn" if score >= self.warn else "ok"


@dataclass(frozen=True)
class Scored:
    score: float
    level: Level
    parts: dict[str, float]
    """Each part's contribution, for the report and for advice (largest first)."""


def ramp(value: float, low: float, high: float) -> float:
    """0 below `low`, 1 above `high`, linear between."""
    return 0.0 if value <= low else 1.0 if value >= high else (value - low) / (high - low)


def county_facts_margin(products: float, stakes: float, th: Thresholds) -> float:
    """How much more content-word similarity a retold story needs between these neighbours (F)."""
    return round(th.county_facts * products * stakes, 4)


def combine(signals: dict[str, Signal], stakes: float, th: Thresholds) -> Scored:
    """The score and level of one pair from its signals and region stakes (see the module docstring)."""
    p = signals["products"].overlap
    s = stakes
    county = county_facts_margin(p, s, th)
    palette_weight = (
        th.palette_base
        if signals["palette"].natural
        else min(1.0, th.palette_base + th.palette_products * p + th.palette_region * s)
    )
    parts = {
        "story": th.story_weight
        * max(
            ramp(signals["story"].copied, th.text_floor, th.text_copy),
            ramp(signals["story"].words, th.words_floor + county, th.words_copy + county),
        ),
        "slogan": (th.stock_slogan_weight if signals["slogan"].stock else th.slogan_weight)
        * ramp(signals["slogan"].value, th.text_floor, th.text_copy),
        "products-text": th.copy_weight * ramp(signals["products"].copied, th.text_floor, th.text_copy),
        "culture-text": th.copy_weight * ramp(signals["culture"].copied, th.text_floor, th.text_copy),
        "logo": (th.template_weight if signals["logo"].template else th.logo_weight)
        * ramp(signals["logo"].value, th.logo_floor, th.logo_copy),
        "name": signals["name"].value * min(1.0, th.name_base + th.name_products * p + th.name_region * s),
        "palette": signals["palette"].value * palette_weight,
        "culture": signals["culture"].overlap
        * min(1.0, th.culture_base + th.culture_products * p + th.culture_region * s),
        "products": p * min(1.0, th.products_base + th.products_region * s),
    }
    parts = {k: round(v, 4) for k, v in parts.items() if v >= th.noise}
    remaining = 1.0
    for value in parts.values():
        remaining *= 1 - value
    score = round(1 - remaining, 4)
    level = th.level(score)
    copied = (
        any(k in parts for k in ("story", "products-text", "culture-text"))
        or ("slogan" in parts and not signals["slogan"].stock)
        or ("logo" in parts and not signals["logo"].template)
    )
    if level == "fail" and not copied and p < th.escalate_products:
        level = "warn"
    return Scored(score, level, dict(sorted(parts.items(), key=lambda kv: -kv[1])))
