"""The differentiation check: labelled pairs, registries, the JSON contract, the cache and the index.

The labelled pairs live in tests/fixtures/pairs/*.yml: each names two village profiles (a base from
_bases.yml plus changes) and says whether b copies a (`copy`: must fail), imitates its look
(`lookalike`: must be flagged) or is a village in its own right (`distinct`: must never fail).
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
from pathlib import Path

import imagehash
import numpy as np
import pytest
import yaml
from PIL import Image, ImageDraw

from generator.checks.differentiation import Report, Thresholds, check, load_registry
from generator.checks.differentiation import text as t
from generator.checks.differentiation.engine import _lsh_thresholds
from generator.checks.differentiation.features import build_features
from generator.checks.differentiation.images import _bits, distance, hash_image
from generator.checks.differentiation.index import (
    SCANS_BEFORE_SORTING,
    CandidateIndex,
    SignatureCache,
    Table,
    signature,
)
from generator.checks.differentiation.records import record_from_village
from generator.errors import StorefrontError
from generator.profile.model import Village
from generator.profile.schema import profile_adapter

REPO = Path(__file__).resolve().parents[2]
PAIRS = REPO / "tests" / "fixtures" / "pairs"
REGISTRIES = REPO / "generator" / "data" / "registries"  # the real lists, vendored with their licence
BASES = yaml.safe_load((PAIRS / "_bases.yml").read_text(encoding="utf-8"))


# --- building villages from the fixture files ---------------------------------------------------


def _resolve(value):
    """`"{anji-tea.story}"` -> that field of that base (or of `fragments`)."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and "." in value:
        source, field = value[1:-1].split(".", 1)
        return copy.deepcopy(BASES[source][field])
    if isinstance(value, str) and "{" in value:
        for name, base in BASES.items():
            if name != "fragments":
                value = value.replace(f"{{{name}.story}}", base["story"])
        return value
    return value


def _merge(base: dict, changes: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        value = _resolve(value)
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def make_village(slug: str, data: dict, folder: Path | None = None, language: str = "zh") -> Village:
    profile = profile_adapter().validate_python(data, context={"language": language})
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return Village(
        slug, f"villages/{slug}/village.yml", folder or Path("/nonexistent") / slug, profile, lines={}, digest=digest
    )


def pair_villages(spec: dict) -> tuple[Village, Village]:
    a = _merge(BASES[spec["a"]["base"]], spec["a"].get("set", {}))
    b = _merge(BASES[spec["b"]["base"]], spec["b"].get("set", {}))
    return make_village("village-a", a), make_village("village-b", b)


def level_of(report: Report, a: str = "village-a", b: str = "village-b") -> tuple[str, float]:
    for pair in report.pairs:
        if {pair.a, pair.b} == {a, b}:
            return pair.level, pair.score
    return "ok", 0.0


PAIR_FILES = sorted(p for p in PAIRS.glob("*.yml") if not p.name.startswith("_"))


def test_the_labelled_set_is_large_and_varied():
    specs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in PAIR_FILES]
    assert len(specs) >= 40
    kinds = {s["kind"] for s in specs}
    assert {
        "renamed-copy",
        "sound-alike",
        "paraphrase",
        "reorder",
        "shifted-palette",
        "same-product-list",
        "same-county",
        "same-category",
    } <= kinds
    assert {s["label"] for s in specs} == {"copy", "lookalike", "distinct"}


def test_labelled_pairs_precision_and_recall(capsys):
    rows = []
    everything = Thresholds(warn=1e-9)  # to print the score of pairs that stay ok
    for path in PAIR_FILES:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        level, _ = level_of(check(pair_villages(spec)))
        _, score = level_of(check(pair_villages(spec), thresholds=everything))
        rows.append((path.stem, spec["label"], level, score))
    positives = [r for r in rows if r[1] in ("copy", "lookalike")]
    flagged = [r for r in rows if r[2] != "ok"]
    true_positive = [r for r in flagged if r[1] != "distinct"]
    recall = len(true_positive) / len(positives)
    precision = len(true_positive) / len(flagged) if flagged else 1.0
    with capsys.disabled():
        print(f"\nlabelled pairs: {len(rows)}; precision {precision:.2f}, recall {recall:.2f}")
        for name, label, level, score in rows:
            print(f"  {label:9} {level:4} {score:.2f}  {name}")
    missed = [r for r in positives if r[2] == "ok"]
    assert not missed, f"planted copies not flagged: {missed}"
    assert recall == 1.0
    copies_not_failed = [r for r in rows if r[1] == "copy" and r[2] != "fail"]
    assert not copies_not_failed, f"copies that do not fail: {copies_not_failed}"
    false_fails = [r for r in rows if r[1] == "distinct" and r[2] == "fail"]
    assert not false_fails, f"distinct villages failed: {false_fails}"


