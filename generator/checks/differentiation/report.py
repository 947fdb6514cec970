"""The result of a check: flagged pairs and distinct sentences, as JSON and as a ranked text report."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.checks.differentiation.scoring import Level
from generator.words import chinese

JSON_VERSION = 3
"""Version of `storefront check --json` (2: herds as clusters, the newcomer each advice is for;
3: evidence, advice and herd summaries in Chinese and English, whatever the run's language)."""
LANGUAGES = ("zh", "en")
"""The languages every pair's evidence is given in (`evidence_by_language` of --json)."""
SIGNALS = ("name", "slogan", "story", "products", "culture", "palette", "logo")
"""The signals of the JSON contract, in its order."""


@dataclass(frozen=True)
class Pair:
    a: str
    """Slug of the village checked."""
    b: str
    """Slug of the other village, or `<registry id>:<line>` of a registry row."""
    score: float
    level: Level
    signals: Mapping[str, float]
    evidence: tuple[str, ...]
    advice: tuple[str, ...] = ()
    b_label: str = ""
    """The name a person knows b by (with its place for registry rows)."""
    a_label: str = ""
    parts: Mapping[str, float] = field(default_factory=dict)
    """How much each part contributed to the score (see scoring.py)."""
    advice_for: str = ""
    """Key of the record the advice is addressed to: the newcomer when the order is known."""
    later: str = ""
    """Key of the record whose profile was committed later (git history), '' when unknown."""
    snippet: str = ""
    """A passage of the shared story, for the report of a herd (see herds.py)."""
    evidence_by_language: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """{'zh': evidence, 'en': evidence}: what was compared, what matched, how strongly, in both."""
    advice_by_language: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "level": self.level,
            "signals": {name: round(float(self.signals.get(name, 0.0)), 4) for name in SIGNALS},
            "evidence": list(self.evidence),
            "advice": list(self.advice),
            "b_label": self.b_label,
            "advice_for": self.advice_for,
            "later": self.later or None,
            "evidence_by_language": {k: list(self.evidence_by_language.get(k, ())) for k in LANGUAGES},
            "advice_by_language": {k: list(self.advice_by_language.get(k, ())) for k in LANGUAGES},
        }


@dataclass(frozen=True)
class Cluster:
    """Villages that all carry one passage (a herd): reported once, not as N(N-1)/2 pairs."""

    villages: tuple[str, ...]
    """Slugs, earliest first when the order is known."""
    earliest: str
    """Slug of the first to carry it (git history), '' when unknown."""
    passage: str
    summary: str
    """The sentence of the report: 'these N villages share this passage; the earliest is X'."""
    summary_by_language: Mapping[str, str] = field(default_factory=dict)
    """{'zh': summary, 'en': summary}."""

    def to_json(self) -> dict[str, Any]:
        return {
            "villages": list(self.villages),
            "earliest": self.earliest or None,
            "passage": self.passage,
            "summary": self.summary,
            "summary_by_language": {k: self.summary_by_language.get(k, "") for k in LANGUAGES},
        }


