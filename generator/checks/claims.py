"""The claims lint: words in a profile that cost a buyer's trust or that advertising law forbids.

Exaggerated claims, fake goods and no after-sales promise are what destroy trust in rural live
commerce. The lint reads every text a buyer sees and reports absolute terms (最好, 第一, 国家级, best)
and medical claims, found by the word lists in data/claims.yml with the contexts in which the same
words make no claim; organic, green-food, geographical-indication and intangible-heritage claims
that no certificate backs (the product's own for its name and description, any product's for
village-level texts); certificates past or near their `valid_until`; prices without a unit.
It reads the validated model only; `storefront lint` and the build act on the findings.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from typing import Literal
from zoneinfo import ZoneInfo

import yaml

from generator.cache import Memo, code_identity, digest
from generator.errors import ProfileErrors, StorefrontError, format_path
from generator.messages import FALLBACK, listed, say, spoken
from generator.profile.fields import buyer_texts
from generator.profile.model import Catalog, FieldPath, Village
from generator.profile.times import build_now

Level = Literal["error", "warning"]

# A term of a deniable rule is denied, not claimed, when a negation comes before it within this
# many characters of the same clause: 本品不具有疾病治疗功能, "not certified organic".
NEGATION_WINDOW = 16
CLAUSE_END = re.compile(r"[，。；！？,.;!?\n]")


@dataclass(frozen=True, order=True)
class Finding:
    """One claim to fix, located well enough that a cooperative can go and fix it."""

    file: str
    line: int
    field: str
    level: Level
    rule: str
    text: str
    """The words found, as the file spells them."""
    why: str
    suggestion: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: {self.field}"
        level = say(f"lint.level.{self.level}")
        words = {"text": self.text, "why": self.why, "suggestion": self.suggestion, "rule": self.rule}
        return say("lint.finding", where=where, level=level, **words)


@dataclass(frozen=True)
class LintConfig:
    """How strict the lint is: each rule's default level is in data/claims.yml; these change it."""

    errors: frozenset[str] = frozenset()
    """Rules reported as errors (which fail the build), whatever their default."""
    warnings: frozenset[str] = frozenset()
    """Rules reported as warnings, whatever their default."""
    ignore: frozenset[str] = frozenset()
    """Rules not reported at all."""
    strict: bool = False
    """Every warning is an error (mkdocs.yml: `lint: {strict: true}`)."""
    expiry_warning_days: int = 60
    """A certificate that ends within this many days is reported as `certificate-expiring`."""

    def __post_init__(self) -> None:
        known = sorted(rules())
        for name in ("errors", "warnings", "ignore"):
            names = frozenset(getattr(self, name))
            object.__setattr__(self, name, names)
            for rule in sorted(names.difference(known)):
                close = difflib.get_close_matches(rule, known, n=1)
                hint = say("did_you_mean", close=close[0]) if close else say("lint.rules", rules=listed(known))
                raise StorefrontError(say("lint.no_rule", option=name, rule=rule, hint=hint))
        if both := sorted(self.errors & self.warnings):
            raise StorefrontError(say("lint.both_levels", rules=listed(both)))
        if self.expiry_warning_days < 0:
            raise StorefrontError(say("lint.expiry_days"))

    def level(self, rule: str, default: Level) -> Level | None:
        """The level `rule` is reported at, or None when it is ignored."""
        if rule in self.ignore:
            return None
        if self.strict or rule in self.errors:
            return "error"
        return "warning" if rule in self.warnings else default


# --- the rules, read from data/claims.yml ------------------------------------------------------


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    suggestion: str | None


@dataclass(frozen=True)
class Context:
    """Words around a term that change the verdict (see the head of data/claims.yml)."""

    pattern: re.Pattern[str]
    needs: str | None = None
    becomes: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    why: str
    suggestion: str
    terms: tuple[Term, ...] = ()
    contexts: tuple[Context, ...] = ()
    certificate: str | None = None
    deniable: bool = False


def _data() -> tuple[dict[str, Rule], re.Pattern[str]]:
    return _data_in(spoken())