def test_flagged_pair_says_which_fields_collide_and_what_to_change():
    spec = yaml.safe_load((PAIRS / "story-paraphrase-tea.yml").read_text(encoding="utf-8"))
    pair = check(pair_villages(spec), language="en").pairs[0]
    assert pair.signals["story"] > 0.3
    assert any(e.startswith("story:") for e in pair.evidence)
    assert any("≈" in e for e in pair.evidence), "the matching sentences are quoted"
    assert any(a.startswith("Rewrite the story") for a in pair.advice)
    zh = check(pair_villages(spec), language="zh").pairs[0]
    assert any(a.startswith("重写品牌故事") for a in zh.advice)


def test_sound_alike_names_collide_and_generic_words_are_stripped():
    assert t.name_core("黄杜村") == "黄杜" and t.name_core("黄杜生态农业专业合作社") == "黄杜"
    assert t.name_core("Huangdu Eco Village Co-op") == "huangdu"
    assert t.pinyin("黄杜") == t.pinyin("皇渡") == "huang du"
    assert t.fuzzy_pinyin("zhang lin") == t.fuzzy_pinyin("zan nin")
    assert t.product_terms("吐鲁番无核白葡萄干") == ("raisin",)


# --- the JSON contract and the exit rule --------------------------------------------------------

SIGNAL_NAMES = {"name", "slogan", "story", "products", "culture", "palette", "logo"}


def _small_catalog() -> list[Village]:
    specs = ["renamed-copy-tea", "shifted-palette-same-products", "distinct-rice-apple"]
    villages = []
    for i, name in enumerate(specs):
        a, b = pair_villages(yaml.safe_load((PAIRS / f"{name}.yml").read_text(encoding="utf-8")))
        villages += [
            Village(f"v{i}-a", a.source, a.folder, a.profile, {}, a.digest),
            Village(f"v{i}-b", b.source, b.folder, b.profile, {}, b.digest),
        ]
    return villages


def test_json_contract():
    villages = _small_catalog()
    report = check(villages)
    document = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert set(document) == {"version", "villages", "pairs", "clusters", "distinct"}
    assert document["version"] == 3
    (herd,) = document["clusters"]  # v0-a, v0-b and v1-a all carry the Huangdu story
    assert herd["villages"] == ["v0-a", "v0-b", "v1-a"] and herd["earliest"] is None
    assert "1500万株白叶一号" in herd["passage"] and herd["summary"].startswith("这 3 个村子用的是同一段故事")
    assert herd["summary_by_language"]["zh"] == herd["summary"]
    assert herd["summary_by_language"]["en"].startswith("these 3 villages share this passage")
    assert document["villages"] == len(villages)
    assert document["pairs"], "the planted copy is listed"
    for pair in document["pairs"]:
        assert {"a", "b", "score", "level", "signals", "evidence", "advice_for", "later"} <= set(pair)
        assert pair["advice_for"] in (pair["a"], pair["b"]) and pair["later"] is None, "no git history here"
        assert any(e.startswith("先后：无法判断") for e in pair["evidence"]), "an unknown order is said"
        assert set(pair["signals"]) == SIGNAL_NAMES
        assert all(0.0 <= v <= 1.0 for v in pair["signals"].values())
        assert 0.0 <= pair["score"] <= 1.0 and pair["level"] in ("warn", "fail")
        assert pair["evidence"] and all(isinstance(e, str) and e for e in pair["evidence"])
        both = pair["evidence_by_language"]
        assert both["zh"] == pair["evidence"] and pair["advice_by_language"]["zh"] == pair["advice"]
        assert len(both["en"]) == len(both["zh"]), "the same evidence, sentence for sentence"
        assert all(not t.CJK.search(e.split("「")[0].split(":")[0]) for e in both["en"]), both["en"]
        assert len(pair["advice_by_language"]["en"]) == len(pair["advice"])
    scores = [p["score"] for p in document["pairs"]]
    assert scores == sorted(scores, reverse=True)
    assert set(document["distinct"]) == {v.slug for v in villages}
    assert all(document["distinct"][slug] for slug in document["distinct"])
    assert report.distinct_by_language["en"]["v2-a"] != report.distinct_by_language["zh"]["v2-a"]
    english = check(villages, language="en").to_json()
    both = [p["evidence_by_language"] for p in document["pairs"]]
    assert [p["evidence_by_language"] for p in english["pairs"]] == both, "the same in a run of either language"
    assert [p["evidence"] for p in english["pairs"]] == [p["evidence_by_language"]["en"] for p in document["pairs"]]


