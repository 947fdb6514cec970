"""The check, step by step: signatures (cached), candidates (sub-quadratic), exact scores, advice.

Reads like a script on purpose: each step is one call into the module that owns that job.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from generator.checks.differentiation import signals as sg
from generator.checks.differentiation import text as t
from generator.checks.differentiation.advice import distinct_sentences, pair_advice
from generator.checks.differentiation.content import content_words_many, use_word_table, words_key
from generator.checks.differentiation.features import Features, build_features, story_text
from generator.checks.differentiation.herds import shared_passages
from generator.checks.differentiation.history import Order, first_added, order_of
from generator.checks.differentiation.images import hash_image
from generator.checks.differentiation.index import CandidateIndex, SignatureCache, key_hash, signature
from generator.checks.differentiation.records import Record, image_stamps, record_from_village, village_digest
from generator.checks.differentiation.registry import Registry
from generator.checks.differentiation.report import LANGUAGES, Pair, Report
from generator.checks.differentiation.scoring import Thresholds, combine, county_facts_margin
from generator.errors import StorefrontError
from generator.profile.model import Village, pick
from generator.words import chinese, choose

PART_SIGNAL = {"products-text": "products", "culture-text": "culture"}
KIND_FACTOR = {"cat": 0.5}
"""A category is coarse: sharing one counts half as much as sharing a named product."""


class Corpus:
    """Every record of one run, built lazily: at 50,000 villages only the few compared are expanded."""

    def __init__(self, villages: Sequence[Village], registries: Iterable[Registry]):
        self.villages = villages
        self.references: list[Record] = [r for registry in registries for r in registry]
        self.size = len(villages) + len(self.references)
        self._records: dict[int, Record] = {}
        self._features: dict[int, Features] = {}
        self.cache: SignatureCache | None = None
        self.digests: list[str] = []
        self._segmented: dict[str, dict[str, float]] = {}

    def digest(self, row: int, folder: Path | None) -> str:
        """The row's signature key (`folder`: the check's cache folder, where image digests are kept)."""
        return (
            village_digest(self.villages[row], folder)
            if row < len(self.villages)
            else self.references[row - len(self.villages)].digest
        )

    def record(self, row: int) -> Record:
        if row not in self._records:
            n = len(self.villages)
            known = self.digests[row] if self.digests else None
            self._records[row] = record_from_village(self.villages[row], known) if row < n else self.references[row - n]
        return self._records[row]

    def features(self, row: int) -> Features:
        if row not in self._features:
            record = self.record(row)
            cached = self.cache.images(self.digests[row]) if self.cache and self.digests else None
            if cached is not None:
                images = cached
            else:
                images = tuple(h for role, path in record.images if (h := hash_image(role, path)))
            self._features[row] = build_features(record, images, self._known_words)
        return self._features[row]

    def _known_words(self, key: str) -> dict[str, float] | None:
        # A story segmented before (this record's, or any with the same text) is not segmented again.
        if key in self._segmented:
            return self._segmented[key]
        return self.cache.story_words(key) if self.cache else None

    def segment(self, rows: Iterable[int], folder: Path | None) -> None:
        """Segment at once the stories of these rows that no cache knows (on every core, when many;
        with the word table kept in `folder`, when few)."""
        texts: dict[str, str] = {}
        for row in rows:
            text = story_text(self.record(row))
            if (key := words_key(text)) not in texts and self._known_words(key) is None:
                texts[key] = text
        self._segmented.update(zip(texts, content_words_many(list(texts.values()), folder)))


ONLY_SAVES_FROM = 32
"""New signatures from which a check with `only` writes the cache (a full check always does)."""
DEFAULTS = Thresholds()
"""The thresholds of a check that names none (frozen, so one instance serves every call)."""


def check(
    villages: Iterable[Village],
    registries: Iterable[Registry] = (),
    thresholds: Thresholds = DEFAULTS,
    only: Sequence[str] | None = None,
    cache_dir: Path | None = None,
    language: str = "zh",
) -> Report:
    """Compare villages with each other and with registry rows; return the flagged pairs and advice.

    `only` restricts the check to the named villages against everything else (what CI runs for a
    changed village); `cache_dir` keeps signatures between runs, keyed by profile digest.
    """
    th = thresholds
    villages = sorted(villages, key=lambda v: v.slug)
    corpus = Corpus(villages, registries)
    slugs = [v.slug for v in villages]
    queries = _query_rows(slugs, only)
    folder = Path(cache_dir) / "differentiation" if cache_dir else None

    cache = SignatureCache(folder, th.num_perm)
    digests = [corpus.digest(row, folder) for row in range(corpus.size)]
    image_stamps(folder).save()
    corpus.cache, corpus.digests = cache, digests
    missing = [row for row, digest in enumerate(digests) if not cache.has(digest)]
    use_word_table(folder)
    corpus.segment(missing, folder)
    for row in missing:
        cache.put(digests[row], signature(corpus.features(row), th.num_perm))
    if only is None or len(missing) > ONLY_SAVES_FROM:
        # A check of one or a few villages adds a signature or two: rewriting the whole cache for
        # them (100 MB at 50,000 villages) would cost more than the check; the next run signs them again.
        cache.save(digests)
    if not corpus.size:
        return Report(0, (), {"zh": {}, "en": {}}, language)

    is_village = [row < len(villages) for row in range(corpus.size)]
    # A full check builds LSH tables on one table in the run's order; `--only` queries the stored
    # table where it lies, beside a small table of what is new (nothing of 50,000 rows is copied).
    tables = cache.gather(digests) if only is None else cache.parts(digests)
    index = CandidateIndex(tables, is_village, _lsh_thresholds(th), th.num_perm, th.max_block, th.words_floor)
    if only is None:
        candidates = index.all_pairs()
    else:
        candidates = set().union(*(index.pairs_for(row) for row in queries))
    asked = set(queries)
    # One git call, only when there is a pair to orient, for the villages of the pairs alone: resolving
    # every profile's folder costs more than the rest of a one-village check at 50,000.
    involved = sorted({row for pair in candidates for row in pair if row < len(villages)})
    added = first_added(villages[row] for row in involved) if candidates else {}

    pairs, self_listings = [], {}
    for i, j in sorted(candidates):
        a, b = (j, i) if (only is not None and j in asked and i not in asked) or not is_village[i] else (i, j)
        if not is_village[b] and _same_place_and_name(corpus.features(a), corpus.features(b)):
            self_listings.setdefault(a, []).append(corpus.record(b))
            continue
        if only is None and is_village[b] and _later(corpus, b, added) > _later(corpus, a, added):
            a, b = b, a  # a full check addresses the newcomer; `--only` keeps the village asked about first
        pair = _score(corpus, index, a, b, th, language, added)
        if pair.level != "ok":
            again = lambda other, a=a, b=b: _score(corpus, index, a, b, th, other, added)
            pairs.append(_in_both_languages(pair, language, again))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))

    distinct = _distinct(corpus, index, queries, self_listings)
    clusters = shared_passages(pairs, added, language)
    return Report(len(villages), tuple(pairs), distinct, language, len(candidates), len(corpus.references), clusters)


def _in_both_languages(pair: Pair, language: str, score_in: Callable[[str], Pair]) -> Pair:
    """The pair with its evidence and advice in every language of the JSON report. Scoring is
    deterministic and only flagged pairs are scored again, so the other language costs little and
    says exactly what the run's language says, from the same comparison."""
    by_language = {"zh" if chinese(language) else "en": pair}
    for other in LANGUAGES:
        if other not in by_language:
            by_language[other] = score_in(other)
    return dataclasses.replace(
        pair,
        evidence_by_language={k: p.evidence for k, p in by_language.items()},
        advice_by_language={k: p.advice for k, p in by_language.items()},
    )