@cache
def _data_in(language: str) -> tuple[dict[str, Rule], re.Pattern[str]]:
    """The rules with their words in `language` (the data file says each in Chinese and English)."""
    raw = yaml.safe_load(files("generator").joinpath("data/claims.yml").read_text(encoding="utf-8"))

    def said(wordings: dict[str, str] | None) -> str | None:
        return None if wordings is None else wordings.get(language) or wordings[FALLBACK]

    found = {}
    for id_, spec in raw["rules"].items():
        terms = tuple(Term(_compile(t["pattern"]), said(t.get("suggest"))) for t in spec.get("terms", ()))
        contexts = tuple(Context(_compile(c.pop("pattern")), **c) for c in spec.get("except", ()))
        found[id_] = Rule(
            id_,
            spec["level"],
            said(spec["why"]),
            said(spec["suggestion"]),
            terms,
            contexts,
            spec.get("certificate"),
            spec.get("deniable", False),
        )
    return found, _compile(raw["negation"])


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


def rules() -> dict[str, Rule]:
    """Every rule by id, in the order of the data file."""
    return _data()[0]


# --- checking ----------------------------------------------------------------------------------


def lint_catalog(
    catalog: Catalog, config: LintConfig | None = None, now: datetime | date | None = None, memo: Memo | None = None
) -> list[Finding]:
    """Every finding in every village, sorted by file and line. `now` defaults to the build's clock.
    With a `memo`, the claims found in a village's texts are kept between builds (they depend on
    its file and the word lists only; dates and levels are judged afresh)."""
    moment = build_now() if now is None else now
    config = config or LintConfig()
    return sorted(
        f for village in catalog.villages for f in lint_village(village, config, _today(moment, village), memo)
    )


def lint_village(village: Village, config: LintConfig, today: date, memo: Memo | None = None) -> list[Finding]:
    """The findings of one village; `today` is the date in the village's time zone."""
    found = set()  # the same words in the same field are reported once
    claims = _remembered_claims(village, memo) if memo else list(_text_claims(village))
    for rule, path, line, words, why, suggestion in [*claims, *_records(village, config, today)]:
        if level := config.level(rule.id, rule.level):
            found.add(Finding(village.source, line, format_path(path), level, rule.id, words, why, suggestion))
    return sorted(found)


def _remembered_claims(village: Village, memo: Memo) -> list[tuple[Rule, FieldPath, int, str, str, str]]:
    key = digest(code_identity(__name__), _claims_data(), village.digest, spoken())  # the words are in it
    kept = memo.get(key, lambda: [[rule.id, path, *rest] for rule, path, *rest in _text_claims(village)])
    return [(rules()[rule_id], tuple(path), *rest) for rule_id, path, *rest in kept]


@cache
def _claims_data() -> str:
    return digest(files("generator").joinpath("data/claims.yml").read_bytes())


def _text_claims(village: Village) -> Iterator[tuple[Rule, FieldPath, int, str, str, str]]:
    products = village.profile.products
    held = [frozenset(c.kind for c in product.certifications) for product in products]
    anywhere = frozenset().union(*held)
    for path, text, product in _texts(village):
        for rule, offset, words, suggestion in _claims(text, anywhere if product is None else held[product]):
            yield rule, path, village.line_within(path, text, offset), words, rule.why, suggestion


def _records(village: Village, config: LintConfig, today: date) -> Iterator[tuple[Rule, FieldPath, int, str, str, str]]:
    """Prices without a unit, and certificates past or near their last valid day."""
    for i, product in enumerate(village.profile.products):
        price, rule = product.price, rules()["price-unit"]
        if price.unit is None:
            at = ("products", i, "price")
            yield rule, at, village.line_of(at), f"{price.amount} {price.currency}", rule.why, rule.suggestion
        for j, certificate in enumerate(product.certifications):
            until = certificate.valid_until
            if until is None or (days := (until - today).days) > config.expiry_warning_days:
                continue
            rule = rules()["certificate-expired" if days < 0 else "certificate-expiring"]
            when = (
                say("lint.today")
                if days == 0
                else say("lint.tomorrow")
                if days == 1
                else say("lint.in_days", days=days)
            )
            why = rule.why.replace("{date}", until.isoformat()).replace("{days}", when)
            words = say("lint.certificate", kind=certificate.kind, id=certificate.id, until=until.isoformat())
            at = ("products", i, "certifications", j, "valid_until")
            yield rule, at, village.line_of(at), words, why, rule.suggestion