def test_exit_rule_and_text_report():
    report = check(_small_catalog())
    levels = {p.level for p in report.pairs}
    assert "fail" in levels and report.failed("fail") and report.failed("warn")
    quiet = check([v for v in _small_catalog() if v.slug.startswith("v2")])
    assert not quiet.pairs and not quiet.failed("fail") and not quiet.failed("warn")
    text = report.to_text()
    assert "FAIL" in text and "v0-a" in text
    with pytest.raises(ValueError):
        report.failed("error")


def test_warn_only_pairs_fail_only_with_fail_on_warn():
    spec = yaml.safe_load((PAIRS / "same-name-same-county-other-goods.yml").read_text(encoding="utf-8"))
    report = check(pair_villages(spec))
    assert [p.level for p in report.pairs] == ["warn"]
    assert not report.failed("fail") and report.failed("warn")


def test_only_checks_the_named_village_against_all_others():
    villages = _small_catalog()
    report = check(villages, only=["v0-b"])
    assert report.pairs and all(p.a == "v0-b" for p in report.pairs)
    assert set(report.distinct) == {"v0-b"}
    full = {(frozenset((p.a, p.b)), p.score) for p in check(villages).pairs if "v0-b" in (p.a, p.b)}
    assert {(frozenset((p.a, p.b)), p.score) for p in report.pairs} == full
    with pytest.raises(StorefrontError, match="no village named 'nope'"):
        check(villages, only=["nope"])


def test_output_is_deterministic():
    villages = _small_catalog()
    assert check(villages).to_json() == check(list(reversed(villages))).to_json()


def test_thresholds_are_settable_but_a_name_alone_never_fails():
    spec = yaml.safe_load((PAIRS / "soundalike-other-province.yml").read_text(encoding="utf-8"))
    assert [p.level for p in check(pair_villages(spec)).pairs] == ["fail"]
    assert [p.level for p in check(pair_villages(spec), thresholds=Thresholds(fail=0.9)).pairs] == ["warn"]
    assert not check(pair_villages(spec), thresholds=Thresholds(warn=0.9, fail=0.95)).pairs
    name_only = yaml.safe_load((PAIRS / "same-name-same-county-other-goods.yml").read_text(encoding="utf-8"))
    strict = check(pair_villages(name_only), thresholds=Thresholds(fail=0.6))
    assert [p.level for p in strict.pairs] == ["warn"], "no goods shared, nothing copied: at most warn"


# --- the index: cache per digest, LSH equals the vectorised scan --------------------------------


def test_signatures_are_cached_per_digest(tmp_path):
    villages = _small_catalog()
    first = check(villages, cache_dir=tmp_path)
    files = list((tmp_path / "differentiation").glob("signatures-*.npys"))
    assert len(files) == 1
    cache = SignatureCache(tmp_path / "differentiation", Thresholds().num_perm)
    before = set(cache.entries)
    assert len(before) == len({v.digest for v in villages})
    assert len({v.digest for v in villages}) == len(villages) - 1, "v0-a and v1-a are the same profile"
    changed = make_village("v0-b", _merge(BASES["anji-tea"], {"slogan": "换了一句口号"}))
    second = check([villages[0], changed, *villages[2:]], cache_dir=tmp_path)
    after = set(SignatureCache(tmp_path / "differentiation", Thresholds().num_perm).entries)
    assert len(after - before) == 1 and len(before - after) == 1, "only the changed village was re-signed"
    assert check(villages, cache_dir=tmp_path).to_json() == first.to_json()
    assert second.to_json() != first.to_json()


def test_banded_scan_finds_the_same_candidates_as_the_lsh_tables():
    villages = [make_village(name, data) for name, data in BASES.items() if name != "fragments"]
    for path in PAIR_FILES[:20]:
        _a, b = pair_villages(yaml.safe_load(path.read_text(encoding="utf-8")))
        villages.append(Village(path.stem, b.source, b.folder, b.profile, {}, b.digest))
    th = Thresholds()
    signatures = [signature(build_features(record_from_village(v)), th.num_perm) for v in villages]
    index = CandidateIndex(
        Table.of(signatures, th.num_perm), [True] * len(villages), _lsh_thresholds(th), th.num_perm, th.max_block
    )
    shuffled = Table.of(signatures, th.num_perm).take(np.arange(len(villages))[::-1].copy())
    assert shuffled.take(np.arange(len(villages))[::-1].copy()).keys.tolist() == index.parts[0].table.keys.tolist()
    everything = index.all_pairs()
    assert everything, "copies of the bases are proposed"
    for row in range(len(villages)):
        assert index.pairs_for(row) == {p for p in everything if row in p}
    tight = CandidateIndex(
        Table.of(signatures, th.num_perm), [True] * len(villages), _lsh_thresholds(th), th.num_perm, max_block=2
    )
    tight_pairs = tight.all_pairs()
    assert tight_pairs < everything, "blocks over max_block are skipped"
    for row in range(len(villages)):
        assert tight.pairs_for(row) == {p for p in tight_pairs if row in p}