def _later(corpus: Corpus, row: int, added: dict[str, int]) -> int:
    """When the record's profile was first committed (0 when unknown: the order is left as it is)."""
    return added.get(corpus.record(row).key, 0) if added else 0


def _lsh_thresholds(th: Thresholds) -> tuple[float, ...]:
    """One LSH threshold per text field of the index (slogan, story, products, culture)."""
    return (th.lsh_threshold, th.lsh_threshold, th.lsh_threshold_descriptions, th.lsh_threshold_descriptions)


def _query_rows(slugs: list[str], only: Sequence[str] | None) -> list[int]:
    if only is None:
        return list(range(len(slugs)))
    unknown = [s for s in only if s not in slugs]
    if unknown:
        raise StorefrontError(
            f"--only: no village named {', '.join(map(repr, unknown))}; the villages are folder names like "
            f"{slugs[0] if slugs else 'huangdu-white-tea'}"
        )
    return sorted(slugs.index(s) for s in dict.fromkeys(only))


def _score(
    corpus: Corpus, index: CandidateIndex, a: int, b: int, th: Thresholds, language: str, added: dict[str, int]
) -> Pair:
    fa, fb = corpus.features(a), corpus.features(b)
    ra, rb = fa.record, fb.record
    weights = _weights(index, fa.products | fb.products | fa.culture | fb.culture, fa, fb)

    def text(field: str, x: frozenset[str], y: frozenset[str], tx: str, ty: str, min_shared: int) -> sg.Signal:
        return sg.text_signal(field, x, y, tx, ty, min_shared, language)

    products_text = text(
        "products", fa.product_text, fb.product_text, _descriptions(ra.products), _descriptions(rb.products), 6
    )
    culture_text = text(
        "culture", fa.culture_text, fb.culture_text, _descriptions(ra.culture), _descriptions(rb.culture), 6
    )
    signals = {
        "name": sg.name_signal(fa, fb, language),
        "slogan": sg.slogan_signal(fa, fb, language),
        "story": sg.story_signal(fa, fb, language),
        "products": sg.products_signal(fa, fb, weights, products_text, language),
        "culture": sg.culture_signal(fa, fb, weights, culture_text, language),
        "palette": sg.palette_signal(fa, fb, th.palette_scale, language),
        "logo": sg.logo_signal(fa, fb, th.logo_scale, language),
    }
    stakes, where = sg.region_stakes(ra, rb, th.county, th.city, th.province, language)
    scored = combine(signals, stakes, th)
    evidence = [e for part in scored.parts for e in signals[PART_SIGNAL.get(part, part)].evidence]
    if where and scored.level != "ok":
        evidence.append(where)
    margin = county_facts_margin(signals["products"].overlap, stakes, th)
    if margin and signals["story"].words >= th.words_floor and scored.level != "ok":
        evidence.append(_county_facts_sentence(margin, th, language))
    b_label = rb.label(language) if rb.is_village else f"{rb.label(language)}（{rb.place.label()}，{rb.origin}）"
    order = (
        order_of(ra.key, rb.key, {ra.key: ra.label(language), rb.key: rb.label(language)}, added, language)
        if rb.is_village
        else Order(ra.key, "")  # a registry row is already listed: the site's village is the one to change
    )
    to_change, other = (fb, fa) if order.later == rb.key else (fa, fb)
    if order.sentence and scored.level != "ok":
        evidence.append(order.sentence)
    advice = (
        pair_advice(
            scored.parts,
            signals if to_change is fa else _from_b(signals),
            to_change,
            other.record.label(language),
            _rare_labels(index, to_change, language, other.products | other.culture),
            language,
        )
        if scored.level != "ok"
        else []
    )
    return Pair(
        a=ra.key,
        b=rb.key,
        score=scored.score,
        level=scored.level,
        signals={name: s.value for name, s in signals.items()},
        evidence=tuple(dict.fromkeys(evidence)),
        advice=tuple(advice),
        b_label=b_label,
        a_label=ra.label(language),
        parts=scored.parts,
        advice_for=to_change.key,
        later=order.later,
        snippet=_shared_passage(signals["story"], order.later == ra.key) if "story" in scored.parts else "",
    )


