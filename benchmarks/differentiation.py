"""Benchmark of the differentiation check: time, peak memory and recall of planted copies.

    .venv/bin/python benchmarks/differentiation.py --sizes 1000 10000 100000 --brute-max 1000

    # old and new side by side: the check of an earlier commit, unpacked beside the project
    mkdir -p /tmp/oldtree && git archive 64eed61 generator | tar -x -C /tmp/oldtree
    .venv/bin/python benchmarks/differentiation.py --sizes 10000 50000 --brute-max 0 --old /tmp/oldtree

    # one changed village against N, as CI runs it: the signatures of N built once, then each edit
    # checked in a fresh process (a new interpreter reading the N profiles, then `check(only=...)`)
    .venv/bin/python benchmarks/differentiation.py --incremental 50000

Synthesizes N villages (real counties from the vendored Taobao registries, random names, stories
built from a phrase grammar so that unrelated stories share common phrasing as real ones do) and
plants copies of several kinds. Each measurement runs in its own process so that peak memory
(ru_maxrss) belongs to it alone. Brute force scores every pair exactly, with the same scorer, and
runs only up to --brute-max (10,000 villages would be 50 million exact comparisons).
Not a test: nothing is asserted; the table goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE_ENV = "STOREFRONT_BENCH_CODE"
"""A folder holding another version of `generator/` to measure instead of the project's (--old)."""
sys.path.insert(0, os.environ.get(CODE_ENV) or str(REPO))

from pypinyin import lazy_pinyin

from generator.profile.model import Village
from generator.profile.schema import profile_adapter

CHARS = (
    "山水田林溪河湖塘坪岭岗坡湾洲桥石松竹梅兰菊桃李杏柳枫桂茶花禾稻麦豆瓜果香甜青红黄白黑"
    "金银玉云霞雾雪春夏秋冬东西南北中上下前后新旧大小长高平安康宁和兴旺福寿喜乐丰盛富贵龙凤鹤鹿马牛羊鸡鸭鱼虾蟹"
)
PRODUCTS = [
    ("tea", "白茶"),
    ("tea", "绿茶"),
    ("tea", "红茶"),
    ("tea", "铁观音"),
    ("rice", "大米"),
    ("rice", "红米"),
    ("fruit", "苹果"),
    ("fruit", "猕猴桃"),
    ("fruit", "脐橙"),
    ("fruit", "杨梅"),
    ("mushrooms", "香菇"),
    ("mushrooms", "木耳"),
    ("honey", "蜂蜜"),
    ("nuts-dried-fruit", "核桃"),
    ("nuts-dried-fruit", "板栗"),
    ("vegetables", "笋干"),
    ("meat-poultry", "腊肉"),
    ("textile", "蜡染"),
    ("handicraft", "竹编"),
    ("ceramics", "陶瓷"),
    ("spices", "花椒"),
]
OPENINGS = ["村子坐落在{p}的山谷里", "这里是{p}最早种{x}的地方", "村口有一棵{n}年的老{t}", "我们村在{p}的河边"]
MIDDLES = [
    "每年{m}月，{x}成熟的时候，全村老少都下地",
    "老人们说，{t}是祖辈从{p}带来的",
    "{x}要在{m}月采收，晾晒{n}天才入仓",
    "村里的{t}节一年一次，家家摆出自家的{x}",
    "山上常年有雾，{x}长得慢，味道也更足",
    "年轻人回村开直播，把{x}卖到了全国",
    "我们坚持手工做{x}，一道工序也不省",
    "村里成立了合作社，统一标准统一包装",
    "{p}的水土养出了这里的{x}",
]
STOCK = [
    "每年春天",
    "老人们说",
    "全村老少",
    "远道而来",
    "一代一代",
    "山高水长",
    "村里的人",
    "到了秋天",
    "手工制作",
    "自然生长",
]
CLOSINGS = ["欢迎来村里做客", "这就是我们的{x}", "一口{x}，一段乡愁", "愿你尝到{p}的味道"]