def test_token_counts_by_scan_equal_the_sorted_table():
    villages = [make_village(name, data) for name, data in BASES.items() if name != "fragments"]
    th = Thresholds()
    signatures = [signature(build_features(record_from_village(v)), th.num_perm) for v in villages]
    index = CandidateIndex(
        Table.of(signatures, th.num_perm), [True] * len(villages), _lsh_thresholds(th), th.num_perm, th.max_block
    )
    tokens = sorted(set(np.concatenate([s.tokens for s in signatures]).tolist())) + list(range(1, 20))  # and 19 absent
    assert len(tokens) > SCANS_BEFORE_SORTING, "the test must cross from scanning to the sorted table"
    counted = [index.token_count(t) for t in tokens]  # the first SCANS_BEFORE_SORTING by scanning
    assert index._token_table is not None
    assert counted == [index.token_count(t) for t in tokens]  # all of them from the sorted table
    assert counted[-19:] == [0] * 19 and max(counted) > 1
    assert sum(counted) == sum(len(s.tokens) for s in signatures)


def test_a_stale_or_broken_cache_is_only_a_slower_run(tmp_path):
    villages = _small_catalog()
    folder = tmp_path / "differentiation"
    folder.mkdir()
    (folder / "signatures-v2-affine32-p128.npz").write_bytes(b"an older version")
    first = check(villages, cache_dir=tmp_path)
    assert [f.name for f in folder.glob("signatures-*")] == [SignatureCache(folder, Thresholds().num_perm).path.name]
    assert "v2" not in next(folder.glob("signatures-*")).name, "the older file is gone"
    cache_file = next(folder.glob("signatures-*"))
    cache_file.write_bytes(cache_file.read_bytes()[: cache_file.stat().st_size // 2])  # cut off mid-write
    assert check(villages, cache_dir=tmp_path).to_json() == first.to_json()
    assert len(SignatureCache(folder, Thresholds().num_perm).entries) == len({v.digest for v in villages})


# --- logos: perceptual hashes, mirrored too -----------------------------------------------------


def _logo(path: Path, shift: int = 0, mirror: bool = False, shape: str = "leaf") -> None:
    image = Image.new("RGB", (128, 128), "white")
    draw = ImageDraw.Draw(image)
    if shape == "leaf":
        draw.polygon([(20 + shift, 100), (60, 10), (110, 40), (70, 70)], fill="#2F6B3A")
        draw.ellipse((30, 80, 60, 110), fill="#E8C547")
    else:
        draw.rectangle((10, 10, 60, 118), fill="#1E3A73")
        draw.line((70, 10, 118, 118), fill="#D4483B", width=12)
    if mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    image.save(path)


def _with_logo(tmp_path: Path, slug: str, base: str, **logo) -> Village:
    folder = tmp_path / slug
    (folder / "images").mkdir(parents=True)
    _logo(folder / "images" / "logo.png", **logo)
    data = _merge(BASES[base], {"brand": {"logo": "images/logo.png"}})
    return make_village(slug, data, folder)


def test_mirrored_logo_is_a_copy_and_a_different_logo_is_not(tmp_path):
    original = _with_logo(tmp_path, "original", "anji-tea")
    mirrored = _with_logo(tmp_path, "mirrored", "wuchang-rice", shift=3, mirror=True)
    other = _with_logo(tmp_path, "other", "luochuan-apple", shape="bars")
    report = check([original, mirrored, other], cache_dir=tmp_path / "cache")
    flagged = {frozenset((p.a, p.b)): p for p in report.pairs}
    pair = flagged[frozenset(("original", "mirrored"))]
    assert pair.level == "fail" and pair.signals["logo"] >= 0.8
    assert any("mirrored" in e or "镜像" in e for e in pair.evidence)
    assert frozenset(("original", "other")) not in flagged


def test_a_phone_photo_hashes_as_the_same_photo_made_smaller(tmp_path):
    """A 12 MP JPEG is decoded at a fraction of its size (Image.draft) before hashing: its hashes
    stay within a few bits of the same photo at 1600x1200, and a photo under 1024 pixels a side is
    hashed whole, with the hashes imagehash gives for it."""
    photo = Image.open(REPO / "villages" / "huangdu-white-tea" / "images" / "white-tea-yuqian.jpg").convert("RGB")
    photo.resize((4000, 3000), Image.Resampling.LANCZOS).save(tmp_path / "big.jpg", quality=90)
    photo.resize((1600, 1200), Image.Resampling.LANCZOS).save(tmp_path / "small.jpg", quality=90)
    big, small = hash_image("hero", tmp_path / "big.jpg"), hash_image("hero", tmp_path / "small.jpg")
    assert distance(big, small) <= (4, False)
    assert _bits(big.phash_mirror, small.phash_mirror) <= 4 and _bits(big.dhash_mirror, small.dhash_mirror) <= 4
    whole = hash_image("hero", REPO / "villages" / "huangdu-white-tea" / "images" / "white-tea-yuqian.jpg")
    assert (whole.phash, whole.dhash_mirror) == (
        str(imagehash.phash(photo)),
        str(imagehash.dhash(photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT))),
    )


# --- registries ---------------------------------------------------------------------------------


def test_registry_csv_with_chinese_headers_and_yaml(tmp_path):
    path = tmp_path / "mine.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["省", "市", "县", "镇", "村名", "主营产品", "主色"])
        writer.writerow(["浙江省", "湖州市", "安吉县", "溪龙乡", "皇渡村", "白茶、笋干", "#3F7D4E"])
    registry = load_registry(path)
    assert registry.id == "mine" and len(registry) == 1
    record = registry.records[0]
    assert record.key == "mine:2" and record.colors == ("#3F7D4E",) and record.place.county == "安吉县"
    yml = tmp_path / "list.yml"
    yml.write_text(
        "- name: 皇渡村\n  region: {province: 浙江省, county: 安吉县}\n  categories: [tea]\n  slogan: "
        "一片叶子富了一方百姓\n",
        encoding="utf-8",
    )
    assert load_registry(yml).records[0].slogan == {"zh": "一片叶子富了一方百姓"}
    village = make_village("huangdu", BASES["anji-tea"])
    report = check([village], registries=[load_registry(path), load_registry(yml)])
    assert {p.b for p in report.pairs} == {"mine:2", "list:1"}
    assert all(p.level == "fail" for p in report.pairs), "sound-alike, same goods, same county"
    assert "安吉县" in report.pairs[0].b_label


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "province,county\n浙江省,安吉县\n", r"a.csv:1: no name column"),
        ("b.csv", "name,province,county\n皇渡村,浙江省\n", r"b.csv:2: 2 columns, the header has 3"),
        (
            "c.csv",
            "name,province,county,primary\n皇渡村,浙江省,安吉县,green\n",
            r"c.csv:2: primary 'green' is not a colour",
        ),
        (
            "d.yml",
            "- name: 皇渡村\n  province: 浙江省\n- name: 大溪村\n  provnce: 浙江省\n",
            r"d.yml:3: unknown key 'provnce'",
        ),
        ("e.yml", "- name: [unclosed\n", r"e.yml:\d+: not valid YAML"),
        ("f.txt", "name\n", r"a \.csv or \.yml file"),
        ("g.csv", "name,province,county\n,浙江省,安吉县\n", r"g.csv:2: the village name is empty"),
    ],
)
def test_bad_registry_files_name_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StorefrontError, match=message):
        load_registry(path)