def _county_facts_sentence(margin: float, th: Thresholds, language: str) -> str:
    floor, copy = th.words_floor + margin, th.words_copy + margin
    return choose(
        language,
        f"同一带卖同样东西的村，县里的品种、河流、年份人人都会写：按词比较的门槛因此提高到 {floor:.2f}"
        f"（{copy:.2f} 算改写）",
        f"neighbours selling the same goods all tell their county's cultivar, rivers and years: the content-word "
        f"threshold is raised to {floor:.2f} ({copy:.2f} counts as retold)",
    )


def _from_b(signals: dict[str, sg.Signal]) -> dict[str, sg.Signal]:
    """The signals with each matching passage quoted from b's side: advice quotes what its reader wrote."""
    return {name: dataclasses.replace(s, snippets=tuple((y, x) for x, y in s.snippets)) for name, s in signals.items()}


def _shared_passage(story: sg.Signal, a_is_later: bool) -> str:
    """The matching story sentence as the earlier record wrote it (a's when the order is unknown)."""
    if not story.snippets:
        return ""
    mine, theirs = story.snippets[0]
    return t.clip(theirs if a_is_later else mine, 60)


def _descriptions(items: Iterable[object]) -> str:
    return "\n".join(getattr(item, "description", "") for item in items)


def _weights(index: CandidateIndex, tokens: Iterable[str], fa: Features, fb: Features) -> dict[str, float]:
    """IDF over the *other* records: how common a token is among villages other than these two."""
    others = max(index.count - 2, 0)
    weights = {}
    for token in tokens:
        df = (
            index.token_count(key_hash(token))
            - (token in fa.products or token in fa.culture)
            - (token in fb.products or token in fb.culture)
        )
        kind = KIND_FACTOR.get(token.split(":", 1)[0], 1.0)
        weights[token] = kind * (1 + math.log((others + 1) / (max(df, 0) + 1)))
    return weights


