"""The claims lint: cases as data, the golden report, strictness, and the ten samples.

Each case in tests/fixtures/lint/cases.yml writes one text into one field of a copy of the valid
profile in tests/fixtures/base, loads it with the real loader and lints it on the tests' fixed day.
The golden report (tests/fixtures/lint/report.txt, report.json) is regenerated with
`UPDATE_GOLDEN=1 pytest tests/checks/test_lint.py`; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
import typing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from generator.checks.claims import (
    Finding,
    LintConfig,
    exit_status,
    lint_catalog,
    problem_findings,
    rules,
    to_json,
    to_text,
)
from generator.errors import ProfileErrors, StorefrontError
from generator.profile.read import load_catalog
from generator.profile.schema import CertificationKind
from tests.conftest import FIXED_EPOCH, REPO

LINT = REPO / "tests" / "fixtures" / "lint"
BASE = REPO / "tests" / "fixtures" / "base"
NOW = datetime.fromtimestamp(int(FIXED_EPOCH), UTC)  # 2026-11-18
CASES = yaml.safe_load((LINT / "cases.yml").read_text(encoding="utf-8"))

# Where a case's text goes in the base profile: the line it replaces, and the line(s) it becomes.
FIELDS = {
    "slogan": ("slogan: 一句口号", "slogan: {}"),
    "story": ("story: |\n  一个故事。", "story: {}"),
    "culture[0].name": ("  - name: 开园节", "  - name: {}"),
    "culture[0].description": ("    description: 节日。", "    description: {}"),
    "products[0].name": ("    name: 白茶", "    name: {}"),
    "products[0].description": ("    description: 好茶。", "    description: {}"),
    "team[0].bio": ("role: anchor}", "role: anchor, bio: {}}}"),
    "live.sessions[0].title": ("    - title: 开采直播", "    - title: {}"),
    "live.sessions[0].scene": ("      products: [white-tea]", "      products: [white-tea]\n      scene: {}"),
    "service.shipping": ("service:\n", "service:\n  shipping: {}\n"),
    "service.returns": ("service:\n", "service:\n  returns: {}\n"),
}
CERTIFICATES = (
    "    certifications:\n"
    '      - {kind: geographical-indication, id: "GI-1", issuer: 国家知识产权局, valid_until: 2027-12-31}\n'
)
PRICE = "    price: {amount: 268, currency: CNY, unit: 250 g}"
OTHER_PRODUCT = """  - id: black-tea
    name: 红茶
    category: tea
    description: 红茶。
    price: {amount: 98, unit: 250 g}
"""


def _certificates(entries: list) -> str:
    """YAML lines for a product's certifications: each entry a kind, or {kind, valid_until}."""
    lines = []
    for n, entry in enumerate(entries, 1):
        entry = {"kind": entry} if isinstance(entry, str) else entry
        until = f", valid_until: {entry['valid_until']}" if entry.get("valid_until") else ""
        lines.append(f'      - {{kind: {entry["kind"]}, id: "C-{n}", issuer: 发证机构{until}}}\n')
    return "    certifications:\n" + "".join(lines) if lines else ""


def profile_text(case: dict) -> str:
    """The base profile with the case's text, certificates, price and second product written in."""
    text = (BASE / "village.yml").read_text(encoding="utf-8")
    old, new = FIELDS[case["field"]]
    assert text.count(old) == 1, f"{old!r} is not one line of the base profile"
    # A JSON string or object is a valid YAML flow scalar or mapping: the case's text, exactly.
    text = text.replace(old, new.format(json.dumps(case["text"], ensure_ascii=False)))
    text = text.replace(CERTIFICATES, _certificates(case.get("certificates", [])))
    if "price" in case:
        text = text.replace(PRICE, f"    price: {case['price']}")
    if "other_product" in case:
        text = text.replace("team:\n", OTHER_PRODUCT + _certificates(case["other_product"]) + "team:\n")
    return text