def _vendored(name: str) -> Path:
    return REGISTRIES / name


def test_real_taobao_registries_load_out_of_the_box():
    r2014 = load_registry(_vendored("taobao-villages-2014.csv"))
    r2016 = load_registry(_vendored("taobao-villages-2016.csv"))
    for registry, name in ((r2014, "taobao-villages-2014.csv"), (r2016, "taobao-villages-2016.csv")):
        with _vendored(name).open(encoding="utf-8") as file:
            rows = sum(1 for row in csv.reader(file) if any(row)) - 1
        assert len(registry) + len(registry.skipped) == rows
    assert len(r2014) >= 210 and len(r2016) >= 1300
    assert all("only a region" in s for s in r2014.skipped)
    shoes = [r for r in r2014 if any("鞋" in p.names["zh"] for p in r.products)]
    assert len(shoes) >= 15


def test_a_sound_alike_of_a_real_taobao_village_with_its_product_is_flagged():
    registry = load_registry(_vendored("taobao-villages-2014.csv"))
    target = next(r for r in registry if r.names["zh"] == "培斜村")  # 竹席 in 新罗区, 龙岩市
    data = _merge(
        BASES["anji-daxi"],
        {
            "name": "佩斜村",
            "region": {"province": "福建省", "city": "龙岩市", "county": "新罗区", "township": "小池镇"},
            "products": [
                {
                    "id": "mat",
                    "name": "手工竹席",
                    "category": "bamboo",
                    "description": "本村毛竹劈篾编成。",
                    "price": {"amount": 199},
                }
            ],
        },
    )
    report = check([make_village("peixie", data)], registries=[registry])
    pair = next(p for p in report.pairs if p.b == target.key)
    assert pair.level == "fail" and pair.signals["name"] >= 0.9 and pair.signals["products"] > 0.5