def _rare_labels(index: CandidateIndex, f: Features, language: str, theirs: frozenset[str]) -> list[str]:
    """Names of the record's culture elements and products that the other side lacks and at most
    one other record shares: what the advice suggests leading with."""
    labels = []
    for token in sorted(f.culture) + sorted(x for x in f.products if x.startswith(("term:", "name:"))):
        names = (f.culture_labels | f.product_labels).get(token)
        if names and token not in theirs and index.token_count(key_hash(token)) <= 2:
            labels.append(choose(language, f"「{pick(names, 'zh')}」", f"“{pick(names, 'en')}”"))
    return list(dict.fromkeys(labels))


def _same_place_and_name(a: Features, b: Features) -> bool:
    """A registry row that may name this very village (same name core, same county): not a rival.
    Whether it surely is one is `_surely_itself`."""
    pa, pb = a.record.place, b.record.place
    same_county = pa.county == pb.county and (not pa.township or not pb.township or pa.township == pb.township)
    return bool(a.zh_core) and a.zh_core == b.zh_core and same_county


def _surely_itself(village: Record, listed: Record) -> bool:
    # Two villages of one county may share a name; only the township tells them apart.
    return bool(village.place.township) and village.place.township == listed.place.township


def _listing_sentence(village: Record, listed: Record, language: str) -> str:
    if _surely_itself(village, listed):
        return choose(
            language,
            f"本村已列入 {listed.origin}（{listed.source}）。",
            f"Listed in {listed.origin} ({listed.source}).",
        )
    return choose(
        language,
        f"{listed.origin} 里有一个同县同名的村（{listed.place.label()}，{listed.source}），乡镇没有写全，无法确认是不是"
        "本村：如果是，在档案的 region.township 里填上乡镇；如果不是，换一个不会被买家认错的名字。",
        f"{listed.origin} lists a village of the same name in the same county ({listed.place.label()}, "
        f"{listed.source}); without both townships it cannot be told whether it is you: if it is, give "
        "region.township; if not, choose a name buyers will not confuse with it.",
    )


def _product_sellers(corpus: Corpus) -> int:
    """Records that say what they sell: every village, and registry rows with a product or category
    column (a registry of names and places only says nothing about who sells what)."""
    return len(corpus.villages) + sum(1 for r in corpus.references if r.products)


TREE_FROM = 64
"""Queries from which the nearest colours are found with a k-d tree instead of a scan."""


class _ColourNeighbours:
    """The nearest primary colours (CIELab) to a point: a k-d tree for a full check, a plain scan
    for a few villages (importing scipy costs a one-village check more than scanning 50,000
    colours)."""

    def __init__(self, lab: np.ndarray, queries: int):
        self.rows = np.flatnonzero(~np.isnan(lab[:, 0]))
        self.points = lab[self.rows]
        self.tree = None
        if queries >= TREE_FROM and len(self.rows) > 1:
            from scipy.spatial import cKDTree

            self.tree = cKDTree(self.points)

    def near(self, point: np.ndarray, k: int) -> list[int]:
        if len(self.rows) < 2:
            return []
        k = min(k, len(self.rows))
        if self.tree is not None:
            found = np.atleast_1d(self.tree.query(point, k=k)[1])
        else:
            found = np.argsort(((self.points - point) ** 2).sum(axis=1), kind="stable")[:k]
        return [int(self.rows[i]) for i in found]


def _distinct(
    corpus: Corpus, index: CandidateIndex, rows: list[int], self_listings: dict[int, list[Record]]
) -> dict[str, dict[str, tuple[str, ...]]]:
    neighbours = _ColourNeighbours(index.lab, len(rows))
    out: dict[str, dict[str, tuple[str, ...]]] = {"zh": {}, "en": {}}
    sellers = _product_sellers(corpus)
    for row in rows:
        f = corpus.features(row)
        nearest = None
        if f.colors:
            others = [o for o in neighbours.near(index.lab[row], 8) if o != row]
            # a record's colours are all that is needed of the others: no features built for them
            best = min(others, key=lambda o: sg.delta_e(f.colors[0], corpus.record(o).colors[0]), default=None)
            if best is not None:
                nearest = (corpus.record(best), sg.delta_e(f.colors[0], corpus.record(best).colors[0]))
        own_counts = {t: 1 for t in f.products | f.culture}

        def others_with(token: str, own_counts=own_counts) -> int:
            return index.token_count(key_hash(token)) - own_counts.get(token, 0)

        for language in ("zh", "en"):
            sentences = distinct_sentences(
                f,
                others_with,
                (nearest[0].label(language), nearest[1]) if nearest else None,
                sellers,
                language,
            )
            sentences += [_listing_sentence(f.record, listed, language) for listed in self_listings.get(row, [])]
            out[language][f.key] = tuple(sentences)
    return out
