"""Province shards against one whole build (issue #19): the same synthetic villages built as one
site, then as a CI matrix would build them, one shard after another on this machine.

    .venv/bin/python benchmarks/shards.py --villages 20 --photo-size 800x600      # a quick look (~5 min)
    .venv/bin/python benchmarks/shards.py --photo-size 1600x1200                  # 1,000 villages of 2 MP (~40 min)
    .venv/bin/python benchmarks/shards.py                                         # 1,000 villages of 12 MP (hours)

The villages are benchmarks/fullscale.py's (`synthesize`: seeded, in real provinces, passing the
check), in a project made like tests/conftest.make_project. Each run is its own process, timed
with fullscale.measure, every one from an empty cache, as a fresh CI job starts:

1. the whole site: `storefront build`;
2. the plan job: `storefront check` (every signature computed, the cache folder's `differentiation/`
   kept as the artifact) and `storefront shards --json` (the matrix);
3. each province shard: the artifact put back into an empty cache and the villages' files given
   new times (as a fresh checkout does), then `storefront build --shard
   NAME`; the signature file is compared before and after (the check computed none again when it
   is the same file), and the shard's site weighed (generator/hosting/budget.py `weigh`);
4. the national index: `storefront build --shard index`.

Printed: the seconds of each, the ratio of (2) + (3) + (4) to (1), each shard's size against the
1 GB of GitHub Pages, and one shard's own check (`storefront check --only` its villages) with the
artifact and with an empty cache. Not a test: nothing is asserted; the table goes to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.fullscale import ensure_photos, measure, synthesize, write_villages
from generator.hosting.budget import megabytes, weigh
from tests.conftest import make_project

PAGES_LIMIT = 1_000_000_000
"""GitHub Pages' limit of one site's size (decimal, as GitHub states it)."""
CACHE = Path(".cache/storefront")
ARTIFACT = "differentiation"
"""What the plan job shares: the check's folder of the cache (signatures and the last report)."""


def storefront(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def fresh_cache(project: Path, artifact: Path | None = None) -> None:
    """An empty cache, as a new CI job has, with the plan's artifact in it when given, and the
    villages' files as a fresh checkout leaves them: the same bytes with new file times (git
    writes every file anew, so nothing keyed by a file's stamp survives from one job to the next)."""
    shutil.rmtree(project / CACHE, ignore_errors=True)
    if artifact is not None:
        shutil.copytree(artifact, project / CACHE / ARTIFACT)
    now = time.time_ns()
    for path in (project / "villages").rglob("*"):
        if path.is_file():
            os.utime(path, ns=(now, now))


def signatures_digest(project: Path) -> str:
    """SHA-256 of the signature files: the same before and after means none was computed again
    (the cache writes its file only when something is new)."""
    files = sorted((project / CACHE / ARTIFACT).glob("signatures-*"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=1000, help="synthetic villages (default 1,000)")
    parser.add_argument("--product-photos", type=int, default=3, help="photos of products per village (default 3)")
    parser.add_argument("--photo-size", default="4000x3000", help="WxH of every photo (default 4000x3000, 12 MP)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/storefront-shards"), help="project and photos")
    args = parser.parse_args()
    size = tuple(int(x) for x in args.photo_size.lower().split("x"))
    work = args.workdir.resolve()
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    data, _ = synthesize(args.villages, ["taobao-2014", "taobao-2016"], args.product_photos)
    photos, _ = ensure_photos(work, args.villages, size, args.product_photos)
    project.mkdir()
    make_project(project)
    # synthesize() checks profiles without their photos; with them a pair may reach fail. Both
    # ways of building run the same check, so it reports and does not stop them.
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("fail_on: fail", "fail_on: never"), "utf-8")
    write_villages(project / "villages", data, photos)

    def run(label: str, *command: str) -> float:
        log = logs / (label.replace(" ", "-").replace("/", "-") + ".log")
        return measure(label, storefront(*command), project, log)["seconds"]

    fresh_cache(project)
    whole = run("whole site", "build")
    whole_weight = weigh(project / "site")
    shutil.rmtree(project / "site")

    fresh_cache(project)
    plan = run("plan: check", "check")
    listing_log = logs / "plan-shards.log"
    plan += measure("plan: shards --json", storefront("shards", "--json"), project, listing_log)["seconds"]
    listing = json.loads(listing_log.read_text(encoding="utf-8"))
    artifact = work / "artifact"
    shutil.rmtree(artifact, ignore_errors=True)
    shutil.copytree(project / CACHE / ARTIFACT, artifact)
    shared = signatures_digest(project)

    rows = []
    for shard in listing["shards"]:
        fresh_cache(project, artifact)
        seconds = run(f"shard {shard['name']}", "build", "--shard", shard["name"])
        weight = weigh(project / f"site.{shard['name']}")
        rows.append((shard, seconds, weight.total, signatures_digest(project) == shared))
        shutil.rmtree(project / f"site.{shard['name']}")
    fresh_cache(project, artifact)
    index = run("shard index", "build", "--shard", "index")
    index_weight = weigh(project / "site.index")

    largest = max(rows, key=lambda row: len(row[0]["villages"]))[0]
    fresh_cache(project, artifact)
    check_shared = run("check --only, shared cache", "check", "--only", *largest["villages"])
    fresh_cache(project)
    check_cold = run("check --only, empty cache", "check", "--only", *largest["villages"])

    sharded = plan + sum(row[1] for row in rows) + index
    print(f"\n{args.villages} villages, {args.product_photos} product photos and a hero each, {args.photo_size}")
    print(f"{len(rows)} province shards and the index, built one after another\n")
    print("| run | villages | seconds | site | under 1 GB | signatures computed again |")
    print("|---|---:|---:|---:|---|---|")
    print(
        f"| whole site | {args.villages} | {whole:.1f} | {megabytes(whole_weight.total)} | "
        f"{'yes' if whole_weight.total < PAGES_LIMIT else 'no'} | – |"
    )
    print(f"| plan (check + shards --json) | {args.villages} | {plan:.1f} | – | – | all (the artifact) |")
    for shard, seconds, total, same in rows:
        print(
            f"| shard {shard['name']} ({shard['province']}) | {len(shard['villages'])} | {seconds:.1f} | "
            f"{megabytes(total)} | {'yes' if total < PAGES_LIMIT else 'no'} | {'none' if same else 'some'} |"
        )
    print(f"| index | 0 | {index:.1f} | {megabytes(index_weight.total)} | yes | – |")
    print(f"| **sharded, in all** | {args.villages} | {sharded:.1f} | – | – | – |")
    print(f"\nsharded / whole: {sharded / whole:.2f}x (target ≤ 1.3x)")
    print(
        f"largest shard's check (`check --only`, {len(largest['villages'])} villages of {largest['name']}): "
        f"{check_shared:.1f} s with the artifact, {check_cold:.1f} s from an empty cache "
        f"({check_cold / check_shared:.1f}x)"
    )


if __name__ == "__main__":
    main()