def test_a_village_listed_in_the_registry_is_itself_not_a_rival():
    registry = load_registry(_vendored("taobao-villages-2016.csv"))
    listed = next(r for r in registry if r.place.county == "宜兴市" and r.names["zh"] == "紫砂村")
    data = _merge(
        BASES["danzhai-batik"],
        {
            "name": "紫砂村",
            "region": {
                "province": listed.place.province,
                "city": listed.place.city,
                "county": "宜兴市",
                "township": listed.place.township,
            },
        },
    )
    report = check([make_village("zisha", data)], registries=[registry])
    assert not [p for p in report.pairs if p.b == listed.key]
    assert any(listed.source in s for s in report.distinct["zisha"])


def test_the_sample_villages_are_not_look_alikes():
    from generator.errors import ProfileErrors
    from generator.profile.read import load_catalog

    try:
        catalog = load_catalog(REPO / "villages")
    except ProfileErrors as errors:
        pytest.skip(f"the sample villages do not load right now: {str(errors).splitlines()[0]}")
    registries = [load_registry(_vendored(name)) for name in ("taobao-villages-2014.csv", "taobao-villages-2016.csv")]
    report = check(catalog.villages, registries=registries)
    assert not report.pairs, report.to_text()


def test_the_build_reuses_its_last_report_until_a_brand_changes(tmp_path):
    """A build whose brands did not change takes the last report as it was (a hit is proved by a
    report no check would write); a changed profile, logo, registry or threshold runs the check."""
    import dataclasses
    import os
    import pickle

    from generator.checks.brands import remembered_report
    from generator.profile.model import Catalog

    cache = tmp_path / "cache"
    logo_village = _with_logo(tmp_path, "original", "anji-tea")
    catalog = Catalog((*_small_catalog(), logo_village), "zh")
    registry = load_registry(_vendored("taobao-villages-2014.csv"))
    baseline = (catalog, [registry], Thresholds())
    first = remembered_report(*baseline, cache)
    assert first == check(catalog.villages, [registry])

    def remembered_then_poisoned() -> None:
        remembered_report(*baseline, cache)
        (saved,) = (cache / "differentiation").glob("report-*.pickle")  # only the latest is kept
        saved.write_bytes(pickle.dumps(dataclasses.replace(first, villages=999)))

    remembered_then_poisoned()
    assert remembered_report(*baseline, cache).villages == 999
    edited = Catalog((dataclasses.replace(catalog.villages[0], digest="0" * 64), *catalog.villages[1:]), "zh")
    for changed in [
        (edited, [registry], Thresholds()),
        (catalog, [], Thresholds()),
        (catalog, [registry], Thresholds(warn=0.4)),
    ]:
        remembered_then_poisoned()
        assert remembered_report(*changed, cache).villages == len(catalog.villages)
    remembered_then_poisoned()
    logo = logo_village.folder / "images" / "logo.png"
    os.utime(logo, ns=(1_700_000_000 * 10**9,) * 2)  # a fresh checkout: new stamps, the same bytes
    assert remembered_report(*baseline, cache).villages == 999, "a logo is known by its bytes"
    _logo(logo, shape="bars")  # a replaced logo
    os.utime(logo, ns=(1_700_000_000 * 10**9,) * 2)  # even with the old file's times
    assert remembered_report(*baseline, cache).villages == len(catalog.villages)
    (saved,) = (cache / "differentiation").glob("report-*.pickle")
    saved.write_bytes(b"not a pickle")
    assert remembered_report(*baseline, cache) == first


def test_signature_keys_are_the_same_whether_the_folder_is_named_relative_or_absolute(tmp_path, monkeypatch):
    """`storefront check` names village folders relative to the project, the build absolute: both
    must find the same cached signatures, or each run recomputes every brand image's hash."""
    import dataclasses

    from generator.checks.differentiation.records import village_digest

    village = _with_logo(tmp_path, "original", "anji-tea")
    monkeypatch.chdir(tmp_path)
    assert village_digest(dataclasses.replace(village, folder=Path("original"))) == village_digest(village)