def _texts(village: Village) -> Iterator[tuple[FieldPath, str, int | None]]:
    """Every text a buyer reads (profile/fields.py finds them by type): its field, the text, and
    the product it speaks for (None: the village)."""
    for path, value in buyer_texts(village):
        product = path[1] if path[0] == "products" else None
        if isinstance(value, str):
            yield path, value, product
            continue
        for language, text in value.items():
            # A plain string has no language key in the file; name the field as the file writes it.
            spelled = (*path, language) in village.lines or len(value) > 1
            yield ((*path, language) if spelled else path), text, product


def _claims(original: str, certificates: frozenset[str]) -> Iterator[tuple[Rule, int, str, str]]:
    """(rule, where, words found, suggestion) for each claim in one text that `certificates` do not back."""
    text = _half_width(original)
    every, negation = _data()
    for rule in every.values():
        if not rule.terms or (rule.certificate and rule.certificate in certificates):
            continue
        contexts = [(c, *m.span()) for c in rule.contexts for m in c.pattern.finditer(text)]
        taken: list[tuple[int, int]] = []
        for term in rule.terms:
            for match in term.pattern.finditer(text):
                start, end = match.span()
                if start == end or any(s < end and start < e for s, e in taken):
                    continue  # an earlier (longer) term of this rule already covers these words
                taken.append((start, end))
                if rule.deniable and _denied(text, start, negation):
                    continue
                covering = (c for c in contexts if c[1] <= start and end <= c[2])
                context, s, e = next((c for c in covering if c[0].needs in (None, *certificates)), (None, 0, 0))
                if context is None:
                    yield rule, start, original[start:end], term.suggestion or rule.suggestion
                elif context.becomes:
                    target = every[context.becomes]
                    yield target, s, original[s:e].strip(), target.suggestion


def _denied(text: str, start: int, negation: re.Pattern[str]) -> bool:
    clause = CLAUSE_END.split(text[max(0, start - NEGATION_WINDOW) : start])[-1]
    return bool(negation.search(clause))


def _half_width(text: str) -> str:
    """Full-width letters, digits and signs read as half-width (Ｎｏ．１ is No.1), one character for
    one, so that a span in the result is the same span of the file's text."""
    return "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


def _today(moment: datetime | date, village: Village) -> date:
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(ZoneInfo(village.profile.timezone)).date()
    return moment


# --- reporting ---------------------------------------------------------------------------------


def to_text(findings: Iterable[Finding]) -> str:
    """One line per finding, then a summary line."""
    findings = list(findings)
    if not findings:
        return say("lint.clean")
    errors = sum(f.level == "error" for f in findings)
    warnings, files_ = len(findings) - errors, len({f.file for f in findings})
    summary = say(
        "lint.summary",
        errors=errors,
        es="s" * (errors != 1),
        warnings=warnings,
        ws="s" * (warnings != 1),
        files=files_,
        fs="s" * (files_ != 1),
    )
    return "\n".join([*map(str, findings), summary])


def to_json(findings: Iterable[Finding]) -> dict[str, list[dict[str, str | int]]]:
    """`{"findings": [...]}`, each with file, line, field, level, rule, text, why and suggestion."""
    return {"findings": [asdict(f) for f in findings]}


def exit_status(findings: Iterable[Finding]) -> int:
    """1 when any finding is an error, else 0."""
    return int(any(f.level == "error" for f in findings))


def problem_findings(error: ProfileErrors) -> list[Finding]:
    """Problems of profiles that do not load, as findings: `lint --json` still prints one JSON document."""
    return [Finding(p.file, p.line, p.field, "error", "profile", "", p.message, "") for p in error.problems]