def _fill(template: str, rng: random.Random, product: str, place: str) -> str:
    return template.format(
        p=place, x=product, t=rng.choice("松柏樟榕槐桂"), m=rng.randint(1, 12), n=rng.randint(3, 500)
    )


def _story(rng: random.Random, product: str, place: str) -> str:
    sentences = [_fill(rng.choice(OPENINGS), rng, product, place)]
    # one stock sentence (of nine), plus stock phrases inside the village's own sentences: the
    # common phrasing of real village stories (unrelated pairs share ~3-5% of their shingles)
    sentences += [_fill(rng.choice(MIDDLES), rng, product, place)]
    for _ in range(7):
        own = "".join(rng.choice(CHARS) for _ in range(rng.randint(10, 18)))
        cut = rng.randrange(len(own))
        sentences.append(own[:cut] + rng.choice(STOCK) + own[cut:])
    sentences.append(_fill(rng.choice(CLOSINGS), rng, product, place))
    rng.shuffle(sentences[1:-1])
    return "。".join(sentences) + "。"


def _regions(rng: random.Random) -> list[dict]:
    path = REPO / "generator" / "data" / "registries" / "taobao-villages-2016.csv"
    if path.is_file():
        with path.open(encoding="utf-8") as file:
            rows = [r for r in csv.DictReader(file) if r["county"]]
        return [{"province": r["province"], "city": r["city"], "county": r["county"]} for r in rows]
    return [
        {"province": f"{c}省", "city": f"{c}{d}市", "county": f"{c}{d}{e}县"}
        for c, d, e in zip(CHARS, CHARS[5:], CHARS[9:])
    ]


def _name_chars() -> tuple[list[str], list[int]]:
    """Characters of real village names with their frequencies, so that names repeat as in life."""
    counts: dict[str, int] = defaultdict(int)
    for name in (REPO / "generator" / "data" / "registries").glob("taobao-villages-*.csv"):
        with name.open(encoding="utf-8") as file:
            for row in csv.DictReader(file):
                for char in row["village"].removesuffix("村"):
                    counts[char] += 1
    for char in CHARS:
        counts[char] += 1
    return list(counts), list(counts.values())


NAME_CHARS, NAME_WEIGHTS = _name_chars()


def _name(rng: random.Random) -> str:
    return "".join(rng.choices(NAME_CHARS, NAME_WEIGHTS, k=2)) + "村"


def _village(rng: random.Random, regions: list[dict], index: int) -> dict:
    name = _name(rng)
    region = rng.choice(regions)
    picked = rng.sample(PRODUCTS, rng.randint(1, 3))
    place = region["county"][:-1]
    products = [
        {
            "id": f"p{i}",
            "name": f"{''.join(rng.sample(CHARS, 2))}{term}",
            "category": cat,
            "description": f"{term}{rng.choice(['口感好', '香气足', '个头大', '无添加'])}。"
            + "".join(rng.choice(CHARS) for _ in range(rng.randint(16, 30))),
            "price": {"amount": rng.randint(10, 500)},
        }
        for i, (cat, term) in enumerate(picked)
    ]
    culture = [
        {
            "name": "".join(rng.sample(CHARS, 2)) + rng.choice(["节", "会", "舞", "宴", "桥", "古道"]),
            "kind": rng.choice(["festival", "craft", "landscape", "custom"]),
            "description": "".join(rng.choice(CHARS) for _ in range(20)),
        }
        for _ in range(2)
    ]
    colour = lambda: "#" + "".join(rng.choice("0123456789ABCDEF") for _ in range(6))
    return {
        "schema": 1,
        "name": name,
        "region": dict(region),
        "slogan": "".join(rng.choice(CHARS) for _ in range(rng.randint(8, 12))),
        "story": _story(rng, picked[0][1], place),
        "culture": culture,
        "products": products,
        "brand": {"colors": {"primary": colour(), "accent": colour()}},
    }


def _homophone(rng: random.Random, name: str) -> str | None:
    by_sound = defaultdict(list)
    for char in NAME_CHARS:
        by_sound[lazy_pinyin(char)[0]].append(char)
    core = name[:-1]
    options = [[c for c in by_sound[lazy_pinyin(ch)[0]] if c != ch] for ch in core]
    if not any(options):
        return None
    i = next(k for k, o in enumerate(options) if o)
    return core[:i] + rng.choice(options[i]) + core[i + 1 :] + "村"