def test_signatures_shared_by_a_plan_job_are_found_after_a_fresh_checkout(tmp_path):
    """A sharded build's plan job computes every signature and shares its cache folder; each shard
    job starts from a fresh checkout, where every file has new stamps (times, inode) and the
    project may lie elsewhere. Its check must find every signature, and recompute only a village
    whose logo's bytes changed."""
    import os
    import shutil

    here, there = tmp_path / "plan", tmp_path / "shard"
    villages = [_with_logo(here, slug, base) for slug, base in (("a", "anji-tea"), ("b", "wuchang-rice"))]
    check(villages, cache_dir=here / "cache")
    shutil.copytree(here, there)  # new inodes and times; a new absolute path too
    for logo in there.glob("*/images/logo.png"):
        os.utime(logo, ns=(1_600_000_000 * 10**9,) * 2)
    moved = [
        make_village(v.slug, _merge(BASES[base], {"brand": {"logo": "images/logo.png"}}), there / v.slug)
        for v, base in zip(villages, ("anji-tea", "wuchang-rice"))
    ]
    folder = there / "cache" / "differentiation"
    signatures = lambda: next(folder.glob("signatures-*")).read_bytes()
    before = signatures()
    check(moved, cache_dir=there / "cache")
    assert signatures() == before, "no signature was computed again"
    _logo(there / "b" / "images" / "logo.png", shape="bars")
    check(moved, cache_dir=there / "cache")
    cache = SignatureCache(folder, Thresholds().num_perm)
    assert len(cache.entries) == 2 and signatures() != before, "b's new logo was signed, a's reused"


# --- second generation (issue 16): words, scripts, colours, registries --------------------------


def test_numbers_and_rare_words_are_read_as_facts():
    from generator.checks.differentiation.content import content_words, number_value, rarity

    assert number_value("1500万") == number_value("一千五百万") == 15_000_000
    assert number_value("一九四七") == 1947 and number_value("一百四十") == 140 and number_value("两百") == 200
    assert number_value("五六") is None, "an estimate is not a number"
    assert rarity("我们") == 0.0 and rarity("茶园") > 0 and rarity("砍花法") > rarity("茶园")
    words = content_words(t.normalize("1947年，李新安用毛驴驮回二百株苹果苗；如今我们村里"))
    assert {"#1947", "#200", "毛驴"} <= set(words) and "我们" not in words and "如今" not in words


def test_traditional_characters_and_pinyin_fold_before_comparing():
    assert t.normalize("一片葉子富了一方百姓") == "一片叶子富了一方百姓"
    assert (
        t.name_core("黃杜村") == "黄杜" and t.name_core("Pái-mò") == "paimo" and t.name_core("Huangdu Cun") == "huangdu"
    )
    assert t.line_key("One leaf that lifted a village!") == t.line_key("one leaf that lifted the village")


def _village_with(slug: str, base: str, **changes) -> Village:
    return make_village(slug, _merge(BASES[base], changes))


def test_a_registry_namesake_without_a_township_is_not_said_to_be_this_village():
    registry = load_registry(_vendored("taobao-villages-2016.csv"))
    listed = next(r for r in registry if r.place.county == "宜兴市" and r.names["zh"] == "紫砂村")
    region = {"province": listed.place.province, "city": listed.place.city, "county": "宜兴市"}
    data = _merge(BASES["danzhai-batik"], {"name": "紫砂村"})
    without = make_village("zisha", {**data, "region": region})
    assert without.profile.region.township is None
    sentences = check([without], registries=[registry]).distinct["zisha"]
    assert not any(s.startswith("本村已列入") for s in sentences)
    assert any("无法确认是不是本村" in s and "region.township" in s for s in sentences)
    with_township = _village_with(
        "zisha", "danzhai-batik", name="紫砂村", region={**region, "township": listed.place.township}
    )
    assert any(s.startswith("本村已列入") for s in check([with_township], registries=[registry]).distinct["zisha"])


def test_a_registry_of_names_only_does_not_count_as_villages_that_sell():
    apples = [
        _village_with(f"apple-{i}", "luochuan-apple", name=f"{'东西南北中上下前后'[i]}塬村", slogan=f"口号{i}")
        for i in range(9)
    ]
    names_only = load_registry(_vendored("taobao-villages-2016.csv"))
    assert not any(r.products for r in names_only), "the 2016 list has no product column"
    alone = check(apples).distinct_by_language
    with_registry = check(apples, registries=[names_only]).distinct_by_language
    for language in ("zh", "en"):
        for slug in alone[language]:
            shown = [s for s in with_registry[language][slug] if "列入" not in s and "lists" not in s]
            assert shown == list(alone[language][slug]), "1,300 rows without products changed the counts"