@dataclass(frozen=True)
class Report:
    villages: int
    """How many villages of the site took part."""
    pairs: tuple[Pair, ...]
    """Pairs at warn or fail, highest score first."""
    distinct_by_language: Mapping[str, Mapping[str, tuple[str, ...]]]
    """{'zh': {slug: sentences}, 'en': {...}}: both languages, whatever the site's."""
    language: str = "zh"
    compared: int = 0
    """Candidate pairs scored exactly (the rest were never close enough to be proposed)."""
    references: int = 0
    """Registry rows compared against."""
    clusters: tuple[Cluster, ...] = ()
    """Herds: three or more villages sharing one story passage."""

    @property
    def distinct(self) -> dict[str, list[str]]:
        """Distinct sentences in the site's language (Chinese for zh, English otherwise)."""
        chosen = "zh" if chinese(self.language) else "en"
        return {slug: list(items) for slug, items in self.distinct_by_language.get(chosen, {}).items()}

    def about(self, slugs: Iterable[str]) -> Report:
        """The report of these villages against every other, out of a full check's: the pairs and
        herds they are in, the advice to them. A province shard's build reads it from the plan
        job's report instead of comparing its villages again."""
        mine = set(slugs)
        return dataclasses.replace(
            self,
            pairs=tuple(p for p in self.pairs if p.a in mine or p.b in mine),
            distinct_by_language={
                language: {slug: items for slug, items in advice.items() if slug in mine}
                for language, advice in self.distinct_by_language.items()
            },
            clusters=tuple(c for c in self.clusters if mine & set(c.villages)),
        )

    def failed(self, fail_on: str = "fail") -> bool:
        """Whether the check should exit 1: any pair at fail, or at warn too with fail_on='warn'."""
        if fail_on not in ("fail", "warn"):
            raise ValueError(f"fail_on is 'fail' or 'warn', not {fail_on!r}")
        levels = {"fail"} if fail_on == "fail" else {"fail", "warn"}
        return any(p.level in levels for p in self.pairs)

    def to_json(self) -> dict[str, Any]:
        """The contract, version 3: {"version", "villages", "pairs": [...], "clusters": [...],
        "distinct": {slug: [...]}}.

        A pair: a, b, score, level, signals {name: 0..1}, evidence and advice (lists of sentences in
        the run's language), b_label, advice_for, later, and evidence_by_language and
        advice_by_language ({"zh": [...], "en": [...]}: the same sentences in both languages, so a
        county team reads them whatever language the site speaks). A cluster: villages, earliest,
        passage, summary, summary_by_language ({"zh": ..., "en": ...}).
        Version 1 had no version, clusters, advice_for or later; version 2 no *_by_language. Every
        key an earlier version had is kept with its meaning."""
        return {
            "version": JSON_VERSION,
            "villages": self.villages,
            "pairs": [p.to_json() for p in self.pairs],
            "clusters": [c.to_json() for c in self.clusters],
            "distinct": self.distinct,
        }

    def to_text(self) -> str:
        """A ranked plain-text report: flagged pairs first with evidence and advice, then what is distinct."""
        zh = chinese(self.language)
        fails = sum(p.level == "fail" for p in self.pairs)
        warns = len(self.pairs) - fails
        lines = [
            (
                f"差异化检查 Differentiation check: {self.villages} villages, {self.references} registry rows, "
                f"{self.compared} candidate pairs scored"
            ),
            f"  fail {fails} · warn {warns}",
            "",
        ]
        for cluster in self.clusters:
            lines += [f"  [herd] {cluster.summary}", f"         「{cluster.passage}」", ""]
        for rank, pair in enumerate(self.pairs, 1):
            mark = "FAIL" if pair.level == "fail" else "warn"
            lines.append(
                f"{rank:>3}. [{mark}] {pair.score:.2f}  {pair.a_label or pair.a} ({pair.a})  ~  {pair.b_label} "
                f"({pair.b})"
            )
            shown = "  ".join(
                f"{name} {pair.signals.get(name, 0):.2f}" for name in SIGNALS if pair.signals.get(name, 0) >= 0.05
            )
            lines.append(f"       {shown}")
            lines += [f"       - {e}" for e in pair.evidence]
            if pair.advice:
                lines.append("       " + ("怎么改：" if zh else "What to change:"))
                lines += [f"         * {a}" for a in pair.advice]
            lines.append("")
        if not self.pairs:
            lines += ["没有相似度达到警告线的村子。" if zh else "No pair reaches the warning level.", ""]
        distinct = self.distinct
        if distinct:
            lines.append(
                "各村的独特之处 What each village has that others do not:"
                if zh
                else "What each village has that others do not:"
            )
            for slug in sorted(distinct):
                lines.append(f"  {slug}")
                lines += [f"    - {s}" for s in distinct[slug]]
        return "\n".join(lines).rstrip() + "\n"