def lint_text(tmp_path: Path, text: str, config: LintConfig | None = None) -> list[Finding]:
    villages = tmp_path / "villages"
    shutil.copytree(BASE, villages / "test-village")
    (villages / "test-village" / "village.yml").write_text(text, encoding="utf-8")
    return lint_catalog(load_catalog(villages), config=config, now=NOW)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, tmp_path):
    findings = lint_text(tmp_path, profile_text(case))
    found = [(f.rule, f.level, f.text, f.field) for f in findings]
    expected = case["expect"]
    assert len(findings) == len(expected), f"expected {expected}, found {found}"
    for want, finding in zip(
        sorted(expected, key=lambda e: (e["rule"], e.get("text", ""))), sorted(findings, key=lambda f: (f.rule, f.text))
    ):
        assert (finding.rule, finding.level) == (want["rule"], want["level"]), found
        if "text" in want:
            assert finding.text == str(want["text"]), found
        if "field" in want:
            assert finding.field == want["field"], found
        else:  # the case's field, with the language when the text is {zh: ..., en: ...}
            assert finding.field in (case["field"], f"{case['field']}.zh", f"{case['field']}.en"), found
        assert finding.file == "villages/test-village/village.yml" and finding.line > 0


def test_there_are_enough_cases_in_both_languages():
    assert len(CASES) >= 30
    texts = [json.dumps(c["text"], ensure_ascii=False) for c in CASES]
    assert sum(any("a" <= ch.lower() <= "z" for ch in t) for t in texts) >= 10
    assert sum(not c["expect"] for c in CASES) >= 15, "false-positive guards"
    assert {f["rule"] for c in CASES for f in c["expect"]} == set(rules()), "every rule has a case"


def test_the_base_profile_has_nothing_to_fix(tmp_path):
    assert lint_text(tmp_path, (BASE / "village.yml").read_text(encoding="utf-8")) == []


def test_the_line_is_the_fields_line(tmp_path):
    case = {"field": "products[0].description", "text": "最好的茶"}
    [finding] = lint_text(tmp_path, profile_text(case))
    assert (finding.line, finding.field) == (21, "products[0].description")
    assert str(finding).startswith('villages/test-village/village.yml:21: products[0].description: "最好"; ')
    assert str(finding).endswith(" [error: absolute-term]")


# --- the golden report -------------------------------------------------------------------------


def test_golden_report():
    findings = lint_catalog(load_catalog(LINT / "villages"), now=NOW)
    outputs = {
        "report.txt": to_text(findings) + "\n",
        "report.json": json.dumps(to_json(findings), ensure_ascii=False, indent=2) + "\n",
    }
    for name, output in outputs.items():
        golden = LINT / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            golden.write_text(output, encoding="utf-8")
        assert output == golden.read_text(encoding="utf-8"), f"{name} changed; rerun with UPDATE_GOLDEN=1 and review"
    assert exit_status(findings) == 1


def test_remembered_claims_give_the_same_findings_and_follow_the_file(tmp_path):
    from generator.cache import Memo

    catalog = load_catalog(LINT / "villages")
    plain = lint_catalog(catalog, now=NOW)
    memo = Memo(tmp_path, "claims")
    assert lint_catalog(catalog, now=NOW, memo=memo) == plain
    memo.save()
    # Only a hit can report a word that is in no file. Levels and dates are still judged afresh.
    saved = json.loads((tmp_path / "claims.json").read_text(encoding="utf-8"))
    key = next(k for k, claims in saved.items() if claims)
    saved[key][0][3] = "remembered words"
    (tmp_path / "claims.json").write_text(json.dumps(saved), encoding="utf-8")
    again = lint_catalog(catalog, now=NOW, memo=Memo(tmp_path, "claims"))
    assert "remembered words" in {f.text for f in again} and len(again) == len(plain)
    ignored = LintConfig(ignore=frozenset(f.rule for f in plain))
    assert lint_catalog(catalog, config=ignored, now=NOW, memo=Memo(tmp_path, "claims")) == []


def test_json_is_one_document_with_the_promised_keys():
    findings = lint_catalog(load_catalog(LINT / "villages"), now=NOW)
    document = json.loads(json.dumps(to_json(findings), ensure_ascii=False))
    assert list(document) == ["findings"] and document["findings"]
    for item in document["findings"]:
        assert {"file", "line", "field", "level", "rule", "text", "suggestion"} <= set(item)
        assert item["level"] in ("error", "warning")
    assert to_json([]) == {"findings": []}