def test_palette_advice_only_below_an_obvious_difference():
    def pair_with(primary: str, accent: str):
        other = _village_with(
            "neighbour",
            "anji-tea",
            name="白水村",
            region={"township": "天子湖镇"},
            brand={"colors": {"primary": primary, "accent": accent}},
        )
        return check([make_village("huangdu", BASES["anji-tea"]), other]).pairs[0]

    close = pair_with("#427F50", "#E6D07C")  # ΔE00 about 1 from #3F7D4E / #E8D27A
    assert any("几乎一样" in e for e in close.evidence)
    assert any(a.startswith("主色与") for a in close.advice)
    far = pair_with("#2F6E8E", "#F2E3B3")  # ΔE00 above 10: a blue, the same goods and story
    assert not any(a.startswith("主色与") for a in far.advice)


def test_same_main_product_and_colour_in_a_county_is_compared_even_with_other_side_lines():
    original = make_village("huangdu", BASES["anji-tea"])
    shop = _village_with(
        "baishui",
        "anji-daxi",
        name="白水村",
        region={"township": "溪龙乡"},
        brand={"colors": {"primary": "#407D4F", "accent": "#E8D17B"}},
        **{
            "products": [
                {
                    "id": "tea",
                    "name": "安吉白茶",
                    "category": "tea",
                    "description": "自家茶山的春茶。",
                    "price": {"amount": 200},
                },
                {
                    "id": "basket",
                    "name": "竹编茶篮",
                    "category": "bamboo",
                    "description": "老篾匠编的茶篮。",
                    "price": {"amount": 80},
                },
            ]
        },
    )
    (pair,) = check([original, shop]).pairs
    assert pair.level in ("warn", "fail") and pair.signals["palette"] > 0.8
    assert any("几乎一样" in e for e in pair.evidence)


def test_a_shared_badge_template_with_other_names_is_at_most_a_warning(tmp_path):
    from tests.checks.evaluation import load_cases, village_of

    cases = {c.id: c for c in load_cases()}
    honest = [
        village_of(cases["badge-template-two-teas"], m, tmp_path / "a")
        for m in cases["badge-template-two-teas"].members
    ]
    copied = [
        village_of(cases["badge-template-same-text"], m, tmp_path / "b")
        for m in cases["badge-template-same-text"].members
    ]
    (pair,) = check(honest, thresholds=Thresholds(warn=0.05)).pairs  # shown even below the warning
    assert pair.level != "fail" and pair.signals["logo"] > 0.8
    assert any("同一个常用模板" in e for e in pair.evidence)
    assert not any(a.startswith("更换标志") for a in pair.advice) and any("不算抄袭" in a for a in pair.advice)
    (same_text,) = check(copied).pairs
    assert same_text.level == "fail" and not any("模板" in e for e in same_text.evidence)


def test_image_hashes_read_back_from_the_signature_cache_are_the_hashes(tmp_path):
    """The cache keeps image hashes as JSON lists; what it gives back must be what was hashed (a
    logo's fine hash once came back as a list of its hex digits, and scoring it raised)."""
    from generator.checks.differentiation.images import ImageHashes

    for role in ("logo", "hero"):
        _logo(tmp_path / f"{role}.png")
        hashes = hash_image(role, tmp_path / f"{role}.png")
        assert ImageHashes.from_list(json.loads(json.dumps(hashes.to_list()))) == hashes, role
    assert hash_image("logo", tmp_path / "logo.png").fine, "a logo keeps its fine hash"


def test_a_shards_report_is_read_out_of_the_whole_sites_report(tmp_path):
    """The plan job's `storefront check` keeps the whole-site report; a shard's build (its villages
    against all) reads its pairs out of it instead of comparing again, and they are the pairs its
    own check would find."""
    import dataclasses
    import pickle

    from generator.checks.brands import remembered_report
    from generator.profile.model import Catalog

    catalog = Catalog(tuple(_small_catalog()), "zh")
    cache = tmp_path / "cache"
    whole = remembered_report(catalog, [], Thresholds(), cache)  # the plan job
    shard = ["v0-b", "v2-a"]
    own = check(catalog.villages, only=shard)
    key = lambda report: sorted((min(p.a, p.b), max(p.a, p.b), p.score, p.level) for p in report.pairs)
    read = remembered_report(catalog, [], Thresholds(), cache, only=shard)
    assert own.pairs and key(read) == key(own), "the shard's pairs, as its own check finds them"
    assert all(p.a in shard or p.b in shard for p in read.pairs) and len(read.pairs) < len(whole.pairs)
    assert set(read.distinct) <= set(shard)
    (saved,) = (cache / "differentiation").glob("report-*.pickle")
    saved.write_bytes(pickle.dumps(dataclasses.replace(whole, villages=999)))
    assert remembered_report(catalog, [], Thresholds(), cache, only=shard).villages == 999, "read, not compared"
    assert not list((cache / "differentiation").glob("preview-*.pickle")), "no check of the shard ran"
