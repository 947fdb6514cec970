"""Site bytes per village, this code against an older one, built side by side from the same villages.

    git worktree add --detach /tmp/storefront-old 4d257d9     # the code before, beside this checkout
    .venv/bin/python benchmarks/sitebytes.py --old /tmp/storefront-old                 # 20 villages
    .venv/bin/python benchmarks/sitebytes.py --old /tmp/storefront-old --villages 100

The villages are benchmarks/fullscale.py's (seeded; 10 products, a hero and one or two live
sessions each) with its full-scale photos: 12 MP (4000x3000) phone photos, four a village (the
hero and three product photos), drawn once and cached under --workdir. Each code builds them from
an empty cache into a site of its own (`python -m generator build`, the code's own folder first on
PYTHONPATH, with its own mkdocs.yml, docs and theme); both sites are then weighed file by file, as
a host counts them, and sorted into the kinds of generator/hosting/budget.py. With --samples the
sample villages' sites are weighed the same way. Not a test: nothing is asserted; the table goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.fullscale import ensure_photos, synthesize, write_villages
from generator.hosting.budget import megabytes, weigh

PHOTO_SIZE = (4000, 3000)
PRODUCT_PHOTOS = 3  # with the hero, four photos a village: the full-scale benchmark


def build(code: Path, project: Path, site: Path) -> float:
    """`storefront build` of `project` by the code in `code`, from an empty cache; its wall time."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(code), "LANG": "C.UTF-8", "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "generator", "build", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"the build by {code} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def table(title: str, sites: dict[str, Path], villages: int) -> None:
    weights = {label: weigh(site) for label, site in sites.items()}
    (old_label, old), (new_label, new) = weights.items()
    kinds = sorted(set(old.kinds) | set(new.kinds), key=lambda k: -max(old.kinds.get(k, 0), new.kinds.get(k, 0)))
    print(f"\n{title} ({villages} villages)\n")
    print(f"| kind | {old_label}, per village | {new_label}, per village | ratio |")
    print("|---|---|---|---|")
    for kind in kinds:
        a, b = old.kinds.get(kind, 0), new.kinds.get(kind, 0)
        ratio = f"{b / a:.2f}" if a else "new"
        print(f"| {kind} | {megabytes(a // villages)} | {megabytes(b // villages)} | {ratio} |")
    print(
        f"| **whole site** | **{megabytes(old.total // villages)}** ({old.files:,} files in all) | "
        f"**{megabytes(new.total // villages)}** ({new.files:,} files) | **{new.total / old.total:.2f}** |"
    )
    print(f"\nwhole site: {old_label} {megabytes(old.total)}, {new_label} {megabytes(new.total)}")


def project_of(code: Path, folder: Path) -> Path:
    """A project as tests/conftest.make_project makes one, from `code`'s own configuration, docs and
    theme (each code builds with its own templates)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    text = (code / "mkdocs.yml").read_text(encoding="utf-8")
    # The sizes are the question here, not the check: a synthetic pair it would stop must not stop it.
    (folder / "mkdocs.yml").write_text(text.replace("fail_on: fail", "fail_on: never"), encoding="utf-8")
    shutil.copytree(code / "docs", folder / "docs")
    (folder / "theme").symlink_to(code / "theme")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the code to compare with")
    parser.add_argument("--villages", type=int, default=20, help="synthetic villages (default 20)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/storefront-sitebytes"))
    parser.add_argument("--samples", action="store_true", help="also weigh the sample villages' sites")
    args = parser.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    codes = {"old": args.old.resolve(), "new": REPO}
    data, _ = synthesize(args.villages, [], PRODUCT_PHOTOS)
    photos, _ = ensure_photos(work, args.villages, PHOTO_SIZE, PRODUCT_PHOTOS)
    sites = {}
    for label, code in codes.items():
        project = project_of(code, work / f"project-{label}")
        write_villages(project / "villages", data, photos)  # hard links to the cached photos
        sites[label] = work / f"site-{label}"
        shutil.rmtree(sites[label], ignore_errors=True)
        seconds = build(code, project, sites[label])
        print(f"{label} ({code}): built in {seconds:.0f} s", file=sys.stderr, flush=True)
    table(f"Synthetic villages, {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} photos, four a village", sites, args.villages)
    if args.samples:
        samples = {}
        for label, code in codes.items():
            project = project_of(code, work / f"samples-{label}")
            shutil.copytree(code / "villages", project / "villages")
            samples[label] = work / f"samples-site-{label}"
            shutil.rmtree(samples[label], ignore_errors=True)
            build(code, project, samples[label])
        count = sum(1 for p in (REPO / "villages").iterdir() if (p / "village.yml").is_file())
        table("The sample villages", samples, count)


if __name__ == "__main__":
    main()