def test_findings_are_sorted_and_deterministic():
    catalog = load_catalog(LINT / "villages")
    first, second = lint_catalog(catalog, now=NOW), lint_catalog(catalog, now=NOW)
    assert first == second == sorted(first)
    assert [f.line for f in first] == sorted(f.line for f in first)


def test_now_defaults_to_the_build_clock(monkeypatch):
    catalog = load_catalog(LINT / "villages")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    assert lint_catalog(catalog) == lint_catalog(catalog, now=NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2027, 1, 5, tzinfo=UTC).timestamp())))
    expired = {f.text.split(",")[0] for f in lint_catalog(catalog) if f.rule == "certificate-expired"}
    assert expired == {"green-food LB-1", "geographical-indication GI-1"}
    assert lint_catalog(catalog, now=date(2026, 11, 18)) == lint_catalog(catalog, now=NOW)


# --- strictness --------------------------------------------------------------------------------


def test_config_changes_levels_and_ignores_rules():
    catalog = load_catalog(LINT / "villages")
    levels = {f.rule: f.level for f in lint_catalog(catalog, now=NOW)}
    assert levels["price-unit"] == "error" and levels["certificate-expiring"] == "warning"

    relaxed = LintConfig(warnings={"price-unit", "absolute-term"}, ignore=["health-claim"])
    levels = {f.rule: f.level for f in lint_catalog(catalog, config=relaxed, now=NOW)}
    assert levels["price-unit"] == levels["absolute-term"] == "warning"
    assert "health-claim" not in levels

    stricter = LintConfig(errors={"absolute-qualified"})
    assert {f.rule: f.level for f in lint_catalog(catalog, config=stricter, now=NOW)}["absolute-qualified"] == "error"
    assert {f.level for f in lint_catalog(catalog, config=LintConfig(strict=True), now=NOW)} == {"error"}

    everything_off = LintConfig(ignore=set(rules()))
    assert lint_catalog(catalog, config=everything_off, now=NOW) == []
    assert exit_status([]) == 0


def test_expiry_warning_window_is_configurable():
    catalog = load_catalog(LINT / "villages")
    rules_found = {f.rule for f in lint_catalog(catalog, config=LintConfig(expiry_warning_days=30), now=NOW)}
    assert "certificate-expiring" not in rules_found and "certificate-expired" in rules_found


def test_config_names_unknown_rules():
    with pytest.raises(StorefrontError, match="did you mean 'price-unit'"):
        LintConfig(ignore={"price-units"})
    with pytest.raises(StorefrontError, match="both an error and a warning"):
        LintConfig(errors={"price-unit"}, warnings={"price-unit"})


# --- the data file and the samples -------------------------------------------------------------


def test_claims_data_is_consistent():
    kinds = set(typing.get_args(typing.get_args(CertificationKind)[0]))  # Annotated[Literal[...], ...]
    for rule in rules().values():
        assert rule.level in ("error", "warning") and rule.why and rule.suggestion, rule.id
        assert rule.certificate is None or rule.certificate in kinds, rule.id
        assert isinstance(rule.deniable, bool), rule.id
        for context in rule.contexts:
            assert context.needs is None or context.needs in kinds, (rule.id, context.pattern.pattern)
            assert context.becomes is None or context.becomes in rules(), (rule.id, context.pattern.pattern)
            assert not (context.needs and context.becomes), "a context either needs evidence or changes the rule"


def test_the_ten_samples_have_no_errors():
    catalog = load_catalog(REPO / "villages")
    assert len(catalog.villages) == 10
    findings = lint_catalog(catalog, now=NOW)
    assert [str(f) for f in findings if f.level == "error"] == []


def test_a_profile_that_does_not_load_is_still_one_json_document(tmp_path):
    villages = tmp_path / "villages"
    shutil.copytree(BASE, villages / "test-village")
    path = villages / "test-village" / "village.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("slogan: 一句口号", "slogen: 一句口号"), encoding="utf-8")
    with pytest.raises(ProfileErrors) as raised:
        load_catalog(villages)
    findings = problem_findings(raised.value)
    assert findings and {f.rule for f in findings} == {"profile"} and exit_status(findings) == 1
    assert json.loads(json.dumps(to_json(findings)))["findings"][0]["file"] == "villages/test-village/village.yml"