def _paraphrase(rng: random.Random, text: str) -> str:
    sentences = [s for s in text.split("。") if s]
    rng.shuffle(sentences)
    out = []
    for sentence in sentences:
        chars = list(sentence)
        for _ in range(max(1, len(chars) // 8)):  # about one change in eight characters
            chars[rng.randrange(len(chars))] = rng.choice(CHARS)
        out.append("".join(chars))
    return "。".join(out) + "。"


KINDS = ("renamed-copy", "paraphrased-story", "sound-alike-same-county", "copied-slogan", "copied-products")


def synthesize(n: int, seed: int = 7) -> tuple[list[dict], list[tuple[int, int, str]]]:
    """N village profiles, about 1% of them planted copies of another, and the planted pairs."""
    rng = random.Random(seed)
    regions = _regions(rng)
    data = [_village(rng, regions, i) for i in range(n)]
    planted = []
    for k in range(max(10, n // 100)):
        source, target = rng.sample(range(n), 2)
        kind = KINDS[k % len(KINDS)]
        original, copy = data[source], json.loads(json.dumps(data[source], ensure_ascii=False))
        if kind == "renamed-copy":
            copy["name"] = _name(rng)
            copy["region"] = dict(rng.choice(regions))
        elif kind == "paraphrased-story":
            copy = dict(data[target], story=_paraphrase(rng, original["story"]))
        elif kind == "sound-alike-same-county":
            name = _homophone(rng, original["name"])
            if not name:
                continue
            copy = dict(data[target], name=name, region=original["region"], products=original["products"])
        elif kind == "copied-slogan":
            copy = dict(data[target], slogan=original["slogan"])
        elif kind == "copied-products":
            copy = dict(data[target], products=original["products"])
        data[target] = copy
        planted.append((source, target, kind))
    # a village planted twice loses its first role; keep only pairs whose both ends are intact
    last_role = {}
    for i, (_, t, _) in enumerate(planted):
        last_role[t] = i
    planted = [p for i, p in enumerate(planted) if last_role.get(p[1]) == i and p[0] not in last_role]
    return data, planted


def villages_from(data: list[dict]) -> list[Village]:
    adapter = profile_adapter()
    out = []
    for i, profile in enumerate(data):
        digest = hashlib.sha256(json.dumps(profile, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        slug = f"v{i:06d}"
        out.append(
            Village(
                slug,
                f"villages/{slug}/village.yml",
                Path("/nonexistent") / slug,
                adapter.validate_python(profile, context={"language": "zh"}),
                {},
                digest,
            )
        )
    return out


def run(n: int, mode: str) -> dict:
    """One measurement in this process: 'lsh' (cold, warm, one changed village) or 'brute'."""
    from generator.checks.differentiation import Thresholds, check
    from generator.checks.differentiation import engine as check_module
    from generator.checks.differentiation.index import Table

    data, planted = synthesize(n)
    villages = villages_from(data)
    slug = lambda i: f"v{i:06d}"
    wanted = {frozenset((slug(a), slug(b))): kind for a, b, kind in planted}
    result: dict = {"n": n, "mode": mode, "planted": len(wanted)}
    if mode == "lsh":
        with tempfile.TemporaryDirectory() as cache:
            start, cpu = time.perf_counter(), _cpu_s()
            report = check(villages, cache_dir=Path(cache))
            result["cold_s"], result["cold_cpu_s"] = time.perf_counter() - start, _cpu_s() - cpu
            start, cpu = time.perf_counter(), _cpu_s()
            check(villages, cache_dir=Path(cache))
            result["warm_s"], result["warm_cpu_s"] = time.perf_counter() - start, _cpu_s() - cpu
            changed = planted[0][1]
            timings = []
            for _ in range(3):  # a fraction of a second: best of three, so another process's burst does not decide it
                start = time.perf_counter()
                check(villages, cache_dir=Path(cache), only=[slug(changed)])
                timings.append(time.perf_counter() - start)
            result["only_s"] = min(timings)
        flagged = {frozenset((p.a, p.b)) for p in report.pairs}
        failed = {frozenset((p.a, p.b)) for p in report.pairs if p.level == "fail"}
        result["candidates"] = report.compared
    else:
        th = Thresholds()
        start = time.perf_counter()
        corpus = check_module.Corpus(sorted(villages, key=lambda v: v.slug), ())
        signatures = [check_module.signature(corpus.features(row), th.num_perm) for row in range(corpus.size)]
        table = Table.of(signatures, th.num_perm)
        index = check_module.CandidateIndex(
            table, [True] * corpus.size, check_module._lsh_thresholds(th), th.num_perm, th.max_block, th.words_floor
        )
        pairs = [check_module._score(corpus, index, a, b, th, "zh", {}) for a, b in combinations(range(corpus.size), 2)]
        result["cold_s"] = time.perf_counter() - start
        flagged = {frozenset((p.a, p.b)) for p in pairs if p.level != "ok"}
        failed = {frozenset((p.a, p.b)) for p in pairs if p.level == "fail"}
        result["candidates"] = len(pairs)
    result["recall_flagged"] = sum(k in flagged for k in wanted) / len(wanted)
    result["recall_fail"] = sum(k in failed for k in wanted) / len(wanted)
    result["flagged"] = sorted(sorted(p) for p in flagged)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


EDITS = ("slogan", "story")
"""What the incremental runs change in one village: its slogan (its story's words come from the
cache, jieba is never imported) or its story (segmented with the word table the cache keeps, so
jieba is imported but its dictionary is not loaded)."""


def prepare(n: int, cache: Path) -> dict:
    """Every signature of N villages into `cache`: what the last full check or build left there."""
    from generator.checks.differentiation import check

    villages = villages_from(synthesize(n)[0])
    start = time.perf_counter()
    check(villages, cache_dir=cache, only=[villages[0].slug])
    return {"n": n, "prepare_s": time.perf_counter() - start, "peak_mb": _peak_mb()}


def incremental(n: int, cache: Path, edit: str, attempt: int) -> dict:
    """In this fresh process: N villages read, one of them edited, and only that one checked.
    Each attempt makes another edit: the previous attempt's result is in the cache by now."""
    data, planted = synthesize(n)
    target = planted[attempt][1]
    added = f"今年村里又种下了{attempt + 2}片新茶园"
    if edit == "slogan":
        data[target] = dict(data[target], slogan=data[target]["slogan"] + added)
    else:
        data[target] = dict(data[target], story=data[target]["story"] + added + "。")
    villages = villages_from(data)
    start = time.perf_counter()
    from generator.checks.differentiation import check  # the CLI imports it for the check, too

    imported = time.perf_counter()
    report = check(villages, cache_dir=cache, only=[f"v{target:06d}"])
    done = time.perf_counter()
    return {
        "n": n,
        "edit": edit,
        "import_s": imported - start,
        "check_s": done - imported,
        "pairs": len(report.pairs),
        "jieba_loaded": "jieba" in sys.modules,
        "dictionary_loaded": _dictionary_loaded(),
        "scipy_loaded": "scipy" in sys.modules,
        "peak_mb": _peak_mb(),
    }


def _dictionary_loaded() -> bool:
    """Whether jieba loaded its dictionary (an edited story is segmented with the cache's word table
    instead, content.WordTable: jieba imported, its dictionary not)."""
    content = sys.modules.get("generator.checks.differentiation.content")
    return bool(content and content._dictionary.cache_info().currsize)


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the check's segmenting workers):
    on a shared machine, what a run costs whatever else runs beside it."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _incremental_table(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rows = [_subprocess("prepare", n, folder)]
        rows += [_subprocess(f"incremental-{edit}", n, folder, str(k)) for k, edit in enumerate(EDITS * 2)]
    print(f"signatures of {n:,} villages built once in {rows[0]['prepare_s']:.1f} s ({rows[0]['peak_mb']:.0f} MB)")
    print(
        "| N | edited | import of the check (s) | one changed village (s) | jieba imported "
        "| jieba's dictionary loaded | scipy imported | peak memory (MB) |"
    )
    print("|---|---|---:|---:|---|---|---|---:|")
    yes = lambda loaded: "yes" if loaded else "no"
    for r in rows[1:]:
        print(
            f"| {r['n']:,} | {r['edit']} | {r['import_s']:.2f} | {r['check_s']:.2f} | "
            f"{yes(r['jieba_loaded'])} | {yes(r.get('dictionary_loaded'))} | {yes(r.get('scipy_loaded'))} "
            f"| {r['peak_mb']:.0f} |"
        )


def _subprocess(mode: str, n: int, *arguments: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--one", str(n), mode, *arguments], check=True, capture_output=True, text=True
    )
    print(f"done {n} {mode}", file=sys.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--brute-max", type=int, default=1000)
    parser.add_argument("--one", nargs="+", metavar=("N", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--incremental", type=int, metavar="N", help="one changed village against N, each in a fresh process"
    )
    parser.add_argument(
        "--old",
        type=Path,
        help="a folder with an older generator/ (git archive COMMIT generator): measured too, lsh only",
    )
    args = parser.parse_args()
    if args.one:
        n, mode, *more = args.one
        if mode == "prepare":
            result = prepare(int(n), Path(more[0]))
        elif mode.startswith("incremental-"):
            result = incremental(int(n), Path(more[0]), mode.removeprefix("incremental-"), int(more[1]))
        else:
            result = run(int(n), mode)
        print(json.dumps(result))
        return
    if args.incremental:
        _incremental_table(args.incremental)
        return
    rows = []
    for n in args.sizes:
        runs = [(mode, "") for mode in (("brute", "lsh") if n <= args.brute_max else ("lsh",))]
        runs += [("lsh", str(args.old.resolve()))] if args.old else []
        for mode, code in runs:
            output = subprocess.run(
                [sys.executable, __file__, "--one", str(n), mode],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, CODE_ENV: code},
            )
            rows.append({**json.loads(output.stdout.strip().splitlines()[-1]), "code": "old" if code else "new"})
            print(f"done {n} {mode} {'old' if code else 'new'}", file=sys.stderr)
    brute = {r["n"]: r for r in rows if r["mode"] == "brute"}
    print(
        "| N | method | pairs scored | time (s) | vs brute force | warm rerun (s) | one changed village (s) | peak "
        "memory (MB) | recall planted, flagged | recall planted, fail | agreement with brute force |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "cold_cpu_s" in r:
            cpu = f"cold {r['cold_cpu_s']:.1f}, warm {r['warm_cpu_s']:.1f}"
            print(f"{r['n']:,} {r['code']} code, CPU seconds: {cpu}", file=sys.stderr)
    for r in rows:
        base = brute.get(r["n"])
        ratio = (
            f"{r['cold_s'] / base['cold_s']:.3f}x time, {r['peak_mb'] / base['peak_mb']:.2f}x memory"
            if base
            else "brute force not run (infeasible)"
        )
        if r["mode"] == "brute":
            ratio = "1 (baseline)"
        agree = "—"
        if base and r["mode"] == "lsh":
            b_flagged = {tuple(p) for p in base["flagged"]}
            l_flagged = {tuple(p) for p in r["flagged"]}
            agree = f"{len(b_flagged & l_flagged)}/{len(b_flagged)} of brute-force flags found"
        method = "MinHash LSH + blocking" if r["mode"] == "lsh" else "brute force (all pairs)"
        print(
            f"| {r['n']:,} | {method}, {r['code']} code | "
            f"{r['candidates']:,} | {r['cold_s']:.1f} | {ratio} | "
            f"{r.get('warm_s', float('nan')):.1f} | {r.get('only_s', float('nan')):.2f} | {r['peak_mb']:.0f} | "
            f"{r['recall_flagged']:.3f} ({r['planted']}) | {r['recall_fail']:.3f} | {agree} |"
        )


if __name__ == "__main__":
    main()
